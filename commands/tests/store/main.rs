//! Integration tests of the write side against real PostgreSQL and a SQLite file.
//!
//! One test binary made of modules, so the crate links one test executable: the event store
//! (`concurrency`, `conformance`, `reads`, `tamper`, `unavailability`, `upcasting`) and, in
//! `handlers`, the command handlers and the process manager on top of it. Every PostgreSQL test
//! gets a fresh database (dropped at the end); every SQLite test gets a temporary file.
//! PostgreSQL must be running (see `support`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod concurrency;
mod conformance;
mod handlers;
mod reads;
mod support;
mod tamper;
mod unavailability;
mod upcasting;
