//! The chronology (timeline) read model: one row per education-relevant event per child, in
//! occurred order, with who recorded it and when.
//!
//! Covers every child-record event, every PEP event (the PEP's child comes from its
//! `PepInitiated`, remembered in `chronology_pep_owner`) and PP+ events that concern a child
//! (the request's child comes from its `PupilPremiumPlusRequested`, remembered in
//! `chronology_request_owner`). The LA-wide budget is not on any child's timeline.
//!
//! Tables:
//! - `chronology_entries`: `position` (primary key), `child_id`, `la`, `event_id`, `stream_id`,
//!   `stream_version`, `occurred_at`, `recorded_at`, `actor_id`, `actor_role`, `category`,
//!   `event_type`, `schema_version`, `summary`, `detail` (the payload as JSON text).
//! - `chronology_pep_owner`: `pep_id` → `child_id`.
//! - `chronology_request_owner`: `request_id` → `child_id`.

mod category;
pub(crate) mod export;
mod queries;
mod summary;

pub use category::Category;
pub use export::{timeline_csv, timeline_json};
pub use queries::{
    SettingAttended, TimelineEntry, TimelineQuery, placements, settings_attended, timeline,
};
pub use summary::attendance_percentage;

use crate::db::{timestamp_text, to_sql_integer};
use crate::runtime::{ProjectionError, Projector, TableNames, decode_event};
use async_trait::async_trait;
use domain::child::ChildEvent;
use domain::envelope::RecordedEvent;
use domain::funding::FundingEvent;
use domain::pep::PepEvent;
use sqlx::{AnyConnection, Row};

/// Base table names.
const ENTRIES: &str = "chronology_entries";
const PEP_OWNER: &str = "chronology_pep_owner";
const REQUEST_OWNER: &str = "chronology_request_owner";

/// Builds the chronology.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChronologyProjector;

#[async_trait]
impl Projector for ChronologyProjector {
    fn name(&self) -> &'static str {
        "chronology"
    }

    fn tables(&self) -> &'static [&'static str] {
        &[ENTRIES, PEP_OWNER, REQUEST_OWNER]
    }

    fn create_tables(&self, tables: &TableNames) -> Vec<String> {
        let entries = tables.name(ENTRIES);
        vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {entries} (\
                    position BIGINT PRIMARY KEY, \
                    child_id TEXT NOT NULL, \
                    la TEXT NOT NULL, \
                    event_id TEXT NOT NULL, \
                    stream_id TEXT NOT NULL, \
                    stream_version BIGINT NOT NULL, \
                    occurred_at TEXT NOT NULL, \
                    recorded_at TEXT NOT NULL, \
                    actor_id TEXT NOT NULL, \
                    actor_role TEXT NOT NULL, \
                    category TEXT NOT NULL, \
                    event_type TEXT NOT NULL, \
                    schema_version BIGINT NOT NULL, \
                    summary TEXT NOT NULL, \
                    detail TEXT NOT NULL)"
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {entries} (child_id, occurred_at, position)",
                tables.index_name(ENTRIES, "by_child")
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (pep_id TEXT PRIMARY KEY, child_id TEXT NOT NULL)",
                tables.name(PEP_OWNER)
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\
                    request_id TEXT PRIMARY KEY, child_id TEXT NOT NULL)",
                tables.name(REQUEST_OWNER)
            ),
        ]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        tables: &TableNames,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        if let Some(child_event) = decode_event::<ChildEvent>(event)? {
            let Some(child_id) = event.stream_id.strip_prefix("child-") else {
                return Ok(());
            };
            let (category, summary) = summary::child_event(&child_event);
            return insert_entry(tx, tables, event, child_id, category, &summary).await;
        }
        if let Some(pep_event) = decode_event::<PepEvent>(event)? {
            let child_id = match &pep_event {
                PepEvent::Initiated {
                    pep_id, child_id, ..
                } => {
                    let child_id = child_id.to_string();
                    sqlx::query(&format!(
                        "INSERT INTO {} (pep_id, child_id) VALUES ($1, $2)",
                        tables.name(PEP_OWNER)
                    ))
                    .bind(pep_id.to_string())
                    .bind(&child_id)
                    .execute(&mut *tx)
                    .await?;
                    child_id
                }
                _ => {
                    let pep_id = event.stream_id.strip_prefix("pep-").unwrap_or_default();
                    owner(tx, &tables.name(PEP_OWNER), "pep_id", pep_id, event).await?
                }
            };
            let (category, summary) = summary::pep_event(&pep_event);
            return insert_entry(tx, tables, event, &child_id, category, &summary).await;
        }
        if let Some(funding_event) = decode_event::<FundingEvent>(event)? {
            let Some((category, summary)) = summary::funding_event(&funding_event) else {
                return Ok(());
            };
            let child_id = match &funding_event {
                FundingEvent::Requested {
                    request_id,
                    child_id,
                    ..
                } => {
                    let child_id = child_id.to_string();
                    sqlx::query(&format!(
                        "INSERT INTO {} (request_id, child_id) VALUES ($1, $2)",
                        tables.name(REQUEST_OWNER)
                    ))
                    .bind(request_id.to_string())
                    .bind(&child_id)
                    .execute(&mut *tx)
                    .await?;
                    child_id
                }
                FundingEvent::Allocated { request_id, .. }
                | FundingEvent::Rejected { request_id, .. }
                | FundingEvent::ImpactRecorded { request_id, .. }
                | FundingEvent::Paid { request_id, .. } => {
                    let request_id = request_id.to_string();
                    owner(
                        tx,
                        &tables.name(REQUEST_OWNER),
                        "request_id",
                        &request_id,
                        event,
                    )
                    .await?
                }
                FundingEvent::BudgetSet { .. } => return Ok(()),
            };
            return insert_entry(tx, tables, event, &child_id, category, &summary).await;
        }
        Ok(())
    }
}

/// The child a PEP or a PP+ request belongs to, remembered from its first event. Its absence
/// means the log is not what the store guarantees (a PEP's first event is `PepInitiated`), so
/// the projector stops rather than leave the event off the child's timeline.
async fn owner(
    tx: &mut AnyConnection,
    table: &str,
    key_column: &str,
    key: &str,
    event: &RecordedEvent,
) -> Result<String, ProjectionError> {
    let row = sqlx::query(&format!(
        "SELECT child_id FROM {table} WHERE {key_column} = $1"
    ))
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    match row {
        Some(row) => Ok(row.try_get("child_id")?),
        None => Err(ProjectionError::MissingReference {
            position: event.global_position,
            reference: format!("{key_column} {key}"),
        }),
    }
}

async fn insert_entry(
    tx: &mut AnyConnection,
    tables: &TableNames,
    event: &RecordedEvent,
    child_id: &str,
    category: Category,
    summary: &str,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {} (position, child_id, la, event_id, stream_id, stream_version, \
         occurred_at, recorded_at, actor_id, actor_role, category, event_type, schema_version, \
         summary, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        tables.name(ENTRIES)
    ))
    .bind(to_sql_integer(event.global_position)?)
    .bind(child_id)
    .bind(&event.la)
    .bind(event.event_id.to_string())
    .bind(&event.stream_id)
    .bind(to_sql_integer(event.stream_version)?)
    .bind(timestamp_text(event.occurred_at))
    .bind(timestamp_text(event.recorded_at))
    .bind(&event.actor.id)
    .bind(event.actor.role.as_str())
    .bind(category.as_str())
    .bind(&event.event_type)
    .bind(i64::from(event.schema_version))
    .bind(summary)
    .bind(event.payload.to_string())
    .execute(&mut *tx)
    .await?;
    Ok(())
}
