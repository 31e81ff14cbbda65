//! Integration tests of IRO notice delivery against real PostgreSQL, real `nats-server`
//! processes (each test starts its own) and, for webhooks and the inbox, the embedded SQLite
//! mode too. The service runs as `pep serve` does (`serve::run` on a loopback port); webhook
//! receivers are axum servers on 127.0.0.1:0 that the tests script.
//!
//! PostgreSQL must be running and `nats-server` installed (`deploy/local/test.sh`). Set
//! `TEST_LOG=1` to see the service's logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../end_to_end/client.rs"]
mod client;
mod dispatcher_restart;
#[allow(dead_code)]
#[path = "../relay/nats_server.rs"]
mod nats_server;
mod receiver;
#[allow(dead_code)]
#[path = "../relay/support.rs"]
mod relay_support;
#[allow(dead_code)]
#[path = "../end_to_end/service.rs"]
mod service;
mod support;
mod sweeper;
mod webhooks;
