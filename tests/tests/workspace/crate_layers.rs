//! Crate dependency arrows run one way: from the binary down through the gateway's crates to
//! `commands`, `projections` and, at the bottom, `domain`.
//!
//! Cargo forbids circles between crates but not arrows that point the wrong way, such as the
//! domain model depending on a gateway crate, or the HTTP crate reaching into the binary.
//! Each such arrow couples a lower crate to a higher one's changes, and it is the arrow that
//! later becomes a circle. The dependencies are read with `cargo metadata`, so the check sees
//! exactly what Cargo sees.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde::Deserialize;

use crate::tree::workspace_root;

/// The intended layering, lowest first. A crate may depend (as a normal dependency) only on
/// crates in lower layers; crates in the same layer are independent of each other, so each can
/// change without the others noticing.
///
/// 0. `domain`: the rules, with no I/O, depending on nothing else here.
/// 1. `commands` (the write side) and `projections` (the read side): both build on the domain
///    and neither on the other, so reads and writes can change separately.
/// 2. `pep-reference`, `pep-records` and `pep-documents`: the gateway's reference data, its
///    own tables, and printable documents (which know nothing of the rest).
/// 3. `pep-messaging`, `pep-auth`, `pep-inbound`: the bus, tokens and inbound files.
/// 4. `pep-notify`: notices and webhooks, which use records and messaging.
/// 5. `pep-http`: the API, which composes everything beneath it.
/// 6. `pep-web`: the web pages, which reuse the API's state, authorisation and access log, so
///    a page can never show what the API would refuse.
/// 7. `pep`: the binary, which nothing may depend on.
const LAYERS: &[&[&str]] = &[
    &["domain"],
    &["commands", "projections"],
    &["pep-reference", "pep-records", "pep-documents"],
    &["pep-messaging", "pep-auth", "pep-inbound"],
    &["pep-notify"],
    &["pep-http"],
    &["pep-web"],
    &["pep"],
];

/// The shared test-support library sits beside the layers rather than in them: the crates' test
/// binaries depend on it (as dev-dependencies, which are not checked here), so it may depend
/// only on the crates below the gateway, or a gateway crate's tests would form a circle.
const TEST_SUPPORT: &str = "tests";
const TEST_SUPPORT_MAY_USE: &[&str] = &["domain", "commands", "projections"];

#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    manifest_path: String,
    dependencies: Vec<Dependency>,
}

#[derive(Debug, Deserialize)]
struct Dependency {
    name: String,
    /// `None` for a normal dependency, `"dev"` or `"build"` otherwise.
    kind: Option<String>,
}

/// The workspace's packages and, for each, its normal dependencies on other workspace packages.
fn workspace_dependencies() -> (Vec<Package>, BTreeMap<String, BTreeSet<String>>) {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
            "--manifest-path",
            manifest,
        ])
        .output()
        .expect("running cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Metadata = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let names: BTreeSet<String> = metadata
        .packages
        .iter()
        .map(|package| package.name.clone())
        .collect();
    let dependencies = metadata
        .packages
        .iter()
        .map(|package| {
            let internal = package
                .dependencies
                .iter()
                .filter(|dependency| dependency.kind.is_none() && names.contains(&dependency.name))
                .map(|dependency| dependency.name.clone())
                .collect();
            (package.name.clone(), internal)
        })
        .collect();
    (metadata.packages, dependencies)
}

fn layer_of(package: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&package))
}

#[test]
fn every_dependency_points_to_a_lower_layer() {
    let (_, dependencies) = workspace_dependencies();
    let mut wrong = Vec::new();
    for (package, uses) in &dependencies {
        if package == TEST_SUPPORT {
            continue;
        }
        let Some(layer) = layer_of(package) else {
            wrong.push(format!(
                "{package} is in no layer: add it to LAYERS in tests/tests/workspace/crate_layers.rs"
            ));
            continue;
        };
        for used in uses {
            match layer_of(used) {
                Some(used_layer) if used_layer < layer => {}
                Some(used_layer) => wrong.push(format!(
                    "{package} (layer {layer}) depends on {used} (layer {used_layer}); a crate may \
                     depend only on lower layers, so move the shared code down or the dependency out"
                )),
                None => wrong.push(format!("{package} depends on {used}, which is in no layer")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "crate dependencies against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_layered_crate_exists() {
    let (_, dependencies) = workspace_dependencies();
    let missing: Vec<&str> = LAYERS
        .iter()
        .flat_map(|layer| layer.iter().copied())
        .filter(|name| !dependencies.contains_key(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "LAYERS names crates the workspace no longer has: {missing:?}; update tests/tests/workspace/crate_layers.rs"
    );
}

#[test]
fn nothing_depends_on_the_binary_or_the_test_support() {
    let (_, dependencies) = workspace_dependencies();
    for (package, uses) in &dependencies {
        assert!(
            !uses.contains("pep"),
            "{package} depends on `pep`, the binary; move what it needs into a library crate"
        );
        assert!(
            !uses.contains(TEST_SUPPORT),
            "{package} has `tests` as a normal dependency; make it a [dev-dependencies] entry"
        );
    }
    let support = &dependencies[TEST_SUPPORT];
    let allowed: BTreeSet<String> = TEST_SUPPORT_MAY_USE
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    assert!(
        support.is_subset(&allowed),
        "the tests crate depends on {:?}; it may use only {allowed:?}, or a gateway crate's tests would form a circle",
        support.difference(&allowed).collect::<Vec<_>>()
    );
}

#[test]
fn the_core_crates_depend_only_downwards() {
    let (_, dependencies) = workspace_dependencies();
    let names = |list: &[&str]| {
        list.iter()
            .map(|name| (*name).to_owned())
            .collect::<BTreeSet<String>>()
    };
    assert!(
        dependencies["domain"].is_empty(),
        "domain must depend on no workspace crate, but uses {:?}",
        dependencies["domain"]
    );
    assert!(
        dependencies["commands"].is_subset(&names(&["domain"])),
        "commands may depend only on domain, but uses {:?}",
        dependencies["commands"]
    );
    assert!(
        dependencies["projections"].is_subset(&names(&["domain"])),
        "projections may depend only on domain (not commands: reads and writes change separately), but uses {:?}",
        dependencies["projections"]
    );
}

#[test]
fn only_the_binary_and_the_web_pages_depend_on_the_http_crate() {
    let (_, dependencies) = workspace_dependencies();
    let users: Vec<&String> = dependencies
        .iter()
        .filter(|(package, uses)| {
            !["pep", "pep-web"].contains(&package.as_str()) && uses.contains("pep-http")
        })
        .map(|(package, _)| package)
        .collect();
    assert!(
        users.is_empty(),
        "only `pep` and `pep-web` may depend on pep-http, but so do {users:?}"
    );
}

#[test]
fn the_gateway_is_split_into_crates() {
    let (packages, _) = workspace_dependencies();
    let gateway = workspace_root().join("gateway");
    let under_gateway: Vec<&str> = packages
        .iter()
        .filter(|package| std::path::Path::new(&package.manifest_path).starts_with(&gateway))
        .map(|package| package.name.as_str())
        .collect();
    assert!(
        under_gateway.len() >= 4,
        "only {under_gateway:?} have manifests under gateway/; the gateway is meant to stay split into crates with one job each"
    );
}
