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
//! - [`http`]: the HTTP API's command routes, health, metrics and OpenAPI, as one axum router
//!   (`docs/http-api.md`).
//! - [`auth`]: bearer tokens, the authorisation table, and `pep token issue`.
//! - [`projection_feed`]: runs every projector, fed by a durable JetStream pull consumer each
//!   (or by the in-process bus when embedded), catching up from the store; exposes their lag.
//! - [`event_log`]: the event store as the read side's `EventLog`, and the hash-chain check.
//! - [`admin`]: `pep migrate`, `pep rebuild` and `pep audit` (`docs/operations.md`).
//! - [`reference_data`]: bank holidays, LA policy and term dates, embedded or from files.
//! - [`notify`]: IRO notices delivered on NATS, webhooks and the in-app inbox, and the
//!   overdue-PEP sweeper (`docs/notices.md`).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod admin;
pub mod auth;
pub mod bus;
pub mod demo;
pub mod event_log;
pub mod http;
pub mod inbound;
pub mod notify;
pub mod projection_feed;
pub mod reference_data;
pub mod relay;
pub mod serve;
