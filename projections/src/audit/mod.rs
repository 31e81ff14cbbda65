//! The auditor's tools: replay a child's record and PEPs as they were known at an instant and/or
//! as of a business date, with who changed what since; export one child's full history as JSON
//! Lines with a verification result; and verify the log (the store's hash chain) and the read
//! models (a rebuild compared with the live tables).
//!
//! Everything reads through [`crate::runtime::EventLog`]; the hash-chain check belongs to the
//! store, which this crate cannot call, so the gateway hands its result in. docs/audit.md
//! explains the two time axes and the export format.

mod export;
mod replay;
mod verify;

pub use export::{ExportSummary, export_child_jsonl};
pub use replay::{ChildReplay, PepReplay, RecordedChange, ReplaySummary, replay_child};
pub use verify::{ChainCheck, ReadModelCheck, Verification, verify, verify_read_models};

use crate::runtime::{EventLogError, ProjectionError};
use domain::event::DecodeError;
use domain::ids::ChildId;
use thiserror::Error;

/// Why an audit could not be answered.
#[derive(Debug, Error)]
pub enum AuditError {
    /// The event log could not be read.
    #[error("event log: {0}")]
    EventLog(#[from] EventLogError),
    /// No event of this child has ever been recorded.
    #[error("no child {0} is recorded")]
    UnknownChild(ChildId),
    /// A stored event does not decode as its type says.
    #[error("event {event_id} at position {position} cannot be decoded: {source}")]
    Decode {
        /// The event's global position.
        position: u64,
        /// The event's id.
        event_id: uuid::Uuid,
        /// What the decoder said.
        source: DecodeError,
    },
    /// Writing the export failed.
    #[error("writing the audit export: {0}")]
    Write(#[from] std::io::Error),
    /// A rebuild for the read-model comparison failed.
    #[error("read-model comparison: {0}")]
    ReadModel(#[from] ProjectionError),
}
