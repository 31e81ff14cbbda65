//! Integration tests of the relay against real PostgreSQL, real `nats-server` processes (each
//! test starts its own, so it can kill and restart it) and the in-process bus.
//!
//! One test binary made of modules. PostgreSQL must be running and a `nats-server` binary must
//! be installed; `deploy/local/test.sh` sees to both. Set `TEST_LOG=1` to see the relay's logs.

mod crash;
mod embedded;
mod envelope_schema;
mod foreign_message;
mod postgres_lost;
mod publish_run;
pub mod stream_check;
mod stream_setup;
pub mod support;
mod two_relays;
