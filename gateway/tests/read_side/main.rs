//! Integration tests of the read side as the gateway runs it: projectors fed by durable
//! JetStream consumers (real `nats-server` processes started per test) or by the in-process bus,
//! and the `pep migrate`, `pep rebuild` and `pep audit` commands run as the real binary.
//!
//! One test binary made of modules. PostgreSQL must be running and `nats-server` installed;
//! `deploy/local/test.sh` sees to both. Set `TEST_LOG=1` to see the logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod commands;
mod embedded;
mod history;
mod jetstream_feed;
#[path = "../relay/nats_server.rs"]
mod nats_server;
mod redelivery;
// Shared with the relay tests: databases, relays with short timings, bounded waits. Not every
// helper is used here.
#[allow(dead_code)]
#[path = "../relay/support.rs"]
mod relay_support;
mod support;
