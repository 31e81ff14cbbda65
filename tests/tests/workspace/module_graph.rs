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

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use crate::lexer::{Spanned, Token, tokenize};

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

/// A path named in a file, with the inline modules it sits in (which `self` and `super` are
/// relative to) and its line.
struct Reference {
    inline: Vec<String>,
    segments: Vec<String>,
    line: usize,
}

/// What one file declares and names.
struct Scanned {
    declarations: Vec<(Vec<String>, String, usize)>,
    references: Vec<Reference>,
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

fn is_punct(tokens: &[Spanned], index: usize, c: char) -> bool {
    tokens
        .get(index)
        .is_some_and(|spanned| spanned.token == Token::Punct(c))
}

fn is_ident(tokens: &[Spanned], index: usize, word: &str) -> bool {
    matches!(tokens.get(index), Some(Spanned { token: Token::Ident(found), .. }) if found == word)
}

fn ident_at(tokens: &[Spanned], index: usize) -> Option<&str> {
    match tokens.get(index) {
        Some(Spanned {
            token: Token::Ident(word),
            ..
        }) => Some(word),
        _ => None,
    }
}

/// Index just past a bracketed group that opens at `open`.
fn skip_group(tokens: &[Spanned], open: usize) -> usize {
    let mut depth = 0usize;
    let mut index = open;
    while index < tokens.len() {
        match tokens[index].token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index + 1;
                }
            }
            _ => {}
        }
        index += 1;
    }
    index
}

/// True when the tokens at `index` are exactly `#[cfg(test)]` (or `#![cfg(test)]`).
fn cfg_test_at(tokens: &[Spanned], index: usize) -> Option<(bool, usize)> {
    if !is_punct(tokens, index, '#') {
        return None;
    }
    let inner = is_punct(tokens, index + 1, '!');
    let at = if inner { index + 2 } else { index + 1 };
    let matches = is_punct(tokens, at, '[')
        && is_ident(tokens, at + 1, "cfg")
        && is_punct(tokens, at + 2, '(')
        && is_ident(tokens, at + 3, "test")
        && is_punct(tokens, at + 4, ')')
        && is_punct(tokens, at + 5, ']');
    matches.then_some((inner, at + 6))
}

/// Drops every item marked `#[cfg(test)]`; a file marked `#![cfg(test)]` is dropped whole.
fn without_test_code(tokens: Vec<Spanned>) -> Vec<Spanned> {
    let mut kept = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        let Some((inner, mut after)) = cfg_test_at(&tokens, index) else {
            kept.push(tokens[index].clone());
            index += 1;
            continue;
        };
        if inner {
            return Vec::new();
        }
        // Further attributes belong to the same item.
        while is_punct(&tokens, after, '#') && is_punct(&tokens, after + 1, '[') {
            after = skip_group(&tokens, after + 1);
        }
        // The item ends at a `;` or `,` outside brackets, after its closing `}`, or where the
        // enclosing bracket closes (a field or argument at the end of a list).
        let mut depth = 0usize;
        while after < tokens.len() {
            match tokens[after].token {
                Token::Punct('(' | '[' | '{') => depth += 1,
                Token::Punct(close @ (')' | ']' | '}')) => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    if depth == 0 && close == '}' {
                        after += 1;
                        break;
                    }
                }
                Token::Punct(';' | ',') if depth == 0 => {
                    after += 1;
                    break;
                }
                _ => {}
            }
            after += 1;
        }
        index = after;
    }
    kept
}

/// Finds the file's `mod name;` declarations and the paths it names.
fn scan(tokens: &[Spanned]) -> Scanned {
    let mut declarations = Vec::new();
    let mut references = Vec::new();
    // The inline `mod name { … }` blocks the scan is inside, with the brace depth each opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut index = 0;
    let names = |inline: &[(String, usize)]| {
        inline
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    while index < tokens.len() {
        let line = tokens[index].line;
        if is_ident(tokens, index, "mod")
            && let Some(name) = ident_at(tokens, index + 1)
        {
            if is_punct(tokens, index + 2, ';') {
                declarations.push((names(&inline), name.to_owned(), line));
                index += 3;
                continue;
            }
            if is_punct(tokens, index + 2, '{') {
                depth += 1;
                inline.push((name.to_owned(), depth));
                index += 3;
                continue;
            }
        }
        match &tokens[index].token {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                if inline.last().is_some_and(|(_, opened)| *opened == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Token::Ident(word) if word == "use" => {
                let mut paths = Vec::new();
                let end = parse_use_tree(tokens, index + 1, Vec::new(), &mut paths);
                for segments in paths {
                    references.push(Reference {
                        inline: names(&inline),
                        segments,
                        line,
                    });
                }
                index = end.max(index + 1);
                continue;
            }
            Token::Ident(word) if matches!(word.as_str(), "crate" | "self" | "super") => {
                let after_separator = index > 0 && tokens[index - 1].token == Token::PathSep;
                if !after_separator
                    && tokens
                        .get(index + 1)
                        .is_some_and(|next| next.token == Token::PathSep)
                {
                    let mut segments = vec![word.clone()];
                    let mut at = index + 1;
                    while tokens
                        .get(at)
                        .is_some_and(|token| token.token == Token::PathSep)
                    {
                        let Some(segment) = ident_at(tokens, at + 1) else {
                            break;
                        };
                        segments.push(segment.to_owned());
                        at += 2;
                    }
                    references.push(Reference {
                        inline: names(&inline),
                        segments,
                        line,
                    });
                    index = at;
                    continue;
                }
            }
            _ => {}
        }
        index += 1;
    }
    Scanned {
        declarations,
        references,
    }
}

/// Parses one use tree starting at `index` under `prefix`, appending each full path it imports
/// (`use a::{b, c::*}` imports `a::b` and `a::c`); returns the index after the tree.
fn parse_use_tree(
    tokens: &[Spanned],
    mut index: usize,
    prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    if tokens
        .get(index)
        .is_some_and(|token| token.token == Token::PathSep)
    {
        index += 1;
    }
    loop {
        match tokens.get(index).map(|token| &token.token) {
            Some(Token::Ident(name)) => {
                // `self` in a group (`use a::{self, b}`) imports the group's own prefix.
                if name != "self" || path.is_empty() {
                    path.push(name.clone());
                }
                index += 1;
                if tokens
                    .get(index)
                    .is_some_and(|token| token.token == Token::PathSep)
                {
                    index += 1;
                    continue;
                }
                if is_ident(tokens, index, "as") {
                    index += 2;
                }
                out.push(path);
                return index;
            }
            Some(Token::Punct('*')) => {
                out.push(path);
                return index + 1;
            }
            Some(Token::Punct('{')) => {
                index += 1;
                while index < tokens.len() && !is_punct(tokens, index, '}') {
                    let next = parse_use_tree(tokens, index, path.clone(), out);
                    index = next.max(index + 1);
                    if is_punct(tokens, index, ',') {
                        index += 1;
                    }
                }
                return index + 1;
            }
            _ => {
                if !path.is_empty() {
                    out.push(path);
                }
                return index;
            }
        }
    }
}

impl ModuleGraph {
    /// Every import circle, each as the modules along it with the first module repeated at the
    /// end, found as the strongly connected components of more than one module (Tarjan) and
    /// then, within each, the shortest circle through every member.
    pub fn circles(&self) -> Vec<Vec<ModulePath>> {
        let mut adjacency: BTreeMap<&ModulePath, Vec<&ModulePath>> = BTreeMap::new();
        for (from, to) in self.edges.keys() {
            adjacency.entry(from).or_default().push(to);
        }
        let mut found = BTreeSet::new();
        for component in strongly_connected(&self.modules.keys().collect::<Vec<_>>(), &adjacency) {
            if component.len() < 2 {
                continue;
            }
            let members: BTreeSet<&ModulePath> = component.iter().copied().collect();
            for start in &component {
                if let Some(circle) = shortest_circle(start, &members, &adjacency) {
                    found.insert(rotate_to_smallest(circle));
                }
            }
        }
        found.into_iter().collect()
    }

    /// A circle as `label: a::b -> c -> a::b`, then the line behind each arrow.
    pub fn describe(&self, circle: &[ModulePath]) -> String {
        let names: Vec<String> = circle.iter().map(display).collect();
        let mut text = format!("{}: {}", self.label, names.join(" -> "));
        for pair in circle.windows(2) {
            let evidence = &self.edges[&(pair[0].clone(), pair[1].clone())];
            text.push_str(&format!(
                "\n    {} -> {}: {}:{} names `{}`",
                display(&pair[0]),
                display(&pair[1]),
                evidence.file.display(),
                evidence.line,
                evidence.path
            ));
        }
        text
    }
}

/// `a::b`, or `crate` for the root.
pub fn display(module: &ModulePath) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// Tarjan's algorithm; the graphs are a few dozen modules, so recursion depth is no concern.
fn strongly_connected<'a>(
    nodes: &[&'a ModulePath],
    adjacency: &BTreeMap<&'a ModulePath, Vec<&'a ModulePath>>,
) -> Vec<Vec<&'a ModulePath>> {
    struct State<'a> {
        index: BTreeMap<&'a ModulePath, usize>,
        low: BTreeMap<&'a ModulePath, usize>,
        stack: Vec<&'a ModulePath>,
        on_stack: BTreeSet<&'a ModulePath>,
        components: Vec<Vec<&'a ModulePath>>,
    }
    fn visit<'a>(
        node: &'a ModulePath,
        adjacency: &BTreeMap<&'a ModulePath, Vec<&'a ModulePath>>,
        state: &mut State<'a>,
    ) {
        let number = state.index.len();
        state.index.insert(node, number);
        state.low.insert(node, number);
        state.stack.push(node);
        state.on_stack.insert(node);
        for &next in adjacency.get(node).map(Vec::as_slice).unwrap_or_default() {
            if !state.index.contains_key(next) {
                visit(next, adjacency, state);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member);
                if member == node {
                    break;
                }
            }
            component.sort();
            state.components.push(component);
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for &node in nodes {
        if !state.index.contains_key(node) {
            visit(node, adjacency, &mut state);
        }
    }
    state.components
}

/// Breadth-first search from `start` back to itself, staying inside one component.
fn shortest_circle(
    start: &ModulePath,
    members: &BTreeSet<&ModulePath>,
    adjacency: &BTreeMap<&ModulePath, Vec<&ModulePath>>,
) -> Option<Vec<ModulePath>> {
    let mut came_from: BTreeMap<&ModulePath, &ModulePath> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in adjacency.get(node).map(Vec::as_slice).unwrap_or_default() {
            if !members.contains(next) {
                continue;
            }
            if next == start {
                // Walk back from the last hop to `start`, then close the circle.
                let mut path = vec![node.clone()];
                let mut at = node;
                while at != start {
                    at = came_from[at];
                    path.push(at.clone());
                }
                path.reverse();
                path.push(start.clone());
                return Some(path);
            }
            if next != start && !came_from.contains_key(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}

/// The same circle found from different members is reported once, starting at its smallest.
fn rotate_to_smallest(circle: Vec<ModulePath>) -> Vec<ModulePath> {
    let mut ring = circle[..circle.len() - 1].to_vec();
    let smallest = (0..ring.len()).min_by_key(|&at| &ring[at]).unwrap_or(0);
    ring.rotate_left(smallest);
    let first = ring[0].clone();
    ring.push(first);
    ring
}
