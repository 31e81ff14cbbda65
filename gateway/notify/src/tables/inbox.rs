//! The in-app inbox: the notices delivered to a person's inbox key(s), newest first, with
//! whether they have read each; and read receipts, recorded once per reader and notice.

use super::NoticeTables;
use super::{instant, micros, on_pool, uuid};
use chrono::{DateTime, Utc};
use pep_records::RecordError;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;
use uuid::Uuid;

/// One notice in an inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InboxItem {
    /// Stable id.
    pub notice_id: Uuid,
    /// The child.
    pub child_id: Uuid,
    /// The LA.
    pub la: String,
    /// Why.
    pub reason: String,
    /// One line.
    pub summary: String,
    /// The day it happened.
    pub occurred_on: String,
    /// When it was requested.
    pub requested_at: DateTime<Utc>,
    /// `addressed`, or `unaddressed` while the child has no IRO.
    pub state: String,
    /// The position of the request (the inbox's cursor).
    pub position: u64,
    /// When the caller read it, if they have.
    pub read_at: Option<DateTime<Utc>>,
}

/// Which of an inbox to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxQuery {
    /// The caller's LA.
    pub la: String,
    /// The inbox keys the caller reads (`iro:<id>`, `social_worker:<id>`,
    /// `virtual_school:<la>`).
    pub keys: Vec<String>,
    /// Whose read receipts count.
    pub reader_id: String,
    /// Only notices the caller has not read.
    pub unread_only: bool,
    /// Only notices older (by position) than this.
    pub before_position: Option<u64>,
    /// At most this many.
    pub limit: u32,
}

/// Someone read a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReadReceipt {
    /// Who (the token subject).
    pub reader_id: String,
    /// In what role.
    pub reader_role: String,
    /// When they first marked it read.
    pub read_at: DateTime<Utc>,
}

impl NoticeTables {
    /// One page of an inbox.
    pub async fn inbox(&self, query: &InboxQuery) -> Result<Vec<InboxItem>, RecordError> {
        if query.keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys = (0..query.keys.len())
            .map(|index| format!("${}", index + 5))
            .collect::<Vec<_>>()
            .join(", ");
        let unread = if query.unread_only {
            " AND r.read_at_micros IS NULL"
        } else {
            ""
        };
        let sql = format!(
            "SELECT DISTINCT n.notice_id, n.child_id, n.la, n.reason, n.summary, n.occurred_on, \
             n.requested_at_micros, n.state, n.position, r.read_at_micros \
             FROM gateway_notices n \
             JOIN gateway_notice_deliveries d ON d.notice_id = n.notice_id \
             LEFT JOIN gateway_notice_reads r ON r.notice_id = n.notice_id AND r.reader_id = $1 \
             WHERE d.channel = 'inbox' AND d.la = $2 AND n.position < $3 \
             AND d.target IN ({keys}){unread} ORDER BY n.position DESC LIMIT $4"
        );
        let before = query.before_position.map_or(i64::MAX, |position| {
            i64::try_from(position).unwrap_or(i64::MAX)
        });
        on_pool!(&self.database, pool => {
            let mut statement = sqlx::query(&sql)
                .bind(&query.reader_id)
                .bind(&query.la)
                .bind(before)
                .bind(i64::from(query.limit));
            for key in &query.keys {
                statement = statement.bind(key.clone());
            }
            let rows = statement.fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    let read: Option<i64> = row.try_get("read_at_micros")?;
                    Ok(InboxItem {
                        notice_id: uuid(&row.try_get::<String, _>("notice_id")?)?,
                        child_id: uuid(&row.try_get::<String, _>("child_id")?)?,
                        la: row.try_get("la")?,
                        reason: row.try_get("reason")?,
                        summary: row.try_get("summary")?,
                        occurred_on: row.try_get("occurred_on")?,
                        requested_at: instant(row.try_get("requested_at_micros")?)?,
                        state: row.try_get("state")?,
                        position: u64::try_from(row.try_get::<i64, _>("position")?).unwrap_or(0),
                        read_at: read.map(instant).transpose()?,
                    })
                })
                .collect::<Result<Vec<_>, RecordError>>()
        })
    }

    /// Whether a notice was delivered to one of `keys` in `la`.
    pub async fn in_inbox(
        &self,
        notice_id: Uuid,
        la: &str,
        keys: &[String],
    ) -> Result<bool, RecordError> {
        for key in keys {
            let found: Option<String> = on_pool!(&self.database, pool => {
                sqlx::query_scalar(
                    "SELECT delivery_id FROM gateway_notice_deliveries \
                     WHERE notice_id = $1 AND channel = 'inbox' AND la = $2 AND target = $3",
                )
                .bind(notice_id.to_string())
                .bind(la)
                .bind(key)
                .fetch_optional(pool)
                .await?
            });
            if found.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Records that `reader_id` read a notice, once: a second call keeps the first time.
    /// Returns the receipt as stored.
    pub async fn mark_read(
        &self,
        notice_id: Uuid,
        reader_id: &str,
        reader_role: &str,
        now: DateTime<Utc>,
    ) -> Result<ReadReceipt, RecordError> {
        on_pool!(&self.database, pool => {
            sqlx::query(
                "INSERT INTO gateway_notice_reads (notice_id, reader_id, reader_role, \
                 read_at_micros) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(notice_id.to_string())
            .bind(reader_id)
            .bind(reader_role)
            .bind(micros(now))
            .execute(pool)
            .await?;
        });
        self.read_receipts(notice_id)
            .await?
            .into_iter()
            .find(|receipt| receipt.reader_id == reader_id)
            .ok_or_else(|| RecordError::Failed("the read receipt was not stored".to_owned()))
    }

    /// Everyone who has read a notice, first reader first.
    pub async fn read_receipts(&self, notice_id: Uuid) -> Result<Vec<ReadReceipt>, RecordError> {
        on_pool!(&self.database, pool => {
            let rows = sqlx::query(
                "SELECT reader_id, reader_role, read_at_micros FROM gateway_notice_reads \
                 WHERE notice_id = $1 ORDER BY read_at_micros, reader_id",
            )
            .bind(notice_id.to_string())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(ReadReceipt {
                        reader_id: row.try_get("reader_id")?,
                        reader_role: row.try_get("reader_role")?,
                        read_at: instant(row.try_get("read_at_micros")?)?,
                    })
                })
                .collect::<Result<Vec<_>, RecordError>>()
        })
    }
}
