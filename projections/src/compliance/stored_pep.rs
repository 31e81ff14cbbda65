//! One PEP as the compliance read model keeps it between events: the parts of
//! [`domain::pep::PepState`] that decide its status, what is missing and its targets, without
//! the free text (section content, views, descriptions), which compliance never shows.
//!
//! Events are folded by the domain's own `PepState::evolve`, and status and what is missing by
//! the domain's own `status()`, `missing_for_submission()` and
//! `incomplete_required_sections()`: this module only converts to and from a serialisable
//! shape, so the read model can never disagree with the PEP itself.

use chrono::NaiveDate;
use domain::ids::{ActionId, ChildId, MeetingId, PepId, TargetId};
use domain::pep::{
    ActionState, MeetingState, PepEvent, PepHeader, PepKind, PepSection, PepState, PepStatus,
    PepTrigger, QaRating, SectionState, TargetOutcome, TargetState, Workflow,
};
use domain::values::LaCode;
use domain::{PersonRef, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The stored form of one PEP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPep {
    header: Option<StoredHeader>,
    /// Each section written, with the day it was completed (cleared when redrafted).
    sections: BTreeMap<PepSection, Option<NaiveDate>>,
    meetings: BTreeMap<MeetingId, StoredMeeting>,
    /// How many times the child's views were recorded.
    child_views_recorded: u32,
    targets: BTreeMap<TargetId, StoredTarget>,
    actions: BTreeMap<ActionId, StoredAction>,
    workflow: StoredWorkflow,
    submissions: u32,
    content_changes: u32,
    /// The latest QA rating (absent from PEPs stored before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rating: Option<QaRating>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredHeader {
    pep_id: PepId,
    child_id: ChildId,
    la: LaCode,
    kind: PepKind,
    trigger: PepTrigger,
    initiated_on: NaiveDate,
    previous_pep_id: Option<PepId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredMeeting {
    scheduled_for: NaiveDate,
    held_on: Option<NaiveDate>,
    child_attended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredTarget {
    set_here: bool,
    due_on: NaiveDate,
    outcome: Option<TargetOutcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredAction {
    due_on: NaiveDate,
    completed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredWorkflow {
    #[default]
    Open,
    Submitted,
    Returned,
    QualityAssured(QaRating),
    SignedOff,
    Withdrawn,
}

/// How far the targets of a PEP are: set here, and carried in from the previous PEP to review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetProgress {
    /// SMART targets set in this PEP.
    pub set_here: u32,
    /// Targets of the previous PEP brought in to be reviewed.
    pub to_review: u32,
    /// Of those, how many have been reviewed.
    pub reviewed: u32,
}

impl TargetProgress {
    /// At least one SMART target set here, and every target carried in reviewed.
    pub fn is_complete(&self) -> bool {
        self.set_here > 0 && self.reviewed == self.to_review
    }
}

impl StoredPep {
    /// Folds one event with the domain's own `evolve`.
    pub fn apply(&mut self, event: &PepEvent) {
        *self = Self::from_state(&self.to_state().evolve(event));
    }

    /// The status users see.
    pub fn status(&self) -> PepStatus {
        self.to_state().status()
    }

    /// What still stops submission, in the PEP's own words.
    pub fn missing_for_submission(&self) -> Vec<String> {
        self.to_state().missing_for_submission()
    }

    /// The required sections not yet complete (the domain's own
    /// `incomplete_required_sections()`), grouped by the role that owns (and alone completes)
    /// each.
    pub fn missing_sections_by_role(&self) -> BTreeMap<Role, Vec<PepSection>> {
        let mut missing: BTreeMap<Role, Vec<PepSection>> = BTreeMap::new();
        for section in self.to_state().incomplete_required_sections() {
            missing.entry(section.owner()).or_default().push(section);
        }
        missing
    }

    /// Targets set and reviewed.
    pub fn target_progress(&self) -> TargetProgress {
        let mut progress = TargetProgress::default();
        for target in self.targets.values() {
            if target.set_here {
                progress.set_here += 1;
            } else {
                progress.to_review += 1;
                if target.outcome.is_some() {
                    progress.reviewed += 1;
                }
            }
        }
        progress
    }

    fn to_state(&self) -> PepState {
        PepState {
            header: self.header.as_ref().map(|header| PepHeader {
                pep_id: header.pep_id,
                child_id: header.child_id,
                la: header.la.clone(),
                kind: header.kind,
                trigger: header.trigger,
                initiated_on: header.initiated_on,
                previous_pep_id: header.previous_pep_id,
            }),
            sections: self
                .sections
                .iter()
                .map(|(section, completed_on)| {
                    let state = SectionState {
                        content: String::new(),
                        revision: 0,
                        completed_on: *completed_on,
                    };
                    (*section, state)
                })
                .collect(),
            meetings: self
                .meetings
                .iter()
                .map(|(meeting_id, meeting)| {
                    let state = MeetingState {
                        scheduled_for: meeting.scheduled_for,
                        held_on: meeting.held_on,
                        attendees: Vec::new(),
                        child_attended: meeting.child_attended,
                    };
                    (*meeting_id, state)
                })
                .collect(),
            child_views: (0..self.child_views_recorded)
                .map(|_| (String::new(), Vec::new()))
                .collect(),
            targets: self
                .targets
                .iter()
                .map(|(target_id, target)| {
                    let state = TargetState {
                        set_here: target.set_here,
                        description: String::new(),
                        success_criterion: String::new(),
                        due_on: target.due_on,
                        outcome: target.outcome,
                        owner_name: String::new(),
                    };
                    (*target_id, state)
                })
                .collect(),
            actions: self
                .actions
                .iter()
                .map(|(action_id, action)| {
                    let state = ActionState {
                        description: String::new(),
                        owner: PersonRef {
                            id: String::new(),
                            name: String::new(),
                        },
                        due_on: action.due_on,
                        completed_on: action.completed_on,
                    };
                    (*action_id, state)
                })
                .collect(),
            workflow: match self.workflow {
                StoredWorkflow::Open => Workflow::Open,
                StoredWorkflow::Submitted => Workflow::Submitted,
                StoredWorkflow::Returned => Workflow::Returned,
                StoredWorkflow::QualityAssured(rating) => Workflow::QualityAssured(rating),
                StoredWorkflow::SignedOff => Workflow::SignedOff,
                StoredWorkflow::Withdrawn => Workflow::Withdrawn,
            },
            submissions: self.submissions,
            content_changes: self.content_changes,
            rating: self.rating,
            // The compliance rules never read what the workflow's steps said.
            review: domain::pep::ReviewRecord::default(),
        }
    }

    fn from_state(state: &PepState) -> Self {
        Self {
            header: state.header.as_ref().map(|header| StoredHeader {
                pep_id: header.pep_id,
                child_id: header.child_id,
                la: header.la.clone(),
                kind: header.kind,
                trigger: header.trigger,
                initiated_on: header.initiated_on,
                previous_pep_id: header.previous_pep_id,
            }),
            sections: state
                .sections
                .iter()
                .map(|(section, section_state)| (*section, section_state.completed_on))
                .collect(),
            meetings: state
                .meetings
                .iter()
                .map(|(meeting_id, meeting)| {
                    let stored = StoredMeeting {
                        scheduled_for: meeting.scheduled_for,
                        held_on: meeting.held_on,
                        child_attended: meeting.child_attended,
                    };
                    (*meeting_id, stored)
                })
                .collect(),
            child_views_recorded: u32::try_from(state.child_views.len()).unwrap_or(u32::MAX),
            targets: state
                .targets
                .iter()
                .map(|(target_id, target)| {
                    let stored = StoredTarget {
                        set_here: target.set_here,
                        due_on: target.due_on,
                        outcome: target.outcome,
                    };
                    (*target_id, stored)
                })
                .collect(),
            actions: state
                .actions
                .iter()
                .map(|(action_id, action)| {
                    let stored = StoredAction {
                        due_on: action.due_on,
                        completed_on: action.completed_on,
                    };
                    (*action_id, stored)
                })
                .collect(),
            workflow: match state.workflow {
                Workflow::Open => StoredWorkflow::Open,
                Workflow::Submitted => StoredWorkflow::Submitted,
                Workflow::Returned => StoredWorkflow::Returned,
                Workflow::QualityAssured(rating) => StoredWorkflow::QualityAssured(rating),
                Workflow::SignedOff => StoredWorkflow::SignedOff,
                Workflow::Withdrawn => StoredWorkflow::Withdrawn,
            },
            submissions: state.submissions,
            content_changes: state.content_changes,
            rating: state.rating,
        }
    }
}
