//! The module graph of one crate target (a library, `main.rs` or a `src/bin/` binary) and the
//! import circles in it.
//!
//! Nodes are the modules that have a file of their own, found the way the compiler finds them:
//! from the crate root along `mod name;` declarations. An edge A -> B means A's file names a path
//! (`use crate::…`, `use super::…`, `use self::…`, or `crate::…`/`super::…`/`self::…` in code)
//! whose longest known-module prefix is B. A path into an ancestor or a descendant is no edge:
//! a child using its parent's items and a parent using its own children is the ordinary Rust
//! layout, and counting them would make every `mod.rs` part of a circle. Test-only code
//! (`#[cfg(test)]` items and files named `tests.rs` or `*_tests.rs`) is left out, since tests
//! may reach across modules without tangling the code they test.
//!
//! The work is in two parts: [`scan`] reads one file's tokens for its `mod` declarations and
//! the paths it names, and [`circles`] finds the import circles in the finished graph. This
//! file walks the module tree and turns the named paths into edges.

mod circles;
mod scan;

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};

use crate::lexer::tokenize;
use scan::{Scanned, scan, without_test_code};

/// A module path inside its crate: empty for the crate root, `["a", "b"]` for `a::b`.
pub type ModulePath = Vec<String>;

/// Where an edge came from, so a reported circle says which line to change.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub file: PathBuf,
    pub line: usize,
    pub path: String,
}

/// The modules of one crate target and the edges between them.
#[derive(Debug)]
pub struct ModuleGraph {
    pub label: String,
    pub modules: BTreeMap<ModulePath, PathBuf>,
    pub edges: BTreeMap<(ModulePath, ModulePath), Evidence>,
}

/// `a::b`, or `crate` for the root.
pub fn display(module: &ModulePath) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// Every crate target under `crate_dir`: the library, `src/main.rs` and each `src/bin/` binary
/// are separate crates to the compiler, with their own `crate::` and their own module trees.
pub fn crate_targets(package: &str, crate_dir: &Path) -> Vec<ModuleGraph> {
    let src = crate_dir.join("src");
    let mut targets = Vec::new();
    let has_lib = src.join("lib.rs").is_file();
    if has_lib {
        targets.push(build(package.to_owned(), crate_dir, &src.join("lib.rs")));
    }
    if src.join("main.rs").is_file() {
        let label = if has_lib {
            format!("{package} (main.rs)")
        } else {
            package.to_owned()
        };
        targets.push(build(label, crate_dir, &src.join("main.rs")));
    }
    if let Ok(entries) = std::fs::read_dir(src.join("bin")) {
        let mut roots: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter_map(|path| {
                if path.extension().is_some_and(|ext| ext == "rs") {
                    Some(path)
                } else if path.join("main.rs").is_file() {
                    Some(path.join("main.rs"))
                } else {
                    None
                }
            })
            .collect();
        roots.sort();
        for root in roots {
            let name = if root.ends_with("main.rs") {
                root.parent().unwrap().file_name()
            } else {
                root.file_stem()
            };
            let label = format!("{package} (bin {})", name.unwrap().to_string_lossy());
            targets.push(build(label, crate_dir, &root));
        }
    }
    assert!(
        !targets.is_empty(),
        "{} has no src/lib.rs, src/main.rs or src/bin/",
        crate_dir.display()
    );
    targets
}

/// Builds the graph of the crate whose root file is `root`; file paths in the result are
/// relative to `crate_dir`.
pub fn build(label: String, crate_dir: &Path, root: &Path) -> ModuleGraph {
    let mut modules: BTreeMap<ModulePath, PathBuf> = BTreeMap::new();
    let mut scanned: Vec<(ModulePath, PathBuf, Scanned)> = Vec::new();
    let mut queue: VecDeque<(ModulePath, PathBuf)> =
        VecDeque::from([(Vec::new(), root.to_path_buf())]);
    while let Some((module, file)) = queue.pop_front() {
        let source = std::fs::read_to_string(&file)
            .unwrap_or_else(|error| panic!("reading {}: {error}", file.display()));
        let result = scan(&without_test_code(tokenize(&source)));
        let is_root_or_mod_rs =
            module.is_empty() || file.file_name().is_some_and(|name| name == "mod.rs");
        let children_dir = if is_root_or_mod_rs {
            file.parent().unwrap().to_path_buf()
        } else {
            file.with_extension("")
        };
        for (inline, name, line) in &result.declarations {
            let dir = inline
                .iter()
                .fold(children_dir.clone(), |dir, inline| dir.join(inline));
            let flat = dir.join(format!("{name}.rs"));
            let nested = dir.join(name).join("mod.rs");
            let child_file = if flat.is_file() {
                flat
            } else if nested.is_file() {
                nested
            } else {
                panic!(
                    "{}:{line} declares `mod {name};` but neither {} nor {} exists; if it uses #[path], \
                     teach tests/tests/workspace/module_graph.rs to follow it",
                    file.display(),
                    flat.display(),
                    nested.display()
                )
            };
            if is_test_file(&child_file) {
                continue;
            }
            let mut child = module.clone();
            child.extend(inline.iter().cloned());
            child.push(name.clone());
            queue.push_back((child, child_file));
        }
        let relative = file.strip_prefix(crate_dir).unwrap_or(&file).to_path_buf();
        modules.insert(module.clone(), relative.clone());
        scanned.push((module, relative, result));
    }

    let mut edges = BTreeMap::new();
    for (module, file, result) in scanned {
        for reference in result.references {
            let mut current = module.clone();
            current.extend(reference.inline.iter().cloned());
            let Some(absolute) = resolve(&current, &reference.segments) else {
                continue;
            };
            let target = longest_known_prefix(&modules, &absolute);
            if target == module || is_ancestor(&target, &module) || is_ancestor(&module, &target) {
                continue;
            }
            edges
                .entry((module.clone(), target))
                .or_insert_with(|| Evidence {
                    file: file.clone(),
                    line: reference.line,
                    path: reference.segments.join("::"),
                });
        }
    }
    ModuleGraph {
        label,
        modules,
        edges,
    }
}

/// Files kept for tests by name are not part of the code whose layering is guarded.
fn is_test_file(path: &Path) -> bool {
    path.file_stem().is_some_and(|stem| {
        let stem = stem.to_string_lossy();
        stem == "tests" || stem.ends_with("_tests")
    })
}

/// True when `ancestor` is a strict prefix of `module`.
fn is_ancestor(ancestor: &ModulePath, module: &ModulePath) -> bool {
    ancestor.len() < module.len() && module.starts_with(ancestor)
}

/// Turns `crate::…`, `self::…` and `super::…` into an absolute module path; any other path
/// names another crate or a child module (which is never an edge), so it resolves to nothing.
fn resolve(current: &ModulePath, segments: &[String]) -> Option<ModulePath> {
    let (first, rest) = segments.split_first()?;
    let mut absolute = match first.as_str() {
        "crate" => Vec::new(),
        "self" => current.clone(),
        "super" => {
            let mut parent = current.clone();
            parent.pop()?;
            parent
        }
        _ => return None,
    };
    for segment in rest {
        match segment.as_str() {
            "super" => {
                absolute.pop()?;
            }
            "self" => {}
            _ => absolute.push(segment.clone()),
        }
    }
    Some(absolute)
}

fn longest_known_prefix(modules: &BTreeMap<ModulePath, PathBuf>, path: &ModulePath) -> ModulePath {
    (0..=path.len())
        .rev()
        .map(|len| path[..len].to_vec())
        .find(|prefix| modules.contains_key(prefix))
        .unwrap_or_default()
}
