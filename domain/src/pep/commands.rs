//! What people ask of a PEP. Commands whose rules depend on who is asking carry the actor.

use super::types::{
    AttachmentRef, Attendee, PepKind, PepSection, PepTrigger, QaRating, TargetHorizon,
    TargetOutcome, TargetSummary,
};
use crate::actor::{Actor, PersonRef};
use crate::ids::{ActionId, ChildId, MeetingId, PepId, TargetId};
use crate::values::LaCode;
use chrono::NaiveDate;

/// A request to change a PEP.
#[derive(Debug, Clone, PartialEq)]
pub enum PepCommand {
    /// Start the PEP. The handler opens it on the child record in the same append, and looks
    /// up the previous PEP's unreviewed targets to carry in.
    Initiate {
        /// Id made at the edge.
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
        /// The PEP this follows.
        previous_pep_id: Option<PepId>,
        /// Targets to review in this PEP.
        targets_to_review: Vec<TargetSummary>,
    },
    /// Write or rewrite a section.
    DraftSection {
        /// Which.
        section: PepSection,
        /// Full text.
        content: String,
        /// Who.
        by: Actor,
        /// The section's revision the writer started from ([`crate::pep::SectionState::revision`]);
        /// `None` overwrites whatever is there (the API without it, the feeds).
        based_on: Option<u32>,
    },
    /// Mark a section complete.
    CompleteSection {
        /// Which.
        section: PepSection,
        /// Who.
        by: Actor,
        /// When.
        completed_on: NaiveDate,
    },
    /// Arrange a meeting.
    ScheduleMeeting {
        /// Id made at the edge.
        meeting_id: MeetingId,
        /// Date.
        scheduled_for: NaiveDate,
        /// Invitees.
        invitees: Vec<PersonRef>,
    },
    /// Record that a meeting took place.
    HoldMeeting {
        /// Which meeting.
        meeting_id: MeetingId,
        /// Date held.
        held_on: NaiveDate,
        /// Who attended.
        attendees: Vec<Attendee>,
        /// Whether the child took part.
        child_attended: bool,
        /// Why not.
        child_absence_reason: Option<String>,
    },
    /// Record the child's views.
    RecordChildViews {
        /// In words.
        views: String,
        /// Attachments.
        attachments: Vec<AttachmentRef>,
        /// In the child's own words.
        in_own_words: bool,
        /// Who recorded them.
        by: Actor,
        /// When.
        recorded_on: NaiveDate,
    },
    /// Set a SMART target.
    SetTarget {
        /// Id made at the edge.
        target_id: TargetId,
        /// Area.
        area: String,
        /// Specific.
        description: String,
        /// Measurable.
        success_criterion: String,
        /// Assigned to.
        owner: PersonRef,
        /// Date set.
        set_on: NaiveDate,
        /// Time-bound.
        due_on: NaiveDate,
        /// Short or long term.
        horizon: TargetHorizon,
        /// Carried forward from.
        carried_from: Option<TargetId>,
    },
    /// Review a target.
    ReviewTarget {
        /// Which.
        target_id: TargetId,
        /// Outcome.
        outcome: TargetOutcome,
        /// Comment.
        comment: Option<String>,
        /// When.
        reviewed_on: NaiveDate,
    },
    /// Agree an action.
    AgreeAction {
        /// Id made at the edge.
        action_id: ActionId,
        /// What.
        description: String,
        /// Who.
        owner: PersonRef,
        /// When agreed.
        agreed_on: NaiveDate,
        /// By when.
        due_on: NaiveDate,
        /// The target it serves.
        target_id: Option<TargetId>,
    },
    /// Mark an action done.
    CompleteAction {
        /// Which.
        action_id: ActionId,
        /// When.
        completed_on: NaiveDate,
    },
    /// Submit for quality assurance.
    Submit {
        /// Who.
        by: Actor,
        /// When.
        submitted_on: NaiveDate,
    },
    /// Send back for improvement.
    Return {
        /// Who.
        by: Actor,
        /// When.
        returned_on: NaiveDate,
        /// Why.
        reason: String,
    },
    /// Rate the PEP.
    QualityAssure {
        /// Who.
        by: Actor,
        /// When.
        assured_on: NaiveDate,
        /// Rating.
        rating: QaRating,
        /// Comments.
        comments: Option<String>,
    },
    /// Sign the PEP off: it is complete.
    SignOff {
        /// Who (the person is recorded on the event).
        by: Actor,
        /// Their name, for the record.
        by_name: String,
        /// When.
        signed_off_on: NaiveDate,
    },
    /// Close without completing.
    Withdraw {
        /// Who.
        by: Actor,
        /// When.
        withdrawn_on: NaiveDate,
        /// Why.
        reason: String,
    },
}
