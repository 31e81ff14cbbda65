//! The event envelope: what a writer hands the event store, and what every reader of the log
//! (handlers, projectors, the relay, auditors) gets back.
//!
//! Plain data, so that the read side can use it without depending on the store. The store
//! never looks inside a payload; it keeps the envelope fields of the architecture brief (§4)
//! around it, and the hash chain covers every one of them.

use crate::actor::Actor;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The envelope fields that every event of one command shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMetadata {
    /// The local authority's 3-digit code, e.g. `831`.
    pub la: String,
    /// When it happened in the world; deadlines run from this, not from `recorded_at`.
    pub occurred_at: DateTime<Utc>,
    /// Who caused it.
    pub actor: Actor,
    /// Ties together everything caused by one original request.
    pub correlation_id: Uuid,
    /// The command or event that directly caused this one.
    pub causation_id: Uuid,
    /// Where the command came from (`http`, `nats:liquidlogic-lcs`, `process-manager`, ...).
    pub source: String,
}

/// An event a caller wants appended: everything but the fields the store assigns.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// A UUID v7 made by the caller's id source, so a retried command can reuse it.
    pub event_id: Uuid,
    /// The stable type string (`PlacementChanged`).
    pub event_type: String,
    /// The payload's schema version; upcasters key on (event type, schema version).
    pub schema_version: u32,
    /// The local authority's 3-digit code.
    pub la: String,
    /// When it happened in the world.
    pub occurred_at: DateTime<Utc>,
    /// Who caused it.
    pub actor: Actor,
    /// Ties together everything caused by one original request.
    pub correlation_id: Uuid,
    /// The command or event that directly caused this one.
    pub causation_id: Uuid,
    /// Where the command came from.
    pub source: String,
    /// The domain event's payload.
    pub payload: serde_json::Value,
}

impl NewEvent {
    /// An event whose shared envelope fields come from `metadata`.
    pub fn new(
        event_id: Uuid,
        event_type: impl Into<String>,
        schema_version: u32,
        payload: serde_json::Value,
        metadata: &EventMetadata,
    ) -> Self {
        Self {
            event_id,
            event_type: event_type.into(),
            schema_version,
            la: metadata.la.clone(),
            occurred_at: metadata.occurred_at,
            actor: metadata.actor.clone(),
            correlation_id: metadata.correlation_id,
            causation_id: metadata.causation_id,
            source: metadata.source.clone(),
            payload,
        }
    }
}

/// A SHA-256 link of the hash chain. Serialised as lower-case hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// The `prev_hash` of position 1: 32 zero bytes.
    pub const GENESIS: EventHash = EventHash([0; 32]);

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads a stored hash; `None` unless it is exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<EventHash> {
        <[u8; 32]>::try_from(bytes).ok().map(EventHash)
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "EventHash({})", self.to_hex())
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.to_hex())
    }
}

impl Serialize for EventHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for EventHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = hex::decode(&text).map_err(serde::de::Error::custom)?;
        EventHash::from_slice(&bytes)
            .ok_or_else(|| serde::de::Error::custom("an event hash is 32 bytes"))
    }
}

/// A committed event with its full envelope, as readers (and the relay) see it.
///
/// Reads apply the upcasters, so `payload` and `schema_version` are the current shape. The hash
/// covers the payload as it was stored; [`crate::store::EventStore::verify_chain`] checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// The caller's UUID v7.
    pub event_id: Uuid,
    /// `child-<uuid>`, `pep-<uuid>`, `ppp-<la>-<year>`.
    pub stream_id: String,
    /// 1 for the stream's first event, contiguous after that.
    pub stream_version: u64,
    /// 1 for the store's first event, contiguous and equal to commit order.
    pub global_position: u64,
    /// The stable type string.
    pub event_type: String,
    /// The payload's schema version after upcasting.
    pub schema_version: u32,
    /// The local authority's 3-digit code.
    pub la: String,
    /// When it happened in the world.
    pub occurred_at: DateTime<Utc>,
    /// When the store committed it; never decreases along positions.
    pub recorded_at: DateTime<Utc>,
    /// Who caused it.
    pub actor: Actor,
    /// Ties together everything caused by one original request.
    pub correlation_id: Uuid,
    /// The command or event that directly caused this one.
    pub causation_id: Uuid,
    /// Where the command came from.
    pub source: String,
    /// The payload, upcast to the current schema version.
    pub payload: serde_json::Value,
    /// The hash of the event at the previous global position.
    pub prev_hash: EventHash,
    /// `SHA-256(prev_hash || canonical bytes)`; see `docs/event-store.md`.
    pub hash: EventHash,
}
