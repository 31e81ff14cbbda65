//! Delivery rows and their attempt log: what is due, recording an attempt and its effect on
//! the row in one transaction, the listing officers see, and the manual retry.

use super::NoticeTables;
use super::{DELIVERED, FAILED, PENDING, count, instant, micros, on_pool, uuid};
use chrono::{DateTime, Utc};
use pep_records::RecordError;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;
use uuid::Uuid;

/// A delivery to attempt now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// Its id (`Nats-Msg-Id`, `Pep-Delivery-Id`).
    pub delivery_id: Uuid,
    /// The notice.
    pub notice_id: Uuid,
    /// The LA.
    pub la: String,
    /// `nats` or `webhook`.
    pub channel: String,
    /// The subject or the webhook id.
    pub target: String,
    /// The body.
    pub payload: String,
    /// Attempts made so far (the next is `attempts + 1`).
    pub attempts: u32,
    /// Attempts since the last manual retry (the bound applies to these).
    pub attempts_since_retry: u32,
    /// When the row was written (delivery latency is measured from here).
    pub created_at: DateTime<Utc>,
}

/// How one attempt ended, and what happens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Delivered.
    Delivered,
    /// Failed; try again at this instant.
    Retry(DateTime<Utc>),
    /// Failed for the last time (the bound, or nothing left to deliver to).
    GiveUp,
}

/// One attempt, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttemptRecord {
    /// 1 for the first attempt, counting on across manual retries.
    pub attempt: u32,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// `delivered` or `failed`.
    pub outcome: String,
    /// The receiver's HTTP status (webhooks).
    pub http_status: Option<u16>,
    /// Why it failed.
    pub error: Option<String>,
}

/// A delivery as the deliveries listing shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryView {
    /// Its id.
    pub delivery_id: Uuid,
    /// `nats`, `webhook` or `inbox`.
    pub channel: String,
    /// The subject, the webhook id, or the inbox (`iro:<id>`, `social_worker:<id>`,
    /// `virtual_school:<la>`).
    pub target: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The last failure.
    pub last_error: Option<String>,
    /// Every attempt, first first.
    pub attempt_log: Vec<AttemptRecord>,
}

const DUE_COLUMNS: &str = "delivery_id, notice_id, la, channel, target, payload, attempts, \
    attempts_since_retry, created_at_micros";

impl NoticeTables {
    /// Up to `limit` pending NATS and webhook deliveries due at `now`, earliest first.
    pub async fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, RecordError> {
        let sql = format!(
            "SELECT {DUE_COLUMNS} FROM gateway_notice_deliveries \
             WHERE state = $1 AND next_attempt_at_micros <= $2 AND channel <> 'inbox' \
             ORDER BY next_attempt_at_micros LIMIT $3"
        );
        on_pool!(&self.database, pool => {
            let rows = sqlx::query(&sql)
                .bind(PENDING)
                .bind(micros(now))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(DueDelivery {
                        delivery_id: uuid(&row.try_get::<String, _>("delivery_id")?)?,
                        notice_id: uuid(&row.try_get::<String, _>("notice_id")?)?,
                        la: row.try_get("la")?,
                        channel: row.try_get("channel")?,
                        target: row.try_get("target")?,
                        payload: row.try_get("payload")?,
                        attempts: count(row.try_get("attempts")?),
                        attempts_since_retry: count(row.try_get("attempts_since_retry")?),
                        created_at: instant(row.try_get("created_at_micros")?)?,
                    })
                })
                .collect::<Result<Vec<_>, RecordError>>()
        })
    }

    /// When the next pending delivery falls due, if any is pending.
    pub async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, RecordError> {
        let sql = "SELECT MIN(next_attempt_at_micros) FROM gateway_notice_deliveries \
                   WHERE state = $1 AND channel <> 'inbox'";
        let next: Option<i64> = on_pool!(&self.database, pool => {
            sqlx::query_scalar(sql).bind(PENDING).fetch_one(pool).await?
        });
        next.map(instant).transpose()
    }

    /// Logs attempt number `attempt.attempt` of `delivery_id` and moves the row as `outcome`
    /// says, in one transaction. An attempt already logged (a worker that lost leadership
    /// mid-flight and a new one) is not logged twice.
    pub async fn record_attempt(
        &self,
        delivery_id: Uuid,
        attempt: &AttemptRecord,
        outcome: &AttemptOutcome,
    ) -> Result<(), RecordError> {
        let finished = micros(attempt.started_at)
            + i64::try_from(attempt.duration_ms)
                .unwrap_or(0)
                .saturating_mul(1000);
        let (state, next_at, delivered_at) = match outcome {
            AttemptOutcome::Delivered => (DELIVERED, None, Some(finished)),
            AttemptOutcome::Retry(at) => (PENDING, Some(micros(*at)), None),
            AttemptOutcome::GiveUp => (FAILED, None, None),
        };
        on_pool!(&self.database, pool => {
            let mut transaction = pool.begin().await?;
            sqlx::query(
                "INSERT INTO gateway_notice_attempts (delivery_id, attempt, started_at_micros, \
                 duration_ms, outcome, http_status, error) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(delivery_id.to_string())
            .bind(i64::from(attempt.attempt))
            .bind(micros(attempt.started_at))
            .bind(i64::try_from(attempt.duration_ms).unwrap_or(i64::MAX))
            .bind(&attempt.outcome)
            .bind(attempt.http_status.map(i64::from))
            .bind(attempt.error.clone())
            .execute(&mut *transaction)
            .await?;
            sqlx::query(
                "UPDATE gateway_notice_deliveries SET state = $1, \
                 attempts = $2, attempts_since_retry = attempts_since_retry + 1, \
                 next_attempt_at_micros = COALESCE($3, next_attempt_at_micros), \
                 delivered_at_micros = $4, last_error = $5 \
                 WHERE delivery_id = $6 AND state = $7",
            )
            .bind(state)
            .bind(i64::from(attempt.attempt))
            .bind(next_at)
            .bind(delivered_at)
            .bind(attempt.error.clone())
            .bind(delivery_id.to_string())
            .bind(PENDING)
            .execute(&mut *transaction)
            .await?;
            transaction.commit().await?;
            Ok(())
        })
    }

    /// Puts a failed delivery of `notice_id` back in the queue with a fresh bound of attempts.
    /// `Ok(None)` when there is no such delivery; `Ok(Some(false))` when it is not failed.
    pub async fn requeue_delivery(
        &self,
        notice_id: Uuid,
        delivery_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<bool>, RecordError> {
        // One conditional UPDATE rather than a read-then-write transaction: on SQLite a
        // deferred transaction that reads first cannot wait for the worker's write lock and
        // fails at once with "database is locked".
        on_pool!(&self.database, pool => {
            let requeued = sqlx::query(
                "UPDATE gateway_notice_deliveries SET state = $1, attempts_since_retry = 0, \
                 next_attempt_at_micros = $2 \
                 WHERE delivery_id = $3 AND notice_id = $4 AND state = $5",
            )
            .bind(PENDING)
            .bind(micros(now))
            .bind(delivery_id.to_string())
            .bind(notice_id.to_string())
            .bind(FAILED)
            .execute(pool)
            .await?
            .rows_affected();
            if requeued == 1 {
                return Ok(Some(true));
            }
            let state: Option<String> = sqlx::query_scalar(
                "SELECT state FROM gateway_notice_deliveries \
                 WHERE delivery_id = $1 AND notice_id = $2",
            )
            .bind(delivery_id.to_string())
            .bind(notice_id.to_string())
            .fetch_optional(pool)
            .await?;
            Ok(state.map(|_| false))
        })
    }

    /// Every delivery of a notice with its attempts, in a stable order.
    pub async fn deliveries_of(&self, notice_id: Uuid) -> Result<Vec<DeliveryView>, RecordError> {
        let notice = notice_id.to_string();
        on_pool!(&self.database, pool => {
            let rows = sqlx::query(
                "SELECT delivery_id, channel, target, state, attempts, next_attempt_at_micros, \
                 delivered_at_micros, last_error FROM gateway_notice_deliveries \
                 WHERE notice_id = $1 ORDER BY channel, target",
            )
            .bind(&notice)
            .fetch_all(pool)
            .await?;
            let attempts = sqlx::query(
                "SELECT a.delivery_id, a.attempt, a.started_at_micros, a.duration_ms, a.outcome, \
                 a.http_status, a.error FROM gateway_notice_attempts a \
                 JOIN gateway_notice_deliveries d ON d.delivery_id = a.delivery_id \
                 WHERE d.notice_id = $1 ORDER BY a.delivery_id, a.attempt",
            )
            .bind(&notice)
            .fetch_all(pool)
            .await?;
            let mut log: Vec<(String, AttemptRecord)> = Vec::with_capacity(attempts.len());
            for row in &attempts {
                let status: Option<i64> = row.try_get("http_status")?;
                log.push((
                    row.try_get("delivery_id")?,
                    AttemptRecord {
                        attempt: count(row.try_get("attempt")?),
                        started_at: instant(row.try_get("started_at_micros")?)?,
                        duration_ms: u64::try_from(row.try_get::<i64, _>("duration_ms")?)
                            .unwrap_or(0),
                        outcome: row.try_get("outcome")?,
                        http_status: status.and_then(|status| u16::try_from(status).ok()),
                        error: row.try_get("error")?,
                    },
                ));
            }
            rows.iter()
                .map(|row| {
                    let id: String = row.try_get("delivery_id")?;
                    let state: String = row.try_get("state")?;
                    let next: i64 = row.try_get("next_attempt_at_micros")?;
                    let delivered: Option<i64> = row.try_get("delivered_at_micros")?;
                    Ok(DeliveryView {
                        delivery_id: uuid(&id)?,
                        channel: row.try_get("channel")?,
                        target: row.try_get("target")?,
                        attempts: count(row.try_get("attempts")?),
                        next_attempt_at: if state == PENDING { Some(instant(next)?) } else { None },
                        delivered_at: delivered.map(instant).transpose()?,
                        last_error: row.try_get("last_error")?,
                        attempt_log: log
                            .iter()
                            .filter(|(delivery, _)| *delivery == id)
                            .map(|(_, attempt)| attempt.clone())
                            .collect(),
                        state,
                    })
                })
                .collect::<Result<Vec<_>, RecordError>>()
        })
    }
}
