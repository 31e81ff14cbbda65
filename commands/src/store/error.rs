//! Why a read, a checkpoint or a leadership call failed (appends have their own
//! [`super::AppendError`]).

use super::envelope::StoredEvent;
use super::upcast::{UpcastError, Upcasters};
use domain::envelope::RecordedEvent;
use domain::{Actor, Role};
use thiserror::Error;

/// A failure outside of appending.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// The database could not be reached or failed; the call can be retried.
    #[error("event store unavailable: {0}")]
    Unavailable(String),
    /// A stored row cannot be turned into an event (bad JSON, unknown role, wrong hash length).
    #[error("the event at position {position} is unreadable: {reason}")]
    Corrupt {
        /// Its global position.
        position: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// A stored payload could not be upcast to the current schema.
    #[error("the event at position {position} cannot be read: {source}")]
    Upcast {
        /// Its global position.
        position: u64,
        /// The failing step.
        #[source]
        source: UpcastError,
    },
    /// A reader following positions found one missing: rows were deleted.
    #[error("expected the event at position {expected} but the next stored one is {found}")]
    PositionGap {
        /// The position that should have come next.
        expected: u64,
        /// The position that came instead.
        found: u64,
    },
    /// The caller passed something the store cannot use (an empty checkpoint name, ...).
    #[error("invalid argument: {0}")]
    Invalid(String),
}

impl StoreError {
    pub(crate) fn corrupt(position: u64, reason: impl Into<String>) -> Self {
        StoreError::Corrupt {
            position,
            reason: reason.into(),
        }
    }
}

/// Parses a stored role name.
pub(crate) fn parse_actor(position: u64, id: String, role: &str) -> Result<Actor, StoreError> {
    let role = Role::parse(role)
        .ok_or_else(|| StoreError::corrupt(position, format!("unknown actor role {role:?}")))?;
    Ok(Actor { id, role })
}

/// Converts a non-negative database integer.
pub(crate) fn to_u64(position: u64, what: &str, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value)
        .map_err(|_| StoreError::corrupt(position, format!("{what} is negative ({value})")))
}

/// Converts an unsigned value for a BIGINT column. Positions and versions never get near
/// `i64::MAX`, so saturating can only matter for a caller passing a nonsense bound.
pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl StoredEvent {
    /// Parses the stored payload and applies the upcasters.
    pub(crate) fn into_recorded(self, upcasters: &Upcasters) -> Result<RecordedEvent, StoreError> {
        let position = self.global_position;
        let payload: serde_json::Value = serde_json::from_str(&self.payload_json)
            .map_err(|error| StoreError::corrupt(position, format!("payload: {error}")))?;
        let (schema_version, payload) = if upcasters.is_empty() {
            (self.schema_version, payload)
        } else {
            upcasters
                .upcast(&self.event_type, self.schema_version, payload)
                .map_err(|source| StoreError::Upcast { position, source })?
        };
        Ok(RecordedEvent {
            event_id: self.event_id,
            stream_id: self.stream_id,
            stream_version: self.stream_version,
            global_position: self.global_position,
            event_type: self.event_type,
            schema_version,
            la: self.la,
            occurred_at: self.occurred_at,
            recorded_at: self.recorded_at,
            actor: self.actor,
            correlation_id: self.correlation_id,
            causation_id: self.causation_id,
            source: self.source,
            payload,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}
