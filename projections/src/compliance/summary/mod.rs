//! The cohort summary a Virtual School dashboard opens with: how many children have an in-date
//! PEP, how many obligations were met within timescale, and counts by status, PEP status, QA
//! rating, key stage, school and social worker. Pure over judged children, so the arithmetic is
//! tested without a database.

use super::queries::types::ChildCompliance;
use chrono::NaiveDate;
use domain::calendar::KeyStage;
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

/// Summarises judged children. Counts under borrowed keys while it walks the children (a large
/// cohort is walked on every dashboard request) and copies each key once per group at the end.
pub fn summarise<'a>(
    children: impl IntoIterator<Item = &'a ChildCompliance>,
    today: NaiveDate,
) -> CohortSummary {
    let mut summary = CohortSummary {
        today,
        children: 0,
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
    let mut by_status: BTreeMap<Option<DueStatus>, u64> = BTreeMap::new();
    let mut by_pep_status: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut by_rating: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut by_key_stage: BTreeMap<Option<KeyStage>, GroupSummary> = BTreeMap::new();
    let mut by_school: Groups<'a> = BTreeMap::new();
    let mut by_social_worker: Groups<'a> = BTreeMap::new();
    for child in children {
        summary.children += 1;
        summary.with_in_date_pep += u64::from(child.has_in_date_pep);
        let counts = child.counts;
        let totals = &mut summary.obligations_by_status;
        totals.on_time += counts.on_time;
        totals.met_late += counts.met_late;
        totals.upcoming += counts.upcoming;
        totals.due_soon += counts.due_soon;
        totals.overdue += counts.overdue;
        *by_status.entry(child.status).or_default() += 1;
        *by_pep_status
            .entry(child_pep_status_key(child))
            .or_default() += 1;
        *by_rating.entry(child_qa_rating_key(child)).or_default() += 1;
        count_in(by_key_stage.entry(child.key_stage).or_default(), child);
        add_to_group(
            &mut by_school,
            child.school_urn.as_deref(),
            child.school_name.as_deref(),
            child,
        );
        add_to_group(
            &mut by_social_worker,
            child.social_worker_id.as_deref(),
            child.social_worker_name.as_deref(),
            child,
        );
    }
    summary.children_by_status = by_status
        .into_iter()
        .map(|(status, count)| (status.map_or("none".to_owned(), status_key), count))
        .collect();
    summary.children_by_pep_status = owned_keys(by_pep_status);
    summary.by_qa_rating = owned_keys(by_rating);
    summary.by_key_stage = by_key_stage
        .into_iter()
        .map(|(key_stage, group)| {
            let key = key_stage.and_then(key_stage_key);
            (key.unwrap_or_else(|| NOT_RECORDED.to_owned()), group)
        })
        .collect();
    summary.by_school = owned_groups(by_school);
    summary.by_social_worker = owned_groups(by_social_worker);
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

/// Groups being counted: by borrowed key, with a borrowed name.
type Groups<'a> = BTreeMap<&'a str, (Option<&'a str>, GroupSummary)>;

/// The wire name of a key stage (`ks2`), as its serialisation writes it.
fn key_stage_key(key_stage: KeyStage) -> Option<String> {
    serde_json::to_value(key_stage)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
}

fn owned_keys(counts: BTreeMap<&str, u64>) -> BTreeMap<String, u64> {
    counts
        .into_iter()
        .map(|(key, count)| (key.to_owned(), count))
        .collect()
}

fn owned_groups(groups: Groups<'_>) -> BTreeMap<String, GroupSummary> {
    groups
        .into_iter()
        .map(|(key, (name, mut group))| {
            group.name = name.map(str::to_owned);
            (key.to_owned(), group)
        })
        .collect()
}

fn add_to_group<'a>(
    groups: &mut Groups<'a>,
    key: Option<&'a str>,
    name: Option<&'a str>,
    child: &ChildCompliance,
) {
    let (group_name, group) = groups.entry(key.unwrap_or(NOT_RECORDED)).or_default();
    if group_name.is_none() {
        *group_name = name;
    }
    count_in(group, child);
}

fn count_in(group: &mut GroupSummary, child: &ChildCompliance) {
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
pub(super) mod tests;
