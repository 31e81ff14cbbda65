//! The inbound feeds from social care systems (contracts.md §1): SSDA903 header rows on
//! `pep.v1.inbound.<la>.child` and episode rows on `pep.v1.inbound.<la>.placement`, the same
//! bodies over `POST /api/v1/inbound/{child,placement}`, and `pep import 903`, all through one
//! [`InboundHandler`].
//!
//! A tour of the modules:
//!
//! - [`schema`]: the feeds and their published JSON Schemas (`docs/schemas/`), used as the
//!   validators.
//! - [`arrival`]: one arrival of a message (feed, LA, bytes) and the transport it came by.
//! - [`message`]: the bodies (`message/body.rs`) and the gates a message passes
//!   (`message/gates.rs`: JSON, schema, real dates, SSDA903 codes of the right collection year,
//!   the right LA).
//! - [`rejection`]: why a message was refused, with stable kinds.
//! - [`identity`]: the ids derived rather than stored: a child's record id from (`la`,
//!   `la_child_id`), a rejection's id from the bytes refused, a message's correlation id.
//! - [`outcome`]: what became of a message, or why it could not be handled now.
//! - [`handler`]: applies a message exactly once, or refuses it; the failure cases of the
//!   write path are listed there. Its commands on the child's record are in
//!   `handler/record.rs`, and the placements kept until their child arrives in
//!   `handler/parking.rs`.
//! - [`log`]: the inbound log in the store's database: the accepted messages
//!   (`log/messages.rs`) and the rejections (`log/rejections.rs`), through one handle
//!   (`log/store.rs`).
//! - [`nats`]: the JetStream streams, the durable consumer and the dead-letter publisher.
//! - [`ssda903_csv`]: an SSDA903 extract (header and episodes CSV files) as inbound messages.
//! - [`metrics`]: counters for `/metrics`, by the outcomes [`outcome`] names.
//!
//! The arrows go one way: `metrics` knows [`outcome`], not the handler that reports to it.
//!
//! Design notes: `docs/inbound.md`.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod arrival;
pub mod handler;
pub mod identity;
pub mod log;
pub mod message;
pub mod metrics;
pub mod nats;
pub mod outcome;
pub mod rejection;
pub mod schema;
pub mod ssda903_csv;

pub use arrival::{Received, Transport};
pub use handler::InboundHandler;
pub use identity::{child_id_for, rejection_id};
pub use log::{InboundLog, LoggedRejection, RejectionQuery};
pub use metrics::InboundMetrics;
pub use nats::InboundNatsConfig;
pub use outcome::{InboundError, InboundOutcome};
pub use rejection::{RejectionKind, RejectionReason};
pub use schema::Feed;
