//! What a command carries besides itself, what it answers, and how it fails.

use crate::store::{AppendError, IdempotencyKey, StoreError};
use domain::event::DecodeError;
use domain::{Actor, DomainError};
use thiserror::Error;
use uuid::Uuid;

/// Who is asking, on whose behalf, and under which keys.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandContext {
    /// The person or system acting.
    pub actor: Actor,
    /// Carried through every event a chain of commands causes (the HTTP request id, or the id of
    /// the inbound message).
    pub correlation_id: Uuid,
    /// What directly caused this command: the request, message or event id.
    pub causation_id: Uuid,
    /// Where the command came from, e.g. `http`, `feed:liquidlogic-lcs`, `process-manager`.
    pub source: String,
    /// Makes a retried command a no-op answered from its first attempt.
    pub idempotency: Option<IdempotencyKey>,
    /// The version of the main stream the caller last saw (`If-Match`); a mismatch is a conflict.
    pub expected_version: Option<u64>,
}

impl CommandContext {
    /// A context for a fresh request with no idempotency key or expected version.
    pub fn new(actor: Actor, request_id: Uuid, source: impl Into<String>) -> Self {
        Self {
            actor,
            correlation_id: request_id,
            causation_id: request_id,
            source: source.into(),
            idempotency: None,
            expected_version: None,
        }
    }

    /// Adds an idempotency key; the fingerprint identifies the request body.
    pub fn with_idempotency(
        mut self,
        key: impl Into<String>,
        fingerprint: impl Into<String>,
    ) -> Self {
        self.idempotency = Some(IdempotencyKey {
            key: key.into(),
            request_fingerprint: fingerprint.into(),
        });
        self
    }

    /// Adds the version the caller expects the main stream to be at.
    pub fn expecting_version(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }
}

/// What a handled command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutcome {
    /// Each stream touched, with its version after the command (unchanged when nothing was
    /// written).
    pub streams: Vec<(String, u64)>,
    /// Global position of the last event written, so a client can wait for read models to
    /// reach it; `None` when the command changed nothing.
    pub last_position: Option<u64>,
    /// How many events were written.
    pub events_written: usize,
    /// True when this answers a retry from the stored outcome of the first attempt.
    pub duplicate: bool,
}

impl CommandOutcome {
    /// The version of `stream_id` after the command.
    pub fn version_of(&self, stream_id: &str) -> Option<u64> {
        self.streams
            .iter()
            .find(|(stream, _)| stream == stream_id)
            .map(|(_, version)| *version)
    }
}

/// Why a command was not carried out.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum HandleError {
    /// A business rule refused it. Nothing was written.
    #[error(transparent)]
    Rejected(#[from] DomainError),
    /// The stream the command is about does not exist.
    #[error("{stream_id} does not exist")]
    NotFound {
        /// The missing stream.
        stream_id: String,
    },
    /// The stream moved on: the caller's `If-Match` was stale, or retries ran out.
    #[error("{stream_id} is at version {actual}, not {expected}")]
    Conflict {
        /// The contended stream.
        stream_id: String,
        /// What the caller or the last attempt expected.
        expected: u64,
        /// The current version.
        actual: u64,
    },
    /// The idempotency key was used for a different request.
    #[error("idempotency key {key:?} was already used for a different request")]
    IdempotencyKeyReused {
        /// The key.
        key: String,
    },
    /// The append itself was malformed (a bug in the caller, not user input).
    #[error("invalid append: {0}")]
    Invalid(String),
    /// The store could not be reached; nothing was written and a retry is safe.
    #[error("event store unavailable: {0}")]
    Unavailable(String),
    /// A stored event could not be read back.
    #[error("stored history is unreadable: {0}")]
    Corrupt(String),
}

impl From<StoreError> for HandleError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(reason) => HandleError::Unavailable(reason),
            other => HandleError::Corrupt(other.to_string()),
        }
    }
}

impl From<DecodeError> for HandleError {
    fn from(error: DecodeError) -> Self {
        HandleError::Corrupt(error.to_string())
    }
}

impl From<AppendError> for HandleError {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::Conflict {
                stream_id,
                expected,
                actual,
            } => HandleError::Conflict {
                stream_id,
                expected: match expected {
                    crate::store::ExpectedVersion::Exactly(version) => version,
                    _ => 0,
                },
                actual,
            },
            AppendError::IdempotencyKeyReused { key } => HandleError::IdempotencyKeyReused { key },
            AppendError::Invalid(reason) => HandleError::Invalid(reason),
            AppendError::Unavailable(reason) => HandleError::Unavailable(reason),
        }
    }
}
