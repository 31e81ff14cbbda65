//! The PostgreSQL batch transaction: lock, read the head, plan, bulk insert, notify, commit.
//!
//! The transaction-level advisory lock serialises writers across processes; positions are
//! assigned under it from the head read under it, so they are contiguous and in commit order.

use super::NOTIFY_CHANNEL;
use super::rows::decode_outcome;
use crate::clock::Clock;
use crate::store::envelope::StoredEvent;
use crate::store::error::{StoreError, to_i64, to_u64};
use crate::store::plan::{
    BatchPlan, BatchState, ChainHead, PlannedIdempotency, PreparedRequest, batch_lookups,
    plan_batch,
};
use crate::store::writer::{BatchAnswers, BatchFailure, BatchWriter};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::envelope::EventHash;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{PgConnection, Postgres, Row, Transaction};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The key of the transaction-level advisory lock every writer takes (ASCII "pepledgr").
pub(crate) const WRITER_LOCK_KEY: i64 = 0x7065_706c_6564_6772;

pub(crate) struct PostgresBatchWriter {
    pool: PgPool,
    clock: Arc<dyn Clock>,
}

impl PostgresBatchWriter {
    pub(crate) fn new(pool: PgPool, clock: Arc<dyn Clock>) -> Self {
        Self { pool, clock }
    }

    /// After the connection broke during COMMIT: did the batch commit? Taking the writer lock
    /// first waits out the old transaction if its backend is still finishing.
    async fn was_committed(&self, probe: Uuid) -> Result<bool, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        take_writer_lock(&mut transaction).await?;
        let found: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM events WHERE event_id = $1)")
                .bind(probe)
                .fetch_one(&mut *transaction)
                .await?;
        transaction.rollback().await?;
        Ok(found)
    }

    async fn resolve_in_doubt(
        &self,
        plan: BatchPlan,
        error: sqlx::Error,
    ) -> Result<BatchAnswers, BatchFailure> {
        let Some(probe) = plan.events.first().map(|event| event.event_id) else {
            return Ok(plan.answers);
        };
        tracing::warn!(%error, "connection lost during commit; checking whether the batch committed");
        for attempt in 0..4u32 {
            tokio::time::sleep(Duration::from_millis(100 * 2u64.pow(attempt))).await;
            match self.was_committed(probe).await {
                Ok(true) => return Ok(plan.answers),
                Ok(false) => {
                    return Err(BatchFailure::Unavailable(format!(
                        "the database connection was lost ({error}); nothing was written"
                    )));
                }
                Err(check_error) => {
                    tracing::warn!(%check_error, attempt, "could not check the in-doubt batch");
                }
            }
        }
        Err(BatchFailure::Unavailable(format!(
            "the database connection was lost during commit ({error}) and the outcome could not \
             be checked; the append may have been written: retry with the same idempotency key"
        )))
    }
}

#[async_trait]
impl BatchWriter for PostgresBatchWriter {
    async fn write_batch(
        &mut self,
        requests: &[&PreparedRequest],
    ) -> Result<BatchAnswers, BatchFailure> {
        let (stream_ids, keys) = batch_lookups(requests);
        let mut transaction = self.pool.begin().await.map_err(before_commit)?;
        take_writer_lock(&mut transaction)
            .await
            .map_err(before_commit)?;
        let head = read_head(&mut transaction).await?;
        let state = BatchState {
            stream_versions: read_versions(&mut transaction, &stream_ids).await?,
            stored_keys: read_keys(&mut transaction, &keys).await?,
        };
        let plan = plan_batch(&head, &state, requests, self.clock.now());
        let Some(last) = plan.events.last() else {
            // Only conflicts and retries: nothing to write. Dropping the transaction rolls it
            // back when the connection returns to the pool.
            return Ok(plan.answers);
        };
        let last_position = last.global_position;
        let recorded_at = last.recorded_at;
        insert_events(&mut transaction, &plan.events)
            .await
            .map_err(before_commit)?;
        insert_keys(&mut transaction, &plan.idempotency, recorded_at)
            .await
            .map_err(before_commit)?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(NOTIFY_CHANNEL)
            .bind(last_position.to_string())
            .execute(&mut *transaction)
            .await
            .map_err(before_commit)?;
        match transaction.commit().await {
            Ok(()) => Ok(plan.answers),
            Err(error) if is_connection_error(&error) => self.resolve_in_doubt(plan, error).await,
            Err(error) => Err(before_commit(error)),
        }
    }
}

async fn take_writer_lock(transaction: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITER_LOCK_KEY)
        .execute(&mut **transaction)
        .await
        .map(|_| ())
}

async fn read_head(connection: &mut PgConnection) -> Result<ChainHead, BatchFailure> {
    let row = sqlx::query(
        "SELECT global_position, hash, recorded_at FROM events \
         ORDER BY global_position DESC LIMIT 1",
    )
    .fetch_optional(connection)
    .await
    .map_err(before_commit)?;
    let Some(row) = row else {
        return Ok(ChainHead::EMPTY);
    };
    decode_head(&row).map_err(|error| BatchFailure::Refused {
        message: error.to_string(),
        data_error: false,
    })
}

fn decode_head(row: &PgRow) -> Result<ChainHead, StoreError> {
    let corrupt = |error: sqlx::Error| StoreError::corrupt(0, format!("chain head: {error}"));
    let position = to_u64(
        0,
        "global position",
        row.try_get("global_position").map_err(corrupt)?,
    )?;
    let hash: Vec<u8> = row.try_get("hash").map_err(corrupt)?;
    let recorded_at: DateTime<Utc> = row.try_get("recorded_at").map_err(corrupt)?;
    Ok(ChainHead {
        position,
        hash: EventHash::from_slice(&hash)
            .ok_or_else(|| StoreError::corrupt(position, "hash is not 32 bytes"))?,
        recorded_at: Some(recorded_at),
    })
}

async fn read_versions(
    connection: &mut PgConnection,
    stream_ids: &[String],
) -> Result<std::collections::HashMap<String, u64>, BatchFailure> {
    // One index probe per stream (the unique index on stream_id, stream_version), all in one
    // round trip.
    let rows = sqlx::query(
        "SELECT requested.stream_id, \
         (SELECT max(e.stream_version) FROM events e WHERE e.stream_id = requested.stream_id) \
         AS version FROM UNNEST($1::text[]) AS requested(stream_id)",
    )
    .bind(stream_ids)
    .fetch_all(connection)
    .await
    .map_err(before_commit)?;
    let mut versions = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        let stream_id: String = row.try_get("stream_id").map_err(before_commit)?;
        let version: Option<i64> = row.try_get("version").map_err(before_commit)?;
        if let Some(version) = version {
            versions.insert(stream_id, u64::try_from(version).unwrap_or(0));
        }
    }
    Ok(versions)
}

async fn read_keys(
    connection: &mut PgConnection,
    keys: &[String],
) -> Result<std::collections::HashMap<String, crate::store::IdempotencyRecord>, BatchFailure> {
    if keys.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    // A lateral probe per key keeps to the primary key index. With `= ANY($1)` this lookup
    // took 15-20 ms per 64-request batch in the benchmark (a fresh, fast-growing table the
    // planner had no statistics for), against 1-2 ms this way.
    let rows = sqlx::query(
        "SELECT stored.idempotency_key, stored.request_fingerprint, stored.streams, \
         stored.first_position, stored.last_position \
         FROM UNNEST($1::text[]) AS requested(idempotency_key) \
         CROSS JOIN LATERAL (SELECT * FROM idempotency_keys keys \
         WHERE keys.idempotency_key = requested.idempotency_key) AS stored",
    )
    .bind(keys)
    .fetch_all(connection)
    .await
    .map_err(before_commit)?;
    let mut records = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        let key: String = row.try_get("idempotency_key").map_err(before_commit)?;
        let record = decode_outcome(&row).map_err(|error| BatchFailure::Refused {
            message: error.to_string(),
            data_error: false,
        })?;
        records.insert(key, record);
    }
    Ok(records)
}

async fn insert_events(
    transaction: &mut Transaction<'_, Postgres>,
    events: &[StoredEvent],
) -> Result<(), sqlx::Error> {
    let column = |value: fn(&StoredEvent) -> String| events.iter().map(value).collect::<Vec<_>>();
    let positions: Vec<i64> = events.iter().map(|e| to_i64(e.global_position)).collect();
    let event_ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
    let versions: Vec<i64> = events.iter().map(|e| to_i64(e.stream_version)).collect();
    let schema_versions: Vec<i32> = events
        .iter()
        .map(|e| i32::try_from(e.schema_version).unwrap_or(i32::MAX))
        .collect();
    let occurred: Vec<DateTime<Utc>> = events.iter().map(|e| e.occurred_at).collect();
    let recorded: Vec<DateTime<Utc>> = events.iter().map(|e| e.recorded_at).collect();
    let correlations: Vec<Uuid> = events.iter().map(|e| e.correlation_id).collect();
    let causations: Vec<Uuid> = events.iter().map(|e| e.causation_id).collect();
    let prev_hashes: Vec<Vec<u8>> = events.iter().map(|e| e.prev_hash.0.to_vec()).collect();
    let hashes: Vec<Vec<u8>> = events.iter().map(|e| e.hash.0.to_vec()).collect();
    sqlx::query(
        "INSERT INTO events (global_position, event_id, stream_id, stream_version, event_type, \
         schema_version, la, occurred_at, recorded_at, actor_id, actor_role, correlation_id, \
         causation_id, source, payload, prev_hash, hash) \
         SELECT * FROM UNNEST($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], \
         $6::integer[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], \
         $11::text[], $12::uuid[], $13::uuid[], $14::text[], $15::text[], $16::bytea[], \
         $17::bytea[])",
    )
    .bind(positions)
    .bind(event_ids)
    .bind(column(|e| e.stream_id.clone()))
    .bind(versions)
    .bind(column(|e| e.event_type.clone()))
    .bind(schema_versions)
    .bind(column(|e| e.la.clone()))
    .bind(occurred)
    .bind(recorded)
    .bind(column(|e| e.actor.id.clone()))
    .bind(column(|e| e.actor.role.as_str().to_owned()))
    .bind(correlations)
    .bind(causations)
    .bind(column(|e| e.source.clone()))
    .bind(column(|e| e.payload_json.clone()))
    .bind(prev_hashes)
    .bind(hashes)
    .execute(&mut **transaction)
    .await
    .map(|_| ())
}

async fn insert_keys(
    transaction: &mut Transaction<'_, Postgres>,
    keys: &[PlannedIdempotency],
    recorded_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if keys.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = keys.iter().map(|k| k.key.clone()).collect();
    let fingerprints: Vec<String> = keys.iter().map(|k| k.request_fingerprint.clone()).collect();
    let streams: Vec<String> = keys
        .iter()
        .map(|k| serde_json::to_string(&k.outcome.streams).unwrap_or_else(|_| "[]".to_owned()))
        .collect();
    let firsts: Vec<i64> = keys
        .iter()
        .map(|k| to_i64(k.outcome.first_position))
        .collect();
    let lasts: Vec<i64> = keys
        .iter()
        .map(|k| to_i64(k.outcome.last_position))
        .collect();
    sqlx::query(
        "INSERT INTO idempotency_keys (idempotency_key, request_fingerprint, streams, \
         first_position, last_position, recorded_at) \
         SELECT keys.*, $6 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], \
         $5::bigint[]) AS keys",
    )
    .bind(names)
    .bind(fingerprints)
    .bind(streams)
    .bind(firsts)
    .bind(lasts)
    .bind(recorded_at)
    .execute(&mut **transaction)
    .await
    .map(|_| ())
}

/// Classifies a failure that happened before COMMIT was sent: nothing was written.
fn before_commit(error: sqlx::Error) -> BatchFailure {
    if is_connection_error(&error) {
        return BatchFailure::Unavailable(format!(
            "the database could not be reached ({error}); nothing was written"
        ));
    }
    let data_error = match &error {
        sqlx::Error::Database(database_error) => database_error
            .code()
            .is_some_and(|code| code.starts_with("22") || code.starts_with("23")),
        _ => false,
    };
    BatchFailure::Refused {
        message: error.to_string(),
        data_error,
    }
}

/// Whether the error means the connection (or the server) is gone, rather than a refusal.
pub(crate) fn is_connection_error(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => true,
        // Class 08 is connection exceptions; 57P0x are shutdowns and terminated backends
        // (pg_terminate_backend); 53300 is too many connections.
        sqlx::Error::Database(database_error) => database_error.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }),
        _ => false,
    }
}
