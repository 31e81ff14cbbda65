//! Turning SQLite rows into stored events, and instants into the integers SQLite keeps.

use crate::store::append::{AppendOutcome, IdempotencyRecord};
use crate::store::envelope::StoredEvent;
use crate::store::error::{StoreError, parse_actor, to_u64};
use chrono::{DateTime, Utc};
use domain::envelope::EventHash;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

/// The columns every event query selects.
pub(crate) const EVENT_COLUMNS: &str = "global_position, event_id, stream_id, stream_version, \
    event_type, schema_version, la, occurred_at, recorded_at, actor_id, actor_role, \
    correlation_id, causation_id, source, payload, prev_hash, hash";

/// Instants are stored as microseconds since the Unix epoch, the precision the hash covers.
pub(crate) fn to_micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

pub(crate) fn from_micros(position: u64, micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::corrupt(position, format!("instant {micros} is out of range")))
}

pub(crate) fn decode_event(row: &SqliteRow) -> Result<StoredEvent, StoreError> {
    let position = to_u64(0, "global position", get(row, 0, "global_position")?)?;
    let actor_id: String = get(row, position, "actor_id")?;
    let actor_role: String = get(row, position, "actor_role")?;
    let schema_version: i64 = get(row, position, "schema_version")?;
    Ok(StoredEvent {
        event_id: uuid(row, position, "event_id")?,
        stream_id: get(row, position, "stream_id")?,
        stream_version: to_u64(
            position,
            "stream version",
            get(row, position, "stream_version")?,
        )?,
        global_position: position,
        event_type: get(row, position, "event_type")?,
        schema_version: u32::try_from(schema_version)
            .map_err(|_| StoreError::corrupt(position, "schema version out of range"))?,
        la: get(row, position, "la")?,
        occurred_at: from_micros(position, get(row, position, "occurred_at")?)?,
        recorded_at: from_micros(position, get(row, position, "recorded_at")?)?,
        actor: parse_actor(position, actor_id, &actor_role)?,
        correlation_id: uuid(row, position, "correlation_id")?,
        causation_id: uuid(row, position, "causation_id")?,
        source: get(row, position, "source")?,
        payload_json: get(row, position, "payload")?,
        prev_hash: hash(row, position, "prev_hash")?,
        hash: hash(row, position, "hash")?,
    })
}

fn get<'r, T>(row: &'r SqliteRow, position: u64, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column)
        .map_err(|error| StoreError::corrupt(position, format!("column {column}: {error}")))
}

fn uuid(row: &SqliteRow, position: u64, column: &str) -> Result<Uuid, StoreError> {
    let text: String = get(row, position, column)?;
    Uuid::parse_str(&text)
        .map_err(|error| StoreError::corrupt(position, format!("column {column}: {error}")))
}

pub(crate) fn hash(row: &SqliteRow, position: u64, column: &str) -> Result<EventHash, StoreError> {
    let bytes: Vec<u8> = get(row, position, column)?;
    EventHash::from_slice(&bytes)
        .ok_or_else(|| StoreError::corrupt(position, format!("{column} is not 32 bytes")))
}

/// Decodes `request_fingerprint, streams, first_position, last_position`.
pub(crate) fn decode_outcome(row: &SqliteRow) -> Result<IdempotencyRecord, StoreError> {
    let streams_json: String = get(row, 0, "streams")?;
    let streams: Vec<(String, u64)> = serde_json::from_str(&streams_json)
        .map_err(|error| StoreError::corrupt(0, format!("idempotency streams: {error}")))?;
    Ok(IdempotencyRecord {
        request_fingerprint: get(row, 0, "request_fingerprint")?,
        outcome: AppendOutcome {
            streams,
            first_position: to_u64(0, "first position", get(row, 0, "first_position")?)?,
            last_position: to_u64(0, "last position", get(row, 0, "last_position")?)?,
            duplicate: true,
        },
    })
}
