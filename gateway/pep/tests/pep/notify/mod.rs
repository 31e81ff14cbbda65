//! Integration tests of IRO notice delivery against real PostgreSQL, real `nats-server`
//! processes (each test starts its own) and, for webhooks and the inbox, the embedded SQLite
//! mode too. The service runs as `pep serve` does (`serve::run` on a loopback port); webhook
//! receivers are axum servers on 127.0.0.1:0 that the tests script.
//!
//! PostgreSQL must be running and `nats-server` installed (`deploy/local/test.sh`). Set
//! `TEST_LOG=1` to see the service's logs.

mod dispatcher_restart;
pub mod receiver;
pub mod support;
mod sweeper;
mod webhooks;
