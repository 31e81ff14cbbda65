//! What became of a message, or why it could not be handled now. These are the words the
//! handler answers in and the counters count by, kept in their own module so that the metrics
//! can name an outcome without depending on the handler that produces it.

use super::rejection::RejectionReason;
use projections::runtime::ProjectionError;
use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum InboundOutcome {
    /// Applied to the child's record now.
    Applied {
        /// The child's record.
        child_id: Uuid,
        /// True when this message registered the child.
        registered: bool,
        /// Events written (0 when the record already said the same).
        events_written: usize,
        /// Position of the last event written, to wait for read models.
        position: Option<u64>,
        /// Data-quality problems the child's record now has (kinds), flagged not refused.
        flags: Vec<String>,
        /// Placements that were waiting for this child and are now applied.
        released_placements: usize,
    },
    /// Applied before: nothing done.
    Duplicate {
        /// The child's record.
        child_id: Uuid,
    },
    /// A placement for a child not registered yet: kept and applied when the child arrives.
    WaitingForChild {
        /// The record the child will have.
        child_id: Uuid,
    },
    /// Malformed: refused, recorded and dead-lettered.
    Rejected {
        /// The rejection's stable id.
        rejection_id: String,
        /// Why.
        reason: RejectionReason,
    },
}

impl InboundOutcome {
    /// The outcome's name, for metrics and summaries.
    pub fn name(&self) -> &'static str {
        match self {
            InboundOutcome::Applied { .. } => "applied",
            InboundOutcome::Duplicate { .. } => "duplicate",
            InboundOutcome::WaitingForChild { .. } => "waiting_for_child",
            InboundOutcome::Rejected { .. } => "rejected",
        }
    }
}

/// Why a message could not be handled now (it was not acknowledged; try again).
#[derive(Debug, Clone, Error)]
pub enum InboundError {
    /// The database is unreachable or the record is too contended; retry later.
    #[error("inbound message not handled, retry later: {0}")]
    Unavailable(String),
    /// A fault that retrying will not fix (logged with the message).
    #[error("inbound message not handled: {0}")]
    Failed(String),
}

impl From<ProjectionError> for InboundError {
    fn from(error: ProjectionError) -> Self {
        match &error {
            ProjectionError::Database(_) => InboundError::Unavailable(error.to_string()),
            _ => InboundError::Failed(error.to_string()),
        }
    }
}
