//! Moving events out of the store: the relay that publishes every committed event to JetStream
//! (or to the in-process bus when embedded), the projection feed that runs every projector from
//! those deliveries, and the pieces both need.
//!
//! A tour of the modules:
//!
//! - [`relay`]: follows the event store's global position and publishes every event to the
//!   JetStream stream `PEP_EVENTS` (or to the in-process bus), one active relay per database.
//!   `docs/relay.md` explains the design and its failure cases.
//! - [`bus`]: the in-process bus the relay feeds in embedded mode, whose subscribers catch up
//!   from the store.
//! - [`projection_feed`]: runs every projector, fed by a durable JetStream pull consumer each
//!   (or by the in-process bus when embedded), catching up from the store; exposes their lag.
//! - [`event_log`]: the event store as the read side's `EventLog`, and the hash-chain check.
//! - [`backoff`]: the one exponential backoff with full jitter every retry loop uses.
//! - [`redact_url`]: a connection URL fit for logs, its password hidden.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod backoff;
pub mod bus;
pub mod event_log;
pub mod projection_feed;
pub mod relay;
mod url;

pub use url::redact_url;
