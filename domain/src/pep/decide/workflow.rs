//! The workflow steps of a PEP (submit, return, quality-assure, sign off, withdraw), apart from
//! drafting because their rules are about who may move the PEP on and from which status, not
//! about its content; they are the only commands a locked PEP still accepts.

use super::{PepError, require_text};
use crate::actor::{Actor, PersonRef, Role};
use crate::pep::events::PepEvent;
use crate::pep::state::PepState;
use crate::pep::types::{PepStatus, QaRating};
use chrono::NaiveDate;

pub(super) fn submit(
    state: &PepState,
    status: PepStatus,
    by: Actor,
    submitted_on: NaiveDate,
) -> Result<Vec<PepEvent>, PepError> {
    require_role(
        by.role,
        &[
            Role::DesignatedTeacher,
            Role::SocialWorker,
            Role::VirtualSchool,
        ],
        "submit",
    )?;
    if !matches!(
        status,
        PepStatus::NotStarted | PepStatus::InProgress | PepStatus::Ready | PepStatus::Returned
    ) {
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
    require_role(by.role, &[Role::VirtualSchool], "return")?;
    require_status(status, PepStatus::Submitted, "return")?;
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
    require_role(by.role, &[Role::VirtualSchool], "quality assure")?;
    require_status(status, PepStatus::Submitted, "quality assure")?;
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
    require_role(by.role, &[Role::VirtualSchool], "sign off")?;
    require_status(status, PepStatus::QualityAssured, "sign off")?;
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
    require_role(
        by.role,
        &[Role::VirtualSchool, Role::SocialWorker, Role::Admin],
        "withdraw",
    )?;
    if matches!(status, PepStatus::SignedOff | PepStatus::Withdrawn) {
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

fn require_status(
    status: PepStatus,
    required: PepStatus,
    action: &'static str,
) -> Result<(), PepError> {
    if status != required {
        return Err(PepError::WrongStatus { action, status });
    }
    Ok(())
}
