//! Integration tests of the event store against real PostgreSQL and a SQLite file.
//!
//! One test binary made of modules. Every PostgreSQL test gets a fresh database (dropped at the
//! end); every SQLite test gets a temporary file. PostgreSQL must be running (see `support`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod concurrency;
mod conformance;
mod reads;
mod support;
mod tamper;
mod unavailability;
mod upcasting;
