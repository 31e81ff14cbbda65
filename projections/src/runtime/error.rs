//! Why a projection step failed.

use domain::event::DecodeError;
use thiserror::Error;

/// A failure reading the event log (the store, the bus), carried as text because each
/// implementation of [`crate::runtime::EventLog`] has its own error type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct EventLogError {
    /// What the log reported.
    pub message: String,
}

impl EventLogError {
    /// Wraps any error of an event log implementation.
    pub fn new(error: impl std::fmt::Display) -> Self {
        Self {
            message: error.to_string(),
        }
    }
}

/// Why applying, rebuilding or querying a read model failed.
#[derive(Debug, Error)]
pub enum ProjectionError {
    /// The read database refused or could not be reached; the transaction was rolled back.
    #[error("read database: {0}")]
    Database(#[from] sqlx::Error),
    /// The event log could not be read.
    #[error("event log: {0}")]
    EventLog(#[from] EventLogError),
    /// An event's payload is not what its type and schema version promise.
    #[error("event {event_id} at position {position} cannot be decoded: {source}")]
    Decode {
        /// The event's global position.
        position: u64,
        /// The event's id.
        event_id: uuid::Uuid,
        /// What the decoder said.
        source: DecodeError,
    },
    /// The URL names a database the read side does not support.
    #[error("unsupported read database {scheme:?}: use a postgres:// or sqlite: URL")]
    UnsupportedDatabase {
        /// The URL's scheme.
        scheme: String,
    },
    /// A number does not fit a SQL `BIGINT`.
    #[error("{value} does not fit a 64-bit signed integer column")]
    OutOfRange {
        /// The number.
        value: u64,
    },
    /// A value read back from a read table is not in the shape this code writes.
    #[error("stored value {value:?} is malformed: {reason}")]
    BadStoredValue {
        /// The stored text.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The log did not deliver what it promised (a position missing below the head).
    #[error("event log is missing position {position} (head {head_position})")]
    MissingPosition {
        /// The position that could not be read.
        position: u64,
        /// The log's head when it was asked.
        head_position: u64,
    },
    /// An event refers to something whose first event the projector never saw (a PEP without
    /// its `PepInitiated`), which the store's ordering rules out: stop rather than drop it.
    #[error("event at position {position} refers to unknown {reference}")]
    MissingReference {
        /// The event's global position.
        position: u64,
        /// What it refers to.
        reference: String,
    },
    /// A rebuild of the same projector is already running in this process.
    #[error("a rebuild of {projector} is already running")]
    RebuildAlreadyRunning {
        /// The projector.
        projector: &'static str,
    },
    /// Something a query was asked for cannot be answered as asked.
    #[error("{0}")]
    InvalidQuery(String),
}

impl ProjectionError {
    /// Wraps a decode failure with the event it happened on.
    pub fn decode(event: &domain::envelope::RecordedEvent, source: DecodeError) -> Self {
        Self::Decode {
            position: event.global_position,
            event_id: event.event_id,
            source,
        }
    }
}
