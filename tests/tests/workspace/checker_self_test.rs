//! The import-circle checker run on small trees written to a temporary directory, so the guard
//! is known to find a circle when there is one and to pass the ordinary parent/child layout;
//! a guard that never fails would look the same as a clean tree.

use std::path::Path;

use crate::module_graph::{ModuleGraph, build, display};

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn graph_of(files: &[(&str, &str)]) -> ModuleGraph {
    let dir = tempfile::tempdir().unwrap();
    for (relative, text) in files {
        write(dir.path(), relative, text);
    }
    build(
        "synthetic".to_owned(),
        dir.path(),
        &dir.path().join("src/lib.rs"),
    )
}

fn circles_as_text(graph: &ModuleGraph) -> Vec<String> {
    graph
        .circles()
        .iter()
        .map(|circle| circle.iter().map(display).collect::<Vec<_>>().join(" -> "))
        .collect()
}

#[test]
fn a_circle_between_siblings_is_found_and_described() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("src/a.rs", "use crate::b::Thing;\npub struct Other;\n"),
        (
            "src/b.rs",
            "pub struct Thing;\nfn f() -> super::c::Third { todo!() }\n",
        ),
        (
            "src/c.rs",
            "pub struct Third;\nfn g() { let _ = crate::a::Other; }\n",
        ),
    ]);
    assert_eq!(circles_as_text(&graph), vec!["a -> b -> c -> a"]);
    let description = graph.describe(&graph.circles()[0]);
    assert!(
        description.starts_with("synthetic: a -> b -> c -> a"),
        "{description}"
    );
    assert!(
        description.contains("src/b.rs:2 names `super::c::Third`"),
        "{description}"
    );
}

#[test]
fn a_circle_through_nested_modules_and_use_groups_is_found() {
    let graph = graph_of(&[
        ("src/lib.rs", "pub mod x;\n"),
        ("src/x/mod.rs", "mod one;\nmod two;\n"),
        ("src/x/one.rs", "use super::{two::{self, Two}};\n"),
        (
            "src/x/two/mod.rs",
            "use self::inner::Two as _;\nmod inner;\npub use crate::x::one::*;\n",
        ),
        ("src/x/two/inner.rs", "pub struct Two;\n"),
    ]);
    assert_eq!(circles_as_text(&graph), vec!["x::one -> x::two -> x::one"]);
}

#[test]
fn parents_and_children_using_each_other_are_not_a_circle() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod p;\npub use p::Thing;\n"),
        (
            "src/p/mod.rs",
            "mod c;\npub struct Thing;\npub use self::c::Made;\nfn f() -> c::Made { todo!() }\n",
        ),
        (
            "src/p/c.rs",
            "use super::Thing;\npub struct Made(crate::p::Thing);\n",
        ),
    ]);
    assert!(
        graph.edges.is_empty(),
        "{:?}",
        graph.edges.keys().collect::<Vec<_>>()
    );
    assert!(circles_as_text(&graph).is_empty());
}

#[test]
fn comments_strings_and_test_code_do_not_make_a_circle() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "use crate::b::Thing;\n"),
        (
            "src/b.rs",
            "pub struct Thing;\n// crate::a::Other\n/* use crate::a; */\nconst S: &str = \"crate::a::Other\";\n\
             #[cfg(test)]\nmod tests {\n    use crate::a::Other;\n}\n#[cfg(test)]\nmod more_tests;\n",
        ),
        ("src/b/more_tests.rs", "use crate::a::Other;\n"),
    ]);
    assert!(
        circles_as_text(&graph).is_empty(),
        "{:?}",
        graph.edges.keys().collect::<Vec<_>>()
    );
    assert_eq!(graph.edges.len(), 1);
}
