//! Shared helpers for the end-to-end test binaries and the benchmark.
//!
//! - [`fresh_database`]: a PostgreSQL database made for one run and dropped afterwards.
//! - [`naive_append`]: the baseline the benchmark compares the group-commit writer against.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod fresh_database;
pub mod naive_append;
