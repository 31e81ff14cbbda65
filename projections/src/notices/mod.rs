//! The IRO notices read model: one row per `IroNoticeRequested`, addressed to the IRO assigned
//! to the child at that point of the log, with its delivery state.
//!
//! Tables:
//! - `iro_notices`: `notice_id` (primary key), `child_id`, `la`, `reason`, `summary`,
//!   `occurred_on`, `about_event_id`, `created_position`, `requested_at`, `iro_id` and
//!   `iro_name` (null when no IRO was assigned yet), `delivery_state` (`pending`).
//! - `notices_child_iro`: the IRO currently assigned to each child (from
//!   `PersonAssigned { role: iro }`), which addresses the next notice.
//!
//! Delivery (NATS subject, webhook, inbox) belongs to another part of the service. Like every
//! projected row, the delivery state is derived from events only, so a rebuild reproduces it:
//! deliveries must be recorded as events to move it beyond `pending`, or tracked in the
//! delivery's own log outside these tables.

mod queries;

pub use queries::{IroNotice, children_reviewed_by, notice, notices_for_child, pending_notices};

use crate::db::{date_text, timestamp_text, to_sql_integer};
use crate::runtime::{ProjectionError, Projector, TableNames, decode_event};
use async_trait::async_trait;
use domain::child::{AssignedRole, ChildEvent};
use domain::envelope::RecordedEvent;
use sqlx::{AnyConnection, Row};

const NOTICES: &str = "iro_notices";
const CHILD_IRO: &str = "notices_child_iro";

/// The delivery state of a notice nobody has delivered yet.
pub const DELIVERY_PENDING: &str = "pending";

/// Builds the notices read model.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoticesProjector;

#[async_trait]
impl Projector for NoticesProjector {
    fn name(&self) -> &'static str {
        "notices"
    }

    fn tables(&self) -> &'static [&'static str] {
        &[NOTICES, CHILD_IRO]
    }

    fn create_tables(&self, tables: &TableNames) -> Vec<String> {
        let notices = tables.name(NOTICES);
        vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {notices} (\
                    notice_id TEXT PRIMARY KEY, \
                    child_id TEXT NOT NULL, \
                    la TEXT NOT NULL, \
                    reason TEXT NOT NULL, \
                    summary TEXT NOT NULL, \
                    occurred_on TEXT NOT NULL, \
                    about_event_id TEXT NOT NULL, \
                    created_position BIGINT NOT NULL, \
                    requested_at TEXT NOT NULL, \
                    iro_id TEXT, \
                    iro_name TEXT, \
                    delivery_state TEXT NOT NULL)"
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {notices} (la, delivery_state, created_position)",
                tables.index_name(NOTICES, "by_la_state")
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {notices} (iro_id, delivery_state)",
                tables.index_name(NOTICES, "by_iro")
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\
                    child_id TEXT PRIMARY KEY, \
                    iro_id TEXT NOT NULL, \
                    iro_name TEXT NOT NULL)",
                tables.name(CHILD_IRO)
            ),
        ]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        tables: &TableNames,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let Some(child_event) = decode_event::<ChildEvent>(event)? else {
            return Ok(());
        };
        let Some(child_id) = event.stream_id.strip_prefix("child-") else {
            return Ok(());
        };
        match child_event {
            ChildEvent::PersonAssigned {
                role: AssignedRole::Iro,
                person,
                ..
            } => {
                let table = tables.name(CHILD_IRO);
                sqlx::query(&format!("DELETE FROM {table} WHERE child_id = $1"))
                    .bind(child_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&format!(
                    "INSERT INTO {table} (child_id, iro_id, iro_name) VALUES ($1, $2, $3)"
                ))
                .bind(child_id)
                .bind(&person.id)
                .bind(&person.name)
                .execute(&mut *tx)
                .await?;
            }
            ChildEvent::IroNoticeRequested {
                notice_id,
                reason,
                about_event_id,
                occurred_on,
                summary,
            } => {
                let iro = sqlx::query(&format!(
                    "SELECT iro_id, iro_name FROM {} WHERE child_id = $1",
                    tables.name(CHILD_IRO)
                ))
                .bind(child_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (iro_id, iro_name) = match iro {
                    Some(row) => (
                        Some(row.try_get::<String, _>("iro_id")?),
                        Some(row.try_get::<String, _>("iro_name")?),
                    ),
                    None => (None, None),
                };
                let reason = serde_json::to_value(reason)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_owned))
                    .unwrap_or_default();
                sqlx::query(&format!(
                    "INSERT INTO {} (notice_id, child_id, la, reason, summary, occurred_on, \
                     about_event_id, created_position, requested_at, iro_id, iro_name, \
                     delivery_state) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    tables.name(NOTICES)
                ))
                .bind(notice_id.to_string())
                .bind(child_id)
                .bind(&event.la)
                .bind(reason)
                .bind(summary)
                .bind(date_text(occurred_on))
                .bind(about_event_id.to_string())
                .bind(to_sql_integer(event.global_position)?)
                .bind(timestamp_text(event.recorded_at))
                .bind(iro_id)
                .bind(iro_name)
                .bind(DELIVERY_PENDING)
                .execute(&mut *tx)
                .await?;
            }
            _ => {}
        }
        Ok(())
    }
}
