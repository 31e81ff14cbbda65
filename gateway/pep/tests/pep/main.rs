//! The `pep` binary's integration tests, one test binary made of modules, against real
//! PostgreSQL, real `nats-server` processes (each test that kills, restarts or pins a server
//! version starts its own on a free loopback port) and the real `pep` executable where a test
//! runs a subcommand as an operator would.
//!
//! - [`relay`]: the relay to JetStream and the in-process bus: crashes, two relays, a lost
//!   database, foreign messages, the stream's configuration.
//! - [`read_side`]: projectors fed by durable consumers or the bus, redelivery, history replay,
//!   and `pep migrate`, `pep rebuild` and `pep audit` run as the binary.
//! - [`inbound`]: the social care feeds over NATS and HTTP, exactly once, ordering, dead
//!   letters, `pep import 903`, a NATS restart.
//! - [`notify`]: IRO notice delivery on NATS, webhooks and the inbox, the sweeper, a
//!   dispatcher restart.
//! - [`end_to_end`]: one child's story through `pep serve` on PostgreSQL and NATS.
//! - [`migrations`]: the gateway's tables made by versioned migrations, and a database created
//!   before them upgraded in place.
//! - [`serve_auth`]: how `pep serve` turns its token options into a verifier.
//! - [`web`]: the web pages: sign-in, each role's pages, sessions, and Chromium.
//! - [`web_oidc`]: web sign-in with OpenID Connect against a small OpenID provider on loopback.
//!
//! Shared here: [`service`] (a `pep serve` on a free port) and [`client`] (plain HTTP to it).
//! Databases, servers and bounded waits come from the `tests` crate. PostgreSQL must be running
//! and `nats-server` installed; `deploy/local/test.sh` sees to both. `TEST_LOG=1` shows logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod end_to_end;
mod inbound;
mod migrations;
mod notify;
mod read_side;
mod relay;
mod serve_auth;
mod service;
mod web;
mod web_oidc;
