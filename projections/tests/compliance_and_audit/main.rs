//! Integration tests of the compliance read model and the audit tools, on real PostgreSQL and
//! SQLite (PostgreSQL at 127.0.0.1:5432 with trust auth, or `PEP_TEST_DATABASE_URL`), with
//! histories made through the real command handler and a manual clock on the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// The environment (store, handler, read database, event log) is the projections test binary's
// own support module, shared rather than copied.
#[path = "../projections/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;
#[path = "../projections/generator.rs"]
#[allow(dead_code)]
mod generator;
#[path = "../projections/support.rs"]
#[allow(dead_code)]
mod support;

mod bitemporal;
mod export;
mod history;
mod queries;
mod rebuild;
mod rows;
mod statuses;
