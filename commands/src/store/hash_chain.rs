//! The tamper-evident hash chain: canonical bytes of an event, the link hash, and the verifier.
//!
//! `hash = SHA-256(prev_hash || canonical bytes)`, chained along global positions from 32 zero
//! bytes. The encoding is specified byte for byte in `docs/event-store.md` so that a verifier
//! written in another language can recompute it from the rows alone.

use super::envelope::StoredEvent;
use super::error::StoreError;
use chrono::{DateTime, Utc};
use domain::envelope::EventHash;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;
use uuid::Uuid;

/// Names the encoding, so a future change of encoding cannot be confused with this one.
pub const CANONICAL_FORMAT_TAG: &str = "pep-ledger-event-v1";

/// Every field the canonical bytes cover, borrowed from wherever the event lives.
#[derive(Debug, Clone, Copy)]
pub struct CanonicalFields<'a> {
    /// The event's global position.
    pub global_position: u64,
    /// The caller's event id.
    pub event_id: Uuid,
    /// The stream id.
    pub stream_id: &'a str,
    /// The version within the stream.
    pub stream_version: u64,
    /// The stable type string.
    pub event_type: &'a str,
    /// The stored payload's schema version.
    pub schema_version: u32,
    /// The local authority's code.
    pub la: &'a str,
    /// When it happened in the world (microsecond precision).
    pub occurred_at: DateTime<Utc>,
    /// When it was committed (microsecond precision).
    pub recorded_at: DateTime<Utc>,
    /// The actor's id.
    pub actor_id: &'a str,
    /// The actor's role wire name (`social_worker`).
    pub actor_role: &'a str,
    /// The correlation id.
    pub correlation_id: Uuid,
    /// The causation id.
    pub causation_id: Uuid,
    /// The source.
    pub source: &'a str,
    /// The payload exactly as stored: canonical JSON text (see [`canonical_json`]).
    pub payload_json: &'a str,
}

/// The canonical bytes of one event: fixed order, fixed-width integers, length-prefixed text.
pub fn canonical_bytes(fields: &CanonicalFields<'_>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(256 + fields.payload_json.len());
    put_text(&mut bytes, CANONICAL_FORMAT_TAG);
    bytes.extend_from_slice(&fields.global_position.to_be_bytes());
    bytes.extend_from_slice(fields.event_id.as_bytes());
    put_text(&mut bytes, fields.stream_id);
    bytes.extend_from_slice(&fields.stream_version.to_be_bytes());
    put_text(&mut bytes, fields.event_type);
    bytes.extend_from_slice(&fields.schema_version.to_be_bytes());
    put_text(&mut bytes, fields.la);
    bytes.extend_from_slice(&fields.occurred_at.timestamp_micros().to_be_bytes());
    bytes.extend_from_slice(&fields.recorded_at.timestamp_micros().to_be_bytes());
    put_text(&mut bytes, fields.actor_id);
    put_text(&mut bytes, fields.actor_role);
    bytes.extend_from_slice(fields.correlation_id.as_bytes());
    bytes.extend_from_slice(fields.causation_id.as_bytes());
    put_text(&mut bytes, fields.source);
    put_text(&mut bytes, fields.payload_json);
    bytes
}

fn put_text(bytes: &mut Vec<u8>, text: &str) {
    // Texts are bounded far below 4 GiB by validation; a length prefix makes the encoding
    // unambiguous without any escaping.
    let length = u32::try_from(text.len()).unwrap_or(u32::MAX);
    bytes.extend_from_slice(&length.to_be_bytes());
    bytes.extend_from_slice(text.as_bytes());
}

/// One link: `SHA-256(prev_hash || canonical)`.
pub fn link_hash(prev_hash: &EventHash, canonical: &[u8]) -> EventHash {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.0);
    hasher.update(canonical);
    EventHash(hasher.finalize().into())
}

/// The canonical JSON text of a payload: no whitespace, object keys sorted by their UTF-8
/// bytes, strings and numbers written as `serde_json` writes them.
///
/// Sorting is done here rather than left to `serde_json::Map`, whose order changes when any
/// crate in the build enables serde_json's `preserve_order` feature.
pub fn canonical_json(value: &Value) -> String {
    let mut text = String::new();
    write_canonical_json(&mut text, value);
    text
}

fn write_canonical_json(text: &mut String, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|left, right| left.0.as_bytes().cmp(right.0.as_bytes()));
            text.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    text.push(',');
                }
                write_json_string(text, key);
                text.push(':');
                write_canonical_json(text, item);
            }
            text.push('}');
        }
        Value::Array(items) => {
            text.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    text.push(',');
                }
                write_canonical_json(text, item);
            }
            text.push(']');
        }
        Value::String(string) => write_json_string(text, string),
        Value::Number(number) => text.push_str(&number.to_string()),
        Value::Bool(flag) => text.push_str(if *flag { "true" } else { "false" }),
        Value::Null => text.push_str("null"),
    }
}

fn write_json_string(text: &mut String, string: &str) {
    // Serialising a `str` cannot fail; the fallback keeps this function total all the same.
    match serde_json::to_string(string) {
        Ok(quoted) => text.push_str(&quoted),
        Err(_) => text.push_str("\"\""),
    }
}

impl StoredEvent {
    /// The fields the canonical bytes cover.
    pub(crate) fn canonical_fields(&self) -> CanonicalFields<'_> {
        CanonicalFields {
            global_position: self.global_position,
            event_id: self.event_id,
            stream_id: &self.stream_id,
            stream_version: self.stream_version,
            event_type: &self.event_type,
            schema_version: self.schema_version,
            la: &self.la,
            occurred_at: self.occurred_at,
            recorded_at: self.recorded_at,
            actor_id: &self.actor.id,
            actor_role: self.actor.role.as_str(),
            correlation_id: self.correlation_id,
            causation_id: self.causation_id,
            source: &self.source,
            payload_json: &self.payload_json,
        }
    }

    /// Recomputes this event's hash from its own `prev_hash` and fields.
    pub(crate) fn recompute_hash(&self) -> EventHash {
        link_hash(&self.prev_hash, &canonical_bytes(&self.canonical_fields()))
    }
}

/// The result of walking the whole log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainVerification {
    /// How many events were checked before the walk ended.
    pub events_checked: u64,
    /// The last position that verified (0 for an empty log).
    pub verified_up_to: u64,
    /// The hash at `verified_up_to` (the genesis hash for an empty log); publish it elsewhere to
    /// anchor the chain.
    pub verified_head_hash: EventHash,
    /// The first broken link, if any; the walk stops there.
    pub first_break: Option<ChainBreak>,
}

impl ChainVerification {
    /// True when every link verified.
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// The first place where the log is not what was committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The position where the chain breaks.
    pub position: u64,
    /// The event stored at that position (`None` when the position is missing).
    pub event_id: Option<Uuid>,
    /// What differs.
    pub kind: ChainBreakKind,
}

/// What differs at a broken link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainBreakKind {
    /// A position is missing: a row was deleted (or positions were rewritten).
    MissingPosition {
        /// The next position that is stored.
        next_stored_position: u64,
        /// The event stored at that next position.
        next_stored_event_id: Uuid,
    },
    /// The stored `prev_hash` is not the previous event's hash: a row was replaced or the
    /// chain was recomputed from this point on.
    PrevHashMismatch {
        /// What this row says.
        stored_prev_hash: EventHash,
        /// The previous row's hash.
        expected_prev_hash: EventHash,
    },
    /// The row's fields no longer hash to its stored hash: a field of this event was changed.
    HashMismatch {
        /// What this row says.
        stored_hash: EventHash,
        /// What its fields hash to now.
        recomputed_hash: EventHash,
    },
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ChainBreakKind::MissingPosition {
                next_stored_position,
                next_stored_event_id,
            } => write!(
                formatter,
                "position {} is missing: the next stored event is {next_stored_event_id} at \
                 position {next_stored_position}",
                self.position
            ),
            ChainBreakKind::PrevHashMismatch {
                stored_prev_hash,
                expected_prev_hash,
            } => write!(
                formatter,
                "event {} at position {} has prev_hash {stored_prev_hash} but the previous \
                 event's hash is {expected_prev_hash}",
                display_id(self.event_id),
                self.position
            ),
            ChainBreakKind::HashMismatch {
                stored_hash,
                recomputed_hash,
            } => write!(
                formatter,
                "event {} at position {} has hash {stored_hash} but its fields hash to \
                 {recomputed_hash}: a field of this event was changed",
                display_id(self.event_id),
                self.position
            ),
        }
    }
}

fn display_id(event_id: Option<Uuid>) -> String {
    event_id.map_or_else(|| "(none)".to_owned(), |id| id.to_string())
}

/// Verifies the whole log, reading it in batches through `read_after(position, batch_size)`,
/// and stops at the first broken link. Both back ends verify through this one loop.
pub(crate) async fn verify_in_batches<Read, Batch>(
    batch_size: usize,
    mut read_after: Read,
) -> Result<ChainVerification, StoreError>
where
    Read: FnMut(u64, usize) -> Batch,
    Batch: std::future::Future<Output = Result<Vec<StoredEvent>, StoreError>>,
{
    let mut verifier = ChainVerifier::new();
    loop {
        let batch = read_after(verifier.resume_after(), batch_size).await?;
        if batch.is_empty() {
            break;
        }
        for event in &batch {
            verifier.check(event);
        }
        if verifier.is_broken() {
            break;
        }
    }
    Ok(verifier.finish())
}

/// Walks events in position order and stops at the first broken link.
#[derive(Debug)]
pub(crate) struct ChainVerifier {
    previous_position: u64,
    previous_hash: EventHash,
    events_checked: u64,
    first_break: Option<ChainBreak>,
}

impl ChainVerifier {
    pub(crate) fn new() -> Self {
        Self {
            previous_position: 0,
            previous_hash: EventHash::GENESIS,
            events_checked: 0,
            first_break: None,
        }
    }

    /// The position after which the next batch should be read.
    pub(crate) fn resume_after(&self) -> u64 {
        self.previous_position
    }

    /// True once a break was found; the caller stops reading.
    pub(crate) fn is_broken(&self) -> bool {
        self.first_break.is_some()
    }

    /// Checks the next stored event.
    pub(crate) fn check(&mut self, event: &StoredEvent) {
        if self.is_broken() {
            return;
        }
        let expected_position = self.previous_position + 1;
        self.first_break = if event.global_position != expected_position {
            Some(ChainBreak {
                position: expected_position,
                event_id: None,
                kind: ChainBreakKind::MissingPosition {
                    next_stored_position: event.global_position,
                    next_stored_event_id: event.event_id,
                },
            })
        } else if event.prev_hash != self.previous_hash {
            Some(ChainBreak {
                position: event.global_position,
                event_id: Some(event.event_id),
                kind: ChainBreakKind::PrevHashMismatch {
                    stored_prev_hash: event.prev_hash,
                    expected_prev_hash: self.previous_hash,
                },
            })
        } else {
            let recomputed_hash = event.recompute_hash();
            (recomputed_hash != event.hash).then_some(ChainBreak {
                position: event.global_position,
                event_id: Some(event.event_id),
                kind: ChainBreakKind::HashMismatch {
                    stored_hash: event.hash,
                    recomputed_hash,
                },
            })
        };
        if self.first_break.is_none() {
            self.previous_position = event.global_position;
            self.previous_hash = event.hash;
            self.events_checked += 1;
        }
    }

    pub(crate) fn finish(self) -> ChainVerification {
        ChainVerification {
            events_checked: self.events_checked,
            verified_up_to: self.previous_position,
            verified_head_hash: self.previous_hash,
            first_break: self.first_break,
        }
    }
}

#[cfg(test)]
#[path = "hash_chain_tests.rs"]
mod tests;
