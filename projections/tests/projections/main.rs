//! The projections integration tests, one binary made of modules, on real PostgreSQL and SQLite
//! (PostgreSQL at 127.0.0.1:5432 with trust auth, or `PEP_TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod chronology;
mod exactly_once;
mod fixtures;
mod funding;
mod generator;
mod notices;
mod rebuild;
