//! The pure heart of the writer: given the chain head, the streams' versions and the stored
//! idempotency keys, decide what a batch of requests writes and what each caller is answered.
//!
//! Both back ends call this inside their batch transaction, so ordering, versioning, hashing
//! and idempotency behave identically on PostgreSQL and SQLite, and are unit-tested here
//! without a database.

use super::append::{
    AppendError, AppendOutcome, AppendRequest, ExpectedVersion, IdempotencyKey, IdempotencyRecord,
    MAX_PAYLOAD_BYTES,
};
use super::envelope::StoredEvent;
use super::hash_chain::canonical_json;
use chrono::{DateTime, SubsecRound, Utc};
use domain::Actor;
use domain::envelope::EventHash;
use std::collections::HashMap;
use uuid::Uuid;

/// An append request checked and with payloads already in canonical JSON, so that work happens
/// in the caller's task rather than in the single writer task.
#[derive(Debug, Clone)]
pub(crate) struct PreparedRequest {
    pub streams: Vec<PreparedStream>,
    pub idempotency: Option<IdempotencyKey>,
}

#[derive(Debug, Clone)]
pub(crate) struct PreparedStream {
    pub stream_id: String,
    pub expected: ExpectedVersion,
    pub events: Vec<PreparedEvent>,
}

#[derive(Debug, Clone)]
pub(crate) struct PreparedEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u32,
    pub la: String,
    pub occurred_at: DateTime<Utc>,
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub causation_id: Uuid,
    pub source: String,
    pub payload_json: String,
}

impl PreparedRequest {
    /// Checks the request and renders its payloads.
    pub(crate) fn prepare(request: AppendRequest) -> Result<PreparedRequest, AppendError> {
        request.check()?;
        let mut streams = Vec::with_capacity(request.streams.len());
        for stream in request.streams {
            let mut events = Vec::with_capacity(stream.events.len());
            for event in stream.events {
                let payload_json = canonical_json(&event.payload);
                if payload_json.len() > MAX_PAYLOAD_BYTES {
                    return Err(AppendError::Invalid(format!(
                        "the payload of event {} is larger than {MAX_PAYLOAD_BYTES} bytes",
                        event.event_id
                    )));
                }
                events.push(PreparedEvent {
                    event_id: event.event_id,
                    event_type: event.event_type,
                    schema_version: event.schema_version,
                    la: event.la,
                    // Both databases keep microseconds; truncating before hashing makes the
                    // hashed value the stored value.
                    occurred_at: event.occurred_at.trunc_subsecs(6),
                    actor: event.actor,
                    correlation_id: event.correlation_id,
                    causation_id: event.causation_id,
                    source: event.source,
                    payload_json,
                });
            }
            streams.push(PreparedStream {
                stream_id: stream.stream_id,
                expected: stream.expected,
                events,
            });
        }
        Ok(PreparedRequest {
            streams,
            idempotency: request.idempotency,
        })
    }

    pub(crate) fn event_count(&self) -> usize {
        self.streams.iter().map(|stream| stream.events.len()).sum()
    }
}

/// The last committed event, read inside the batch transaction under the writer lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChainHead {
    pub position: u64,
    pub hash: EventHash,
    pub recorded_at: Option<DateTime<Utc>>,
}

impl ChainHead {
    /// The head of an empty log.
    pub(crate) const EMPTY: ChainHead = ChainHead {
        position: 0,
        hash: EventHash::GENESIS,
        recorded_at: None,
    };
}

/// An idempotency key to record with the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedIdempotency {
    pub key: String,
    pub request_fingerprint: String,
    pub outcome: AppendOutcome,
}

/// What one batch transaction writes and answers.
#[derive(Debug)]
pub(crate) struct BatchPlan {
    /// The rows to insert, in position order.
    pub events: Vec<StoredEvent>,
    /// The idempotency rows to insert.
    pub idempotency: Vec<PlannedIdempotency>,
    /// One answer per request, in request order.
    pub answers: Vec<Result<AppendOutcome, AppendError>>,
}

/// What the database says before planning: versions of the batch's streams (absent = 0) and
/// the stored records of the batch's idempotency keys.
#[derive(Debug, Default)]
pub(crate) struct BatchState {
    pub stream_versions: HashMap<String, u64>,
    pub stored_keys: HashMap<String, IdempotencyRecord>,
}

/// The stream ids and idempotency keys a batch touches, for the back end to look up.
pub(crate) fn batch_lookups(requests: &[&PreparedRequest]) -> (Vec<String>, Vec<String>) {
    let mut stream_ids: Vec<String> = requests
        .iter()
        .flat_map(|request| {
            request
                .streams
                .iter()
                .map(|stream| stream.stream_id.clone())
        })
        .collect();
    stream_ids.sort();
    stream_ids.dedup();
    let mut keys: Vec<String> = requests
        .iter()
        .filter_map(|request| request.idempotency.as_ref().map(|key| key.key.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    (stream_ids, keys)
}

/// Plans a batch. Requests are taken in order; one request's conflict never affects another's.
pub(crate) fn plan_batch(
    head: &ChainHead,
    state: &BatchState,
    requests: &[&PreparedRequest],
    now: DateTime<Utc>,
) -> BatchPlan {
    // recorded_at never decreases along positions, even if the clock steps back or another
    // process's clock runs ahead, so "as known at T" is always a prefix of the log.
    let now = now.trunc_subsecs(6);
    let recorded_at = head.recorded_at.map_or(now, |previous| previous.max(now));
    let mut versions = state.stream_versions.clone();
    let mut keys_in_batch: HashMap<String, IdempotencyRecord> = HashMap::new();
    let mut position = head.position;
    let mut prev_hash = head.hash;
    let mut plan = BatchPlan {
        events: Vec::new(),
        idempotency: Vec::new(),
        answers: Vec::with_capacity(requests.len()),
    };
    for request in requests {
        if let Some(idempotency) = &request.idempotency {
            let known = keys_in_batch
                .get(&idempotency.key)
                .or_else(|| state.stored_keys.get(&idempotency.key));
            if let Some(record) = known {
                plan.answers.push(answer_retry(idempotency, record));
                continue;
            }
        }
        if let Some(conflict) = first_conflict(request, &versions) {
            plan.answers.push(Err(conflict));
            continue;
        }
        let first_position = position + 1;
        let mut streams = Vec::with_capacity(request.streams.len());
        for stream in &request.streams {
            let version = versions.entry(stream.stream_id.clone()).or_insert(0);
            for event in &stream.events {
                position += 1;
                *version += 1;
                let mut stored = stored_event(event, &stream.stream_id, *version, position);
                stored.recorded_at = recorded_at;
                stored.prev_hash = prev_hash;
                stored.hash = stored.recompute_hash();
                prev_hash = stored.hash;
                plan.events.push(stored);
            }
            streams.push((stream.stream_id.clone(), *version));
        }
        let outcome = AppendOutcome {
            streams,
            first_position,
            last_position: position,
            duplicate: false,
        };
        if let Some(idempotency) = &request.idempotency {
            keys_in_batch.insert(
                idempotency.key.clone(),
                IdempotencyRecord {
                    request_fingerprint: idempotency.request_fingerprint.clone(),
                    outcome: AppendOutcome {
                        duplicate: true,
                        ..outcome.clone()
                    },
                },
            );
            plan.idempotency.push(PlannedIdempotency {
                key: idempotency.key.clone(),
                request_fingerprint: idempotency.request_fingerprint.clone(),
                outcome: outcome.clone(),
            });
        }
        plan.answers.push(Ok(outcome));
    }
    plan
}

fn answer_retry(
    idempotency: &IdempotencyKey,
    record: &IdempotencyRecord,
) -> Result<AppendOutcome, AppendError> {
    if record.request_fingerprint == idempotency.request_fingerprint {
        Ok(AppendOutcome {
            duplicate: true,
            ..record.outcome.clone()
        })
    } else {
        Err(AppendError::IdempotencyKeyReused {
            key: idempotency.key.clone(),
        })
    }
}

fn first_conflict(
    request: &PreparedRequest,
    versions: &HashMap<String, u64>,
) -> Option<AppendError> {
    request.streams.iter().find_map(|stream| {
        let actual = versions.get(&stream.stream_id).copied().unwrap_or(0);
        (!stream.expected.is_satisfied_by(actual)).then(|| AppendError::Conflict {
            stream_id: stream.stream_id.clone(),
            expected: stream.expected,
            actual,
        })
    })
}

fn stored_event(
    event: &PreparedEvent,
    stream_id: &str,
    stream_version: u64,
    global_position: u64,
) -> StoredEvent {
    StoredEvent {
        event_id: event.event_id,
        stream_id: stream_id.to_owned(),
        stream_version,
        global_position,
        event_type: event.event_type.clone(),
        schema_version: event.schema_version,
        la: event.la.clone(),
        occurred_at: event.occurred_at,
        recorded_at: event.occurred_at,
        actor: event.actor.clone(),
        correlation_id: event.correlation_id,
        causation_id: event.causation_id,
        source: event.source.clone(),
        payload_json: event.payload_json.clone(),
        prev_hash: EventHash::GENESIS,
        hash: EventHash::GENESIS,
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
