//! The PEP's business rules: who may write what, what makes a target SMART, and the workflow.
//!
//! This file holds the entry point and the drafting rules (sections, meetings, the child's
//! views, targets, actions); the submit / return / quality-assure / sign-off steps are in
//! `workflow`, and the refusals they share are in `error`.

mod error;
mod workflow;

pub use error::PepError;
pub use workflow::WorkflowStep;

use super::commands::PepCommand;
use super::events::PepEvent;
use super::state::PepState;
use super::types::PepSection;
use crate::actor::{PersonRef, Role};

fn require_text(value: &str, field: &'static str) -> Result<(), PepError> {
    if value.trim().is_empty() {
        return Err(PepError::EmptyField { field });
    }
    Ok(())
}

fn require_named(person: &PersonRef, field: &'static str) -> Result<(), PepError> {
    if person.id.trim().is_empty() || person.name.trim().is_empty() {
        return Err(PepError::EmptyField { field });
    }
    Ok(())
}

/// Decides a PEP command.
pub fn decide(state: &PepState, command: PepCommand) -> Result<Vec<PepEvent>, PepError> {
    if let PepCommand::Initiate {
        pep_id,
        child_id,
        la,
        kind,
        trigger,
        initiated_on,
        previous_pep_id,
        targets_to_review,
    } = command
    {
        if state.header.is_some() {
            return Err(PepError::AlreadyInitiated);
        }
        return Ok(vec![PepEvent::Initiated {
            pep_id,
            child_id,
            la,
            kind,
            trigger,
            initiated_on,
            previous_pep_id,
            targets_to_review,
        }]);
    }
    if state.header.is_none() {
        return Err(PepError::NotInitiated);
    }
    let status = state.status();
    let is_workflow_step = matches!(
        command,
        PepCommand::Submit { .. }
            | PepCommand::Return { .. }
            | PepCommand::QualityAssure { .. }
            | PepCommand::SignOff { .. }
            | PepCommand::Withdraw { .. }
    );
    if !is_workflow_step && status.locks_content() {
        return Err(PepError::Locked { status });
    }
    match command {
        PepCommand::Initiate { .. } => Err(PepError::AlreadyInitiated),
        PepCommand::DraftSection {
            section,
            content,
            by,
            based_on,
        } => {
            if !section.may_draft(by.role) {
                return Err(not_owner(section, by.role, "draft"));
            }
            require_text(&content, "content")?;
            let current = state.sections.get(&section);
            let revision = current.map_or(0, |current| current.revision);
            if let Some(based_on) = based_on
                && based_on != revision
                && current.is_none_or(|current| current.content != content)
            {
                return Err(PepError::SectionChanged {
                    section: section.as_str(),
                    based_on,
                    revision,
                    content: current
                        .map(|current| current.content.clone())
                        .unwrap_or_default(),
                });
            }
            let unchanged = state.sections.get(&section).is_some_and(|current| {
                current.content == content && current.completed_on.is_none()
            });
            if unchanged {
                return Ok(vec![]);
            }
            Ok(vec![PepEvent::SectionDrafted {
                section,
                content,
                by_role: by.role,
            }])
        }
        PepCommand::CompleteSection {
            section,
            by,
            completed_on,
        } => {
            if by.role != section.owner() {
                return Err(not_owner(section, by.role, "complete"));
            }
            match state.sections.get(&section) {
                None => Err(PepError::SectionEmpty(section.as_str())),
                Some(current) if current.completed_on.is_some() => Ok(vec![]),
                Some(_) => Ok(vec![PepEvent::SectionCompleted {
                    section,
                    by_role: by.role,
                    completed_on,
                }]),
            }
        }
        PepCommand::ScheduleMeeting {
            meeting_id,
            scheduled_for,
            invitees,
        } => {
            if state.meetings.contains_key(&meeting_id) {
                return Err(duplicate("meeting", meeting_id));
            }
            Ok(vec![PepEvent::MeetingScheduled {
                meeting_id,
                scheduled_for,
                invitees,
            }])
        }
        PepCommand::HoldMeeting {
            meeting_id,
            held_on,
            attendees,
            child_attended,
            child_absence_reason,
        } => {
            let meeting = state
                .meetings
                .get(&meeting_id)
                .ok_or_else(|| unknown("meeting", meeting_id))?;
            if meeting.held_on.is_some() {
                return Err(PepError::MeetingAlreadyHeld(meeting_id));
            }
            if attendees.is_empty() {
                return Err(PepError::EmptyField { field: "attendees" });
            }
            for attendee in &attendees {
                require_named(&attendee.person, "attendees[].person")?;
            }
            let absence_explained = child_absence_reason
                .as_deref()
                .is_some_and(|reason| !reason.trim().is_empty());
            if !child_attended && !absence_explained {
                return Err(PepError::MissingAbsenceReason);
            }
            Ok(vec![PepEvent::MeetingHeld {
                meeting_id,
                held_on,
                attendees,
                child_attended,
                child_absence_reason: child_absence_reason.filter(|_| !child_attended),
            }])
        }
        PepCommand::RecordChildViews {
            views,
            attachments,
            in_own_words,
            by,
            recorded_on,
        } => {
            if views.trim().is_empty() && attachments.is_empty() {
                return Err(PepError::EmptyField {
                    field: "views or attachments",
                });
            }
            Ok(vec![PepEvent::ChildViewsRecorded {
                views,
                attachments,
                recorded_by_role: by.role,
                in_own_words,
                recorded_on,
            }])
        }
        PepCommand::SetTarget {
            target_id,
            area,
            description,
            success_criterion,
            owner,
            set_on,
            due_on,
            horizon,
            carried_from,
        } => {
            if state.targets.contains_key(&target_id) {
                return Err(duplicate("target", target_id));
            }
            if description.trim().is_empty() {
                return Err(PepError::NotSmart(
                    "it must say specifically what is to be achieved",
                ));
            }
            if success_criterion.trim().is_empty() {
                return Err(PepError::NotSmart(
                    "it needs a measurable success criterion",
                ));
            }
            if owner.id.trim().is_empty() || owner.name.trim().is_empty() {
                return Err(PepError::NotSmart("it must be assigned to a named person"));
            }
            if due_on <= set_on {
                return Err(PepError::NotSmart(
                    "its due date must be after the date it is set",
                ));
            }
            require_text(&area, "area")?;
            if let Some(carried_from) = carried_from
                && !state.targets.contains_key(&carried_from)
            {
                return Err(unknown("target", carried_from));
            }
            Ok(vec![PepEvent::TargetSet {
                target_id,
                area,
                description,
                success_criterion,
                owner,
                set_on,
                due_on,
                horizon,
                carried_from,
            }])
        }
        PepCommand::ReviewTarget {
            target_id,
            outcome,
            comment,
            reviewed_on,
        } => {
            let target = state
                .targets
                .get(&target_id)
                .ok_or_else(|| unknown("target", target_id))?;
            if target.outcome.is_some() {
                return Err(PepError::TargetAlreadyReviewed(target_id));
            }
            Ok(vec![PepEvent::TargetReviewed {
                target_id,
                outcome,
                comment,
                reviewed_on,
            }])
        }
        PepCommand::AgreeAction {
            action_id,
            description,
            owner,
            agreed_on,
            due_on,
            target_id,
        } => {
            if state.actions.contains_key(&action_id) {
                return Err(duplicate("action", action_id));
            }
            require_text(&description, "description")?;
            require_named(&owner, "owner")?;
            if due_on < agreed_on {
                return Err(PepError::DueBeforeAgreed { agreed_on, due_on });
            }
            if let Some(target_id) = target_id
                && !state.targets.contains_key(&target_id)
            {
                return Err(unknown("target", target_id));
            }
            Ok(vec![PepEvent::ActionAgreed {
                action_id,
                description,
                owner,
                agreed_on,
                due_on,
                target_id,
            }])
        }
        PepCommand::CompleteAction {
            action_id,
            completed_on,
        } => {
            let action = state
                .actions
                .get(&action_id)
                .ok_or_else(|| unknown("action", action_id))?;
            if action.completed_on.is_some() {
                return Err(PepError::ActionAlreadyComplete(action_id));
            }
            Ok(vec![PepEvent::ActionCompleted {
                action_id,
                completed_on,
            }])
        }
        PepCommand::Submit { by, submitted_on } => {
            workflow::submit(state, status, by, submitted_on)
        }
        PepCommand::Return {
            by,
            returned_on,
            reason,
        } => workflow::return_for_improvement(status, by, returned_on, reason),
        PepCommand::QualityAssure {
            by,
            assured_on,
            rating,
            comments,
        } => workflow::quality_assure(status, by, assured_on, rating, comments),
        PepCommand::SignOff {
            by,
            by_name,
            signed_off_on,
        } => workflow::sign_off(status, by, by_name, signed_off_on),
        PepCommand::Withdraw {
            by,
            withdrawn_on,
            reason,
        } => workflow::withdraw(status, by, withdrawn_on, reason),
    }
}

fn not_owner(section: PepSection, by: Role, verb: &'static str) -> PepError {
    PepError::NotSectionOwner {
        section: section.as_str(),
        owner: section.owner(),
        by,
        verb,
    }
}

fn duplicate(kind: &'static str, id: impl ToString) -> PepError {
    PepError::DuplicateId {
        kind,
        id: id.to_string(),
    }
}

fn unknown(kind: &'static str, id: impl ToString) -> PepError {
    PepError::Unknown {
        kind,
        id: id.to_string(),
    }
}
