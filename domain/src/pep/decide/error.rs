//! Every way a PEP command can be refused, in one place because drafting and the workflow
//! steps share them and callers match on them whichever stage refused.

use crate::actor::Role;
use crate::ids::{ActionId, MeetingId, TargetId};
use crate::pep::PepStatus;
use chrono::NaiveDate;
use thiserror::Error;

/// Why a PEP command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PepError {
    /// Initiate on a PEP that exists.
    #[error("the PEP has already been initiated")]
    AlreadyInitiated,
    /// Any other command before initiation.
    #[error("the PEP has not been initiated")]
    NotInitiated,
    /// A change to a PEP whose content is locked.
    #[error("the PEP is {status:?}; its content can no longer change")]
    Locked {
        /// Current status.
        status: PepStatus,
    },
    /// A role writing a section it may not write.
    #[error("the {section} section belongs to the {owner} role; a {by} may not {verb} it")]
    NotSectionOwner {
        /// The section's wire name.
        section: &'static str,
        /// Its owner.
        owner: Role,
        /// The role that tried.
        by: Role,
        /// "draft" or "complete".
        verb: &'static str,
    },
    /// A draft written from an older revision of the section than the one stored: someone
    /// else changed it meanwhile. The writer sees the other change and chooses or merges.
    #[error(
        "the {section} section was changed by someone else while you were writing (you started from revision {based_on}; it is now at revision {revision})"
    )]
    SectionChanged {
        /// The section's wire name.
        section: &'static str,
        /// The revision the writer started from.
        based_on: u32,
        /// The revision stored now.
        revision: u32,
        /// The text stored now.
        content: String,
    },
    /// Completing a section with no text.
    #[error("the {0} section has no content to complete")]
    SectionEmpty(&'static str),
    /// A required text field was empty.
    #[error("{field} must not be empty")]
    EmptyField {
        /// The field.
        field: &'static str,
    },
    /// An id used twice.
    #[error("{kind} {id} already exists in this PEP")]
    DuplicateId {
        /// What kind of thing.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A meeting, target or action the PEP does not have.
    #[error("{kind} {id} is not part of this PEP")]
    Unknown {
        /// What kind of thing.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// Recording a meeting twice.
    #[error("meeting {0} has already been held")]
    MeetingAlreadyHeld(MeetingId),
    /// A child who did not attend, without saying why.
    #[error("the child did not attend: record why in child_absence_reason")]
    MissingAbsenceReason,
    /// A target that is not SMART.
    #[error("the target is not SMART: {0}")]
    NotSmart(&'static str),
    /// A second review of the same target.
    #[error("target {0} has already been reviewed")]
    TargetAlreadyReviewed(TargetId),
    /// A due date before the day something was agreed.
    #[error("due date {due_on} is before {agreed_on}")]
    DueBeforeAgreed {
        /// Agreed or set on.
        agreed_on: NaiveDate,
        /// Due on.
        due_on: NaiveDate,
    },
    /// Completing an action twice.
    #[error("action {0} is already complete")]
    ActionAlreadyComplete(ActionId),
    /// A workflow step from the wrong status.
    #[error("cannot {action} a PEP that is {status:?}")]
    WrongStatus {
        /// What was attempted.
        action: &'static str,
        /// Current status.
        status: PepStatus,
    },
    /// Submitting before the PEP is complete enough.
    #[error("the PEP is not ready to submit: {}", .0.join("; "))]
    NotReady(Vec<String>),
    /// A workflow step by a role that may not take it.
    #[error("a {by} may not {action} a PEP")]
    RoleNotAllowed {
        /// What was attempted.
        action: &'static str,
        /// The role that tried.
        by: Role,
    },
}
