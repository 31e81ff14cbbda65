//! The inbound log: every message accepted (keyed by `source_system` and `message_id`, with its
//! original body and what became of it) and every message refused (with its original bytes, the
//! reason, and whether it has reached the dead-letter subject). Both tables live in the event
//! store's database and use portable SQL, so the embedded and production modes keep the same
//! evidence.
//!
//! The log is a record of deliveries, not the guard of exactly-once: that is the event store's
//! idempotency keys, checked inside the append transaction. So a crash between an append and
//! the log's update is harmless: the redelivered message finds the row still `received`, runs
//! again, and every command answers from its stored outcome.

use super::rejection::RejectionReason;
use super::schema::Feed;
use chrono::{DateTime, Utc};
use projections::db::{ReadDatabase, timestamp_text};
use projections::runtime::ProjectionError;
use serde::Serialize;
use sqlx::Row;

/// Where a message came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// A JetStream consumer on `pep.v1.inbound.>`.
    Nats,
    /// `POST /api/v1/inbound/*`.
    Http,
    /// `pep import 903`.
    Import,
    /// A rejected message submitted again.
    Resubmission,
}

impl Transport {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Nats => "nats",
            Transport::Http => "http",
            Transport::Import => "import",
            Transport::Resubmission => "resubmission",
        }
    }
}

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

/// A rejection as the log holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedRejection {
    /// Stable id (the same bytes on the same feed and LA always give the same id).
    pub rejection_id: String,
    /// The feed.
    pub feed: String,
    /// The LA it arrived for.
    pub la: String,
    /// The subject it came on or would have come on.
    pub subject: String,
    /// The sender's key, when the body had one.
    pub source_system: Option<String>,
    /// The sender's key, when the body had one.
    pub message_id: Option<String>,
    /// Kind of rejection (stable).
    pub kind: String,
    /// Every problem.
    pub reason: RejectionReason,
    /// The original bytes, base64.
    pub original_base64: String,
    /// The original bytes as text, when they are UTF-8.
    pub original_text: Option<String>,
    /// First arrival.
    pub first_received_at: String,
    /// Latest arrival.
    pub last_received_at: String,
    /// How many times these bytes arrived.
    pub times_received: i64,
    /// How it arrived first.
    pub transport: String,
    /// When it was published to the dead-letter subject (never in embedded mode).
    pub dead_lettered_at: Option<String>,
    /// `open`, or `resolved` once a resubmission was applied.
    pub state: String,
    /// What the resubmission did.
    pub resolution: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<String>,
}

/// Filters of the rejections list.
#[derive(Debug, Clone, Default)]
pub struct RejectionQuery {
    /// Only this LA.
    pub la: String,
    /// Only this feed.
    pub feed: Option<Feed>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only `open` or `resolved`.
    pub state: Option<String>,
    /// Only those first received at or after.
    pub from: Option<DateTime<Utc>>,
    /// Only those first received before.
    pub to: Option<DateTime<Utc>>,
    /// Newest first, after this cursor (a `first_received_at|rejection_id` pair).
    pub before: Option<(String, String)>,
    /// At most this many.
    pub limit: u32,
}

/// The inbound log's tables.
#[derive(Debug, Clone)]
pub struct InboundLog {
    database: ReadDatabase,
}

/// A new rejection to record.
#[derive(Debug, Clone)]
pub struct NewRejection<'a> {
    /// Stable id.
    pub rejection_id: &'a str,
    /// The feed.
    pub feed: Feed,
    /// The LA it arrived for.
    pub la: &'a str,
    /// The sender's key, if readable.
    pub key: Option<(&'a str, &'a str)>,
    /// Why.
    pub reason: &'a RejectionReason,
    /// The original bytes.
    pub original: &'a [u8],
    /// How it arrived.
    pub transport: Transport,
    /// When.
    pub at: DateTime<Utc>,
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
    /// The log in `database` (the event store's own).
    pub fn new(database: ReadDatabase) -> Self {
        Self { database }
    }

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

    /// Records a rejection; the same bytes again only count another arrival. Returns true when
    /// the rejection is new.
    pub async fn record_rejection(
        &self,
        rejection: &NewRejection<'_>,
    ) -> Result<bool, ProjectionError> {
        use base64::Engine as _;
        let at = timestamp_text(rejection.at);
        let inserted = sqlx::query(
            "INSERT INTO inbound_rejections (rejection_id, feed, la, subject, source_system, \
                message_id, kind, reason, original_base64, first_received_at, last_received_at, \
                times_received, transport, dead_lettered_at, state, resolution, resolved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1, $11, NULL, 'open', NULL, NULL) \
             ON CONFLICT (rejection_id) DO NOTHING",
        )
        .bind(rejection.rejection_id.to_owned())
        .bind(rejection.feed.as_str())
        .bind(rejection.la.to_owned())
        .bind(rejection.feed.inbound_subject(rejection.la))
        .bind(rejection.key.map(|(source, _)| source.to_owned()))
        .bind(rejection.key.map(|(_, id)| id.to_owned()))
        .bind(rejection.reason.kind.as_str())
        .bind(serde_json::to_string(rejection.reason).unwrap_or_default())
        .bind(base64::engine::general_purpose::STANDARD.encode(rejection.original))
        .bind(at.clone())
        .bind(rejection.transport.as_str())
        .execute(self.database.pool())
        .await?
        .rows_affected()
            == 1;
        if !inserted {
            sqlx::query(
                "UPDATE inbound_rejections SET times_received = times_received + 1, \
                    last_received_at = $2 WHERE rejection_id = $1",
            )
            .bind(rejection.rejection_id.to_owned())
            .bind(at)
            .execute(self.database.pool())
            .await?;
        }
        Ok(inserted)
    }

    /// Rejections not yet on the dead-letter subject, oldest first.
    pub async fn not_dead_lettered(
        &self,
        limit: u32,
    ) -> Result<Vec<LoggedRejection>, ProjectionError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM inbound_rejections WHERE dead_lettered_at IS NULL \
             ORDER BY first_received_at, rejection_id LIMIT {limit}"
        ))
        .fetch_all(self.database.pool())
        .await?;
        rows.iter().map(rejection_from_row).collect()
    }

    /// Marks a rejection as published to the dead-letter subject.
    pub async fn mark_dead_lettered(
        &self,
        rejection_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), ProjectionError> {
        sqlx::query(
            "UPDATE inbound_rejections SET dead_lettered_at = $2 \
             WHERE rejection_id = $1 AND dead_lettered_at IS NULL",
        )
        .bind(rejection_id.to_owned())
        .bind(timestamp_text(at))
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// One rejection of an LA.
    pub async fn rejection(
        &self,
        la: &str,
        rejection_id: &str,
    ) -> Result<Option<LoggedRejection>, ProjectionError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM inbound_rejections WHERE la = $1 AND rejection_id = $2"
        ))
        .bind(la.to_owned())
        .bind(rejection_id.to_owned())
        .fetch_optional(self.database.pool())
        .await?;
        row.as_ref().map(rejection_from_row).transpose()
    }

    /// Rejections of an LA, newest first.
    pub async fn rejections(
        &self,
        query: &RejectionQuery,
    ) -> Result<Vec<LoggedRejection>, ProjectionError> {
        let mut sql = format!("SELECT {COLUMNS} FROM inbound_rejections WHERE la = $1");
        let mut binds: Vec<String> = vec![query.la.clone()];
        let mut bind = |sql: &mut String, condition: &str, value: String| {
            binds.push(value);
            sql.push_str(&condition.replace('?', &format!("${}", binds.len())));
        };
        if let Some(feed) = query.feed {
            bind(&mut sql, " AND feed = ?", feed.as_str().to_owned());
        }
        if let Some(kind) = &query.kind {
            bind(&mut sql, " AND kind = ?", kind.clone());
        }
        if let Some(state) = &query.state {
            bind(&mut sql, " AND state = ?", state.clone());
        }
        if let Some(from) = query.from {
            bind(
                &mut sql,
                " AND first_received_at >= ?",
                timestamp_text(from),
            );
        }
        if let Some(to) = query.to {
            bind(&mut sql, " AND first_received_at < ?", timestamp_text(to));
        }
        if let Some((at, id)) = &query.before {
            binds.push(at.clone());
            let at_index = binds.len();
            binds.push(id.clone());
            let id_index = binds.len();
            sql.push_str(&format!(
                " AND (first_received_at < ${at_index} OR \
                  (first_received_at = ${at_index} AND rejection_id < ${id_index}))"
            ));
        }
        sql.push_str(&format!(
            " ORDER BY first_received_at DESC, rejection_id DESC LIMIT {}",
            query.limit.max(1)
        ));
        let mut statement = sqlx::query(&sql);
        for value in binds {
            statement = statement.bind(value);
        }
        let rows = statement.fetch_all(self.database.pool()).await?;
        rows.iter().map(rejection_from_row).collect()
    }

    /// Records what a resubmission of a rejection did.
    pub async fn resolve_rejection(
        &self,
        rejection_id: &str,
        state: &str,
        resolution: &str,
        at: DateTime<Utc>,
    ) -> Result<(), ProjectionError> {
        sqlx::query(
            "UPDATE inbound_rejections SET state = $2, resolution = $3, resolved_at = $4 \
             WHERE rejection_id = $1",
        )
        .bind(rejection_id.to_owned())
        .bind(state.to_owned())
        .bind(resolution.to_owned())
        .bind(timestamp_text(at))
        .execute(self.database.pool())
        .await?;
        Ok(())
    }
}

const COLUMNS: &str = "rejection_id, feed, la, subject, source_system, message_id, kind, reason, \
    original_base64, first_received_at, last_received_at, times_received, transport, \
    dead_lettered_at, state, resolution, resolved_at";

fn rejection_from_row(row: &sqlx::any::AnyRow) -> Result<LoggedRejection, ProjectionError> {
    use base64::Engine as _;
    let original_base64: String = row.try_get("original_base64")?;
    let original_text = base64::engine::general_purpose::STANDARD
        .decode(&original_base64)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let reason_text: String = row.try_get("reason")?;
    let reason =
        serde_json::from_str(&reason_text).map_err(|error| ProjectionError::BadStoredValue {
            value: reason_text.clone(),
            reason: error.to_string(),
        })?;
    Ok(LoggedRejection {
        rejection_id: row.try_get("rejection_id")?,
        feed: row.try_get("feed")?,
        la: row.try_get("la")?,
        subject: row.try_get("subject")?,
        source_system: row.try_get("source_system")?,
        message_id: row.try_get("message_id")?,
        kind: row.try_get("kind")?,
        reason,
        original_base64,
        original_text,
        first_received_at: row.try_get("first_received_at")?,
        last_received_at: row.try_get("last_received_at")?,
        times_received: row.try_get("times_received")?,
        transport: row.try_get("transport")?,
        dead_lettered_at: row.try_get("dead_lettered_at")?,
        state: row.try_get("state")?,
        resolution: row.try_get("resolution")?,
        resolved_at: row.try_get("resolved_at")?,
    })
}
