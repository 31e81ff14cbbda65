//! The cohort summary a Virtual School dashboard opens with: how many children have an in-date
//! PEP, how many obligations were met within timescale, and counts by status, key stage, school
//! and social worker. Pure over judged children, so the arithmetic is tested without a database.

use super::queries::ChildCompliance;
use chrono::NaiveDate;
use domain::compliance::{DueStatus, StatusCounts};
use serde::Serialize;
use std::collections::BTreeMap;

/// The key used for children with no value in a grouping (no school or social worker recorded,
/// no date of birth for a key stage).
pub const NOT_RECORDED: &str = "not_recorded";

/// Counts for one group of children.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupSummary {
    /// A readable name for the group (the school's or social worker's name), when known.
    pub name: Option<String>,
    /// Children in the group.
    pub children: u64,
    /// Of those, children with an in-date PEP.
    pub with_in_date_pep: u64,
    /// Of those, children with something overdue.
    pub overdue: u64,
}

/// The whole cohort (as filtered) on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortSummary {
    /// The day everything was judged on.
    pub today: NaiveDate,
    /// Children in the cohort.
    pub children: u64,
    /// Children with an in-date PEP: some PEP has counted and nothing is overdue.
    pub with_in_date_pep: u64,
    /// `with_in_date_pep` as a percentage of `children`, to one decimal place; `None` for an
    /// empty cohort.
    pub percent_with_in_date_pep: Option<f64>,
    /// Obligations already decided on the day: met (on time or late) or overdue.
    pub obligations_decided: u64,
    /// Of those, met on or before their due date.
    pub obligations_met_on_time: u64,
    /// `obligations_met_on_time` as a percentage of `obligations_decided`, one decimal place.
    pub percent_completed_within_timescale: Option<f64>,
    /// Children by headline status (`overdue`, `due_soon`, `upcoming`, `met_late`, `on_time`,
    /// or `none` for a child with no obligation).
    pub children_by_status: BTreeMap<String, u64>,
    /// Every obligation of the cohort by status.
    pub obligations_by_status: StatusCounts,
    /// By key stage on the day (`eyfs`, `ks1` ... `16-19`).
    pub by_key_stage: BTreeMap<String, GroupSummary>,
    /// By school URN.
    pub by_school: BTreeMap<String, GroupSummary>,
    /// By social worker id.
    pub by_social_worker: BTreeMap<String, GroupSummary>,
}

/// Summarises judged children.
pub fn summarise(children: &[ChildCompliance], today: NaiveDate) -> CohortSummary {
    let mut summary = CohortSummary {
        today,
        children: children.len() as u64,
        with_in_date_pep: 0,
        percent_with_in_date_pep: None,
        obligations_decided: 0,
        obligations_met_on_time: 0,
        percent_completed_within_timescale: None,
        children_by_status: BTreeMap::new(),
        obligations_by_status: StatusCounts::default(),
        by_key_stage: BTreeMap::new(),
        by_school: BTreeMap::new(),
        by_social_worker: BTreeMap::new(),
    };
    for child in children {
        summary.with_in_date_pep += u64::from(child.has_in_date_pep);
        let counts = child.counts;
        let totals = &mut summary.obligations_by_status;
        totals.on_time += counts.on_time;
        totals.met_late += counts.met_late;
        totals.upcoming += counts.upcoming;
        totals.due_soon += counts.due_soon;
        totals.overdue += counts.overdue;
        let status = child.status.map_or("none".to_owned(), status_key);
        *summary.children_by_status.entry(status).or_default() += 1;
        let key_stage = child
            .key_stage
            .and_then(|key_stage| serde_json::to_value(key_stage).ok())
            .and_then(|value| value.as_str().map(str::to_owned));
        add_to_group(&mut summary.by_key_stage, key_stage, None, child);
        add_to_group(
            &mut summary.by_school,
            child.school_urn.clone(),
            child.school_name.clone(),
            child,
        );
        add_to_group(
            &mut summary.by_social_worker,
            child.social_worker_id.clone(),
            child.social_worker_name.clone(),
            child,
        );
    }
    let totals = summary.obligations_by_status;
    summary.obligations_met_on_time = totals.on_time as u64;
    summary.obligations_decided = (totals.on_time + totals.met_late + totals.overdue) as u64;
    summary.percent_with_in_date_pep = percent(summary.with_in_date_pep, summary.children);
    summary.percent_completed_within_timescale =
        percent(summary.obligations_met_on_time, summary.obligations_decided);
    summary
}

fn add_to_group(
    groups: &mut BTreeMap<String, GroupSummary>,
    key: Option<String>,
    name: Option<String>,
    child: &ChildCompliance,
) {
    let group = groups
        .entry(key.unwrap_or_else(|| NOT_RECORDED.to_owned()))
        .or_default();
    if group.name.is_none() {
        group.name = name;
    }
    group.children += 1;
    group.with_in_date_pep += u64::from(child.has_in_date_pep);
    group.overdue += u64::from(child.counts.overdue > 0);
}

/// The wire name of a status (`due_soon`).
pub fn status_key(status: DueStatus) -> String {
    match status {
        DueStatus::OnTime => "on_time",
        DueStatus::MetLate => "met_late",
        DueStatus::Upcoming => "upcoming",
        DueStatus::DueSoon => "due_soon",
        DueStatus::Overdue => "overdue",
    }
    .to_owned()
}

/// `part` of `whole` as a percentage with one decimal place.
fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_one_decimal_place_and_are_absent_for_nothing() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 5), Some(0.0));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn status_keys_are_the_wire_names() {
        for status in [
            DueStatus::OnTime,
            DueStatus::MetLate,
            DueStatus::Upcoming,
            DueStatus::DueSoon,
            DueStatus::Overdue,
        ] {
            let wire = serde_json::to_value(status).unwrap();
            assert_eq!(wire.as_str(), Some(status_key(status).as_str()));
        }
    }
}
