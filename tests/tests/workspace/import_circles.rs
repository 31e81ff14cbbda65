//! No module import circles anywhere in the workspace.
//!
//! A circle between modules (a uses b, b uses a) means neither can be understood, tested or
//! moved on its own, and it is the first step to a circle between crates when a crate is split.
//! The compiler accepts such circles inside a crate, so only a guard like this one catches them.

use crate::module_graph::{ModuleGraph, crate_targets};
use crate::tree::{read, workspace_members, workspace_root};

/// Every crate target of every workspace member, with its package name from its manifest.
fn all_graphs() -> Vec<ModuleGraph> {
    let root = workspace_root();
    let mut graphs = Vec::new();
    for member in workspace_members() {
        let crate_dir = root.join(&member);
        let manifest_path = crate_dir.join("Cargo.toml");
        let manifest: toml::Table = read(&manifest_path)
            .parse()
            .unwrap_or_else(|error| panic!("parsing {}: {error}", manifest_path.display()));
        let package = manifest
            .get("package")
            .and_then(|package| package.get("name"))
            .and_then(|name| name.as_str())
            .unwrap_or_else(|| panic!("{} has no [package] name", manifest_path.display()))
            .to_owned();
        let mut targets = crate_targets(&package, &crate_dir);
        for graph in &mut targets {
            // Evidence paths relative to the workspace root can be opened straight from the message.
            graph.edges.values_mut().for_each(|evidence| {
                evidence.file = std::path::Path::new(&member).join(&evidence.file)
            });
        }
        graphs.extend(targets);
    }
    graphs
}

#[test]
fn no_module_imports_another_that_imports_it_back() {
    let graphs = all_graphs();
    let circles: Vec<String> = graphs
        .iter()
        .flat_map(|graph| {
            graph
                .circles()
                .into_iter()
                .map(move |circle| graph.describe(&circle))
        })
        .collect();
    assert!(
        circles.is_empty(),
        "{} module import circle(s); break each by moving the shared items into a module both \
         sides use, or by turning one arrow around:\n{}",
        circles.len(),
        circles.join("\n")
    );
}

/// A walker that silently found nothing would pass the circle check trivially, so the walk is
/// checked to have reached the whole tree.
#[test]
fn the_walk_reaches_every_crate_and_its_modules() {
    let graphs = all_graphs();
    let members = workspace_members();
    assert!(
        graphs.len() >= members.len(),
        "only {} crate targets for {} members",
        graphs.len(),
        members.len()
    );
    let domain = graphs
        .iter()
        .find(|graph| graph.label == "domain")
        .expect("the domain crate's graph");
    for module in [
        vec!["child"],
        vec!["child", "decide"],
        vec!["calendar", "deadline"],
    ] {
        let module: Vec<String> = module.into_iter().map(str::to_owned).collect();
        assert!(
            domain.modules.contains_key(&module),
            "the walk missed domain::{}",
            module.join("::")
        );
    }
    assert!(
        !domain
            .modules
            .keys()
            .any(|module| module.last().is_some_and(|name| name == "tests")),
        "test modules should be left out of the graph"
    );
    let edges: usize = graphs.iter().map(|graph| graph.edges.len()).sum();
    assert!(
        edges > 50,
        "only {edges} edges across the workspace; the path matching is likely broken"
    );
}
