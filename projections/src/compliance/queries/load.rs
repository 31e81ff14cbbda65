//! Loading children and their stored due items from the compliance tables, in two queries
//! whatever the size of the cohort, without judging anything.

use super::types::{ChildCompliance, CohortFilter};
use super::{StoredChild, check_filter};
use crate::compliance::child_record::QualityAssurance;
use crate::compliance::schema::{CHILDREN, DUE_ITEMS, FUNDING_REQUESTS};
use crate::compliance::stored_pep::TargetProgress;
use crate::compliance::stored_rows::from_json;
use crate::db::{ReadDatabase, parse_date};
use crate::runtime::{ProjectionError, TableNames};
use chrono::NaiveDate;
use domain::compliance::{DueItem, StatusCounts};
use domain::ids::ChildId;
use domain::pep::QaRating;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// Loads every child matching the stored-column filters (or the one child), with its items, in
/// two queries whatever the size of the cohort, without judging anything.
pub(in crate::compliance) async fn load_stored(
    database: &ReadDatabase,
    filter: &CohortFilter,
    only_child: Option<ChildId>,
) -> Result<Vec<StoredChild>, ProjectionError> {
    check_filter(filter)?;
    load(database, filter, only_child, None).await
}

/// Every child of every LA, in care or not, whose row was written by an event after global
/// position `since` (0 for every child), with its items: what the cohort's copy in memory
/// reads again ([`crate::compliance::cache`]).
pub(in crate::compliance) async fn load_changed_since(
    database: &ReadDatabase,
    since: u64,
) -> Result<Vec<StoredChild>, ProjectionError> {
    let everyone = CohortFilter {
        include_left_care: true,
        ..CohortFilter::default()
    };
    load(database, &everyone, None, Some(since)).await
}

/// True when a stored child passes the filters [`load_stored`] applies in SQL: for filtering
/// the copy in memory the same way.
pub(in crate::compliance) fn passes_stored_filters(
    filter: &CohortFilter,
    record: &ChildCompliance,
) -> bool {
    filter.la.as_deref().is_none_or(|la| la == record.la)
        && filter
            .school_urn
            .as_deref()
            .is_none_or(|urn| record.school_urn.as_deref() == Some(urn))
        && filter
            .social_worker_id
            .as_deref()
            .is_none_or(|person| record.social_worker_id.as_deref() == Some(person))
        && (filter.include_left_care || record.in_care)
}

async fn load(
    database: &ReadDatabase,
    filter: &CohortFilter,
    only_child: Option<ChildId>,
    since: Option<u64>,
) -> Result<Vec<StoredChild>, ProjectionError> {
    let tables = TableNames::live();
    let children = tables.name(CHILDREN);
    let due_items = tables.name(DUE_ITEMS);
    let requests = tables.name(FUNDING_REQUESTS);
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    let mut condition = |sql: &str, value: String| {
        values.push(value);
        conditions.push(format!("{sql} ${}", values.len()));
    };
    if let Some(child_id) = only_child {
        condition("c.child_id =", child_id.to_string());
    }
    if let Some(la) = &filter.la {
        condition("c.la =", la.clone());
    }
    if let Some(urn) = &filter.school_urn {
        condition("c.school_urn =", urn.clone());
    }
    if let Some(person) = &filter.social_worker_id {
        condition("c.social_worker_id =", person.clone());
    }
    if let Some(since) = since.filter(|since| *since > 0) {
        // A number, written into the SQL: both back ends compare it with the BIGINT column. As
        // a subquery, so the planner finds the few changed children by the `last_position`
        // index and then their rows and items by key; written as a plain condition, SQLite
        // walks every child (and every item) in key order for the ORDER BY and tests each.
        conditions.push(format!(
            "c.child_id IN (SELECT child_id FROM {children} WHERE last_position > {since})"
        ));
    }
    if !filter.include_left_care && only_child.is_none() {
        conditions.push("c.in_care = 1".to_owned());
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let child_sql = format!(
        "SELECT c.*, (SELECT COUNT(*) FROM {requests} r
                      WHERE r.pep_id = c.current_pep_id AND r.state <> 'rejected') AS pp_plus_requests
         FROM {children} c {where_clause} ORDER BY c.child_id"
    );
    let item_sql = format!(
        "SELECT i.* FROM {due_items} i JOIN {children} c ON c.child_id = i.child_id
         {where_clause} ORDER BY i.child_id, i.item_number"
    );
    let mut child_query = sqlx::query(&child_sql);
    let mut item_query = sqlx::query(&item_sql);
    for value in &values {
        child_query = child_query.bind(value.clone());
        item_query = item_query.bind(value.clone());
    }
    let child_rows = child_query.fetch_all(database.pool()).await?;
    let item_rows = item_query.fetch_all(database.pool()).await?;
    let mut items_by_child: BTreeMap<String, Vec<DueItem>> = BTreeMap::new();
    for row in &item_rows {
        let child_id: String = row.try_get("child_id")?;
        items_by_child
            .entry(child_id)
            .or_default()
            .push(due_item(row)?);
    }
    let mut stored = Vec::with_capacity(child_rows.len());
    for row in &child_rows {
        let child_id: String = row.try_get("child_id")?;
        let items = items_by_child.remove(&child_id).unwrap_or_default();
        stored.push(stored_child(row, items)?);
    }
    Ok(stored)
}

/// A child's row and stored obligations, before anything is judged.
fn stored_child(row: &AnyRow, items: Vec<DueItem>) -> Result<StoredChild, ProjectionError> {
    let date_of_birth = optional_date(row, "date_of_birth")?;
    let quality = match (
        optional_text(row, "last_qa_pep_id")?,
        optional_text(row, "last_qa_rating")?,
        optional_date(row, "last_qa_on")?,
    ) {
        (Some(pep_id), Some(rating), Some(assured_on)) => Some(QualityAssurance {
            pep_id: parse_id(&pep_id)?,
            rating: from_wire_name::<QaRating>(&rating)?,
            assured_on,
        }),
        _ => None,
    };
    let child_id: String = row.try_get("child_id")?;
    let smart_targets = TargetProgress {
        set_here: count(row, "smart_targets_set")?,
        to_review: count(row, "targets_to_review")?,
        reviewed: count(row, "targets_reviewed")?,
    };
    let social_worker_id = optional_text(row, "social_worker_id")?;
    let pp_plus_requests: i64 = row.try_get("pp_plus_requests")?;
    let record = ChildCompliance {
        child_id: parse_id(&child_id)?,
        la: row.try_get("la")?,
        la_child_id: row.try_get("la_child_id")?,
        date_of_birth,
        year_group: None,
        key_stage: None,
        in_care: row.try_get::<i64, _>("in_care")? != 0,
        care_started_on: optional_date(row, "care_started_on")?,
        school_urn: optional_text(row, "school_urn")?,
        school_name: optional_text(row, "school_name")?,
        social_worker_id,
        social_worker_name: optional_text(row, "social_worker_name")?,
        status: None,
        counts: StatusCounts::default(),
        next_due: None,
        has_in_date_pep: false,
        current_pep_id: optional_text(row, "current_pep_id")?
            .map(|id| parse_id(&id))
            .transpose()?,
        open_pep_id: optional_text(row, "open_pep_id")?
            .map(|id| parse_id(&id))
            .transpose()?,
        current_pep_status: optional_text(row, "current_pep_status")?
            .map(|status| from_wire_name(&status))
            .transpose()?,
        missing_sections: from_json(&row.try_get::<String, _>("missing_sections")?)?,
        missing_for_submission: from_json(&row.try_get::<String, _>("missing_for_submission")?)?,
        smart_targets,
        smart_targets_complete: row.try_get::<i64, _>("smart_targets_complete")? != 0,
        last_quality_assurance: quality,
        pp_plus_linked: pp_plus_requests > 0,
        data_quality: from_json(&row.try_get::<String, _>("data_quality")?)?,
        schedule_problems: from_json(&row.try_get::<String, _>("schedule_problems")?)?,
        items: Vec::new(),
    };
    Ok(StoredChild { record, items })
}

fn due_item(row: &AnyRow) -> Result<DueItem, ProjectionError> {
    Ok(DueItem {
        kind: from_json(&row.try_get::<String, _>("kind_detail")?)?,
        care_period_started_on: parse_date(&row.try_get::<String, _>("care_period_started_on")?)?,
        trigger_date: parse_date(&row.try_get::<String, _>("trigger_date")?)?,
        due_date: parse_date(&row.try_get::<String, _>("due_date")?)?,
        due_date_is_provisional: row.try_get::<i64, _>("due_date_is_provisional")? != 0,
        met_on: optional_date(row, "met_on")?,
        basis: row.try_get("basis")?,
    })
}

fn optional_text(row: &AnyRow, column: &str) -> Result<Option<String>, ProjectionError> {
    Ok(row.try_get::<Option<String>, _>(column)?)
}

fn optional_date(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>, ProjectionError> {
    optional_text(row, column)?
        .map(|text| parse_date(&text))
        .transpose()
}

fn count(row: &AnyRow, column: &str) -> Result<u32, ProjectionError> {
    let value: i64 = row.try_get(column)?;
    u32::try_from(value).map_err(|_| ProjectionError::BadStoredValue {
        value: value.to_string(),
        reason: format!("{column} is a small count"),
    })
}

fn parse_id<T: std::str::FromStr<Err = uuid::Error>>(text: &str) -> Result<T, ProjectionError> {
    text.parse()
        .map_err(|error: uuid::Error| ProjectionError::BadStoredValue {
            value: text.to_owned(),
            reason: error.to_string(),
        })
}

fn from_wire_name<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, ProjectionError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|error| {
        ProjectionError::BadStoredValue {
            value: name.to_owned(),
            reason: error.to_string(),
        }
    })
}
