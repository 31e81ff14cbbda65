//! Histories made through the real command handler, as users and feeds would make them.

use crate::support::{TestEnv, actor, as_role, date};
use domain::Role;
use domain::actor::PersonRef;
use domain::child::{ChildCommand, ChildDetails, EducationSetting, Sex, Ssda903Episode};
use domain::ids::{ChildId, MeetingId, PepId, TargetId};
use domain::pep::{Attendee, PepCommand, PepKind, PepSection, PepTrigger, TargetHorizon};
use domain::values::{LaCode, SchoolUrn};
use uuid::Uuid;

pub fn la() -> LaCode {
    LaCode::parse("831").unwrap()
}

pub fn person(id: &str) -> PersonRef {
    PersonRef {
        id: id.to_owned(),
        name: format!("Person {id}"),
    }
}

pub fn episode(start: chrono::NaiveDate, rne: &str) -> Ssda903Episode {
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

/// Runs a child command as a social worker; panics if it is refused.
pub async fn child_command(env: &TestEnv, child_id: ChildId, command: ChildCommand) {
    env.handler
        .child(child_id, command, &as_role(Role::SocialWorker))
        .await
        .unwrap();
}

/// Registers a child who entered care on 1 November 2024.
pub async fn child_in_care(env: &TestEnv) -> ChildId {
    let child_id = ChildId::from_uuid(Uuid::now_v7());
    child_command(
        env,
        child_id,
        ChildCommand::Register {
            child_id,
            la: la(),
            la_child_id: format!("LC{}", &child_id.as_uuid().simple().to_string()[20..]),
            details: ChildDetails {
                date_of_birth: date(2013, 5, 20),
                sex: Sex::Male,
                upn: None,
                given_name: Some("Kai".to_owned()),
                family_name: None,
            },
        },
    )
    .await;
    child_command(
        env,
        child_id,
        ChildCommand::RecordEpisode {
            episode: episode(date(2024, 11, 1), "S"),
        },
    )
    .await;
    child_id
}

/// Opens a PEP and drives it to Ready; returns its id and its one target.
pub async fn ready_pep(env: &TestEnv, child_id: ChildId) -> (PepId, TargetId) {
    let pep_id = PepId::from_uuid(Uuid::now_v7());
    env.handler
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
    for command in commands {
        env.handler
            .pep(pep_id, command, &as_role(Role::DesignatedTeacher))
            .await
            .unwrap();
    }
    (pep_id, target_id)
}

/// A ready PEP submitted and quality assured, so PP+ can be requested against it.
pub async fn quality_assured_pep(env: &TestEnv, child_id: ChildId) -> (PepId, TargetId) {
    let (pep_id, target_id) = ready_pep(env, child_id).await;
    env.handler
        .pep(
            pep_id,
            PepCommand::Submit {
                by: actor(Role::DesignatedTeacher),
                submitted_on: date(2025, 1, 22),
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap();
    env.handler
        .pep(
            pep_id,
            PepCommand::QualityAssure {
                by: actor(Role::VirtualSchool),
                assured_on: date(2025, 1, 24),
                rating: domain::pep::QaRating::Green,
                comments: None,
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
    (pep_id, target_id)
}

/// The financial year most tests fund in.
pub fn year() -> domain::funding::FinancialYear {
    domain::funding::FinancialYear::starting_in(2024)
}

/// Sets the 2024-25 budget: £100,000, cap £1,900 a child, impact before further funding.
pub async fn set_budget(env: &TestEnv) {
    env.handler
        .funding(
            &la(),
            year(),
            domain::funding::FundingCommand::SetBudget {
                la: la(),
                financial_year: year(),
                budget: domain::values::Money::from_pence(10_000_000),
                per_child_cap: domain::values::Money::from_pence(190_000),
                release_condition: domain::funding::ReleaseCondition::QualityAssured,
                impact_required_before_further_funding: true,
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
}

/// Asks for `pence` of PP+ for the PEP's target from school 100001.
pub async fn request_funding(
    env: &TestEnv,
    pep_id: PepId,
    target_id: TargetId,
    pence: i64,
) -> domain::ids::FundingRequestId {
    let request_id = domain::ids::FundingRequestId::from_uuid(Uuid::now_v7());
    env.handler
        .request_funding(
            &la(),
            year(),
            commands::handlers::FundingRequest {
                request_id,
                pep_id,
                school_urn: Some(SchoolUrn::parse("100001").unwrap()),
                target_ids: vec![target_id],
                amount: domain::values::Money::from_pence(pence),
                purpose: "reading tutor, one hour a week".to_owned(),
                intended_outcome: "reading age up by a year".to_owned(),
                requested_on: date(2025, 1, 27),
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap();
    request_id
}

/// Runs a funding command as the Virtual School; panics if it is refused.
pub async fn funding_command(env: &TestEnv, command: domain::funding::FundingCommand) {
    env.handler
        .funding(&la(), year(), command, &as_role(Role::VirtualSchool))
        .await
        .unwrap();
}

/// Allocates `pence` to `request_id` as the Virtual School, the PEP read as it stands.
pub async fn allocate(
    env: &TestEnv,
    request_id: domain::ids::FundingRequestId,
    pence: i64,
    allocated_on: chrono::NaiveDate,
) {
    env.handler
        .allocate_funding(
            &la(),
            year(),
            commands::handlers::FundingAllocation {
                request_id,
                amount: domain::values::Money::from_pence(pence),
                allocated_on,
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
}

/// A child in care with an IRO, a school, an IRO notice, a quality-assured PEP and PP+
/// requested, allocated and its impact recorded: something for every projector.
pub async fn mixed_history(env: &TestEnv) -> ChildId {
    let child_id = child_in_care(env).await;
    child_command(
        env,
        child_id,
        ChildCommand::AssignPerson {
            role: domain::child::AssignedRole::Iro,
            person: person("iro-7"),
            from: date(2024, 11, 4),
        },
    )
    .await;
    child_command(
        env,
        child_id,
        ChildCommand::ChangeEducationSetting {
            setting: school("100001", "Hillside Primary"),
            started_on: date(2024, 11, 11),
            leaving_reason: None,
            leaving_detail: None,
        },
    )
    .await;
    child_command(
        env,
        child_id,
        ChildCommand::RequestIroNotice {
            notice_id: Uuid::now_v7(),
            reason: domain::child::NoticeReason::SchoolChange,
            about_event_id: Uuid::now_v7(),
            occurred_on: date(2024, 11, 11),
            summary: "Started at Hillside Primary".to_owned(),
        },
    )
    .await;
    let (pep_id, target_id) = quality_assured_pep(env, child_id).await;
    set_budget(env).await;
    let request_id = request_funding(env, pep_id, target_id, 50_000).await;
    allocate(env, request_id, 40_000, date(2025, 2, 3)).await;
    funding_command(
        env,
        domain::funding::FundingCommand::RecordImpact {
            request_id,
            impact: "reading age up 8 months".to_owned(),
            recorded_on: date(2025, 3, 3),
        },
    )
    .await;
    child_id
}
