//! Summaries of PEP events.

use super::{capitalised, day, quoted, words};
use crate::chronology::category::Category;
use domain::pep::PepEvent;

/// A PEP event's category and summary.
pub fn pep_event(event: &PepEvent) -> (Category, String) {
    match event {
        PepEvent::Initiated {
            kind,
            trigger,
            initiated_on,
            targets_to_review,
            ..
        } => (
            Category::Pep,
            format!(
                "{} PEP initiated on {} ({}){}",
                capitalised(&words(kind)),
                day(initiated_on),
                words(trigger),
                if targets_to_review.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {} target{} carried in for review",
                        targets_to_review.len(),
                        if targets_to_review.len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    )
                }
            ),
        ),
        PepEvent::SectionDrafted {
            section, by_role, ..
        } => (
            Category::Pep,
            format!(
                "Section \"{}\" drafted by {}",
                words(section),
                words(by_role)
            ),
        ),
        PepEvent::SectionCompleted {
            section, by_role, ..
        } => (
            Category::Pep,
            format!(
                "Section \"{}\" completed by {}",
                words(section),
                words(by_role)
            ),
        ),
        PepEvent::MeetingScheduled {
            scheduled_for,
            invitees,
            ..
        } => (
            Category::PepMeeting,
            format!(
                "PEP meeting arranged for {} ({} invited)",
                day(scheduled_for),
                invitees.len()
            ),
        ),
        PepEvent::MeetingHeld {
            held_on,
            attendees,
            child_attended,
            ..
        } => (
            Category::PepMeeting,
            format!(
                "PEP meeting held on {} ({} attended; the child {})",
                day(held_on),
                attendees.len(),
                if *child_attended {
                    "took part"
                } else {
                    "did not take part"
                }
            ),
        ),
        PepEvent::ChildViewsRecorded {
            recorded_by_role,
            in_own_words,
            attachments,
            ..
        } => (
            Category::Pep,
            format!(
                "Child's views recorded{} by {}{}",
                if *in_own_words {
                    " in their own words"
                } else {
                    ""
                },
                words(recorded_by_role),
                match attachments.len() {
                    0 => String::new(),
                    1 => ", 1 attachment".to_owned(),
                    count => format!(", {count} attachments"),
                }
            ),
        ),
        PepEvent::TargetSet {
            area,
            description,
            owner,
            due_on,
            horizon,
            ..
        } => (
            Category::Target,
            format!(
                "{} target set ({}): {}; owner {}, due {}",
                capitalised(&words(horizon)),
                quoted(area),
                quoted(description),
                quoted(&owner.name),
                day(due_on)
            ),
        ),
        PepEvent::TargetReviewed {
            outcome, comment, ..
        } => (
            Category::Target,
            format!(
                "Target reviewed: {}{}",
                words(outcome),
                comment
                    .as_ref()
                    .map(|comment| format!(" ({})", quoted(comment)))
                    .unwrap_or_default()
            ),
        ),
        PepEvent::ActionAgreed {
            description,
            owner,
            due_on,
            ..
        } => (
            Category::Action,
            format!(
                "Action agreed: {}; owner {}, due {}",
                quoted(description),
                quoted(&owner.name),
                day(due_on)
            ),
        ),
        PepEvent::ActionCompleted { completed_on, .. } => (
            Category::Action,
            format!("Action completed on {}", day(completed_on)),
        ),
        PepEvent::Submitted { resubmission, .. } => (
            Category::Pep,
            if *resubmission {
                "PEP resubmitted for quality assurance".to_owned()
            } else {
                "PEP submitted for quality assurance".to_owned()
            },
        ),
        PepEvent::ReturnedForImprovement { reason, .. } => (
            Category::Pep,
            format!("PEP returned for improvement: {}", quoted(reason)),
        ),
        PepEvent::QualityAssured { rating, .. } => (
            Category::Pep,
            format!("PEP quality assured: rated {}", words(rating)),
        ),
        PepEvent::SignedOff { by, .. } => (
            Category::Pep,
            format!("PEP signed off by {}", quoted(&by.name)),
        ),
        PepEvent::Withdrawn { reason, .. } => {
            (Category::Pep, format!("PEP withdrawn: {}", quoted(reason)))
        }
    }
}
