//! The rejections table of the inbound log: every refused message with its original bytes, the
//! reason, how often the same bytes arrived, whether it has reached the dead-letter subject and
//! what a resubmission did. People read it through the rejections routes; the dead-letter
//! publisher reads it to find what it has not published yet.

use super::store::InboundLog;
use crate::arrival::Transport;
use crate::rejection::RejectionReason;
use crate::schema::Feed;
use chrono::{DateTime, Utc};
use projections::db::timestamp_text;
use projections::runtime::ProjectionError;
use serde::Serialize;
use sqlx::Row;

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

impl InboundLog {
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
