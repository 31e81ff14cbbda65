//! Reading the compliance tables: loading children and their stored due items, then judging
//! every item on the day asked with `domain::compliance::status_on`, so the answer is right on
//! any day without a new event. Filters on stored columns run in SQL; filters on what depends
//! on the day (status, key stage) run here, after judging.

mod types;

pub use types::{ChildCompliance, CohortFilter, CohortPage, JudgedItem, Page};

use super::child_record::QualityAssurance;
use super::schema::{CHILDREN, DUE_ITEMS, FUNDING_REQUESTS};
use super::stored_pep::TargetProgress;
use super::stored_rows::from_json;
use crate::db::{ReadDatabase, parse_date};
use crate::runtime::{ProjectionError, TableNames};
use chrono::NaiveDate;
use domain::calendar::YearGroup;
use domain::compliance::{DueItem, DueStatus, StatusCounts, status_on};
use domain::ids::ChildId;
use domain::pep::QaRating;
use domain::policy::LaPolicy;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// Loads every child matching the stored-column filters (or the one child), with its items,
/// and judges them on `today`. The day-dependent filters are applied here too.
pub(super) async fn load_judged(
    database: &ReadDatabase,
    policy: &LaPolicy,
    filter: &CohortFilter,
    only_child: Option<ChildId>,
    today: NaiveDate,
) -> Result<Vec<ChildCompliance>, ProjectionError> {
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
    let mut judged = Vec::with_capacity(child_rows.len());
    for row in &child_rows {
        let child_id: String = row.try_get("child_id")?;
        let items = items_by_child.remove(&child_id).unwrap_or_default();
        let child = judge(row, items, policy, today)?;
        let status_matches = filter.status.is_none() || filter.status == child.status;
        let key_stage_matches = filter.key_stage.is_none() || filter.key_stage == child.key_stage;
        if status_matches && key_stage_matches {
            judged.push(child);
        }
    }
    Ok(judged)
}

/// Most urgent first: overdue, due soon, upcoming, met late, on time, nothing owed; then the
/// earliest next due date; then the LA's id, for a stable order.
pub(super) fn sort_by_urgency(children: &mut [ChildCompliance]) {
    let rank = |status: Option<DueStatus>| match status {
        Some(DueStatus::Overdue) => 0,
        Some(DueStatus::DueSoon) => 1,
        Some(DueStatus::Upcoming) => 2,
        Some(DueStatus::MetLate) => 3,
        Some(DueStatus::OnTime) => 4,
        None => 5,
    };
    children.sort_by(|left, right| {
        let next_due = |child: &ChildCompliance| {
            child
                .next_due
                .as_ref()
                .map_or(NaiveDate::MAX, |next| next.item.due_date)
        };
        (
            rank(left.status),
            next_due(left),
            &left.la_child_id,
            left.child_id,
        )
            .cmp(&(
                rank(right.status),
                next_due(right),
                &right.la_child_id,
                right.child_id,
            ))
    });
}

fn judge(
    row: &AnyRow,
    items: Vec<DueItem>,
    policy: &LaPolicy,
    today: NaiveDate,
) -> Result<ChildCompliance, ProjectionError> {
    let items: Vec<JudgedItem> = items
        .into_iter()
        .map(|item| {
            let status = status_on(&item, today, policy);
            JudgedItem { item, status }
        })
        .collect();
    let mut counts = StatusCounts::default();
    for judged in &items {
        match judged.status {
            DueStatus::OnTime => counts.on_time += 1,
            DueStatus::MetLate => counts.met_late += 1,
            DueStatus::Upcoming => counts.upcoming += 1,
            DueStatus::DueSoon => counts.due_soon += 1,
            DueStatus::Overdue => counts.overdue += 1,
        }
    }
    let status = if counts.overdue > 0 {
        Some(DueStatus::Overdue)
    } else if counts.due_soon > 0 {
        Some(DueStatus::DueSoon)
    } else if counts.upcoming > 0 {
        Some(DueStatus::Upcoming)
    } else {
        items
            .iter()
            .max_by_key(|judged| judged.item.due_date)
            .map(|judged| judged.status)
    };
    let next_due = items
        .iter()
        .filter(|judged| {
            matches!(
                judged.status,
                DueStatus::Overdue | DueStatus::DueSoon | DueStatus::Upcoming
            )
        })
        .min_by_key(|judged| judged.item.due_date)
        .cloned();
    let has_in_date_pep = counts.overdue == 0 && counts.on_time + counts.met_late > 0;
    let date_of_birth = optional_date(row, "date_of_birth")?;
    let year_group = date_of_birth.map(|born| YearGroup::on(born, today));
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
    Ok(ChildCompliance {
        child_id: parse_id(&child_id)?,
        la: row.try_get("la")?,
        la_child_id: row.try_get("la_child_id")?,
        date_of_birth,
        year_group,
        key_stage: year_group.and_then(YearGroup::key_stage),
        in_care: row.try_get::<i64, _>("in_care")? != 0,
        care_started_on: optional_date(row, "care_started_on")?,
        school_urn: optional_text(row, "school_urn")?,
        school_name: optional_text(row, "school_name")?,
        social_worker_id,
        social_worker_name: optional_text(row, "social_worker_name")?,
        status,
        counts,
        next_due,
        has_in_date_pep,
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
        items,
    })
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
