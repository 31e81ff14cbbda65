//! Reading and writing the compliance tables' stored forms: a child's progress, a PEP's state,
//! a child's due-item rows, and the JSON and wire-name conversions they use.

use super::child_record::ChildProgress;
use super::schema::{CHILDREN, DUE_ITEMS, PEPS};
use super::stored_pep::StoredPep;
use crate::db::{date_text, to_sql_integer};
use crate::runtime::{ProjectionError, TableNames};
use domain::compliance::DueDates;
use domain::ids::{ChildId, PepId};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

/// A child as loaded: its progress and the schedule problems last computed.
pub(super) struct LoadedChild {
    pub progress: ChildProgress,
    pub schedule_problems: String,
}

pub(super) async fn replace_due_items(
    connection: &mut AnyConnection,
    tables: &TableNames,
    child_id: ChildId,
    due: &DueDates,
) -> Result<(), ProjectionError> {
    let due_items = tables.name(DUE_ITEMS);
    sqlx::query(&format!("DELETE FROM {due_items} WHERE child_id = $1"))
        .bind(child_id.to_string())
        .execute(&mut *connection)
        .await?;
    if due.items.is_empty() {
        return Ok(());
    }
    // One statement for all of a child's items: a few dozen rows, far below either engine's
    // limit on parameters.
    const COLUMNS: usize = 11;
    let placeholders: Vec<String> = (0..due.items.len())
        .map(|row| {
            let numbers: Vec<String> = (1..=COLUMNS)
                .map(|column| format!("${}", row * COLUMNS + column))
                .collect();
            format!("({})", numbers.join(", "))
        })
        .collect();
    let statement = format!(
        "INSERT INTO {due_items} (child_id, item_number, kind, kind_detail, label,
             care_period_started_on, trigger_date, due_date, due_date_is_provisional, met_on,
             basis)
         VALUES {}",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&statement);
    for (index, item) in due.items.iter().enumerate() {
        let kind_detail = serde_json::to_value(item.kind).map_err(stored_value_error)?;
        let kind = kind_detail
            .get("kind")
            .and_then(|kind| kind.as_str())
            .unwrap_or_default()
            .to_owned();
        query = query
            .bind(child_id.to_string())
            .bind(to_sql_integer(index as u64 + 1)?)
            .bind(kind)
            .bind(kind_detail.to_string())
            .bind(item.kind.to_string())
            .bind(date_text(item.care_period_started_on))
            .bind(date_text(item.trigger_date))
            .bind(date_text(item.due_date))
            .bind(i64::from(item.due_date_is_provisional))
            .bind(item.met_on.map(date_text))
            .bind(item.basis.clone());
    }
    query.execute(&mut *connection).await?;
    Ok(())
}

pub(super) async fn load_child(
    connection: &mut AnyConnection,
    tables: &TableNames,
    child_id: ChildId,
) -> Result<Option<LoadedChild>, ProjectionError> {
    let children = tables.name(CHILDREN);
    let row = sqlx::query(&format!(
        "SELECT state, schedule_problems FROM {children} WHERE child_id = $1"
    ))
    .bind(child_id.to_string())
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let state: String = row.try_get("state")?;
    Ok(Some(LoadedChild {
        progress: from_json(&state)?,
        schedule_problems: row.try_get("schedule_problems")?,
    }))
}

pub(super) async fn load_pep(
    connection: &mut AnyConnection,
    tables: &TableNames,
    pep_id: PepId,
) -> Result<Option<(ChildId, StoredPep)>, ProjectionError> {
    let peps = tables.name(PEPS);
    let row = sqlx::query(&format!(
        "SELECT child_id, state FROM {peps} WHERE pep_id = $1"
    ))
    .bind(pep_id.to_string())
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let child_id: String = row.try_get("child_id")?;
    let child_id =
        child_id
            .parse::<ChildId>()
            .map_err(|error| ProjectionError::BadStoredValue {
                value: child_id.clone(),
                reason: error.to_string(),
            })?;
    let state: String = row.try_get("state")?;
    Ok(Some((child_id, from_json(&state)?)))
}

/// The id in a stream id such as `child-<uuid>`.
pub(super) fn id_in_stream(stream_id: &str, prefix: &str) -> Result<ChildId, ProjectionError> {
    stream_id
        .strip_prefix(prefix)
        .and_then(|uuid| Uuid::parse_str(uuid).ok())
        .map(ChildId::from_uuid)
        .ok_or_else(|| ProjectionError::BadStoredValue {
            value: stream_id.to_owned(),
            reason: format!("a stream id is {prefix}<uuid>"),
        })
}

/// The wire name of a unit enum variant (`in_progress`, `green`).
pub(super) fn wire_name<T: Serialize>(value: &T) -> Result<String, ProjectionError> {
    match serde_json::to_value(value).map_err(stored_value_error)? {
        serde_json::Value::String(name) => Ok(name),
        other => Err(ProjectionError::BadStoredValue {
            value: other.to_string(),
            reason: "expected a unit variant".to_owned(),
        }),
    }
}

pub(super) fn to_json<T: Serialize>(value: &T) -> Result<String, ProjectionError> {
    serde_json::to_string(value).map_err(stored_value_error)
}

pub(super) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, ProjectionError> {
    serde_json::from_str(text).map_err(|error| ProjectionError::BadStoredValue {
        value: text.chars().take(200).collect(),
        reason: error.to_string(),
    })
}

fn stored_value_error(error: serde_json::Error) -> ProjectionError {
    ProjectionError::BadStoredValue {
        value: String::new(),
        reason: error.to_string(),
    }
}
