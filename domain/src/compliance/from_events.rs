//! Folds a child's events and its PEPs' events into [`ComplianceFacts`], so every reader (the
//! compliance read model, the audit replay) derives the facts the same way.
//!
//! The fold keeps only what the facts need, keyed so that arrival order does not matter where
//! the facts themselves do not depend on it: SSDA903 episodes are keyed by start date (a
//! backfilled extract arrives in any order), school starts by their first day, PEPs by id, and
//! every "first" date is a minimum. Events about the *same* episode (its row, a correction, its
//! end) apply in the order they were recorded, as they do on the child record itself.
//!
//! Care-plan reviews and planned school moves have no events yet, so those lists stay empty.

use super::facts::{CarePeriod, ComplianceFacts, PepFact, PepKind, ReportedChange};
use crate::child::{
    ChildDetails, ChildEvent, ChildState, DataQualityIssue, EpisodeChange, Ssda903Episode,
};
use crate::ids::PepId;
use crate::pep::{PepEvent, PepTrigger};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The part of a child's history that compliance depends on, folded event by event.
///
/// Serialisable, so a read model can keep it between events and fold the next one in without
/// reading the stream again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceFold {
    /// The latest identifying details (date of birth, UPN).
    details: Option<ChildDetails>,
    /// Every episode row known, by start date, with the day it was first recorded.
    episodes: BTreeMap<NaiveDate, KnownEpisode>,
    /// The first day at each education setting, with the day that start was first recorded.
    setting_starts: BTreeMap<NaiveDate, NaiveDate>,
    /// Each PEP's dates, by id.
    peps: BTreeMap<PepId, PepDates>,
}

/// One episode row and when PEP Ledger first heard of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KnownEpisode {
    episode: Ssda903Episode,
    first_recorded_on: NaiveDate,
}

/// What compliance measures of one PEP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct PepDates {
    /// Why it was opened; `None` until its `PepInitiated` is folded.
    kind: Option<PepKind>,
    /// The earliest day one of its meetings was held.
    first_meeting_held_on: Option<NaiveDate>,
    /// The earliest day it was submitted (completed by the designated teacher).
    first_submitted_on: Option<NaiveDate>,
    /// A withdrawn PEP was never completed, so none of its dates count.
    withdrawn: bool,
}

impl ComplianceFold {
    /// An empty fold: nothing known about the child yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Folds one event of the child record. `recorded_on` is the day the store recorded it (the
    /// envelope's `recorded_at`), shown when a change was reported late. Returns whether the
    /// event mattered to compliance, so a caller can skip work for the ones that did not.
    pub fn apply_child_event(&mut self, event: &ChildEvent, recorded_on: NaiveDate) -> bool {
        match event {
            ChildEvent::Registered { details, .. } | ChildEvent::DetailsUpdated { details } => {
                self.details = Some(details.clone());
            }
            ChildEvent::CareEpisodeStarted { episode }
            | ChildEvent::PlacementChanged { episode }
            | ChildEvent::LegalStatusChanged { episode }
            | ChildEvent::CareEpisodeCorrected { episode } => {
                let first_recorded_on = self
                    .episodes
                    .get(&episode.start_date)
                    .map_or(recorded_on, |known| {
                        known.first_recorded_on.min(recorded_on)
                    });
                self.episodes.insert(
                    episode.start_date,
                    KnownEpisode {
                        episode: episode.clone(),
                        first_recorded_on,
                    },
                );
            }
            ChildEvent::CareEpisodeEnded {
                start_date,
                end_date,
                reason_ceased,
            } => {
                let Some(known) = self.episodes.get_mut(start_date) else {
                    // The child record refuses to end an unknown episode, so this cannot come
                    // from the log; ignoring it keeps the fold total.
                    return false;
                };
                known.episode.end_date = Some(*end_date);
                known.episode.reason_ceased = Some(reason_ceased.clone());
            }
            ChildEvent::EducationSettingChanged { started_on, .. } => {
                let entry = self
                    .setting_starts
                    .entry(*started_on)
                    .or_insert(recorded_on);
                *entry = (*entry).min(recorded_on);
            }
            ChildEvent::PepOpened { pep_id, .. } => {
                self.peps.entry(*pep_id).or_default();
            }
            ChildEvent::PersonAssigned { .. }
            | ChildEvent::SenStatusRecorded { .. }
            | ChildEvent::AttendanceRecorded { .. }
            | ChildEvent::ExclusionRecorded { .. }
            | ChildEvent::AttainmentRecorded { .. }
            | ChildEvent::IroNoticeRequested { .. }
            | ChildEvent::RecordShared { .. }
            | ChildEvent::RecordSharingEnded { .. }
            | ChildEvent::PepClosed { .. } => return false,
        }
        true
    }

    /// Folds one event of the child's PEP `pep_id`. Returns whether it changed a date compliance
    /// measures (a meeting held, a submission, a withdrawal, the PEP's kind).
    pub fn apply_pep_event(&mut self, pep_id: PepId, event: &PepEvent) -> bool {
        let before = self.peps.get(&pep_id).cloned();
        let dates = self.peps.entry(pep_id).or_default();
        match event {
            PepEvent::Initiated { trigger, .. } => dates.kind = Some(kind_for(*trigger)),
            PepEvent::MeetingHeld { held_on, .. } => {
                dates.first_meeting_held_on = earliest(dates.first_meeting_held_on, *held_on);
            }
            PepEvent::Submitted { submitted_on, .. } => {
                dates.first_submitted_on = earliest(dates.first_submitted_on, *submitted_on);
            }
            PepEvent::Withdrawn { .. } => dates.withdrawn = true,
            _ => {}
        }
        before.as_ref() != Some(&*dates)
    }

    /// The child's date of birth, once registered.
    pub fn date_of_birth(&self) -> Option<NaiveDate> {
        self.details.as_ref().map(|details| details.date_of_birth)
    }

    /// The child's latest identifying details.
    pub fn details(&self) -> Option<&ChildDetails> {
        self.details.as_ref()
    }

    /// The problems the child record flags (invalid UPN, overlapping episodes, a first episode
    /// that does not start care), judged exactly as [`ChildState::data_quality_issues`] does.
    pub fn data_quality_issues(&self) -> Vec<DataQualityIssue> {
        let state = ChildState {
            details: self.details.clone(),
            episodes: self
                .episodes
                .iter()
                .map(|(start, known)| (*start, known.episode.clone()))
                .collect(),
            ..ChildState::default()
        };
        state.data_quality_issues()
    }

    /// The periods in care: episodes in start-date order joined into continuous care, a period
    /// ending with the first episode that ends with the child leaving care (any reason ceased
    /// other than `X1`, "a new episode begins the same day").
    pub fn care_periods(&self) -> Vec<CarePeriod> {
        let mut periods = Vec::new();
        let mut current: Option<CarePeriod> = None;
        for known in self.episodes.values() {
            let period = current.get_or_insert(CarePeriod {
                started_on: known.episode.start_date,
                ended_on: None,
            });
            if known.episode.left_care() {
                period.ended_on = known.episode.end_date;
                periods.extend(current.take());
            }
        }
        periods.extend(current);
        periods
    }

    /// Whether the child is looked after according to the latest episode known.
    pub fn in_care(&self) -> bool {
        self.care_periods()
            .last()
            .is_some_and(|period| period.ended_on.is_none())
    }

    /// The facts for [`super::due_dates`], or `None` until the child is registered (without a
    /// date of birth no obligation can be placed in the age range).
    pub fn facts(&self) -> Option<ComplianceFacts> {
        let date_of_birth = self.date_of_birth()?;
        let care_periods = self.care_periods();
        let in_some_period = |date: NaiveDate| {
            care_periods.iter().any(|period| {
                period.started_on <= date && period.ended_on.is_none_or(|ended| date <= ended)
            })
        };
        let placement_changes = self
            .episodes
            .values()
            .filter(|known| known.episode.change() == EpisodeChange::Placement)
            .map(|known| ReportedChange {
                occurred_on: known.episode.start_date,
                recorded_on: Some(known.first_recorded_on),
            })
            .collect();
        // Only starts while looked after are school changes: the school a child attended before
        // entering care is their starting point, not a change the PEP must answer.
        let school_changes = self
            .setting_starts
            .iter()
            .filter(|(started_on, _)| in_some_period(**started_on))
            .map(|(started_on, recorded_on)| ReportedChange {
                occurred_on: *started_on,
                recorded_on: Some(*recorded_on),
            })
            .collect();
        let peps = self
            .peps
            .values()
            .map(|dates| PepFact {
                kind: dates.kind.unwrap_or(PepKind::Other),
                meeting_held_on: dates.first_meeting_held_on.filter(|_| !dates.withdrawn),
                completed_on: dates.first_submitted_on.filter(|_| !dates.withdrawn),
            })
            .collect();
        Some(ComplianceFacts {
            date_of_birth,
            care_periods,
            placement_changes,
            school_changes,
            planned_school_moves: Vec::new(),
            care_reviews_held: Vec::new(),
            peps,
        })
    }
}

/// Folds a whole history: the child's events with the day each was recorded, and its PEPs'
/// events with the PEP each belongs to.
pub fn compliance_facts<'a>(
    child_events: impl IntoIterator<Item = (&'a ChildEvent, NaiveDate)>,
    pep_events: impl IntoIterator<Item = (PepId, &'a PepEvent)>,
) -> Option<ComplianceFacts> {
    let mut fold = ComplianceFold::new();
    for (event, recorded_on) in child_events {
        fold.apply_child_event(event, recorded_on);
    }
    for (pep_id, event) in pep_events {
        fold.apply_pep_event(pep_id, event);
    }
    fold.facts()
}

/// Why a PEP was opened, in compliance's words. Only informational: any PEP counts towards any
/// obligation.
pub fn kind_for(trigger: PepTrigger) -> PepKind {
    match trigger {
        PepTrigger::EnteredCare => PepKind::Initial,
        PepTrigger::TermlyReview | PepTrigger::CareReview => PepKind::Review,
        PepTrigger::PlacementChange => PepKind::PlacementChange,
        PepTrigger::SchoolChange => PepKind::SchoolChange,
        PepTrigger::PlannedSchoolMove | PepTrigger::KeyStageChange => PepKind::Transition,
        PepTrigger::Requested => PepKind::Other,
    }
}

fn earliest(current: Option<NaiveDate>, candidate: NaiveDate) -> Option<NaiveDate> {
    Some(current.map_or(candidate, |current| current.min(candidate)))
}

#[cfg(test)]
#[path = "from_events_tests.rs"]
mod tests;
