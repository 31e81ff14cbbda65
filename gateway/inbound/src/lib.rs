//! The inbound feeds from social care systems (contracts.md §1): SSDA903 header rows on
//! `pep.v1.inbound.<la>.child` and episode rows on `pep.v1.inbound.<la>.placement`, the same
//! bodies over `POST /api/v1/inbound/{child,placement}`, and `pep import 903`, all through one
//! [`InboundHandler`].
//!
//! A tour of the modules:
//!
//! - [`schema`]: the feeds and their published JSON Schemas (`docs/schemas/`), used as the
//!   validators.
//! - [`message`]: the bodies and the gates a message passes (JSON, schema, real dates, SSDA903
//!   codes of the right collection year, the right LA).
//! - [`rejection`]: why a message was refused, with stable kinds.
//! - [`identity`]: a child's record id from (`la`, `la_child_id`).
//! - [`handler`]: applies a message exactly once, or refuses it; the failure cases of the
//!   write path are listed there.
//! - [`log`]: the inbound log (accepted messages and rejections) in the store's database.
//! - [`nats`]: the JetStream streams, the durable consumer and the dead-letter publisher.
//! - [`ssda903_csv`]: an SSDA903 extract (header and episodes CSV files) as inbound messages.
//! - [`metrics`]: counters for `/metrics`.
//!
//! Design notes: `docs/inbound.md`.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod handler;
pub mod identity;
pub mod log;
pub mod message;
pub mod metrics;
pub mod nats;
pub mod rejection;
pub mod schema;
pub mod ssda903_csv;

pub use handler::{InboundError, InboundHandler, InboundOutcome, Received, rejection_id};
pub use identity::child_id_for;
pub use log::{InboundLog, LoggedRejection, RejectionQuery, Transport};
pub use metrics::InboundMetrics;
pub use nats::InboundNatsConfig;
pub use rejection::{RejectionKind, RejectionReason};
pub use schema::Feed;
