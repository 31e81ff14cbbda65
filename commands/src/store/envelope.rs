//! The store's own view of a row: the payload as the exact canonical JSON that was hashed.

use chrono::{DateTime, Utc};
use domain::Actor;
use domain::envelope::EventHash;
use uuid::Uuid;

/// An event exactly as a row holds it: the payload is the canonical JSON text that was hashed.
///
/// Verification works on these (never on upcast payloads), so it checks the stored bytes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredEvent {
    pub event_id: Uuid,
    pub stream_id: String,
    pub stream_version: u64,
    pub global_position: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub la: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub causation_id: Uuid,
    pub source: String,
    pub payload_json: String,
    pub prev_hash: EventHash,
    pub hash: EventHash,
}
