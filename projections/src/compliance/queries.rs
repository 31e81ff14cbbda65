//! Reading the compliance tables: loading children and their stored due items, then judging
//! every item on the day asked with `domain::compliance::status_on`, so the answer is right on
//! any day without a new event. Filters on stored columns run in SQL; filters on what depends
//! on the day (status, key stage, in-date PEP), and on the PEP status and QA rating, run here,
//! after judging. Loading and judging are separate so one load can be judged on many days (the
//! monthly series).

pub(super) mod types;

pub use types::{ChildCompliance, CohortFilter, CohortPage, JudgedItem, Page};

use super::child_record::QualityAssurance;
use super::schema::{CHILDREN, DUE_ITEMS, FUNDING_REQUESTS};
use super::stored_pep::TargetProgress;
use super::stored_rows::from_json;
use super::summary::{PEP_STATUS_KEYS, QA_RATING_KEYS, child_pep_status_key, child_qa_rating_key};
use crate::db::{ReadDatabase, parse_date};
use crate::runtime::{ProjectionError, TableNames};
use chrono::NaiveDate;
use domain::calendar::{KeyStage, YearGroup};
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
    let stored = load_stored(database, filter, only_child).await?;
    Ok(judge_matching(stored, policy, filter, today))
}

/// One child as stored, read once so it can be judged on as many days as asked: the row's
/// values in a [`ChildCompliance`] whose day-dependent fields (year group, key stage, status,
/// counts, next due, in-date flag, items) stay empty until [`judge`] fills them, and the
/// stored obligations.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct StoredChild {
    /// Everything the row says that does not depend on the day.
    pub(super) record: ChildCompliance,
    /// The dated obligations, earliest due first.
    pub(super) items: Vec<DueItem>,
}

/// How a child stands on one day, from their obligations judged on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Standing {
    /// Obligations per status.
    pub(super) counts: StatusCounts,
    /// The headline status (see [`ChildCompliance::status`]).
    pub(super) status: Option<DueStatus>,
    /// Some PEP has counted and nothing is overdue.
    pub(super) has_in_date_pep: bool,
}

/// Loads every child matching the stored-column filters (or the one child), with its items, in
/// two queries whatever the size of the cohort, without judging anything.
pub(super) async fn load_stored(
    database: &ReadDatabase,
    filter: &CohortFilter,
    only_child: Option<ChildId>,
) -> Result<Vec<StoredChild>, ProjectionError> {
    check_filter(filter)?;
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
    let mut stored = Vec::with_capacity(child_rows.len());
    for row in &child_rows {
        let child_id: String = row.try_get("child_id")?;
        let items = items_by_child.remove(&child_id).unwrap_or_default();
        stored.push(stored_child(row, items)?);
    }
    Ok(stored)
}

/// Judges every stored child on `today` and keeps those passing the filters applied after
/// judging, in the order loaded.
pub(super) fn judge_matching(
    stored: Vec<StoredChild>,
    policy: &LaPolicy,
    filter: &CohortFilter,
    today: NaiveDate,
) -> Vec<ChildCompliance> {
    stored
        .into_iter()
        .map(|child| judge(child, policy, today))
        .filter(|child| {
            passes_judged_filters(
                filter,
                child,
                child.status,
                child.key_stage,
                child.has_in_date_pep,
            )
        })
        .collect()
}

/// True when a child passes the filters that depend on the day judged (headline status, key
/// stage, in-date PEP) or are applied with them (PEP status, QA rating), given how the child
/// stands on that day. `record` gives the PEP status and rating, which do not depend on it.
pub(super) fn passes_judged_filters(
    filter: &CohortFilter,
    record: &ChildCompliance,
    status: Option<DueStatus>,
    key_stage: Option<KeyStage>,
    has_in_date_pep: bool,
) -> bool {
    let status_matches = filter.status.is_none() || filter.status == status;
    let key_stage_matches = filter.key_stage.is_none() || filter.key_stage == key_stage;
    let in_date_matches = filter
        .in_date_pep
        .is_none_or(|wanted| wanted == has_in_date_pep);
    let pep_status_matches = filter
        .pep_status
        .as_deref()
        .is_none_or(|wanted| wanted == child_pep_status_key(record));
    let rating_matches = filter
        .qa_rating
        .as_deref()
        .is_none_or(|wanted| wanted == child_qa_rating_key(record));
    status_matches && key_stage_matches && in_date_matches && pep_status_matches && rating_matches
}

/// Refuses a filter naming a PEP status or a QA rating no child can have, so a mistyped value
/// is an error rather than an empty cohort.
pub(super) fn check_filter(filter: &CohortFilter) -> Result<(), ProjectionError> {
    let check = |name: &str, value: Option<&str>, valid: &[&str]| match value {
        Some(value) if !valid.contains(&value) => Err(ProjectionError::InvalidQuery(format!(
            "{name} {value:?} is not one of {}",
            valid.join(", ")
        ))),
        _ => Ok(()),
    };
    check("pep_status", filter.pep_status.as_deref(), &PEP_STATUS_KEYS)?;
    check("qa_rating", filter.qa_rating.as_deref(), &QA_RATING_KEYS)
}

/// Sums judged obligations into a standing: the counts, the headline (overdue if anything is,
/// else due soon, else upcoming; when everything is met, the status of the last obligation
/// due) and the in-date flag.
pub(super) fn standing<'a>(judged: impl IntoIterator<Item = (&'a DueItem, DueStatus)>) -> Standing {
    let mut counts = StatusCounts::default();
    let mut last_due: Option<(NaiveDate, DueStatus)> = None;
    for (item, status) in judged {
        match status {
            DueStatus::OnTime => counts.on_time += 1,
            DueStatus::MetLate => counts.met_late += 1,
            DueStatus::Upcoming => counts.upcoming += 1,
            DueStatus::DueSoon => counts.due_soon += 1,
            DueStatus::Overdue => counts.overdue += 1,
        }
        // The last of equally late obligations wins, as `max_by_key` chose before.
        if last_due.is_none_or(|(due_date, _)| item.due_date >= due_date) {
            last_due = Some((item.due_date, status));
        }
    }
    let status = if counts.overdue > 0 {
        Some(DueStatus::Overdue)
    } else if counts.due_soon > 0 {
        Some(DueStatus::DueSoon)
    } else if counts.upcoming > 0 {
        Some(DueStatus::Upcoming)
    } else {
        last_due.map(|(_, status)| status)
    };
    Standing {
        counts,
        status,
        has_in_date_pep: counts.overdue == 0 && counts.on_time + counts.met_late > 0,
    }
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

/// Judges a stored child's every obligation on `today` and fills in what depends on the day.
pub(super) fn judge(stored: StoredChild, policy: &LaPolicy, today: NaiveDate) -> ChildCompliance {
    let StoredChild { record, items } = stored;
    let items: Vec<JudgedItem> = items
        .into_iter()
        .map(|item| {
            let status = status_on(&item, today, policy);
            JudgedItem { item, status }
        })
        .collect();
    let Standing {
        counts,
        status,
        has_in_date_pep,
    } = standing(items.iter().map(|judged| (&judged.item, judged.status)));
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
    let year_group = record.date_of_birth.map(|born| YearGroup::on(born, today));
    ChildCompliance {
        year_group,
        key_stage: year_group.and_then(YearGroup::key_stage),
        status,
        counts,
        next_due,
        has_in_date_pep,
        items,
        ..record
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_naming_an_unknown_pep_status_or_rating_is_an_invalid_query() {
        for (pep_status, qa_rating) in [(Some("draft"), None), (None, Some("gold"))] {
            let filter = CohortFilter {
                pep_status: pep_status.map(str::to_owned),
                qa_rating: qa_rating.map(str::to_owned),
                ..CohortFilter::default()
            };
            let refused = check_filter(&filter);
            assert!(
                matches!(&refused, Err(ProjectionError::InvalidQuery(reason))
                    if reason.contains("is not one of")),
                "{refused:?}"
            );
        }
        for key in PEP_STATUS_KEYS {
            let filter = CohortFilter {
                pep_status: Some(key.to_owned()),
                ..CohortFilter::default()
            };
            assert!(check_filter(&filter).is_ok(), "{key}");
        }
        for key in QA_RATING_KEYS {
            let filter = CohortFilter {
                qa_rating: Some(key.to_owned()),
                ..CohortFilter::default()
            };
            assert!(check_filter(&filter).is_ok(), "{key}");
        }
    }
}
