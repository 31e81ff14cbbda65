//! The gateway's library half: the parts of the `pep` binary that tests and other binaries
//! call directly, rather than through the command line.
//!
//! A tour of the modules:
//!
//! - [`relay`]: follows the event store's global position and publishes every event to the
//!   JetStream stream `PEP_EVENTS` (or to the in-process bus), one active relay per database;
//!   `pep relay` runs it alone. `docs/relay.md` explains the design and its failure cases.
//! - [`bus`]: the in-process bus the relay feeds in embedded mode, whose subscribers catch up
//!   from the store.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod bus;
pub mod relay;
