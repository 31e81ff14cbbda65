//! Events of one PEP document (`pep-<uuid>` stream).

use super::types::{
    AttachmentRef, Attendee, PepKind, PepSection, PepTrigger, QaRating, TargetHorizon,
    TargetOutcome, TargetSummary,
};
use crate::actor::{PersonRef, Role};
use crate::event::DomainEvent;
use crate::ids::{ActionId, ChildId, MeetingId, PepId, TargetId};
use crate::values::LaCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Everything that can happen to a PEP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event_type", content = "payload")]
pub enum PepEvent {
    /// The PEP was started.
    #[serde(rename = "PepInitiated")]
    Initiated {
        /// This PEP.
        pep_id: PepId,
        /// Whose PEP.
        child_id: ChildId,
        /// Responsible LA.
        la: LaCode,
        /// Kind.
        kind: PepKind,
        /// What made it due.
        trigger: PepTrigger,
        /// Date initiated.
        initiated_on: NaiveDate,
        /// The PEP this one follows, if any.
        previous_pep_id: Option<PepId>,
        /// Targets of the previous PEP to review in this one.
        targets_to_review: Vec<TargetSummary>,
    },
    /// A section's text was written or rewritten.
    #[serde(rename = "PepSectionDrafted")]
    SectionDrafted {
        /// Which section.
        section: PepSection,
        /// Its full text after the change.
        content: String,
        /// Role of the writer.
        by_role: Role,
    },
    /// A section was marked complete by its owner.
    #[serde(rename = "PepSectionCompleted")]
    SectionCompleted {
        /// Which section.
        section: PepSection,
        /// Role of the person completing (always the owner).
        by_role: Role,
        /// Date completed.
        completed_on: NaiveDate,
    },
    /// A PEP meeting was arranged.
    #[serde(rename = "PepMeetingScheduled")]
    MeetingScheduled {
        /// The meeting.
        meeting_id: MeetingId,
        /// Its date.
        scheduled_for: NaiveDate,
        /// Who was invited.
        invitees: Vec<PersonRef>,
    },
    /// A PEP meeting took place.
    #[serde(rename = "PepMeetingHeld")]
    MeetingHeld {
        /// The meeting.
        meeting_id: MeetingId,
        /// Date held.
        held_on: NaiveDate,
        /// Who attended.
        attendees: Vec<Attendee>,
        /// Whether the child took part.
        child_attended: bool,
        /// Why not, when the child did not.
        child_absence_reason: Option<String>,
    },
    /// The child's views were recorded (text and/or attachments).
    #[serde(rename = "ChildViewsRecorded")]
    ChildViewsRecorded {
        /// The views in words.
        views: String,
        /// Drawings, photos, video.
        attachments: Vec<AttachmentRef>,
        /// Role of the person who recorded them.
        recorded_by_role: Role,
        /// True when these are the child's own words.
        in_own_words: bool,
        /// Date recorded.
        recorded_on: NaiveDate,
    },
    /// A SMART target was set.
    #[serde(rename = "SmartTargetSet")]
    TargetSet {
        /// The target.
        target_id: TargetId,
        /// Area, e.g. "reading".
        area: String,
        /// Specific: what is to be achieved.
        description: String,
        /// Measurable: how success is judged.
        success_criterion: String,
        /// Assigned to a named person.
        owner: PersonRef,
        /// Date set.
        set_on: NaiveDate,
        /// Time-bound: due date.
        due_on: NaiveDate,
        /// Short or long term.
        horizon: TargetHorizon,
        /// The earlier target this continues, when carried forward.
        carried_from: Option<TargetId>,
    },
    /// A target was reviewed.
    #[serde(rename = "SmartTargetReviewed")]
    TargetReviewed {
        /// The target (of this PEP or carried in from the previous one).
        target_id: TargetId,
        /// Outcome.
        outcome: TargetOutcome,
        /// Comment.
        comment: Option<String>,
        /// Date reviewed.
        reviewed_on: NaiveDate,
    },
    /// An action was agreed.
    #[serde(rename = "PepActionAgreed")]
    ActionAgreed {
        /// The action.
        action_id: ActionId,
        /// What is to be done.
        description: String,
        /// Who does it.
        owner: PersonRef,
        /// Date agreed.
        agreed_on: NaiveDate,
        /// By when.
        due_on: NaiveDate,
        /// The target it serves, if any.
        target_id: Option<TargetId>,
    },
    /// An action was done.
    #[serde(rename = "PepActionCompleted")]
    ActionCompleted {
        /// The action.
        action_id: ActionId,
        /// Date done.
        completed_on: NaiveDate,
    },
    /// The PEP was submitted for quality assurance.
    #[serde(rename = "PepSubmitted")]
    Submitted {
        /// Date submitted.
        submitted_on: NaiveDate,
        /// Role of the submitter.
        by_role: Role,
        /// True when this follows a return.
        resubmission: bool,
    },
    /// The Virtual School sent the PEP back.
    #[serde(rename = "PepReturnedForImprovement")]
    ReturnedForImprovement {
        /// Date returned.
        returned_on: NaiveDate,
        /// What must improve.
        reason: String,
    },
    /// The Virtual School rated the PEP.
    #[serde(rename = "PepQualityAssured")]
    QualityAssured {
        /// Date rated.
        assured_on: NaiveDate,
        /// Rating.
        rating: QaRating,
        /// Comments.
        comments: Option<String>,
    },
    /// The PEP was signed off: complete, never edited again.
    #[serde(rename = "PepSignedOff")]
    SignedOff {
        /// Date signed off.
        signed_off_on: NaiveDate,
        /// Who signed it off.
        by: PersonRef,
    },
    /// The PEP was closed without completion.
    #[serde(rename = "PepWithdrawn")]
    Withdrawn {
        /// Date withdrawn.
        withdrawn_on: NaiveDate,
        /// Why.
        reason: String,
    },
}

impl PepEvent {
    /// Every stable type string, in declaration order.
    pub const TYPES: &'static [&'static str] = &[
        "PepInitiated",
        "PepSectionDrafted",
        "PepSectionCompleted",
        "PepMeetingScheduled",
        "PepMeetingHeld",
        "ChildViewsRecorded",
        "SmartTargetSet",
        "SmartTargetReviewed",
        "PepActionAgreed",
        "PepActionCompleted",
        "PepSubmitted",
        "PepReturnedForImprovement",
        "PepQualityAssured",
        "PepSignedOff",
        "PepWithdrawn",
    ];
}

impl DomainEvent for PepEvent {
    const CATEGORY: &'static str = "pep";
    const EVENT_TYPES: &'static [&'static str] = Self::TYPES;

    fn event_type(&self) -> &'static str {
        match self {
            PepEvent::Initiated { .. } => "PepInitiated",
            PepEvent::SectionDrafted { .. } => "PepSectionDrafted",
            PepEvent::SectionCompleted { .. } => "PepSectionCompleted",
            PepEvent::MeetingScheduled { .. } => "PepMeetingScheduled",
            PepEvent::MeetingHeld { .. } => "PepMeetingHeld",
            PepEvent::ChildViewsRecorded { .. } => "ChildViewsRecorded",
            PepEvent::TargetSet { .. } => "SmartTargetSet",
            PepEvent::TargetReviewed { .. } => "SmartTargetReviewed",
            PepEvent::ActionAgreed { .. } => "PepActionAgreed",
            PepEvent::ActionCompleted { .. } => "PepActionCompleted",
            PepEvent::Submitted { .. } => "PepSubmitted",
            PepEvent::ReturnedForImprovement { .. } => "PepReturnedForImprovement",
            PepEvent::QualityAssured { .. } => "PepQualityAssured",
            PepEvent::SignedOff { .. } => "PepSignedOff",
            PepEvent::Withdrawn { .. } => "PepWithdrawn",
        }
    }

    fn occurred_on(&self) -> Option<NaiveDate> {
        match self {
            PepEvent::Initiated { initiated_on, .. } => Some(*initiated_on),
            PepEvent::SectionDrafted { .. } | PepEvent::MeetingScheduled { .. } => None,
            PepEvent::SectionCompleted { completed_on, .. }
            | PepEvent::ActionCompleted { completed_on, .. } => Some(*completed_on),
            PepEvent::MeetingHeld { held_on, .. } => Some(*held_on),
            PepEvent::ChildViewsRecorded { recorded_on, .. } => Some(*recorded_on),
            PepEvent::TargetSet { set_on, .. } => Some(*set_on),
            PepEvent::TargetReviewed { reviewed_on, .. } => Some(*reviewed_on),
            PepEvent::ActionAgreed { agreed_on, .. } => Some(*agreed_on),
            PepEvent::Submitted { submitted_on, .. } => Some(*submitted_on),
            PepEvent::ReturnedForImprovement { returned_on, .. } => Some(*returned_on),
            PepEvent::QualityAssured { assured_on, .. } => Some(*assured_on),
            PepEvent::SignedOff { signed_off_on, .. } => Some(*signed_off_on),
            PepEvent::Withdrawn { withdrawn_on, .. } => Some(*withdrawn_on),
        }
    }
}
