//! The child record folded from its events, and the data-quality checks read from it.

use super::episode::Ssda903Episode;
use super::events::{
    AssignedRole, ChildDetails, ChildEvent, EducationSetting, LeavingReason, SenProvision,
};
use crate::actor::PersonRef;
use crate::ids::{ChildId, PepId};
use crate::values::{LaCode, Upn};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Identity of a registered child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Record id.
    pub child_id: ChildId,
    /// Responsible LA.
    pub la: LaCode,
    /// Id in the LA's social care system.
    pub la_child_id: String,
}

/// A spell at one education setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingSpell {
    /// The setting.
    pub setting: EducationSetting,
    /// First day.
    pub started_on: NaiveDate,
    /// Day the next setting started, once there is one.
    pub left_on: Option<NaiveDate>,
    /// Why it was left.
    pub leaving_reason: Option<LeavingReason>,
}

/// A well-formed record with a problem worth a person's attention; applied, not refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataQualityIssue {
    /// The UPN does not parse (e.g. its check letter fails).
    InvalidUpn {
        /// The UPN as reported.
        upn: String,
        /// Why it does not parse.
        reason: String,
    },
    /// Two episodes share days.
    OverlappingEpisodes {
        /// Start of the earlier episode.
        first_start: NaiveDate,
        /// Start of the later episode.
        second_start: NaiveDate,
    },
    /// The earliest episode known does not start a period of care (RNE is not `S`).
    FirstEpisodeNotStart {
        /// Its start date.
        start_date: NaiveDate,
        /// Its RNE.
        reason_new_episode: String,
    },
}

/// The child record as its events tell it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChildState {
    /// Set once registered.
    pub registration: Option<Registration>,
    /// Current identifying details.
    pub details: Option<ChildDetails>,
    /// SSDA903 episodes keyed by start date, so rows arriving out of order fold the same.
    pub episodes: BTreeMap<NaiveDate, Ssda903Episode>,
    /// Education settings, oldest first.
    pub settings: Vec<SettingSpell>,
    /// Who holds each role now.
    pub people: BTreeMap<AssignedRole, PersonRef>,
    /// Current SEN provision.
    pub sen: Option<SenProvision>,
    /// The open PEP, if any.
    pub open_pep: Option<PepId>,
    /// Every PEP ever opened, oldest first.
    pub peps: Vec<PepId>,
    /// Events an IRO notice has been requested about, so each is asked for once.
    pub notices_requested_about: std::collections::BTreeSet<uuid::Uuid>,
    /// The LAs the placing LA shares the record with now (a child placed out of area).
    pub shared_with: std::collections::BTreeSet<LaCode>,
}

impl ChildState {
    /// Whether the child is looked after according to the latest episode known.
    pub fn in_care(&self) -> bool {
        self.episodes
            .values()
            .next_back()
            .is_some_and(|episode| !episode.left_care())
    }

    /// The current education setting.
    pub fn current_setting(&self) -> Option<&SettingSpell> {
        self.settings.last()
    }

    /// The problems to flag on this record, in a stable order.
    pub fn data_quality_issues(&self) -> Vec<DataQualityIssue> {
        let mut issues = Vec::new();
        if let Some(upn) = self
            .details
            .as_ref()
            .and_then(|details| details.upn.as_ref())
            && let Err(error) = Upn::parse(upn)
        {
            issues.push(DataQualityIssue::InvalidUpn {
                upn: upn.clone(),
                reason: error.to_string(),
            });
        }
        if let Some(first) = self.episodes.values().next()
            && first.reason_new_episode != "S"
        {
            issues.push(DataQualityIssue::FirstEpisodeNotStart {
                start_date: first.start_date,
                reason_new_episode: first.reason_new_episode.clone(),
            });
        }
        let episodes: Vec<&Ssda903Episode> = self.episodes.values().collect();
        for pair in episodes.windows(2) {
            if pair[0].overlaps(pair[1]) {
                issues.push(DataQualityIssue::OverlappingEpisodes {
                    first_start: pair[0].start_date,
                    second_start: pair[1].start_date,
                });
            }
        }
        issues
    }

    /// Folds one event.
    pub fn evolve(mut self, event: &ChildEvent) -> Self {
        match event {
            ChildEvent::Registered {
                child_id,
                la,
                la_child_id,
                details,
            } => {
                self.registration = Some(Registration {
                    child_id: *child_id,
                    la: la.clone(),
                    la_child_id: la_child_id.clone(),
                });
                self.details = Some(details.clone());
            }
            ChildEvent::DetailsUpdated { details } => self.details = Some(details.clone()),
            ChildEvent::CareEpisodeStarted { episode }
            | ChildEvent::PlacementChanged { episode }
            | ChildEvent::LegalStatusChanged { episode }
            | ChildEvent::CareEpisodeCorrected { episode } => {
                self.episodes.insert(episode.start_date, episode.clone());
            }
            ChildEvent::CareEpisodeEnded {
                start_date,
                end_date,
                reason_ceased,
            } => {
                if let Some(episode) = self.episodes.get_mut(start_date) {
                    episode.end_date = Some(*end_date);
                    episode.reason_ceased = Some(reason_ceased.clone());
                }
            }
            ChildEvent::EducationSettingChanged {
                setting,
                started_on,
                leaving_reason,
                ..
            } => {
                if let Some(current) = self.settings.last_mut() {
                    current.left_on = Some(*started_on);
                    current.leaving_reason = *leaving_reason;
                }
                self.settings.push(SettingSpell {
                    setting: setting.clone(),
                    started_on: *started_on,
                    left_on: None,
                    leaving_reason: None,
                });
            }
            ChildEvent::PersonAssigned { role, person, .. } => {
                self.people.insert(*role, person.clone());
            }
            ChildEvent::SenStatusRecorded { provision, .. } => self.sen = Some(*provision),
            ChildEvent::AttendanceRecorded { .. }
            | ChildEvent::ExclusionRecorded { .. }
            | ChildEvent::AttainmentRecorded { .. } => {}
            ChildEvent::PepOpened { pep_id, .. } => {
                self.open_pep = Some(*pep_id);
                self.peps.push(*pep_id);
            }
            ChildEvent::PepClosed { pep_id, .. } => {
                if self.open_pep == Some(*pep_id) {
                    self.open_pep = None;
                }
            }
            ChildEvent::IroNoticeRequested { about_event_id, .. } => {
                self.notices_requested_about.insert(*about_event_id);
            }
            ChildEvent::RecordShared { with_la, .. } => {
                self.shared_with.insert(with_la.clone());
            }
            ChildEvent::RecordSharingEnded { with_la, .. } => {
                self.shared_with.remove(with_la);
            }
        }
        self
    }
}
