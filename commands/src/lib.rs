//! The write side: event store back ends, command handlers and process managers.
//!
//! A tour of the modules:
//!
//! - [`clock`]: the clock and id source every write takes from the edge, so tests can fix them.
//! - [`store`]: the event store trait ([`store::EventStore`]), its PostgreSQL and SQLite back
//!   ends, the group-commit writer, the hash chain, upcasting, subscriptions, checkpoints and
//!   leader election. `docs/event-store.md` explains the design.
//! - [`handlers`]: load the streams a command touches, let the domain decide, append
//!   atomically, retry a lost race a bounded number of times ([`handlers::CommandHandler`]).
//! - [`process_manager`]: what one event implies elsewhere (entering care opens the initial
//!   PEP, a placement or school change opens a review PEP and asks for an IRO notice).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod clock;
pub mod handlers;
pub mod process_manager;
pub mod store;
