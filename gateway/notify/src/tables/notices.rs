//! Writing what the dispatcher decided: the notice and its delivery rows in one transaction,
//! every insert a no-op when the row exists, so replaying the log after a crash adds nothing.

use super::NoticeTables;
use super::{DELIVERED, PENDING, micros, on_pool, uuid};
use crate::message::NamedPerson;
use chrono::{DateTime, NaiveDate, Utc};
use pep_records::RecordError;
use sqlx::Row;
use uuid::Uuid;

/// A notice as the dispatcher keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// Stable id.
    pub notice_id: Uuid,
    /// The child's LA.
    pub la: String,
    /// The child.
    pub child_id: Uuid,
    /// Why (snake case, as in the event).
    pub reason: String,
    /// One line.
    pub summary: String,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// The event concerned.
    pub about_event_id: Uuid,
    /// Position of the request.
    pub position: u64,
    /// When it was requested.
    pub requested_at: DateTime<Utc>,
    /// The IRO, once the child has one.
    pub iro: Option<NamedPerson>,
    /// `addressed` or `unaddressed`.
    pub state: String,
}

/// The state of a notice whose child has an IRO.
pub const ADDRESSED: &str = "addressed";
/// The state of a notice waiting for the child to be given an IRO.
pub const UNADDRESSED: &str = "unaddressed";

/// One delivery to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// Derived from (notice, channel, target).
    pub delivery_id: Uuid,
    /// `nats`, `webhook` or `inbox`.
    pub channel: &'static str,
    /// The subject, the webhook id, or the inbox key.
    pub target: String,
    /// The exact body to send.
    pub payload: String,
}

impl NoticeTables {
    /// Records `notice` (unless known) and `deliveries` (each unless known); returns how many
    /// delivery rows were new. An inbox row is delivered as it is written.
    pub async fn record_notice(
        &self,
        notice: &NoticeRow,
        deliveries: &[NewDelivery],
        now: DateTime<Utc>,
    ) -> Result<u64, RecordError> {
        let position = i64::try_from(notice.position).unwrap_or(i64::MAX);
        let (iro_id, iro_name) = match &notice.iro {
            Some(person) => (Some(person.id.clone()), Some(person.name.clone())),
            None => (None, None),
        };
        on_pool!(&self.database, pool => {
            let mut transaction = pool.begin().await?;
            sqlx::query(
                "INSERT INTO gateway_notices (notice_id, la, child_id, reason, summary, \
                 occurred_on, about_event_id, position, requested_at_micros, iro_id, iro_name, \
                 state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(notice.notice_id.to_string())
            .bind(&notice.la)
            .bind(notice.child_id.to_string())
            .bind(&notice.reason)
            .bind(&notice.summary)
            .bind(notice.occurred_on.to_string())
            .bind(notice.about_event_id.to_string())
            .bind(position)
            .bind(micros(notice.requested_at))
            .bind(iro_id.clone())
            .bind(iro_name.clone())
            .bind(&notice.state)
            .execute(&mut *transaction)
            .await?;
            if notice.state == ADDRESSED {
                // A notice that waited for an IRO is addressed now.
                sqlx::query(
                    "UPDATE gateway_notices SET iro_id = $1, iro_name = $2, state = $3 \
                     WHERE notice_id = $4 AND state = $5",
                )
                .bind(iro_id)
                .bind(iro_name)
                .bind(ADDRESSED)
                .bind(notice.notice_id.to_string())
                .bind(UNADDRESSED)
                .execute(&mut *transaction)
                .await?;
            }
            let mut added = 0;
            for delivery in deliveries {
                let inbox = delivery.channel == "inbox";
                let result = sqlx::query(
                    "INSERT INTO gateway_notice_deliveries (delivery_id, notice_id, la, channel, \
                     target, payload, state, attempts, attempts_since_retry, \
                     next_attempt_at_micros, created_at_micros, delivered_at_micros, last_error) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8, $8, $9, NULL) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(delivery.delivery_id.to_string())
                .bind(notice.notice_id.to_string())
                .bind(&notice.la)
                .bind(delivery.channel)
                .bind(&delivery.target)
                .bind(&delivery.payload)
                .bind(if inbox { DELIVERED } else { PENDING })
                .bind(micros(now))
                .bind(inbox.then(|| micros(now)))
                .execute(&mut *transaction)
                .await?;
                added += result.rows_affected();
            }
            transaction.commit().await?;
            Ok(added)
        })
    }

    /// The notices about `child_id` still waiting for an IRO, oldest first.
    pub async fn unaddressed_notices(&self, child_id: Uuid) -> Result<Vec<NoticeRow>, RecordError> {
        self.notices_where(
            "child_id = $1 AND state = $2 ORDER BY position",
            &[child_id.to_string(), UNADDRESSED.to_owned()],
        )
        .await
    }

    /// One notice by id.
    pub async fn notice(&self, notice_id: Uuid) -> Result<Option<NoticeRow>, RecordError> {
        Ok(self
            .notices_where("notice_id = $1", &[notice_id.to_string()])
            .await?
            .pop())
    }

    async fn notices_where(
        &self,
        condition: &str,
        values: &[String],
    ) -> Result<Vec<NoticeRow>, RecordError> {
        let sql = format!(
            "SELECT notice_id, la, child_id, reason, summary, occurred_on, about_event_id, \
             position, requested_at_micros, iro_id, iro_name, state FROM gateway_notices \
             WHERE {condition}"
        );
        on_pool!(&self.database, pool => {
            let mut query = sqlx::query(&sql);
            for value in values {
                query = query.bind(value.clone());
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    let iro_id: Option<String> = row.try_get("iro_id")?;
                    let iro_name: Option<String> = row.try_get("iro_name")?;
                    let occurred_on: String = row.try_get("occurred_on")?;
                    Ok(NoticeRow {
                        notice_id: uuid(&row.try_get::<String, _>("notice_id")?)?,
                        la: row.try_get("la")?,
                        child_id: uuid(&row.try_get::<String, _>("child_id")?)?,
                        reason: row.try_get("reason")?,
                        summary: row.try_get("summary")?,
                        occurred_on: occurred_on.parse().map_err(|error| {
                            RecordError::Failed(format!("date {occurred_on:?}: {error}"))
                        })?,
                        about_event_id: uuid(&row.try_get::<String, _>("about_event_id")?)?,
                        position: u64::try_from(row.try_get::<i64, _>("position")?).unwrap_or(0),
                        requested_at: super::instant(row.try_get("requested_at_micros")?)?,
                        iro: iro_id.zip(iro_name).map(|(id, name)| NamedPerson { id, name }),
                        state: row.try_get("state")?,
                    })
                })
                .collect::<Result<Vec<_>, RecordError>>()
        })
    }
}
