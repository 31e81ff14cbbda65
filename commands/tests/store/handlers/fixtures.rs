//! Builders for handler tests: a handler over a test store and ready-made commands.

use crate::support::TestStore;
use chrono::NaiveDate;
use commands::clock::{ManualClock, UuidV7Ids};
use commands::handlers::{CommandContext, CommandHandler};
use domain::actor::PersonRef;
use domain::child::{ChildCommand, ChildDetails, EducationSetting, Sex, Ssda903Episode};
use domain::ids::{ChildId, MeetingId, PepId, TargetId};
use domain::pep::{Attendee, PepCommand, PepSection, TargetHorizon};
use domain::values::{LaCode, SchoolUrn};
use domain::{Actor, Role};
use std::sync::Arc;
use uuid::Uuid;

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

pub fn handler(store: &TestStore) -> CommandHandler {
    CommandHandler::new(
        store.store.clone(),
        Arc::new(ManualClock::new(
            date(2025, 3, 10).and_hms_opt(9, 0, 0).unwrap().and_utc(),
        )),
        Arc::new(UuidV7Ids),
    )
}

pub fn as_role(role: Role) -> CommandContext {
    CommandContext::new(
        Actor::new(format!("{role}-1"), role),
        Uuid::now_v7(),
        "test",
    )
}

pub fn la() -> LaCode {
    LaCode::parse("831").unwrap()
}

pub fn new_child() -> ChildId {
    ChildId::from_uuid(Uuid::now_v7())
}

pub fn register(child_id: ChildId) -> ChildCommand {
    ChildCommand::Register {
        child_id,
        la: la(),
        la_child_id: format!("LC{}", child_id.as_uuid().simple()),
        details: ChildDetails {
            date_of_birth: date(2013, 5, 20),
            sex: Sex::Male,
            upn: None,
            given_name: Some("Kai".to_owned()),
            family_name: None,
        },
    }
}

pub fn episode(start: NaiveDate, rne: &str) -> Ssda903Episode {
    Ssda903Episode {
        start_date: start,
        reason_new_episode: rne.to_owned(),
        legal_status: "C2".to_owned(),
        placement_type: "U4".to_owned(),
        placement_provider: "PR1".to_owned(),
        reason_place_change: (rne != "S").then(|| "CARPL".to_owned()),
        end_date: None,
        reason_ceased: None,
        placement_postcode: None,
        setting_urn: None,
    }
}

pub fn school(urn: &str, name: &str) -> EducationSetting {
    EducationSetting {
        urn: Some(SchoolUrn::parse(urn).unwrap()),
        name: name.to_owned(),
    }
}

/// Registers a child who entered care on 1 November 2024.
pub async fn child_in_care(handler: &CommandHandler) -> ChildId {
    let child_id = new_child();
    let context = as_role(Role::SocialWorker);
    handler
        .child(child_id, register(child_id), &context)
        .await
        .unwrap();
    handler
        .child(
            child_id,
            ChildCommand::RecordEpisode {
                episode: episode(date(2024, 11, 1), "S"),
            },
            &context,
        )
        .await
        .unwrap();
    child_id
}

pub fn person(id: &str) -> PersonRef {
    PersonRef {
        id: id.to_owned(),
        name: format!("Person {id}"),
    }
}

pub fn actor(role: Role) -> Actor {
    Actor::new(format!("{role}-1"), role)
}

/// Every command that takes an initiated PEP to Ready, with the target it sets.
pub fn commands_to_ready() -> (Vec<PepCommand>, TargetId) {
    let target_id = TargetId::from_uuid(Uuid::now_v7());
    let meeting_id = MeetingId::from_uuid(Uuid::now_v7());
    let mut commands = Vec::new();
    for section in PepSection::REQUIRED {
        commands.push(PepCommand::DraftSection {
            based_on: None,
            section,
            content: "written".to_owned(),
            by: actor(section.owner()),
        });
        commands.push(PepCommand::CompleteSection {
            section,
            by: actor(section.owner()),
            completed_on: date(2025, 1, 20),
        });
    }
    commands.push(PepCommand::ScheduleMeeting {
        meeting_id,
        scheduled_for: date(2025, 1, 20),
        invitees: vec![person("dt-1")],
    });
    commands.push(PepCommand::HoldMeeting {
        meeting_id,
        held_on: date(2025, 1, 20),
        attendees: vec![Attendee {
            person: person("dt-1"),
            capacity: "designated teacher".to_owned(),
        }],
        child_attended: true,
        child_absence_reason: None,
    });
    commands.push(PepCommand::SetTarget {
        target_id,
        area: "reading".to_owned(),
        description: "read independently for 20 minutes daily".to_owned(),
        success_criterion: "reading log shows 20 minutes on 4 days a week".to_owned(),
        owner: person("carer-1"),
        set_on: date(2025, 1, 20),
        due_on: date(2025, 3, 28),
        horizon: TargetHorizon::ShortTerm,
        carried_from: None,
    });
    commands.push(PepCommand::RecordChildViews {
        views: "I like reading comics".to_owned(),
        attachments: vec![],
        in_own_words: true,
        by: actor(Role::YoungPerson),
        recorded_on: date(2025, 1, 20),
    });
    (commands, target_id)
}

/// Opens a PEP for the child and drives it to Ready; returns its id and its target.
pub async fn ready_pep(handler: &CommandHandler, child_id: ChildId) -> (PepId, TargetId) {
    let pep_id = PepId::from_uuid(Uuid::now_v7());
    handler
        .initiate_pep(
            child_id,
            pep_id,
            domain::pep::PepKind::Initial,
            domain::pep::PepTrigger::EnteredCare,
            date(2025, 1, 6),
            &as_role(Role::SocialWorker),
        )
        .await
        .unwrap();
    let (commands, target_id) = commands_to_ready();
    for command in commands {
        handler
            .pep(pep_id, command, &as_role(Role::DesignatedTeacher))
            .await
            .unwrap();
    }
    (pep_id, target_id)
}
