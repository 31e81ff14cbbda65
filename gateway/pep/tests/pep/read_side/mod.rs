//! Integration tests of the read side as the gateway runs it: projectors fed by durable
//! JetStream consumers (real `nats-server` processes started per test) or by the in-process bus,
//! and the `pep migrate`, `pep rebuild` and `pep audit` commands run as the real binary.
//!
//! One test binary made of modules. PostgreSQL must be running and `nats-server` installed;
//! `deploy/local/test.sh` sees to both. Set `TEST_LOG=1` to see the logs.

mod commands;
mod embedded;
pub mod history;
pub mod jetstream_feed;
mod redelivery;
pub mod support;
