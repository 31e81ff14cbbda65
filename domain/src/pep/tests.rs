//! Given/when/then scenarios for every PEP command and every way it can be refused.
//!
//! The history builders every scenario starts from live here; the scenarios themselves are
//! split by the part of the PEP they exercise, so each file reads in one sitting.

use super::*;
use crate::actor::{Actor, PersonRef, Role};
use crate::ids::{ActionId, ChildId, MeetingId, PepId, TargetId};
use crate::testing::given;
use crate::values::LaCode;
use chrono::NaiveDate;
use uuid::Uuid;

mod actions;
mod child_views;
mod initiation;
mod meetings;
mod sections;
mod sign_off;
mod submission;
mod targets;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn pep_id() -> PepId {
    PepId::from_uuid(Uuid::from_u128(7))
}

fn meeting(n: u128) -> MeetingId {
    MeetingId::from_uuid(Uuid::from_u128(200 + n))
}

fn target(n: u128) -> TargetId {
    TargetId::from_uuid(Uuid::from_u128(300 + n))
}

fn action(n: u128) -> ActionId {
    ActionId::from_uuid(Uuid::from_u128(400 + n))
}

fn as_role(role: Role) -> Actor {
    Actor::new(format!("{role}-1"), role)
}

fn person(id: &str, name: &str) -> PersonRef {
    PersonRef {
        id: id.to_owned(),
        name: name.to_owned(),
    }
}

fn carried_target() -> TargetSummary {
    TargetSummary {
        target_id: target(90),
        set_in: PepId::from_uuid(Uuid::from_u128(6)),
        description: "read a chapter book independently".to_owned(),
        success_criterion: "reading age 9.0 on the Salford test".to_owned(),
        due_on: date(2024, 12, 13),
    }
}

fn initiate() -> PepCommand {
    PepCommand::Initiate {
        pep_id: pep_id(),
        child_id: ChildId::from_uuid(Uuid::from_u128(1)),
        la: LaCode::parse("831").unwrap(),
        kind: PepKind::Review,
        trigger: PepTrigger::TermlyReview,
        initiated_on: date(2025, 1, 6),
        previous_pep_id: Some(PepId::from_uuid(Uuid::from_u128(6))),
        targets_to_review: vec![carried_target()],
    }
}

fn initiated() -> PepEvent {
    PepEvent::Initiated {
        pep_id: pep_id(),
        child_id: ChildId::from_uuid(Uuid::from_u128(1)),
        la: LaCode::parse("831").unwrap(),
        kind: PepKind::Review,
        trigger: PepTrigger::TermlyReview,
        initiated_on: date(2025, 1, 6),
        previous_pep_id: Some(PepId::from_uuid(Uuid::from_u128(6))),
        targets_to_review: vec![carried_target()],
    }
}

fn drafted(section: PepSection) -> PepEvent {
    PepEvent::SectionDrafted {
        section,
        content: format!("{} notes", section.as_str()),
        by_role: section.owner(),
    }
}

fn completed(section: PepSection) -> PepEvent {
    PepEvent::SectionCompleted {
        section,
        by_role: section.owner(),
        completed_on: date(2025, 1, 20),
    }
}

fn smart_target(n: u128) -> PepCommand {
    PepCommand::SetTarget {
        target_id: target(n),
        area: "mathematics".to_owned(),
        description: "recall multiplication facts to 12 x 12".to_owned(),
        success_criterion: "25 out of 25 on the weekly times-table check".to_owned(),
        owner: person("dt-1", "Mr Evans"),
        set_on: date(2025, 1, 20),
        due_on: date(2025, 3, 28),
        horizon: TargetHorizon::ShortTerm,
        carried_from: None,
    }
}

fn target_set(n: u128) -> PepEvent {
    PepEvent::TargetSet {
        target_id: target(n),
        area: "mathematics".to_owned(),
        description: "recall multiplication facts to 12 x 12".to_owned(),
        success_criterion: "25 out of 25 on the weekly times-table check".to_owned(),
        owner: person("dt-1", "Mr Evans"),
        set_on: date(2025, 1, 20),
        due_on: date(2025, 3, 28),
        horizon: TargetHorizon::ShortTerm,
        carried_from: None,
    }
}

fn meeting_held() -> Vec<PepEvent> {
    vec![
        PepEvent::MeetingScheduled {
            meeting_id: meeting(1),
            scheduled_for: date(2025, 1, 20),
            invitees: vec![person("dt-1", "Mr Evans")],
        },
        PepEvent::MeetingHeld {
            meeting_id: meeting(1),
            held_on: date(2025, 1, 20),
            attendees: vec![Attendee {
                person: person("dt-1", "Mr Evans"),
                capacity: "designated teacher".to_owned(),
            }],
            child_attended: true,
            child_absence_reason: None,
        },
    ]
}

/// A PEP with everything submission needs.
fn ready() -> Vec<PepEvent> {
    let mut history = vec![initiated()];
    for section in PepSection::REQUIRED {
        history.push(drafted(section));
        history.push(completed(section));
    }
    history.extend(meeting_held());
    history.push(target_set(1));
    history.push(PepEvent::ChildViewsRecorded {
        views: "I like art and want to do more football".to_owned(),
        attachments: vec![],
        recorded_by_role: Role::YoungPerson,
        in_own_words: true,
        recorded_on: date(2025, 1, 20),
    });
    history
}

fn submitted() -> Vec<PepEvent> {
    let mut history = ready();
    history.push(PepEvent::Submitted {
        submitted_on: date(2025, 1, 21),
        by_role: Role::DesignatedTeacher,
        resubmission: false,
    });
    history
}

fn quality_assured() -> Vec<PepEvent> {
    let mut history = submitted();
    history.push(PepEvent::QualityAssured {
        assured_on: date(2025, 1, 28),
        rating: QaRating::Green,
        comments: None,
    });
    history
}

fn signed_off() -> Vec<PepEvent> {
    let mut history = quality_assured();
    history.push(PepEvent::SignedOff {
        signed_off_on: date(2025, 1, 29),
        by: person("virtual_school-1", "Dr Adeyemi"),
    });
    history
}

fn draft(section: PepSection, by: Role) -> PepCommand {
    PepCommand::DraftSection {
        based_on: None,
        section,
        content: "new text".to_owned(),
        by: as_role(by),
    }
}

fn review(target_id: TargetId) -> PepCommand {
    PepCommand::ReviewTarget {
        target_id,
        outcome: TargetOutcome::PartlyMet,
        comment: Some("reading age 8.6".to_owned()),
        reviewed_on: date(2025, 1, 20),
    }
}
