//! Histories made through the real command handler, touching every read model: children in care
//! with an IRO, a school, an IRO notice, a quality-assured PEP, and PP+ requested, allocated and
//! its impact recorded.

use crate::read_side::support::World;
use chrono::NaiveDate;
use commands::handlers::{CommandContext, FundingAllocation, FundingRequest};
use domain::actor::PersonRef;
use domain::child::{
    AssignedRole, ChildCommand, ChildDetails, EducationSetting, NoticeReason, Sex, Ssda903Episode,
};
use domain::funding::{FinancialYear, FundingCommand, ReleaseCondition};
use domain::ids::{ChildId, FundingRequestId, MeetingId, PepId, TargetId};
use domain::pep::{Attendee, PepCommand, PepKind, PepSection, PepTrigger, QaRating, TargetHorizon};
use domain::values::{LaCode, Money, SchoolUrn};
use domain::{Actor, Role};
use uuid::Uuid;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn la() -> LaCode {
    LaCode::parse("831").unwrap()
}

fn year() -> FinancialYear {
    FinancialYear::starting_in(2024)
}

fn actor(role: Role) -> Actor {
    Actor::new(format!("{role}-1"), role)
}

fn as_role(role: Role) -> CommandContext {
    CommandContext::new(actor(role), Uuid::now_v7(), "test")
}

fn person(id: &str) -> PersonRef {
    PersonRef {
        id: id.to_owned(),
        name: format!("Person {id}"),
    }
}

/// Sets the LA's 2024-25 PP+ budget; once per world, before any child is funded.
pub async fn set_budget(world: &World) {
    world
        .handler
        .funding(
            &la(),
            year(),
            FundingCommand::SetBudget {
                la: la(),
                financial_year: year(),
                budget: Money::from_pence(10_000_000),
                per_child_cap: Money::from_pence(190_000),
                release_condition: ReleaseCondition::QualityAssured,
                impact_required_before_further_funding: true,
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
}

async fn child_command(world: &World, child_id: ChildId, command: ChildCommand) {
    world
        .handler
        .child(child_id, command, &as_role(Role::SocialWorker))
        .await
        .unwrap();
}

async fn pep_command(world: &World, pep_id: PepId, command: PepCommand, role: Role) {
    world
        .handler
        .pep(pep_id, command, &as_role(role))
        .await
        .unwrap();
}

/// Records one child's history (about 30 events) and returns the child.
pub async fn record_child(world: &World) -> ChildId {
    let child_id = ChildId::from_uuid(Uuid::now_v7());
    register_in_care(world, child_id).await;
    let pep_id = quality_assured_pep(world, child_id).await;
    fund(world, pep_id.0, pep_id.1).await;
    child_id
}

/// Records `count` children after setting the budget; returns them.
pub async fn record_children(world: &World, count: usize) -> Vec<ChildId> {
    set_budget(world).await;
    let mut children = Vec::with_capacity(count);
    for _ in 0..count {
        children.push(record_child(world).await);
    }
    children
}

async fn register_in_care(world: &World, child_id: ChildId) {
    let episode = Ssda903Episode {
        start_date: date(2024, 11, 1),
        reason_new_episode: "S".to_owned(),
        legal_status: "C2".to_owned(),
        placement_type: "U4".to_owned(),
        placement_provider: "PR1".to_owned(),
        reason_place_change: None,
        end_date: None,
        reason_ceased: None,
        placement_postcode: None,
        setting_urn: None,
    };
    let commands = vec![
        ChildCommand::Register {
            child_id,
            la: la(),
            la_child_id: format!("LC{}", &child_id.as_uuid().simple().to_string()[20..]),
            details: ChildDetails {
                date_of_birth: date(2013, 5, 20),
                sex: Sex::Female,
                upn: None,
                given_name: Some("Ada".to_owned()),
                family_name: None,
            },
        },
        ChildCommand::RecordEpisode { episode },
        ChildCommand::AssignPerson {
            role: AssignedRole::Iro,
            person: person("iro-7"),
            from: date(2024, 11, 4),
        },
        ChildCommand::ChangeEducationSetting {
            setting: EducationSetting {
                urn: Some(SchoolUrn::parse("100001").unwrap()),
                name: "Hillside Primary".to_owned(),
            },
            started_on: date(2024, 11, 11),
            leaving_reason: None,
            leaving_detail: None,
        },
        ChildCommand::RequestIroNotice {
            notice_id: Uuid::now_v7(),
            reason: NoticeReason::SchoolChange,
            about_event_id: Uuid::now_v7(),
            occurred_on: date(2024, 11, 11),
            summary: "Started at Hillside Primary".to_owned(),
        },
    ];
    for command in commands {
        child_command(world, child_id, command).await;
    }
}

/// Opens a PEP, completes it, holds its meeting, sets a target, submits and assures it.
async fn quality_assured_pep(world: &World, child_id: ChildId) -> (PepId, TargetId) {
    let pep_id = PepId::from_uuid(Uuid::now_v7());
    world
        .handler
        .initiate_pep(
            child_id,
            pep_id,
            PepKind::Initial,
            PepTrigger::EnteredCare,
            date(2025, 1, 6),
            &as_role(Role::SocialWorker),
        )
        .await
        .unwrap();
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
    commands.push(PepCommand::Submit {
        by: actor(Role::DesignatedTeacher),
        submitted_on: date(2025, 1, 22),
    });
    for command in commands {
        pep_command(world, pep_id, command, Role::DesignatedTeacher).await;
    }
    pep_command(
        world,
        pep_id,
        PepCommand::QualityAssure {
            by: actor(Role::VirtualSchool),
            assured_on: date(2025, 1, 24),
            rating: QaRating::Green,
            comments: None,
        },
        Role::VirtualSchool,
    )
    .await;
    (pep_id, target_id)
}

/// Requests £500 of PP+ for the target, allocates £400 and records its impact.
async fn fund(world: &World, pep_id: PepId, target_id: TargetId) {
    let request_id = FundingRequestId::from_uuid(Uuid::now_v7());
    world
        .handler
        .request_funding(
            &la(),
            year(),
            FundingRequest {
                request_id,
                pep_id,
                school_urn: Some(SchoolUrn::parse("100001").unwrap()),
                target_ids: vec![target_id],
                amount: Money::from_pence(50_000),
                purpose: "reading tutor, one hour a week".to_owned(),
                intended_outcome: "reading age up by a year".to_owned(),
                requested_on: date(2025, 1, 27),
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap();
    world
        .handler
        .allocate_funding(
            &la(),
            year(),
            FundingAllocation {
                request_id,
                amount: Money::from_pence(40_000),
                allocated_on: date(2025, 2, 3),
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
    let impact = FundingCommand::RecordImpact {
        request_id,
        impact: "reading age up 8 months".to_owned(),
        recorded_on: date(2025, 3, 3),
    };
    world
        .handler
        .funding(&la(), year(), impact, &as_role(Role::VirtualSchool))
        .await
        .unwrap();
}
