//! The `workspace` test binary: guards on the workspace's structure rather than its behaviour,
//! so a change that tangles modules, points a crate dependency the wrong way or creates a table
//! outside the migrations fails `cargo test` with a message saying what to fix, instead of being
//! found in review or not at all.
// A guard fails by panicking with a message naming the file to fix, so unwrap and expect are fine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checker_self_test;
mod crate_layers;
mod import_circles;
mod lexer;
mod migrations;
mod module_graph;
mod tree;
