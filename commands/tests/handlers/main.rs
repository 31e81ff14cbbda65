//! Integration tests of the command handlers and the process manager against real PostgreSQL
//! and a SQLite file: idempotency, stale versions, races, multi-stream atomicity, and the
//! reactions that follow a placement or school change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../store/support.rs"]
#[allow(dead_code)]
mod support;

mod commands_on_streams;
mod fixtures;
mod pep_lifecycle;
mod process_manager;
