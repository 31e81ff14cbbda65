//! Reading notices: pending ones per LA (optionally for one IRO), a child's, one by id, and the
//! children an IRO is assigned to review.

use super::{CHILD_IRO, DELIVERY_PENDING, NOTICES};
use crate::db::{ReadDatabase, from_sql_integer, parse_date, parse_timestamp};
use crate::runtime::ProjectionError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// One IRO notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IroNotice {
    /// Stable id receivers deduplicate on.
    pub notice_id: String,
    /// The child.
    pub child_id: String,
    /// The responsible LA.
    pub la: String,
    /// `placement_change`, `school_change`, `education_breakdown`, `exclusion`, `pep_overdue`.
    pub reason: String,
    /// One line for the IRO.
    pub summary: String,
    /// The day the change happened.
    pub occurred_on: NaiveDate,
    /// The event that made the notice necessary.
    pub about_event_id: String,
    /// The global position of the request.
    pub created_position: u64,
    /// When the request was recorded.
    pub requested_at: DateTime<Utc>,
    /// The IRO assigned to the child when it was requested, if any.
    pub iro_id: Option<String>,
    /// Their name.
    pub iro_name: Option<String>,
    /// `pending` until a delivery is recorded.
    pub delivery_state: String,
}

const COLUMNS: &str = "notice_id, child_id, la, reason, summary, occurred_on, about_event_id, \
    created_position, requested_at, iro_id, iro_name, delivery_state";

/// Notices of one LA still to deliver, oldest first; for one IRO when `iro_id` is given.
pub async fn pending_notices(
    database: &ReadDatabase,
    la: &str,
    iro_id: Option<&str>,
) -> Result<Vec<IroNotice>, ProjectionError> {
    let rows = match iro_id {
        Some(iro_id) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM {NOTICES} \
                 WHERE la = $1 AND delivery_state = $2 AND iro_id = $3 \
                 ORDER BY created_position"
            ))
            .bind(la)
            .bind(DELIVERY_PENDING)
            .bind(iro_id)
            .fetch_all(database.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM {NOTICES} WHERE la = $1 AND delivery_state = $2 \
                 ORDER BY created_position"
            ))
            .bind(la)
            .bind(DELIVERY_PENDING)
            .fetch_all(database.pool())
            .await?
        }
    };
    rows.iter().map(notice_from_row).collect()
}

/// Every notice about one child, oldest first.
pub async fn notices_for_child(
    database: &ReadDatabase,
    child_id: &str,
) -> Result<Vec<IroNotice>, ProjectionError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {NOTICES} WHERE child_id = $1 ORDER BY created_position"
    ))
    .bind(child_id)
    .fetch_all(database.pool())
    .await?;
    rows.iter().map(notice_from_row).collect()
}

/// One notice by id.
pub async fn notice(
    database: &ReadDatabase,
    notice_id: &str,
) -> Result<Option<IroNotice>, ProjectionError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM {NOTICES} WHERE notice_id = $1"
    ))
    .bind(notice_id)
    .fetch_optional(database.pool())
    .await?;
    row.as_ref().map(notice_from_row).transpose()
}

fn notice_from_row(row: &AnyRow) -> Result<IroNotice, ProjectionError> {
    Ok(IroNotice {
        notice_id: row.try_get("notice_id")?,
        child_id: row.try_get("child_id")?,
        la: row.try_get("la")?,
        reason: row.try_get("reason")?,
        summary: row.try_get("summary")?,
        occurred_on: parse_date(&row.try_get::<String, _>("occurred_on")?)?,
        about_event_id: row.try_get("about_event_id")?,
        created_position: from_sql_integer(row.try_get("created_position")?)?,
        requested_at: parse_timestamp(&row.try_get::<String, _>("requested_at")?)?,
        iro_id: row.try_get("iro_id")?,
        iro_name: row.try_get("iro_name")?,
        delivery_state: row.try_get("delivery_state")?,
    })
}

/// The children whose assigned IRO is `iro_id`, as the notices read model last saw the
/// assignments. A candidate list only: the caller confirms each against the child's record.
pub async fn children_reviewed_by(
    database: &ReadDatabase,
    iro_id: &str,
) -> Result<Vec<domain::ids::ChildId>, ProjectionError> {
    let rows = sqlx::query(&format!(
        "SELECT child_id FROM {CHILD_IRO} WHERE iro_id = $1 ORDER BY child_id"
    ))
    .bind(iro_id)
    .fetch_all(database.pool())
    .await?;
    let mut children = Vec::with_capacity(rows.len());
    for row in &rows {
        let text: String = row.try_get("child_id")?;
        if let Ok(child_id) = text.parse() {
            children.push(child_id);
        }
    }
    Ok(children)
}
