//! What the compliance read model remembers about one child between events, and the row it
//! derives from that: pure, so the row for a given history is the same whenever it is built.

use super::stored_pep::{StoredPep, TargetProgress};
use chrono::NaiveDate;
use domain::PersonRef;
use domain::Role;
use domain::child::{AssignedRole, ChildEvent, DataQualityIssue, EducationSetting};
use domain::compliance::from_events::ComplianceFold;
use domain::ids::PepId;
use domain::pep::{PepSection, PepStatus, QaRating};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The child's side of the read model, stored as JSON in `compliance_children.state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildProgress {
    /// The domain's fold towards the compliance facts.
    pub fold: ComplianceFold,
    /// The responsible LA's code.
    pub la: String,
    /// The child's id in the LA's social care system.
    pub la_child_id: String,
    /// Education settings by first day; the latest is the current one.
    pub settings: BTreeMap<NaiveDate, EducationSetting>,
    /// The social worker now assigned.
    pub social_worker: Option<PersonRef>,
    /// Every PEP opened, oldest first.
    pub peps: Vec<PepId>,
    /// The PEP open now, if any.
    pub open_pep: Option<PepId>,
    /// The latest quality-assurance rating of any of the child's PEPs.
    pub last_quality_assurance: Option<QualityAssurance>,
}

/// One quality-assurance rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityAssurance {
    /// The PEP rated.
    pub pep_id: PepId,
    /// The rating.
    pub rating: QaRating,
    /// The day it was rated.
    pub assured_on: NaiveDate,
}

impl ChildProgress {
    /// Folds one child event; false when it changes nothing this read model shows.
    pub fn apply(&mut self, event: &ChildEvent, recorded_on: NaiveDate) -> bool {
        let for_facts = self.fold.apply_child_event(event, recorded_on);
        match event {
            ChildEvent::Registered {
                la, la_child_id, ..
            } => {
                self.la = la.as_str().to_owned();
                self.la_child_id = la_child_id.clone();
            }
            ChildEvent::EducationSettingChanged {
                setting,
                started_on,
                ..
            } => {
                self.settings.insert(*started_on, setting.clone());
            }
            ChildEvent::PersonAssigned {
                role: AssignedRole::SocialWorker,
                person,
                ..
            } => {
                self.social_worker = Some(person.clone());
                return true;
            }
            ChildEvent::PepOpened { pep_id, .. } => {
                if !self.peps.contains(pep_id) {
                    self.peps.push(*pep_id);
                }
                self.open_pep = Some(*pep_id);
            }
            ChildEvent::PepClosed { pep_id, .. } => {
                if self.open_pep == Some(*pep_id) {
                    self.open_pep = None;
                }
                return true;
            }
            _ => {}
        }
        for_facts
    }

    /// Remembers a rating if it is the latest so far (a later event on the same day wins).
    pub fn record_quality_assurance(&mut self, assurance: QualityAssurance) {
        let later = self
            .last_quality_assurance
            .is_none_or(|last| last.assured_on <= assurance.assured_on);
        if later {
            self.last_quality_assurance = Some(assurance);
        }
    }

    /// The PEP compliance reports on: the open one, or else the latest opened.
    pub fn current_pep(&self) -> Option<PepId> {
        self.open_pep.or_else(|| self.peps.last().copied())
    }
}

/// The shown columns of one `compliance_children` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildRow {
    /// The responsible LA's code.
    pub la: String,
    /// The child's id in the LA's social care system.
    pub la_child_id: String,
    /// Date of birth, once registered.
    pub date_of_birth: Option<NaiveDate>,
    /// Looked after according to the latest episode.
    pub in_care: bool,
    /// The start of the latest period in care.
    pub care_started_on: Option<NaiveDate>,
    /// The current setting's URN.
    pub school_urn: Option<String>,
    /// The current setting's name.
    pub school_name: Option<String>,
    /// The assigned social worker.
    pub social_worker: Option<PersonRef>,
    /// The PEP reported on (open, or latest).
    pub current_pep_id: Option<PepId>,
    /// The open PEP.
    pub open_pep_id: Option<PepId>,
    /// The current PEP's status.
    pub current_pep_status: Option<PepStatus>,
    /// The open PEP's required sections not complete, by owning role.
    pub missing_sections: BTreeMap<Role, Vec<PepSection>>,
    /// Everything the open PEP still lacks before submission.
    pub missing_for_submission: Vec<String>,
    /// The current PEP's targets.
    pub targets: TargetProgress,
    /// The latest rating.
    pub last_quality_assurance: Option<QualityAssurance>,
    /// Problems the social care system owns.
    pub data_quality: Vec<DataQualityIssue>,
}

/// Derives the row from the child's progress and their current PEP (if it is known yet).
pub fn child_row(progress: &ChildProgress, current_pep: Option<&StoredPep>) -> ChildRow {
    let current_setting = progress.settings.values().next_back();
    let care_periods = progress.fold.care_periods();
    let open = progress.open_pep.is_some();
    let (missing_sections, missing_for_submission) = match current_pep {
        Some(pep) if open => (pep.missing_sections_by_role(), pep.missing_for_submission()),
        _ => (BTreeMap::new(), Vec::new()),
    };
    ChildRow {
        la: progress.la.clone(),
        la_child_id: progress.la_child_id.clone(),
        date_of_birth: progress.fold.date_of_birth(),
        in_care: progress.fold.in_care(),
        care_started_on: care_periods.last().map(|period| period.started_on),
        school_urn: current_setting
            .and_then(|setting| setting.urn.as_ref())
            .map(|urn| urn.as_str().to_owned()),
        school_name: current_setting.map(|setting| setting.name.clone()),
        social_worker: progress.social_worker.clone(),
        current_pep_id: progress.current_pep(),
        open_pep_id: progress.open_pep,
        current_pep_status: current_pep.map(StoredPep::status),
        missing_sections,
        missing_for_submission,
        targets: current_pep
            .map(StoredPep::target_progress)
            .unwrap_or_default(),
        last_quality_assurance: progress.last_quality_assurance,
        data_quality: progress.fold.data_quality_issues(),
    }
}
