//! Reading the compliance tables: loading children and their stored due items, then judging
//! every item on the day asked with `domain::compliance::status_on`, so the answer is right on
//! any day without a new event. Filters on stored columns run in SQL; filters on what depends
//! on the day (status, key stage, in-date PEP), and on the PEP status and QA rating, run here,
//! after judging. Loading and judging are separate so one load can be judged on many days (the
//! monthly series).

mod load;
pub(super) mod types;

pub(super) use load::{load_changed_since, load_stored, passes_stored_filters};

pub use types::{ChildCompliance, CohortFilter, CohortPage, JudgedItem, Page};

use super::summary::{PEP_STATUS_KEYS, QA_RATING_KEYS, child_pep_status_key, child_qa_rating_key};
use crate::db::ReadDatabase;
use crate::runtime::ProjectionError;
use chrono::NaiveDate;
use domain::calendar::{KeyStage, YearGroup};
use domain::compliance::{DueItem, DueStatus, StatusCounts, status_on};
use domain::ids::ChildId;
use domain::policy::LaPolicy;
use std::cmp::Ordering;

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
    Ok(judge_matching(&stored, policy, filter, today))
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

/// Judges every stored child on `today` and keeps those passing the filters applied after
/// judging, in the order loaded.
pub(super) fn judge_matching<'a>(
    stored: impl IntoIterator<Item = &'a StoredChild>,
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
    let status_matches = (filter.status.is_none() || filter.status == status)
        && (!filter.nothing_due || status.is_none());
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
    check("qa_rating", filter.qa_rating.as_deref(), &QA_RATING_KEYS)?;
    if filter.nothing_due && filter.status.is_some() {
        return Err(ProjectionError::InvalidQuery(
            "a filter for children with nothing due cannot also name a status".to_owned(),
        ));
    }
    Ok(())
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
pub(super) fn sort_by_urgency(children: &mut [&ChildCompliance]) {
    children.sort_by(by_urgency);
}

/// The order of [`sort_by_urgency`]: a total order (the child id breaks every tie).
pub(super) fn by_urgency(left: &&ChildCompliance, right: &&ChildCompliance) -> Ordering {
    let rank = |status: Option<DueStatus>| match status {
        Some(DueStatus::Overdue) => 0,
        Some(DueStatus::DueSoon) => 1,
        Some(DueStatus::Upcoming) => 2,
        Some(DueStatus::MetLate) => 3,
        Some(DueStatus::OnTime) => 4,
        None => 5,
    };
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
}

/// Judges a stored child's every obligation on `today` and fills in what depends on the day.
pub(super) fn judge(stored: &StoredChild, policy: &LaPolicy, today: NaiveDate) -> ChildCompliance {
    let record = stored.record.clone();
    let items: Vec<JudgedItem> = stored
        .items
        .iter()
        .map(|item| JudgedItem {
            item: item.clone(),
            status: status_on(item, today, policy),
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

    #[test]
    fn nothing_due_with_a_status_is_an_invalid_query() {
        let filter = CohortFilter {
            nothing_due: true,
            status: Some(DueStatus::Overdue),
            ..CohortFilter::default()
        };
        assert!(matches!(
            check_filter(&filter),
            Err(ProjectionError::InvalidQuery(_))
        ));
        let filter = CohortFilter {
            nothing_due: true,
            ..CohortFilter::default()
        };
        assert!(check_filter(&filter).is_ok());
    }
}
