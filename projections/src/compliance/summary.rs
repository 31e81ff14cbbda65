//! The cohort summary a Virtual School dashboard opens with: how many children have an in-date
//! PEP, how many obligations were met within timescale, and counts by status, PEP status, QA
//! rating, key stage, school and social worker. Pure over judged children, so the arithmetic is
//! tested without a database.

use super::queries::types::ChildCompliance;
use chrono::NaiveDate;
use domain::compliance::{DueStatus, StatusCounts};
use domain::pep::{PepStatus, QaRating};
use serde::Serialize;
use std::collections::BTreeMap;

/// The key used for children with no value in a grouping (no school or social worker recorded,
/// no date of birth for a key stage).
pub const NOT_RECORDED: &str = "not_recorded";

/// The PEP-status key of a child with no PEP at all.
pub const MISSING_PEP: &str = "missing";

/// The QA-rating key of a child none of whose PEPs has been rated.
pub const NOT_RATED: &str = "not_rated";

/// Every key a child can have by PEP status, in workflow order: the wire names of
/// [`PepStatus`], then [`MISSING_PEP`]. The `pep_status` filter accepts exactly these.
pub const PEP_STATUS_KEYS: [&str; 9] = [
    "not_started",
    "in_progress",
    "ready",
    "submitted",
    "returned",
    "quality_assured",
    "signed_off",
    "withdrawn",
    MISSING_PEP,
];

/// Every key a child can have by QA rating: the wire names of [`QaRating`], then
/// [`NOT_RATED`]. The `qa_rating` filter accepts exactly these.
pub const QA_RATING_KEYS: [&str; 4] = ["green", "amber", "red", NOT_RATED];

/// Counts for one group of children.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupSummary {
    /// A readable name for the group (the school's or social worker's name), when known.
    pub name: Option<String>,
    /// Children in the group.
    pub children: u64,
    /// Of those, children with an in-date PEP.
    pub with_in_date_pep: u64,
    /// Of those, children with something overdue.
    pub overdue: u64,
    /// `with_in_date_pep` as a percentage of `children`, to one decimal place, as for the whole
    /// cohort.
    pub percent_with_in_date_pep: Option<f64>,
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
    /// Children by their current PEP's status (a [`PEP_STATUS_KEYS`] name: `in_progress`,
    /// `submitted`, `returned`...), or [`MISSING_PEP`] for a child with no PEP at all.
    pub children_by_pep_status: BTreeMap<String, u64>,
    /// Children by the latest quality-assurance rating of any of their PEPs (`green`, `amber`,
    /// `red`), or [`NOT_RATED`] when none has been rated.
    pub by_qa_rating: BTreeMap<String, u64>,
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
        children_by_pep_status: BTreeMap::new(),
        by_qa_rating: BTreeMap::new(),
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
        *summary
            .children_by_pep_status
            .entry(child_pep_status_key(child).to_owned())
            .or_default() += 1;
        *summary
            .by_qa_rating
            .entry(child_qa_rating_key(child).to_owned())
            .or_default() += 1;
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
    for groups in [
        &mut summary.by_key_stage,
        &mut summary.by_school,
        &mut summary.by_social_worker,
    ] {
        for group in groups.values_mut() {
            group.percent_with_in_date_pep = percent(group.with_in_date_pep, group.children);
        }
    }
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

/// The wire name of a PEP status (`quality_assured`).
pub fn pep_status_key(status: PepStatus) -> &'static str {
    match status {
        PepStatus::NotStarted => "not_started",
        PepStatus::InProgress => "in_progress",
        PepStatus::Ready => "ready",
        PepStatus::Submitted => "submitted",
        PepStatus::Returned => "returned",
        PepStatus::QualityAssured => "quality_assured",
        PepStatus::SignedOff => "signed_off",
        PepStatus::Withdrawn => "withdrawn",
    }
}

/// The wire name of a QA rating (`amber`).
pub fn qa_rating_key(rating: QaRating) -> &'static str {
    match rating {
        QaRating::Green => "green",
        QaRating::Amber => "amber",
        QaRating::Red => "red",
    }
}

/// The child's key by PEP status: its current PEP's status, or [`MISSING_PEP`].
pub(super) fn child_pep_status_key(child: &ChildCompliance) -> &'static str {
    child.current_pep_status.map_or(MISSING_PEP, pep_status_key)
}

/// The child's key by QA rating: its latest rating, or [`NOT_RATED`].
pub(super) fn child_qa_rating_key(child: &ChildCompliance) -> &'static str {
    child
        .last_quality_assurance
        .map_or(NOT_RATED, |quality| qa_rating_key(quality.rating))
}

/// `part` of `whole` as a percentage with one decimal place.
pub(super) fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::compliance::child_record::QualityAssurance;
    use crate::compliance::stored_pep::TargetProgress;
    use domain::ids::{ChildId, PepId};

    /// A child of LA 831 in care since 1 Sep 2024 with nothing else recorded: what each test
    /// needs it sets on top.
    pub(in crate::compliance) fn child() -> ChildCompliance {
        ChildCompliance {
            child_id: ChildId::from_uuid(uuid::Uuid::now_v7()),
            la: "831".to_owned(),
            la_child_id: "LC-1".to_owned(),
            date_of_birth: None,
            year_group: None,
            key_stage: None,
            in_care: true,
            care_started_on: NaiveDate::from_ymd_opt(2024, 9, 1),
            school_urn: None,
            school_name: None,
            social_worker_id: None,
            social_worker_name: None,
            status: None,
            counts: StatusCounts::default(),
            next_due: None,
            has_in_date_pep: false,
            current_pep_id: None,
            open_pep_id: None,
            current_pep_status: None,
            missing_sections: BTreeMap::new(),
            missing_for_submission: Vec::new(),
            smart_targets: TargetProgress::default(),
            smart_targets_complete: false,
            last_quality_assurance: None,
            pp_plus_linked: false,
            data_quality: serde_json::Value::Array(Vec::new()),
            schedule_problems: Vec::new(),
            items: Vec::new(),
        }
    }

    fn with_pep(status: PepStatus) -> ChildCompliance {
        ChildCompliance {
            current_pep_id: Some(PepId::from_uuid(uuid::Uuid::now_v7())),
            current_pep_status: Some(status),
            ..child()
        }
    }

    fn rated(rating: QaRating) -> ChildCompliance {
        let mut rated = with_pep(PepStatus::QualityAssured);
        rated.last_quality_assurance = Some(QualityAssurance {
            pep_id: rated.current_pep_id.unwrap(),
            rating,
            assured_on: NaiveDate::from_ymd_opt(2024, 10, 1).unwrap(),
        });
        rated
    }

    fn counts(map: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
        map.iter()
            .map(|(key, count)| (key.as_str(), *count))
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, 20).unwrap()
    }

    #[test]
    fn a_group_has_its_own_percentage_and_a_group_of_no_school_is_not_recorded() {
        let at = |school: Option<&str>, in_date: bool| ChildCompliance {
            school_urn: school.map(str::to_owned),
            has_in_date_pep: in_date,
            ..child()
        };
        let children = [
            at(Some("100001"), true),
            at(Some("100001"), false),
            at(Some("100001"), false),
            at(Some("100002"), true),
            at(None, false),
        ];
        let summary = summarise(&children, today());
        let figures = |key: &str| {
            let group = &summary.by_school[key];
            (
                group.children,
                group.with_in_date_pep,
                group.percent_with_in_date_pep,
            )
        };
        assert_eq!(figures("100001"), (3, 1, Some(33.3)));
        assert_eq!(figures("100002"), (1, 1, Some(100.0)));
        assert_eq!(figures(NOT_RECORDED), (1, 0, Some(0.0)));
        assert_eq!(summary.percent_with_in_date_pep, Some(40.0));
    }

    #[test]
    fn children_are_counted_by_their_current_peps_status_and_missing_without_one() {
        let children = [
            with_pep(PepStatus::InProgress),
            with_pep(PepStatus::Submitted),
            with_pep(PepStatus::Submitted),
            with_pep(PepStatus::Returned),
            child(),
        ];
        let summary = summarise(&children, today());
        assert_eq!(
            counts(&summary.children_by_pep_status),
            [
                ("in_progress", 1),
                ("missing", 1),
                ("returned", 1),
                ("submitted", 2)
            ]
        );
        let total: u64 = summary.children_by_pep_status.values().sum();
        assert_eq!(total, summary.children, "every child is counted once");
    }

    #[test]
    fn children_are_counted_by_their_latest_qa_rating_and_not_rated_without_one() {
        let children = [
            rated(QaRating::Green),
            rated(QaRating::Green),
            rated(QaRating::Red),
            with_pep(PepStatus::Submitted),
            child(),
        ];
        let summary = summarise(&children, today());
        assert_eq!(
            counts(&summary.by_qa_rating),
            [("green", 2), ("not_rated", 2), ("red", 1)]
        );
        assert!(summarise(&[], today()).by_qa_rating.is_empty());
    }

    #[test]
    fn pep_status_and_qa_rating_keys_are_the_wire_names_and_the_key_lists_are_complete() {
        // The match makes a new PepStatus a compile error here until the list is updated.
        let position = |status: PepStatus| match status {
            PepStatus::NotStarted => 0,
            PepStatus::InProgress => 1,
            PepStatus::Ready => 2,
            PepStatus::Submitted => 3,
            PepStatus::Returned => 4,
            PepStatus::QualityAssured => 5,
            PepStatus::SignedOff => 6,
            PepStatus::Withdrawn => 7,
        };
        for (index, key) in PEP_STATUS_KEYS[..8].iter().enumerate() {
            let status: PepStatus = serde_json::from_value(serde_json::json!(key)).unwrap();
            assert_eq!(pep_status_key(status), *key);
            assert_eq!(position(status), index);
        }
        assert_eq!(PEP_STATUS_KEYS[8], MISSING_PEP);
        let position = |rating: QaRating| match rating {
            QaRating::Green => 0,
            QaRating::Amber => 1,
            QaRating::Red => 2,
        };
        for (index, key) in QA_RATING_KEYS[..3].iter().enumerate() {
            let rating: QaRating = serde_json::from_value(serde_json::json!(key)).unwrap();
            assert_eq!(qa_rating_key(rating), *key);
            assert_eq!(position(rating), index);
        }
        assert_eq!(QA_RATING_KEYS[3], NOT_RATED);
    }

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
