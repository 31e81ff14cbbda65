//! Finding import circles in a finished module graph: the strongly connected components of
//! more than one module (Tarjan), then within each the shortest circle through every member,
//! each reported once with the line behind every arrow.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{ModuleGraph, ModulePath, display};

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
