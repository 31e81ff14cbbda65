//! Where the real tree is: the workspace root and its member crates, read from the root
//! `Cargo.toml` so that a crate added to the workspace is guarded without editing these tests.

use std::path::{Path, PathBuf};

/// The workspace root, found from this crate's own directory so the guards read the real tree
/// wherever the checkout lives.
pub fn workspace_root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .canonicalize()
        .expect("the workspace root (the parent of the tests crate) exists")
}

/// The member crates' directories, relative to the workspace root, exactly as the root
/// `Cargo.toml` lists them.
pub fn workspace_members() -> Vec<String> {
    let manifest_path = workspace_root().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", manifest_path.display()));
    let manifest: toml::Table = text
        .parse()
        .unwrap_or_else(|error| panic!("parsing {}: {error}", manifest_path.display()));
    let members = manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("members"))
        .and_then(|members| members.as_array())
        .unwrap_or_else(|| {
            panic!(
                "{} has no [workspace] members list",
                manifest_path.display()
            )
        });
    members
        .iter()
        .map(|member| {
            member
                .as_str()
                .unwrap_or_else(|| panic!("workspace member {member} is not a string"))
                .to_owned()
        })
        .collect()
}

/// Reads a file the guards need, failing with the path rather than a bare I/O error.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}
