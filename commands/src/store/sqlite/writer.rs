//! The SQLite batch transaction: `BEGIN IMMEDIATE` (the file's write lock), read the head,
//! plan, insert, commit.
//!
//! Within a process there is one writer task; `BEGIN IMMEDIATE` also serialises a second
//! process that opened the same file, so the log stays gap-free and chained even then.

use super::rows::{decode_outcome, hash, to_micros};
use crate::clock::Clock;
use crate::store::error::{StoreError, to_i64, to_u64};
use crate::store::plan::{BatchState, ChainHead, PreparedRequest, batch_lookups, plan_batch};
use crate::store::writer::{BatchAnswers, BatchFailure, BatchWriter};
use async_trait::async_trait;
use sqlx::error::ErrorKind;
use sqlx::sqlite::SqlitePool;
use sqlx::{Row, SqliteConnection};
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) struct SqliteBatchWriter {
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
}

impl SqliteBatchWriter {
    pub(crate) fn new(pool: SqlitePool, clock: Arc<dyn Clock>) -> Self {
        Self { pool, clock }
    }
}

#[async_trait]
impl BatchWriter for SqliteBatchWriter {
    async fn write_batch(
        &mut self,
        requests: &[&PreparedRequest],
    ) -> Result<BatchAnswers, BatchFailure> {
        let (stream_ids, keys) = batch_lookups(requests);
        let mut transaction = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(failure)?;
        let head = read_head(&mut transaction).await?;
        let mut state = BatchState::default();
        for stream_id in stream_ids {
            let version: Option<i64> =
                sqlx::query_scalar("SELECT max(stream_version) FROM events WHERE stream_id = ?1")
                    .bind(&stream_id)
                    .fetch_one(&mut *transaction)
                    .await
                    .map_err(failure)?;
            if let Some(version) = version {
                state
                    .stream_versions
                    .insert(stream_id, u64::try_from(version).unwrap_or(0));
            }
        }
        state.stored_keys = read_keys(&mut transaction, &keys).await?;
        let plan = plan_batch(&head, &state, requests, self.clock.now());
        let Some(last) = plan.events.last() else {
            return Ok(plan.answers);
        };
        let recorded_at = to_micros(last.recorded_at);
        for event in &plan.events {
            sqlx::query(
                "INSERT INTO events (global_position, event_id, stream_id, stream_version, \
                 event_type, schema_version, la, occurred_at, recorded_at, actor_id, actor_role, \
                 correlation_id, causation_id, source, payload, prev_hash, hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )
            .bind(to_i64(event.global_position))
            .bind(event.event_id.hyphenated().to_string())
            .bind(&event.stream_id)
            .bind(to_i64(event.stream_version))
            .bind(&event.event_type)
            .bind(i64::from(event.schema_version))
            .bind(&event.la)
            .bind(to_micros(event.occurred_at))
            .bind(to_micros(event.recorded_at))
            .bind(&event.actor.id)
            .bind(event.actor.role.as_str())
            .bind(event.correlation_id.hyphenated().to_string())
            .bind(event.causation_id.hyphenated().to_string())
            .bind(&event.source)
            .bind(&event.payload_json)
            .bind(event.prev_hash.0.as_slice())
            .bind(event.hash.0.as_slice())
            .execute(&mut *transaction)
            .await
            .map_err(failure)?;
        }
        for key in &plan.idempotency {
            let streams = serde_json::to_string(&key.outcome.streams).unwrap_or_default();
            sqlx::query(
                "INSERT INTO idempotency_keys (idempotency_key, request_fingerprint, streams, \
                 first_position, last_position, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&key.key)
            .bind(&key.request_fingerprint)
            .bind(streams)
            .bind(to_i64(key.outcome.first_position))
            .bind(to_i64(key.outcome.last_position))
            .bind(recorded_at)
            .execute(&mut *transaction)
            .await
            .map_err(failure)?;
        }
        transaction.commit().await.map_err(failure)?;
        Ok(plan.answers)
    }
}

async fn read_head(connection: &mut SqliteConnection) -> Result<ChainHead, BatchFailure> {
    let row = sqlx::query(
        "SELECT global_position, hash, recorded_at FROM events \
         ORDER BY global_position DESC LIMIT 1",
    )
    .fetch_optional(connection)
    .await
    .map_err(failure)?;
    let Some(row) = row else {
        return Ok(ChainHead::EMPTY);
    };
    let decode = || -> Result<ChainHead, StoreError> {
        let raw_position: i64 = row
            .try_get("global_position")
            .map_err(|error| StoreError::corrupt(0, error.to_string()))?;
        let position = to_u64(0, "global position", raw_position)?;
        let recorded_at: i64 = row
            .try_get("recorded_at")
            .map_err(|error| StoreError::corrupt(position, error.to_string()))?;
        Ok(ChainHead {
            position,
            hash: hash(&row, position, "hash")?,
            recorded_at: Some(super::rows::from_micros(position, recorded_at)?),
        })
    };
    decode().map_err(|error| BatchFailure::Refused {
        message: error.to_string(),
        data_error: false,
    })
}

async fn read_keys(
    connection: &mut SqliteConnection,
    keys: &[String],
) -> Result<HashMap<String, crate::store::IdempotencyRecord>, BatchFailure> {
    let mut records = HashMap::new();
    for key in keys {
        let row = sqlx::query(
            "SELECT request_fingerprint, streams, first_position, last_position \
             FROM idempotency_keys WHERE idempotency_key = ?1",
        )
        .bind(key)
        .fetch_optional(&mut *connection)
        .await
        .map_err(failure)?;
        if let Some(row) = row {
            let record = decode_outcome(&row).map_err(|error| BatchFailure::Refused {
                message: error.to_string(),
                data_error: false,
            })?;
            records.insert(key.clone(), record);
        }
    }
    Ok(records)
}

/// A SQLite file is local: a failure is either the data (a constraint) or the file/disk.
fn failure(error: sqlx::Error) -> BatchFailure {
    match &error {
        sqlx::Error::Database(database_error) if database_error.kind() != ErrorKind::Other => {
            BatchFailure::Refused {
                message: error.to_string(),
                data_error: true,
            }
        }
        sqlx::Error::Database(_) => BatchFailure::Refused {
            message: error.to_string(),
            data_error: false,
        },
        _ => BatchFailure::Unavailable(format!("{error}; nothing was written")),
    }
}
