//! The accepted-messages table of the inbound log: one row per (`source_system`, `message_id`)
//! with the original body, how often it arrived and what became of it. The handler reads it to
//! answer a repeat as a duplicate and to find the placements parked until their child arrives.

use super::store::InboundLog;
use crate::arrival::Transport;
use crate::schema::Feed;
use chrono::{DateTime, Utc};
use projections::db::timestamp_text;
use projections::runtime::ProjectionError;
use serde::Serialize;
use sqlx::Row;

/// What became of an accepted message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Seen, not yet (or not completely) applied.
    Received,
    /// Applied to the child's record.
    Applied,
    /// A placement for a child no child message has registered yet: kept, and applied as soon
    /// as the child is registered.
    WaitingForChild,
    /// The child's record refused it (a business rule); see the rejections list.
    Rejected,
}

impl MessageStatus {
    fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Received => "received",
            MessageStatus::Applied => "applied",
            MessageStatus::WaitingForChild => "waiting_for_child",
            MessageStatus::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "applied" => MessageStatus::Applied,
            "waiting_for_child" => MessageStatus::WaitingForChild,
            "rejected" => MessageStatus::Rejected,
            _ => MessageStatus::Received,
        }
    }
}

/// An accepted message as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedMessage {
    /// Its status.
    pub status: MessageStatus,
    /// SHA-256 of the body first received under this key.
    pub body_sha256: String,
    /// The original body (JSON text).
    pub body: String,
}

/// A new accepted message to record.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// Sender.
    pub source_system: &'a str,
    /// Sender's id.
    pub message_id: &'a str,
    /// Feed.
    pub feed: Feed,
    /// LA.
    pub la: &'a str,
    /// The child in the sender's system.
    pub la_child_id: &'a str,
    /// The child's record id.
    pub child_id: &'a str,
    /// SHA-256 of the body.
    pub body_sha256: &'a str,
    /// The body.
    pub body: &'a str,
    /// How it arrived.
    pub transport: Transport,
    /// When.
    pub at: DateTime<Utc>,
}

impl InboundLog {
    /// The accepted message under this key, if any.
    pub async fn message(
        &self,
        source_system: &str,
        message_id: &str,
    ) -> Result<Option<LoggedMessage>, ProjectionError> {
        let row = sqlx::query(
            "SELECT status, body_sha256, body FROM inbound_messages \
             WHERE source_system = $1 AND message_id = $2",
        )
        .bind(source_system.to_owned())
        .bind(message_id.to_owned())
        .fetch_optional(self.database.pool())
        .await?;
        row.map(|row| {
            Ok(LoggedMessage {
                status: MessageStatus::parse(&row.try_get::<String, _>("status")?),
                body_sha256: row.try_get("body_sha256")?,
                body: row.try_get("body")?,
            })
        })
        .transpose()
    }

    /// Records a message as received (a repeat only counts the arrival).
    pub async fn record_received(&self, message: &NewMessage<'_>) -> Result<(), ProjectionError> {
        let at = timestamp_text(message.at);
        sqlx::query(
            "INSERT INTO inbound_messages (source_system, message_id, feed, la, la_child_id, \
                child_id, body_sha256, body, status, transport, received_at, updated_at, \
                last_position, flags, times_received) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, $10, $10, NULL, '[]', 1) \
             ON CONFLICT (source_system, message_id) \
             DO UPDATE SET times_received = inbound_messages.times_received + 1, updated_at = $10",
        )
        .bind(message.source_system.to_owned())
        .bind(message.message_id.to_owned())
        .bind(message.feed.as_str())
        .bind(message.la.to_owned())
        .bind(message.la_child_id.to_owned())
        .bind(message.child_id.to_owned())
        .bind(message.body_sha256.to_owned())
        .bind(message.body.to_owned())
        .bind(message.transport.as_str())
        .bind(at)
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// Moves a message to `status`, with the last position it wrote and the record's flags.
    pub async fn set_status(
        &self,
        source_system: &str,
        message_id: &str,
        status: MessageStatus,
        last_position: Option<u64>,
        flags: &[String],
        at: DateTime<Utc>,
    ) -> Result<(), ProjectionError> {
        let position = last_position
            .map(projections::db::to_sql_integer)
            .transpose()?;
        sqlx::query(
            "UPDATE inbound_messages SET status = $3, \
                last_position = COALESCE($4, last_position), flags = $5, updated_at = $6 \
             WHERE source_system = $1 AND message_id = $2",
        )
        .bind(source_system.to_owned())
        .bind(message_id.to_owned())
        .bind(status.as_str())
        .bind(position)
        .bind(serde_json::to_string(flags).unwrap_or_else(|_| "[]".to_owned()))
        .bind(timestamp_text(at))
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// Placements kept until their child is registered, oldest first: (source, id, body).
    pub async fn waiting_for_child(
        &self,
        la: &str,
        la_child_id: &str,
    ) -> Result<Vec<(String, String, String)>, ProjectionError> {
        let rows = sqlx::query(
            "SELECT source_system, message_id, body FROM inbound_messages \
             WHERE la = $1 AND la_child_id = $2 AND status = 'waiting_for_child' \
             ORDER BY received_at, source_system, message_id",
        )
        .bind(la.to_owned())
        .bind(la_child_id.to_owned())
        .fetch_all(self.database.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("source_system")?,
                    row.try_get("message_id")?,
                    row.try_get("body")?,
                ))
            })
            .collect()
    }

    /// How many messages of an LA are in each status (for `/readyz`-style summaries and tests).
    pub async fn count_by_status(&self, la: &str) -> Result<Vec<(String, i64)>, ProjectionError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM inbound_messages WHERE la = $1 \
             GROUP BY status ORDER BY status",
        )
        .bind(la.to_owned())
        .fetch_all(self.database.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("status")?, row.try_get("n")?)))
            .collect()
    }
}
