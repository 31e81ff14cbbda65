//! End-to-end tests of `pep serve`: the service started by `serve::run` on a loopback port and
//! driven over real HTTP, once on PostgreSQL with a real `nats-server`, once embedded (SQLite
//! file, in-process bus). A command's write is read back through the timeline and compliance
//! with `min_position`, found on JetStream under its subject, and a graceful stop leaves the
//! relay and every projector at the head of the log.
//!
//! PostgreSQL must be running and `nats-server` installed (`deploy/local/test.sh`). Set
//! `TEST_LOG=1` to see the service's logs.

mod flow;
