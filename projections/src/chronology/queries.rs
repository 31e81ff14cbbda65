//! Reading a child's chronology: the timeline with date and type filters, the settings attended
//! and the placements.

use super::ENTRIES;
use crate::db::{ReadDatabase, date_text, from_sql_integer, parse_timestamp};
use crate::runtime::ProjectionError;
use chrono::{DateTime, NaiveDate, Utc};
use domain::child::{ChildEvent, ChildState, EducationSetting, LeavingReason, Ssda903Episode};
use domain::event::DomainEvent;
use domain::ids::ChildId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Filters for a timeline. Empty lists mean "every category" and "every type".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineQuery {
    /// Only events that occurred on or after this day.
    pub from: Option<NaiveDate>,
    /// Only events that occurred on or before this day.
    pub to: Option<NaiveDate>,
    /// Only these categories (`care`, `pep`, ... see [`super::Category`]).
    pub categories: Vec<String>,
    /// Only these event types (`PlacementChanged`, ...).
    pub event_types: Vec<String>,
}

/// One entry of a child's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// The event's global position (unique; orders entries that occurred at the same time).
    pub position: u64,
    /// The child.
    pub child_id: ChildId,
    /// The responsible LA.
    pub la: String,
    /// The event's id.
    pub event_id: uuid::Uuid,
    /// The stream it belongs to.
    pub stream_id: String,
    /// Its version in that stream.
    pub stream_version: u64,
    /// When it happened in the world.
    pub occurred_at: DateTime<Utc>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub actor_id: String,
    /// In what role.
    pub actor_role: String,
    /// Its category.
    pub category: String,
    /// Its event type.
    pub event_type: String,
    /// Its payload's schema version.
    pub schema_version: u32,
    /// One line for people.
    pub summary: String,
    /// The full payload.
    pub detail: serde_json::Value,
}

/// A spell at one education setting, from the child's setting changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingAttended {
    /// The setting.
    pub setting: EducationSetting,
    /// First day; `None` for a setting only known as the one a later change left.
    pub started_on: Option<NaiveDate>,
    /// The day the next setting started, once there is one.
    pub ended_on: Option<NaiveDate>,
    /// Why it was left.
    pub leaving_reason: Option<LeavingReason>,
    /// Free-text detail on the reason.
    pub leaving_detail: Option<String>,
}

const COLUMNS: &str = "position, child_id, la, event_id, stream_id, stream_version, occurred_at, \
    recorded_at, actor_id, actor_role, category, event_type, schema_version, summary, detail";

/// A child's timeline, oldest first (by when things occurred, then by position).
pub async fn timeline(
    database: &ReadDatabase,
    child_id: ChildId,
    query: &TimelineQuery,
) -> Result<Vec<TimelineEntry>, ProjectionError> {
    let mut conditions = vec!["child_id = $1".to_owned()];
    let mut binds: Vec<String> = vec![child_id.to_string()];
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ProjectionError::InvalidQuery(format!(
            "from {from} is after to {to}"
        )));
    }
    if let Some(from) = query.from {
        binds.push(format!("{}T00:00:00.000000Z", date_text(from)));
        conditions.push(format!("occurred_at >= ${}", binds.len()));
    }
    if let Some(to) = query.to {
        // Strictly before the next day's midnight: every instant of `to` is included.
        let next_day = to.succ_opt().unwrap_or(NaiveDate::MAX);
        binds.push(format!("{}T00:00:00.000000Z", date_text(next_day)));
        conditions.push(format!("occurred_at < ${}", binds.len()));
    }
    for (column, values) in [
        ("category", &query.categories),
        ("event_type", &query.event_types),
    ] {
        if values.is_empty() {
            continue;
        }
        let mut placeholders = Vec::with_capacity(values.len());
        for value in values {
            binds.push(value.clone());
            placeholders.push(format!("${}", binds.len()));
        }
        conditions.push(format!("{column} IN ({})", placeholders.join(", ")));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM {ENTRIES} WHERE {} ORDER BY occurred_at, position",
        conditions.join(" AND ")
    );
    let mut statement = sqlx::query(&sql);
    for value in &binds {
        statement = statement.bind(value);
    }
    let rows = statement.fetch_all(database.pool()).await?;
    rows.iter().map(entry_from_row).collect()
}

fn entry_from_row(row: &AnyRow) -> Result<TimelineEntry, ProjectionError> {
    let child_id: String = row.try_get("child_id")?;
    let event_id: String = row.try_get("event_id")?;
    let detail: String = row.try_get("detail")?;
    let schema_version: i64 = row.try_get("schema_version")?;
    Ok(TimelineEntry {
        position: from_sql_integer(row.try_get("position")?)?,
        child_id: child_id
            .parse()
            .map_err(|error: uuid::Error| bad(&child_id, error))?,
        la: row.try_get("la")?,
        event_id: event_id
            .parse()
            .map_err(|error: uuid::Error| bad(&event_id, error))?,
        stream_id: row.try_get("stream_id")?,
        stream_version: from_sql_integer(row.try_get("stream_version")?)?,
        occurred_at: parse_timestamp(&row.try_get::<String, _>("occurred_at")?)?,
        recorded_at: parse_timestamp(&row.try_get::<String, _>("recorded_at")?)?,
        actor_id: row.try_get("actor_id")?,
        actor_role: row.try_get("actor_role")?,
        category: row.try_get("category")?,
        event_type: row.try_get("event_type")?,
        schema_version: u32::try_from(schema_version)
            .map_err(|error| bad(&schema_version.to_string(), error))?,
        summary: row.try_get("summary")?,
        detail: serde_json::from_str(&detail).map_err(|error| bad(&detail, error))?,
    })
}

fn bad(value: &str, error: impl std::fmt::Display) -> ProjectionError {
    ProjectionError::BadStoredValue {
        value: value.to_owned(),
        reason: error.to_string(),
    }
}

/// The child-record events of one kind on a child's timeline, decoded, in log order.
async fn child_events(
    database: &ReadDatabase,
    child_id: ChildId,
    category: &str,
) -> Result<Vec<ChildEvent>, ProjectionError> {
    let rows = sqlx::query(&format!(
        "SELECT event_type, schema_version, detail FROM {ENTRIES} \
         WHERE child_id = $1 AND category = $2 AND stream_id = $3 ORDER BY position"
    ))
    .bind(child_id.to_string())
    .bind(category)
    .bind(child_id.stream_id())
    .fetch_all(database.pool())
    .await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let event_type: String = row.try_get("event_type")?;
        let schema_version: i64 = row.try_get("schema_version")?;
        let detail: String = row.try_get("detail")?;
        let payload: serde_json::Value =
            serde_json::from_str(&detail).map_err(|error| bad(&detail, error))?;
        let schema_version = u32::try_from(schema_version)
            .map_err(|error| bad(&schema_version.to_string(), error))?;
        let event = ChildEvent::decode(&event_type, schema_version, &payload)
            .map_err(|error| bad(&detail, error))?;
        events.push(event);
    }
    Ok(events)
}

/// The settings a child attended, in the order the changes were recorded, each with its start,
/// its end (the next setting's start) and why it was left. A setting named only as the one the
/// first recorded change left comes first, with no start date.
pub async fn settings_attended(
    database: &ReadDatabase,
    child_id: ChildId,
) -> Result<Vec<SettingAttended>, ProjectionError> {
    let mut settings: Vec<SettingAttended> = Vec::new();
    for event in child_events(database, child_id, "education_setting").await? {
        let ChildEvent::EducationSettingChanged {
            setting,
            started_on,
            previous,
            leaving_reason,
            leaving_detail,
        } = event
        else {
            continue;
        };
        match (settings.last_mut(), previous) {
            (Some(current), _) => {
                current.ended_on = Some(started_on);
                current.leaving_reason = leaving_reason;
                current.leaving_detail = leaving_detail;
            }
            (None, Some(previous)) => settings.push(SettingAttended {
                setting: previous,
                started_on: None,
                ended_on: Some(started_on),
                leaving_reason,
                leaving_detail,
            }),
            (None, None) => {}
        }
        settings.push(SettingAttended {
            setting,
            started_on: Some(started_on),
            ended_on: None,
            leaving_reason: None,
            leaving_detail: None,
        });
    }
    Ok(settings)
}

/// The child's SSDA903 episodes (placements) as the record holds them now, by start date:
/// corrections replace rows and endings close them, exactly as the child record folds them.
pub async fn placements(
    database: &ReadDatabase,
    child_id: ChildId,
) -> Result<Vec<Ssda903Episode>, ProjectionError> {
    let state = child_events(database, child_id, "care")
        .await?
        .iter()
        .fold(ChildState::default(), |state, event| state.evolve(event));
    Ok(state.episodes.into_values().collect())
}
