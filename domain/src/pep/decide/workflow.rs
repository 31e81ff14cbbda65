//! The workflow steps of a PEP (submit, return, quality-assure, sign off, withdraw), apart from
//! drafting because their rules are about who may move the PEP on and from which status, not
//! about its content; they are the only commands a locked PEP still accepts.

use super::{PepError, require_text};
use crate::actor::{Actor, PersonRef, Role};
use crate::pep::events::PepEvent;
use crate::pep::state::PepState;
use crate::pep::types::{PepStatus, QaRating};
use chrono::NaiveDate;

/// A step of the workflow, with who may take it and from where: the one statement of these
/// rules, which the decider enforces and the pages read to offer only the steps a person may
/// take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowStep {
    /// Submit for quality assurance.
    Submit,
    /// Send back for improvement.
    Return,
    /// Rate the PEP.
    QualityAssure,
    /// Sign it off as complete.
    SignOff,
    /// Close it without completing.
    Withdraw,
}

impl WorkflowStep {
    /// The roles that may take the step.
    pub const fn roles(self) -> &'static [Role] {
        match self {
            WorkflowStep::Submit => &[
                Role::DesignatedTeacher,
                Role::SocialWorker,
                Role::VirtualSchool,
            ],
            WorkflowStep::Return | WorkflowStep::QualityAssure | WorkflowStep::SignOff => {
                &[Role::VirtualSchool]
            }
            WorkflowStep::Withdraw => &[Role::VirtualSchool, Role::SocialWorker, Role::Admin],
        }
    }

    /// Whether the step may be taken from `status`.
    pub fn allowed_from(self, status: PepStatus) -> bool {
        match self {
            WorkflowStep::Submit => matches!(
                status,
                PepStatus::NotStarted
                    | PepStatus::InProgress
                    | PepStatus::Ready
                    | PepStatus::Returned
            ),
            WorkflowStep::Return | WorkflowStep::QualityAssure => status == PepStatus::Submitted,
            WorkflowStep::SignOff => status == PepStatus::QualityAssured,
            WorkflowStep::Withdraw => {
                !matches!(status, PepStatus::SignedOff | PepStatus::Withdrawn)
            }
        }
    }

    /// Whether `role` may take the step from `status` (what the pages offer).
    pub fn offered(self, role: Role, status: PepStatus) -> bool {
        self.roles().contains(&role) && self.allowed_from(status)
    }
}

pub(super) fn submit(
    state: &PepState,
    status: PepStatus,
    by: Actor,
    submitted_on: NaiveDate,
) -> Result<Vec<PepEvent>, PepError> {
    require_role(by.role, WorkflowStep::Submit.roles(), "submit")?;
    if !WorkflowStep::Submit.allowed_from(status) {
        return Err(PepError::WrongStatus {
            action: "submit",
            status,
        });
    }
    let missing = state.missing_for_submission();
    if !missing.is_empty() {
        return Err(PepError::NotReady(missing));
    }
    Ok(vec![PepEvent::Submitted {
        submitted_on,
        by_role: by.role,
        resubmission: state.submissions > 0,
    }])
}

pub(super) fn return_for_improvement(
    status: PepStatus,
    by: Actor,
    returned_on: NaiveDate,
    reason: String,
) -> Result<Vec<PepEvent>, PepError> {
    require_role(by.role, WorkflowStep::Return.roles(), "return")?;
    require_step(status, WorkflowStep::Return, "return")?;
    require_text(&reason, "reason")?;
    Ok(vec![PepEvent::ReturnedForImprovement {
        returned_on,
        reason,
    }])
}

pub(super) fn quality_assure(
    status: PepStatus,
    by: Actor,
    assured_on: NaiveDate,
    rating: QaRating,
    comments: Option<String>,
) -> Result<Vec<PepEvent>, PepError> {
    require_role(
        by.role,
        WorkflowStep::QualityAssure.roles(),
        "quality assure",
    )?;
    require_step(status, WorkflowStep::QualityAssure, "quality assure")?;
    Ok(vec![PepEvent::QualityAssured {
        assured_on,
        rating,
        comments,
    }])
}

pub(super) fn sign_off(
    status: PepStatus,
    by: Actor,
    by_name: String,
    signed_off_on: NaiveDate,
) -> Result<Vec<PepEvent>, PepError> {
    require_role(by.role, WorkflowStep::SignOff.roles(), "sign off")?;
    require_step(status, WorkflowStep::SignOff, "sign off")?;
    require_text(&by_name, "by_name")?;
    Ok(vec![PepEvent::SignedOff {
        signed_off_on,
        by: PersonRef {
            id: by.id,
            name: by_name,
        },
    }])
}

pub(super) fn withdraw(
    status: PepStatus,
    by: Actor,
    withdrawn_on: NaiveDate,
    reason: String,
) -> Result<Vec<PepEvent>, PepError> {
    require_role(by.role, WorkflowStep::Withdraw.roles(), "withdraw")?;
    if !WorkflowStep::Withdraw.allowed_from(status) {
        return Err(PepError::WrongStatus {
            action: "withdraw",
            status,
        });
    }
    require_text(&reason, "reason")?;
    Ok(vec![PepEvent::Withdrawn {
        withdrawn_on,
        reason,
    }])
}

fn require_role(by: Role, allowed: &[Role], action: &'static str) -> Result<(), PepError> {
    if !allowed.contains(&by) {
        return Err(PepError::RoleNotAllowed { action, by });
    }
    Ok(())
}

fn require_step(
    status: PepStatus,
    step: WorkflowStep,
    action: &'static str,
) -> Result<(), PepError> {
    if !step.allowed_from(status) {
        return Err(PepError::WrongStatus { action, status });
    }
    Ok(())
}
