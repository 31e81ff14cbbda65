//! The projections integration tests, one binary made of modules, on real PostgreSQL and SQLite
//! (PostgreSQL at 127.0.0.1:5432 with trust auth, or `PEP_TEST_DATABASE_URL`).
//!
//! - `chronology`, `funding`, `notices`: the read models those projectors keep.
//! - `exactly_once`, `rebuild`: the runtime's guarantees (each event applied once, a rebuild
//!   equal to the live tables).
//! - `compliance_and_audit`: the compliance read model and the audit tools (replay, export,
//!   verification).
//! - `support`, `fixtures`, `generator`: the environment, the shared events and a large
//!   generated history the others build on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod chronology;
mod compliance_and_audit;
mod exactly_once;
mod fixtures;
mod funding;
mod generator;
mod notices;
mod rebuild;
