//! The inbound feeds end to end: `pep serve` on a loopback port with PostgreSQL and a real
//! `nats-server` (and, for the HTTP path, embedded too); messages published on
//! `pep.v1.inbound.<la>.*` or posted to `/api/v1/inbound/*`, and what they became read back from
//! the store, the inbound log, the dead-letter stream and the read models.
//!
//! PostgreSQL must be running and `nats-server` installed (`deploy/local/test.sh`). Set
//! `TEST_LOG=1` to see the service's logs.

mod dead_letters;
mod exactly_once;
mod http_feed;
mod import;
mod nats_restart;
mod ordering;
pub mod support;
