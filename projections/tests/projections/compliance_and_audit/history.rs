//! Histories for the compliance and audit tests, made through the real command handler with the
//! store's clock set to the day each thing is recorded, so `recorded_at` is controlled.

use crate::support::{TestEnv, actor, as_role, date};
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::{BankHolidays, Calendar, SchoolTerms};
use domain::child::{AssignedRole, Ssda903Episode};
use domain::child::{ChildCommand, ChildDetails, EducationSetting, LeavingReason, Sex};
use domain::ids::{ChildId, MeetingId, PepId, TargetId};
use domain::pep::{Attendee, PepCommand, PepKind, PepSection, PepTrigger, QaRating, TargetHorizon};
use domain::policy::LaPolicy;
use domain::values::{LaCode, SchoolUrn};
use domain::{PersonRef, Role};
use projections::compliance::ComplianceProjector;
use projections::runtime::ProjectorRunner;
use std::sync::Arc;
use uuid::Uuid;

/// The England-and-Wales bank holidays of 2024 and 2025, known through 31 December 2025.
pub fn calendar() -> Calendar {
    let bank_holidays = BankHolidays::from_dates(
        [
            (2024, 1, 1),
            (2024, 3, 29),
            (2024, 4, 1),
            (2024, 5, 6),
            (2024, 5, 27),
            (2024, 8, 26),
            (2024, 12, 25),
            (2024, 12, 26),
            (2025, 1, 1),
            (2025, 4, 18),
            (2025, 4, 21),
            (2025, 5, 5),
            (2025, 5, 26),
            (2025, 8, 25),
            (2025, 12, 25),
            (2025, 12, 26),
        ]
        .map(|(year, month, day)| date(year, month, day)),
        date(2025, 12, 31),
    )
    .unwrap();
    Calendar::new(bank_holidays, SchoolTerms::demo().unwrap())
}

/// The compliance projector under the statutory default policy and the demo term dates.
pub fn projector() -> ComplianceProjector {
    ComplianceProjector::new(LaPolicy::default(), calendar())
}

/// A runner for the compliance projector, caught up with the log.
pub async fn caught_up(env: &TestEnv, projector: &ComplianceProjector) -> ProjectorRunner {
    let runner = env.runner(Arc::new(projector.clone())).await;
    runner.catch_up(&env.log).await.unwrap();
    runner
}

/// 10:00 UTC on `day`.
pub fn ten_o_clock(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(10, 0, 0).unwrap().and_utc()
}

/// Sets the store's clock, so what follows is recorded on `day`.
pub fn recording_on(env: &TestEnv, day: NaiveDate) {
    env.set_clock(ten_o_clock(day));
}

pub fn la() -> LaCode {
    LaCode::parse("831").unwrap()
}

pub fn person(id: &str, name: &str) -> PersonRef {
    PersonRef {
        id: id.to_owned(),
        name: name.to_owned(),
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

/// Runs a child command as a social worker; panics if it is refused.
pub async fn child_command(env: &TestEnv, child_id: ChildId, command: ChildCommand) {
    env.handler
        .child(child_id, command, &as_role(Role::SocialWorker))
        .await
        .unwrap();
}

/// Registers a child; returns its id.
pub async fn register(
    env: &TestEnv,
    la_child_id: &str,
    date_of_birth: NaiveDate,
    upn: Option<&str>,
) -> ChildId {
    let child_id = ChildId::from_uuid(Uuid::now_v7());
    let details = ChildDetails {
        date_of_birth,
        sex: Sex::Female,
        upn: upn.map(str::to_owned),
        given_name: None,
        family_name: None,
    };
    let command = ChildCommand::Register {
        child_id,
        la: la(),
        la_child_id: la_child_id.to_owned(),
        details,
    };
    child_command(env, child_id, command).await;
    child_id
}

/// The child becomes looked after on `on` (an `S` episode).
pub async fn enter_care(env: &TestEnv, child_id: ChildId, on: NaiveDate) {
    let episode = episode(on, "S");
    child_command(env, child_id, ChildCommand::RecordEpisode { episode }).await;
}

/// The placement changes on `on`: the episode that started on `current_start` (with RNE
/// `current_rne`) ends that day with `X1`, and a `P` episode begins.
pub async fn change_placement(
    env: &TestEnv,
    child_id: ChildId,
    current_start: NaiveDate,
    current_rne: &str,
    on: NaiveDate,
) {
    let mut closed = episode(current_start, current_rne);
    closed.end_date = Some(on);
    closed.reason_ceased = Some("X1".to_owned());
    child_command(
        env,
        child_id,
        ChildCommand::RecordEpisode { episode: closed },
    )
    .await;
    let episode = episode(on, "P");
    child_command(env, child_id, ChildCommand::RecordEpisode { episode }).await;
}

pub async fn assign_social_worker(env: &TestEnv, child_id: ChildId, person: PersonRef) {
    let command = ChildCommand::AssignPerson {
        role: AssignedRole::SocialWorker,
        person,
        from: date(2024, 1, 1),
    };
    child_command(env, child_id, command).await;
}

pub async fn start_school(
    env: &TestEnv,
    child_id: ChildId,
    urn: &str,
    name: &str,
    on: NaiveDate,
    leaving_reason: Option<LeavingReason>,
) {
    let setting = EducationSetting {
        urn: Some(SchoolUrn::parse(urn).unwrap()),
        name: name.to_owned(),
    };
    let command = ChildCommand::ChangeEducationSetting {
        setting,
        started_on: on,
        leaving_reason,
        leaving_detail: None,
    };
    child_command(env, child_id, command).await;
}

/// Opens a PEP on `on`; returns its id.
pub async fn open_pep(
    env: &TestEnv,
    child_id: ChildId,
    on: NaiveDate,
    trigger: PepTrigger,
) -> PepId {
    let pep_id = PepId::from_uuid(Uuid::now_v7());
    env.handler
        .initiate_pep(
            child_id,
            pep_id,
            PepKind::Review,
            trigger,
            on,
            &as_role(Role::SocialWorker),
        )
        .await
        .unwrap();
    pep_id
}

/// Runs a PEP command; panics if it is refused.
pub async fn pep_command(env: &TestEnv, pep_id: PepId, command: PepCommand) {
    env.handler
        .pep(pep_id, command, &as_role(Role::DesignatedTeacher))
        .await
        .unwrap();
}

/// Each section written and completed by its owner on `on`.
pub async fn complete_sections(
    env: &TestEnv,
    pep_id: PepId,
    sections: &[PepSection],
    on: NaiveDate,
) {
    for section in sections {
        let draft = PepCommand::DraftSection {
            based_on: None,
            section: *section,
            content: format!("{} as written on {on}", section.as_str()),
            by: actor(section.owner()),
        };
        pep_command(env, pep_id, draft).await;
        let complete = PepCommand::CompleteSection {
            section: *section,
            by: actor(section.owner()),
            completed_on: on,
        };
        pep_command(env, pep_id, complete).await;
    }
}

/// Everything that makes a PEP ready, on `on`: the required sections, a meeting, a target due
/// three months later, the child's views. Returns the target.
pub async fn make_ready(env: &TestEnv, pep_id: PepId, on: NaiveDate) -> TargetId {
    complete_sections(env, pep_id, &PepSection::REQUIRED, on).await;
    let meeting_id = MeetingId::from_uuid(Uuid::now_v7());
    let schedule = PepCommand::ScheduleMeeting {
        meeting_id,
        scheduled_for: on,
        invitees: vec![person("dt-1", "Dana Teacher")],
    };
    pep_command(env, pep_id, schedule).await;
    let hold = PepCommand::HoldMeeting {
        meeting_id,
        held_on: on,
        attendees: vec![Attendee {
            person: person("dt-1", "Dana Teacher"),
            capacity: "designated teacher".to_owned(),
        }],
        child_attended: true,
        child_absence_reason: None,
    };
    pep_command(env, pep_id, hold).await;
    let target_id = TargetId::from_uuid(Uuid::now_v7());
    let target = PepCommand::SetTarget {
        target_id,
        area: "reading".to_owned(),
        description: "read independently for 20 minutes daily".to_owned(),
        success_criterion: "reading log shows 20 minutes on 4 days a week".to_owned(),
        owner: person("carer-1", "Chris Carer"),
        set_on: on,
        due_on: on + chrono::Days::new(90),
        horizon: TargetHorizon::ShortTerm,
        carried_from: None,
    };
    pep_command(env, pep_id, target).await;
    let views = PepCommand::RecordChildViews {
        views: "I like reading comics".to_owned(),
        attachments: vec![],
        in_own_words: true,
        by: actor(Role::YoungPerson),
        recorded_on: on,
    };
    pep_command(env, pep_id, views).await;
    target_id
}

pub async fn submit(env: &TestEnv, pep_id: PepId, on: NaiveDate) {
    let command = PepCommand::Submit {
        by: actor(Role::DesignatedTeacher),
        submitted_on: on,
    };
    pep_command(env, pep_id, command).await;
}

pub async fn quality_assure(env: &TestEnv, pep_id: PepId, on: NaiveDate, rating: QaRating) {
    let command = PepCommand::QualityAssure {
        by: actor(Role::VirtualSchool),
        assured_on: on,
        rating,
        comments: None,
    };
    pep_command(env, pep_id, command).await;
}

pub async fn sign_off(env: &TestEnv, pep_id: PepId, on: NaiveDate) {
    let command = PepCommand::SignOff {
        by: actor(Role::VirtualSchool),
        by_name: "Val School".to_owned(),
        signed_off_on: on,
    };
    pep_command(env, pep_id, command).await;
}
