//! The support every integration test binary and the benchmark share, written once: the crates'
//! test binaries depend on this library (it depends on none of the gateway's crates, so no
//! circle forms).
//!
//! - [`fresh_database`]: a PostgreSQL database made for one run and dropped afterwards.
//! - [`postgres`]: [`postgres::TestDatabase`], a database per test, dropped even on panic.
//! - [`nats_server`]: a `nats-server` process of the test's own on a free loopback port, to kill,
//!   restart or run at a chosen version.
//! - [`wait`]: bounded waits for eventual consistency.
//! - [`logging`]: tracing output only when `TEST_LOG` is set.
//! - [`keys`]: the suite's RSA and P-256 test keys.
//! - [`legacy`]: databases as older releases left them, to upgrade in place.
//! - [`browser`]: a headless Chromium driven through chromedriver, with axe-core's checks and
//!   screenshots.
//! - [`naive_append`]: the baseline the benchmark compares the group-commit writer against.
// Test support fails a test by panicking, with a message saying what to fix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
pub mod fresh_database;
pub mod keys;
pub mod legacy;
pub mod logging;
pub mod naive_append;
pub mod nats_server;
pub mod postgres;
pub mod wait;
