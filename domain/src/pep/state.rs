//! A PEP document folded from its events.

use super::events::PepEvent;
use super::types::{
    AttachmentRef, Attendee, PepKind, PepSection, PepStatus, PepTrigger, QaRating, TargetOutcome,
    TargetSummary,
};
use crate::actor::PersonRef;
use crate::ids::{ActionId, ChildId, MeetingId, PepId, TargetId};
use crate::values::LaCode;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Identity fixed when the PEP is initiated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PepHeader {
    /// This PEP.
    pub pep_id: PepId,
    /// Whose.
    pub child_id: ChildId,
    /// Responsible LA.
    pub la: LaCode,
    /// Kind.
    pub kind: PepKind,
    /// What made it due.
    pub trigger: PepTrigger,
    /// Date initiated.
    pub initiated_on: NaiveDate,
    /// The PEP this follows.
    pub previous_pep_id: Option<PepId>,
}

/// One section's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionState {
    /// Current text.
    pub content: String,
    /// Set when completed; cleared when redrafted.
    pub completed_on: Option<NaiveDate>,
    /// How many times it has been drafted: 1 after the first draft. A writer names the
    /// revision they started from, so a change made meanwhile is never silently overwritten.
    pub revision: u32,
}

/// One meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingState {
    /// Planned date.
    pub scheduled_for: NaiveDate,
    /// Set when held.
    pub held_on: Option<NaiveDate>,
    /// Who attended.
    pub attendees: Vec<Attendee>,
    /// Whether the child took part.
    pub child_attended: bool,
}

/// One target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetState {
    /// Set in this PEP (false for targets carried in to review).
    pub set_here: bool,
    /// What it says.
    pub description: String,
    /// How success is judged.
    pub success_criterion: String,
    /// Due date.
    pub due_on: NaiveDate,
    /// Review outcome, once reviewed.
    pub outcome: Option<TargetOutcome>,
    /// Who it is assigned to (empty for targets carried in).
    pub owner_name: String,
}

/// One action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionState {
    /// What is to be done.
    pub description: String,
    /// Who does it.
    pub owner: PersonRef,
    /// By when.
    pub due_on: NaiveDate,
    /// Set when done.
    pub completed_on: Option<NaiveDate>,
}

/// The workflow position that is not derived from content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Workflow {
    /// Being written.
    #[default]
    Open,
    /// Submitted.
    Submitted,
    /// Returned; content may change until resubmitted.
    Returned,
    /// Rated.
    QualityAssured(QaRating),
    /// Complete.
    SignedOff,
    /// Closed without completion.
    Withdrawn,
}

/// A PEP document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PepState {
    /// Set once initiated.
    pub header: Option<PepHeader>,
    /// Sections written so far.
    pub sections: BTreeMap<PepSection, SectionState>,
    /// Meetings.
    pub meetings: BTreeMap<MeetingId, MeetingState>,
    /// Views recorded, as attachments and text.
    pub child_views: Vec<(String, Vec<AttachmentRef>)>,
    /// Targets set here or carried in.
    pub targets: BTreeMap<TargetId, TargetState>,
    /// Actions.
    pub actions: BTreeMap<ActionId, ActionState>,
    /// Workflow position.
    pub workflow: Workflow,
    /// Times submitted.
    pub submissions: u32,
    /// The latest quality-assurance rating (kept after sign-off).
    pub rating: Option<QaRating>,
    /// Number of content changes (drafts, meetings, views, targets, actions).
    pub content_changes: u32,
    /// What the workflow's last steps said: when it was last submitted, why it was last
    /// returned, the QA comments and who signed it off (for the pages and the QA queue).
    pub review: ReviewRecord,
}

/// The latest submission, return, rating and sign-off of a PEP, as the events recorded them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewRecord {
    /// The day it was last submitted.
    pub submitted_on: Option<NaiveDate>,
    /// The day it was last returned, and why.
    pub returned: Option<(NaiveDate, String)>,
    /// The day it was last rated, and the comments.
    pub assured: Option<(NaiveDate, Option<String>)>,
    /// The day it was signed off, and by whom.
    pub signed_off: Option<(NaiveDate, PersonRef)>,
}

impl PepState {
    /// The status users see.
    pub fn status(&self) -> PepStatus {
        match self.workflow {
            Workflow::Submitted => PepStatus::Submitted,
            Workflow::Returned => PepStatus::Returned,
            Workflow::QualityAssured(_) => PepStatus::QualityAssured,
            Workflow::SignedOff => PepStatus::SignedOff,
            Workflow::Withdrawn => PepStatus::Withdrawn,
            Workflow::Open if self.content_changes == 0 => PepStatus::NotStarted,
            Workflow::Open if self.missing_for_submission().is_empty() => PepStatus::Ready,
            Workflow::Open => PepStatus::InProgress,
        }
    }

    /// Ids of the targets set in this PEP (the ones PP+ can be linked to).
    pub fn own_target_ids(&self) -> Vec<TargetId> {
        self.targets
            .iter()
            .filter(|(_, target)| target.set_here)
            .map(|(target_id, _)| *target_id)
            .collect()
    }

    /// Targets set here and not yet reviewed, to carry into the next PEP.
    pub fn targets_to_carry(&self) -> Vec<TargetSummary> {
        let Some(header) = &self.header else {
            return Vec::new();
        };
        self.targets
            .iter()
            .filter(|(_, target)| target.set_here && target.outcome.is_none())
            .map(|(target_id, target)| TargetSummary {
                target_id: *target_id,
                set_in: header.pep_id,
                description: target.description.clone(),
                success_criterion: target.success_criterion.clone(),
                due_on: target.due_on,
            })
            .collect()
    }

    /// Folds one event.
    pub fn evolve(mut self, event: &PepEvent) -> Self {
        match event {
            PepEvent::Initiated {
                pep_id,
                child_id,
                la,
                kind,
                trigger,
                initiated_on,
                previous_pep_id,
                targets_to_review,
            } => {
                self.header = Some(PepHeader {
                    pep_id: *pep_id,
                    child_id: *child_id,
                    la: la.clone(),
                    kind: *kind,
                    trigger: *trigger,
                    initiated_on: *initiated_on,
                    previous_pep_id: *previous_pep_id,
                });
                for target in targets_to_review {
                    self.targets.insert(
                        target.target_id,
                        TargetState {
                            set_here: false,
                            description: target.description.clone(),
                            success_criterion: target.success_criterion.clone(),
                            due_on: target.due_on,
                            outcome: None,
                            owner_name: String::new(),
                        },
                    );
                }
            }
            PepEvent::SectionDrafted {
                section, content, ..
            } => {
                self.content_changes += 1;
                let revision = self.sections.get(section).map_or(0, |state| state.revision) + 1;
                self.sections.insert(
                    *section,
                    SectionState {
                        content: content.clone(),
                        completed_on: None,
                        revision,
                    },
                );
            }
            PepEvent::SectionCompleted {
                section,
                completed_on,
                ..
            } => {
                self.content_changes += 1;
                if let Some(state) = self.sections.get_mut(section) {
                    state.completed_on = Some(*completed_on);
                }
            }
            PepEvent::MeetingScheduled {
                meeting_id,
                scheduled_for,
                ..
            } => {
                self.content_changes += 1;
                self.meetings.insert(
                    *meeting_id,
                    MeetingState {
                        scheduled_for: *scheduled_for,
                        held_on: None,
                        attendees: Vec::new(),
                        child_attended: false,
                    },
                );
            }
            PepEvent::MeetingHeld {
                meeting_id,
                held_on,
                attendees,
                child_attended,
                ..
            } => {
                self.content_changes += 1;
                if let Some(meeting) = self.meetings.get_mut(meeting_id) {
                    meeting.held_on = Some(*held_on);
                    meeting.attendees = attendees.clone();
                    meeting.child_attended = *child_attended;
                }
            }
            PepEvent::ChildViewsRecorded {
                views, attachments, ..
            } => {
                self.content_changes += 1;
                self.child_views.push((views.clone(), attachments.clone()));
            }
            PepEvent::TargetSet {
                target_id,
                description,
                success_criterion,
                due_on,
                owner,
                ..
            } => {
                self.content_changes += 1;
                self.targets.insert(
                    *target_id,
                    TargetState {
                        set_here: true,
                        description: description.clone(),
                        success_criterion: success_criterion.clone(),
                        due_on: *due_on,
                        outcome: None,
                        owner_name: owner.name.clone(),
                    },
                );
            }
            PepEvent::TargetReviewed {
                target_id, outcome, ..
            } => {
                self.content_changes += 1;
                if let Some(target) = self.targets.get_mut(target_id) {
                    target.outcome = Some(*outcome);
                }
            }
            PepEvent::ActionAgreed {
                action_id,
                description,
                owner,
                due_on,
                ..
            } => {
                self.content_changes += 1;
                self.actions.insert(
                    *action_id,
                    ActionState {
                        description: description.clone(),
                        owner: owner.clone(),
                        due_on: *due_on,
                        completed_on: None,
                    },
                );
            }
            PepEvent::ActionCompleted {
                action_id,
                completed_on,
            } => {
                self.content_changes += 1;
                if let Some(action) = self.actions.get_mut(action_id) {
                    action.completed_on = Some(*completed_on);
                }
            }
            PepEvent::Submitted { submitted_on, .. } => {
                self.submissions += 1;
                self.review.submitted_on = Some(*submitted_on);
                self.workflow = Workflow::Submitted;
            }
            PepEvent::ReturnedForImprovement {
                returned_on,
                reason,
            } => {
                self.review.returned = Some((*returned_on, reason.clone()));
                self.workflow = Workflow::Returned;
            }
            PepEvent::QualityAssured {
                assured_on,
                rating,
                comments,
            } => {
                self.review.assured = Some((*assured_on, comments.clone()));
                self.rating = Some(*rating);
                self.workflow = Workflow::QualityAssured(*rating);
            }
            PepEvent::SignedOff { signed_off_on, by } => {
                self.review.signed_off = Some((*signed_off_on, by.clone()));
                self.workflow = Workflow::SignedOff;
            }
            PepEvent::Withdrawn { .. } => self.workflow = Workflow::Withdrawn,
        }
        self
    }
}
