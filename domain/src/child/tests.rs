//! Given/when/then scenarios for every child command and every way it can be refused.

use super::*;
use crate::actor::PersonRef;
use crate::ids::{ChildId, PepId};
use crate::pep::{PepKind, PepTrigger};
use crate::testing::given;
use crate::values::{LaCode, SchoolUrn, Upn};
use chrono::NaiveDate;
use uuid::Uuid;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn child_id() -> ChildId {
    ChildId::from_uuid(Uuid::from_u128(1))
}

fn pep_id(n: u128) -> PepId {
    PepId::from_uuid(Uuid::from_u128(100 + n))
}

fn valid_upn() -> String {
    let tail = "831200101001";
    format!("{}{tail}", Upn::check_letter_for(tail).unwrap())
}

fn details() -> ChildDetails {
    ChildDetails {
        date_of_birth: date(2012, 3, 27),
        sex: Sex::Female,
        upn: Some(valid_upn()),
        given_name: Some("Amara".to_owned()),
        family_name: Some("Okafor".to_owned()),
    }
}

fn registered() -> ChildEvent {
    ChildEvent::Registered {
        child_id: child_id(),
        la: LaCode::parse("831").unwrap(),
        la_child_id: "566910".to_owned(),
        details: details(),
    }
}

fn episode(start: NaiveDate, rne: &str) -> Ssda903Episode {
    Ssda903Episode {
        start_date: start,
        reason_new_episode: rne.to_owned(),
        legal_status: "C2".to_owned(),
        placement_type: "U4".to_owned(),
        placement_provider: "PR1".to_owned(),
        reason_place_change: None,
        end_date: None,
        reason_ceased: None,
        placement_postcode: Some("WV27 9FW".to_owned()),
        setting_urn: None,
    }
}

fn closed(mut row: Ssda903Episode, end: NaiveDate, rec: &str) -> Ssda903Episode {
    row.end_date = Some(end);
    row.reason_ceased = Some(rec.to_owned());
    row
}

fn in_care() -> Vec<ChildEvent> {
    vec![
        registered(),
        ChildEvent::CareEpisodeStarted {
            episode: episode(date(2024, 11, 1), "S"),
        },
    ]
}

fn school(urn: &str, name: &str) -> EducationSetting {
    EducationSetting {
        urn: Some(SchoolUrn::parse(urn).unwrap()),
        name: name.to_owned(),
    }
}

fn person(id: &str, name: &str) -> PersonRef {
    PersonRef {
        id: id.to_owned(),
        name: name.to_owned(),
    }
}

#[test]
fn the_first_message_registers_the_child() {
    given::<ChildDecider>([])
        .when(ChildCommand::Register {
            child_id: child_id(),
            la: LaCode::parse("831").unwrap(),
            la_child_id: "566910".to_owned(),
            details: details(),
        })
        .then([registered()]);
}

#[test]
fn registering_twice_is_refused() {
    given::<ChildDecider>([registered()])
        .when(ChildCommand::Register {
            child_id: child_id(),
            la: LaCode::parse("831").unwrap(),
            la_child_id: "566910".to_owned(),
            details: details(),
        })
        .then_error(ChildError::AlreadyRegistered);
}

#[test]
fn registering_without_an_la_child_id_is_refused() {
    given::<ChildDecider>([])
        .when(ChildCommand::Register {
            child_id: child_id(),
            la: LaCode::parse("831").unwrap(),
            la_child_id: "  ".to_owned(),
            details: details(),
        })
        .then_error(ChildError::EmptyField {
            field: "la_child_id",
        });
}

#[test]
fn every_other_command_needs_a_registered_child() {
    given::<ChildDecider>([])
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2024, 11, 1), "S"),
        })
        .then_error(ChildError::NotRegistered);
    given::<ChildDecider>([])
        .when(ChildCommand::UpdateDetails { details: details() })
        .then_error(ChildError::NotRegistered);
}

#[test]
fn updating_details_records_the_change_and_a_repeat_records_nothing() {
    let mut changed = details();
    changed.family_name = Some("Okafor-Reid".to_owned());
    given::<ChildDecider>([registered()])
        .when(ChildCommand::UpdateDetails {
            details: changed.clone(),
        })
        .then([ChildEvent::DetailsUpdated { details: changed }]);
    given::<ChildDecider>([registered()])
        .when(ChildCommand::UpdateDetails { details: details() })
        .then([]);
}

#[test]
fn an_s_episode_starts_care_and_the_child_is_looked_after() {
    let state = given::<ChildDecider>([registered()])
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2024, 11, 1), "S"),
        })
        .then([ChildEvent::CareEpisodeStarted {
            episode: episode(date(2024, 11, 1), "S"),
        }]);
    assert!(state.in_care());
}

#[test]
fn placement_codes_record_a_placement_change() {
    for rne in ["P", "T", "B", "U"] {
        let mut row = episode(date(2025, 2, 3), rne);
        row.reason_place_change = Some("CARPL".to_owned());
        given::<ChildDecider>(in_care())
            .when(ChildCommand::RecordEpisode {
                episode: row.clone(),
            })
            .then([ChildEvent::PlacementChanged { episode: row }]);
    }
}

#[test]
fn an_l_episode_records_a_legal_status_change() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2025, 2, 3), "L"),
        })
        .then([ChildEvent::LegalStatusChanged {
            episode: episode(date(2025, 2, 3), "L"),
        }]);
}

#[test]
fn the_same_row_sent_again_records_nothing() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2024, 11, 1), "S"),
        })
        .then([]);
}

#[test]
fn closing_an_open_episode_records_its_end() {
    let state = given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: closed(episode(date(2024, 11, 1), "S"), date(2025, 6, 30), "E4A"),
        })
        .then([ChildEvent::CareEpisodeEnded {
            start_date: date(2024, 11, 1),
            end_date: date(2025, 6, 30),
            reason_ceased: "E4A".to_owned(),
        }]);
    assert!(!state.in_care(), "E4A means the child went home");
}

#[test]
fn an_episode_closed_with_x1_keeps_the_child_in_care() {
    let state = given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: closed(episode(date(2024, 11, 1), "S"), date(2025, 2, 3), "X1"),
        })
        .then([ChildEvent::CareEpisodeEnded {
            start_date: date(2024, 11, 1),
            end_date: date(2025, 2, 3),
            reason_ceased: "X1".to_owned(),
        }]);
    assert!(state.in_care());
}

#[test]
fn a_changed_code_on_a_known_row_is_a_correction() {
    let mut corrected = episode(date(2024, 11, 1), "S");
    corrected.legal_status = "C1".to_owned();
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: corrected.clone(),
        })
        .then([ChildEvent::CareEpisodeCorrected { episode: corrected }]);
}

#[test]
fn an_episode_ending_before_it_starts_is_refused() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: closed(episode(date(2024, 11, 1), "S"), date(2024, 10, 1), "E4A"),
        })
        .then_error(ChildError::InvalidEpisode(EpisodeError::EndsBeforeStart {
            start_date: date(2024, 11, 1),
            end_date: date(2024, 10, 1),
        }));
}

#[test]
fn an_end_date_without_a_reason_is_refused() {
    let mut row = episode(date(2024, 11, 1), "S");
    row.end_date = Some(date(2025, 1, 1));
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode { episode: row })
        .then_error(ChildError::InvalidEpisode(EpisodeError::EndWithoutReason));
}

#[test]
fn episodes_arriving_out_of_order_fold_to_the_same_record() {
    let first = closed(episode(date(2024, 11, 1), "S"), date(2025, 2, 3), "X1");
    let second = episode(date(2025, 2, 3), "P");
    let in_order = [
        registered(),
        ChildEvent::CareEpisodeStarted {
            episode: first.clone(),
        },
        ChildEvent::PlacementChanged {
            episode: second.clone(),
        },
    ];
    let backwards = [
        registered(),
        ChildEvent::PlacementChanged { episode: second },
        ChildEvent::CareEpisodeStarted { episode: first },
    ];
    use crate::event::Decider;
    assert_eq!(
        ChildDecider::replay(&in_order),
        ChildDecider::replay(&backwards)
    );
}

#[test]
fn data_quality_problems_are_flagged_not_refused() {
    use crate::event::Decider;
    let tail = "831200101001";
    let right = Upn::check_letter_for(tail).unwrap();
    let wrong = if right == 'A' { 'B' } else { 'A' };
    let mut bad_upn = details();
    bad_upn.upn = Some(format!("{wrong}{tail}"));
    given::<ChildDecider>([registered()])
        .when(ChildCommand::UpdateDetails {
            details: bad_upn.clone(),
        })
        .then([ChildEvent::DetailsUpdated {
            details: bad_upn.clone(),
        }]);
    let history = [
        registered(),
        ChildEvent::DetailsUpdated { details: bad_upn },
        ChildEvent::PlacementChanged {
            episode: episode(date(2024, 11, 1), "P"),
        },
        ChildEvent::PlacementChanged {
            episode: episode(date(2024, 12, 1), "P"),
        },
    ];
    let kinds: Vec<&str> = ChildDecider::replay(&history)
        .data_quality_issues()
        .iter()
        .map(|issue| match issue {
            DataQualityIssue::InvalidUpn { .. } => "invalid_upn",
            DataQualityIssue::FirstEpisodeNotStart { .. } => "first_not_s",
            DataQualityIssue::OverlappingEpisodes { .. } => "overlap",
        })
        .collect();
    assert_eq!(kinds, ["invalid_upn", "first_not_s", "overlap"]);
}

#[test]
fn a_clean_record_has_no_data_quality_issues() {
    use crate::event::Decider;
    let mut history = in_care();
    history.push(ChildEvent::CareEpisodeEnded {
        start_date: date(2024, 11, 1),
        end_date: date(2025, 2, 3),
        reason_ceased: "X1".to_owned(),
    });
    history.push(ChildEvent::PlacementChanged {
        episode: episode(date(2025, 2, 3), "P"),
    });
    assert_eq!(ChildDecider::replay(&history).data_quality_issues(), vec![]);
}

#[test]
fn the_first_setting_has_no_previous_and_no_leaving_reason() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("104567", "Oakfield Primary"),
            started_on: date(2024, 11, 4),
            leaving_reason: Some(LeavingReason::Other),
            leaving_detail: Some("ignored without a previous setting".to_owned()),
        })
        .then([ChildEvent::EducationSettingChanged {
            setting: school("104567", "Oakfield Primary"),
            started_on: date(2024, 11, 4),
            previous: None,
            leaving_reason: None,
            leaving_detail: None,
        }]);
}

fn at_oakfield() -> Vec<ChildEvent> {
    let mut history = in_care();
    history.push(ChildEvent::EducationSettingChanged {
        setting: school("104567", "Oakfield Primary"),
        started_on: date(2024, 11, 4),
        previous: None,
        leaving_reason: None,
        leaving_detail: None,
    });
    history
}

#[test]
fn a_school_change_records_the_previous_setting_and_why_it_was_left() {
    let state = given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2025, 4, 22),
            leaving_reason: Some(LeavingReason::PlacementMove),
            leaving_detail: Some("placement moved to Telford".to_owned()),
        })
        .then([ChildEvent::EducationSettingChanged {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2025, 4, 22),
            previous: Some(school("104567", "Oakfield Primary")),
            leaving_reason: Some(LeavingReason::PlacementMove),
            leaving_detail: Some("placement moved to Telford".to_owned()),
        }]);
    assert_eq!(state.settings[0].left_on, Some(date(2025, 4, 22)));
    assert_eq!(
        state.settings[0].leaving_reason,
        Some(LeavingReason::PlacementMove)
    );
}

#[test]
fn a_school_change_without_a_leaving_reason_is_refused() {
    given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2025, 4, 22),
            leaving_reason: None,
            leaving_detail: None,
        })
        .then_error(ChildError::MissingLeavingReason);
}

#[test]
fn a_school_change_dated_before_the_current_setting_is_refused() {
    given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2024, 9, 1),
            leaving_reason: Some(LeavingReason::ManagedMove),
            leaving_detail: None,
        })
        .then_error(ChildError::StartsBeforeCurrentSetting {
            started_on: date(2024, 9, 1),
            current_started_on: date(2024, 11, 4),
        });
}

#[test]
fn the_same_school_change_sent_again_records_nothing() {
    given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("104567", "Oakfield Primary"),
            started_on: date(2024, 11, 4),
            leaving_reason: None,
            leaving_detail: None,
        })
        .then([]);
}

#[test]
fn a_setting_needs_a_name() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::ChangeEducationSetting {
            setting: EducationSetting {
                urn: None,
                name: String::new(),
            },
            started_on: date(2024, 11, 4),
            leaving_reason: None,
            leaving_detail: None,
        })
        .then_error(ChildError::EmptyField {
            field: "setting.name",
        });
}

#[test]
fn assigning_a_person_is_recorded_once() {
    let social_worker = person("sw-17", "Priya Shah");
    let state = given::<ChildDecider>(in_care())
        .when(ChildCommand::AssignPerson {
            role: AssignedRole::SocialWorker,
            person: social_worker.clone(),
            from: date(2024, 11, 1),
        })
        .then([ChildEvent::PersonAssigned {
            role: AssignedRole::SocialWorker,
            person: social_worker.clone(),
            from: date(2024, 11, 1),
        }]);
    let mut history = in_care();
    history.push(ChildEvent::PersonAssigned {
        role: AssignedRole::SocialWorker,
        person: social_worker.clone(),
        from: date(2024, 11, 1),
    });
    given::<ChildDecider>(history)
        .when(ChildCommand::AssignPerson {
            role: AssignedRole::SocialWorker,
            person: social_worker.clone(),
            from: date(2024, 12, 1),
        })
        .then([]);
    assert_eq!(
        state.people.get(&AssignedRole::SocialWorker),
        Some(&social_worker)
    );
}

#[test]
fn assigning_an_unnamed_person_is_refused() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::AssignPerson {
            role: AssignedRole::Iro,
            person: person("iro-3", " "),
            from: date(2024, 11, 1),
        })
        .then_error(ChildError::EmptyField {
            field: "person.name",
        });
}

#[test]
fn sen_status_is_recorded() {
    let state = given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordSenStatus {
            provision: SenProvision::Ehcp,
            effective_from: date(2025, 1, 10),
            detail: Some("speech, language and communication".to_owned()),
        })
        .then([ChildEvent::SenStatusRecorded {
            provision: SenProvision::Ehcp,
            effective_from: date(2025, 1, 10),
            detail: Some("speech, language and communication".to_owned()),
        }]);
    assert_eq!(state.sen, Some(SenProvision::Ehcp));
}

fn attendance(possible: u32, attended: u32, unauthorised: u32) -> ChildCommand {
    ChildCommand::RecordAttendance {
        period_start: date(2025, 1, 6),
        period_end: date(2025, 2, 14),
        possible_sessions: possible,
        attended_sessions: attended,
        unauthorised_absence_sessions: unauthorised,
    }
}

#[test]
fn attendance_is_recorded() {
    given::<ChildDecider>(in_care())
        .when(attendance(60, 54, 2))
        .then([ChildEvent::AttendanceRecorded {
            period_start: date(2025, 1, 6),
            period_end: date(2025, 2, 14),
            possible_sessions: 60,
            attended_sessions: 54,
            unauthorised_absence_sessions: 2,
        }]);
}

#[test]
fn impossible_attendance_is_refused() {
    given::<ChildDecider>(in_care())
        .when(attendance(60, 61, 0))
        .then_error(ChildError::InconsistentAttendance(
            "attended_sessions exceeds possible_sessions",
        ));
    given::<ChildDecider>(in_care())
        .when(attendance(60, 54, 7))
        .then_error(ChildError::InconsistentAttendance(
            "unauthorised absences exceed the sessions missed",
        ));
    given::<ChildDecider>(in_care())
        .when(attendance(0, 0, 0))
        .then_error(ChildError::InconsistentAttendance(
            "possible_sessions must be at least 1",
        ));
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordAttendance {
            period_start: date(2025, 2, 14),
            period_end: date(2025, 1, 6),
            possible_sessions: 10,
            attended_sessions: 10,
            unauthorised_absence_sessions: 0,
        })
        .then_error(ChildError::PeriodEndsBeforeStart {
            start: date(2025, 2, 14),
            end: date(2025, 1, 6),
        });
}

fn exclusion(kind: ExclusionKind, days: Option<u32>, reason: &str) -> ChildCommand {
    ChildCommand::RecordExclusion {
        kind,
        start_date: date(2025, 3, 3),
        days,
        reason: reason.to_owned(),
    }
}

#[test]
fn suspensions_and_permanent_exclusions_are_recorded() {
    given::<ChildDecider>(in_care())
        .when(exclusion(
            ExclusionKind::Suspension,
            Some(3),
            "persistent disruption",
        ))
        .then([ChildEvent::ExclusionRecorded {
            kind: ExclusionKind::Suspension,
            start_date: date(2025, 3, 3),
            days: Some(3),
            reason: "persistent disruption".to_owned(),
        }]);
    given::<ChildDecider>(in_care())
        .when(exclusion(
            ExclusionKind::PermanentExclusion,
            None,
            "assault on a pupil",
        ))
        .then([ChildEvent::ExclusionRecorded {
            kind: ExclusionKind::PermanentExclusion,
            start_date: date(2025, 3, 3),
            days: None,
            reason: "assault on a pupil".to_owned(),
        }]);
}

#[test]
fn exclusions_with_a_wrong_length_or_no_reason_are_refused() {
    given::<ChildDecider>(in_care())
        .when(exclusion(ExclusionKind::Suspension, None, "disruption"))
        .then_error(ChildError::InvalidExclusionLength);
    given::<ChildDecider>(in_care())
        .when(exclusion(ExclusionKind::Suspension, Some(0), "disruption"))
        .then_error(ChildError::InvalidExclusionLength);
    given::<ChildDecider>(in_care())
        .when(exclusion(
            ExclusionKind::PermanentExclusion,
            Some(5),
            "assault",
        ))
        .then_error(ChildError::InvalidExclusionLength);
    given::<ChildDecider>(in_care())
        .when(exclusion(ExclusionKind::Suspension, Some(2), ""))
        .then_error(ChildError::EmptyField { field: "reason" });
}

#[test]
fn attainment_is_recorded_and_needs_its_fields() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordAttainment {
            subject: "reading".to_owned(),
            assessment: "Year 8 spring data drop".to_owned(),
            result: "working at expected".to_owned(),
            assessed_on: date(2025, 3, 14),
            on_track: Some(true),
        })
        .then([ChildEvent::AttainmentRecorded {
            subject: "reading".to_owned(),
            assessment: "Year 8 spring data drop".to_owned(),
            result: "working at expected".to_owned(),
            assessed_on: date(2025, 3, 14),
            on_track: Some(true),
        }]);
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordAttainment {
            subject: "reading".to_owned(),
            assessment: "Year 8 spring data drop".to_owned(),
            result: " ".to_owned(),
            assessed_on: date(2025, 3, 14),
            on_track: None,
        })
        .then_error(ChildError::EmptyField { field: "result" });
}

fn open_pep(n: u128) -> ChildCommand {
    ChildCommand::OpenPep {
        pep_id: pep_id(n),
        kind: PepKind::Initial,
        trigger: PepTrigger::EnteredCare,
        opened_on: date(2024, 11, 4),
    }
}

fn pep_opened(n: u128) -> ChildEvent {
    ChildEvent::PepOpened {
        pep_id: pep_id(n),
        kind: PepKind::Initial,
        trigger: PepTrigger::EnteredCare,
        opened_on: date(2024, 11, 4),
    }
}

#[test]
fn a_pep_opens_for_a_looked_after_child() {
    let state = given::<ChildDecider>(in_care())
        .when(open_pep(1))
        .then([pep_opened(1)]);
    assert_eq!(state.open_pep, Some(pep_id(1)));
}

#[test]
fn only_one_pep_is_open_at_a_time() {
    let mut history = in_care();
    history.push(pep_opened(1));
    given::<ChildDecider>(history)
        .when(open_pep(2))
        .then_error(ChildError::PepAlreadyOpen { open: pep_id(1) });
}

#[test]
fn a_pep_id_cannot_be_reused_after_closing() {
    let mut history = in_care();
    history.push(pep_opened(1));
    history.push(ChildEvent::PepClosed {
        pep_id: pep_id(1),
        closed_on: date(2024, 12, 1),
        completed: true,
    });
    given::<ChildDecider>(history.clone())
        .when(open_pep(1))
        .then_error(ChildError::DuplicatePepId(pep_id(1)));
    given::<ChildDecider>(history)
        .when(open_pep(2))
        .then([pep_opened(2)]);
}

#[test]
fn no_pep_opens_for_a_child_not_in_care() {
    given::<ChildDecider>([registered()])
        .when(open_pep(1))
        .then_error(ChildError::NotInCare);
    let mut history = in_care();
    history.push(ChildEvent::CareEpisodeEnded {
        start_date: date(2024, 11, 1),
        end_date: date(2025, 6, 30),
        reason_ceased: "E4A".to_owned(),
    });
    given::<ChildDecider>(history)
        .when(open_pep(1))
        .then_error(ChildError::NotInCare);
}

#[test]
fn closing_the_open_pep_frees_the_child_for_the_next() {
    let mut history = in_care();
    history.push(pep_opened(1));
    let state = given::<ChildDecider>(history.clone())
        .when(ChildCommand::ClosePep {
            pep_id: pep_id(1),
            closed_on: date(2024, 12, 1),
            completed: true,
        })
        .then([ChildEvent::PepClosed {
            pep_id: pep_id(1),
            closed_on: date(2024, 12, 1),
            completed: true,
        }]);
    assert_eq!(state.open_pep, None);
    given::<ChildDecider>(history)
        .when(ChildCommand::ClosePep {
            pep_id: pep_id(9),
            closed_on: date(2024, 12, 1),
            completed: false,
        })
        .then_error(ChildError::PepNotOpen(pep_id(9)));
}

fn notice(about: u128, summary: &str) -> ChildCommand {
    ChildCommand::RequestIroNotice {
        notice_id: Uuid::from_u128(900 + about),
        reason: NoticeReason::PlacementChange,
        about_event_id: Uuid::from_u128(about),
        occurred_on: date(2025, 2, 3),
        summary: summary.to_owned(),
    }
}

#[test]
fn an_iro_notice_is_requested_once_per_event() {
    let requested = ChildEvent::IroNoticeRequested {
        notice_id: Uuid::from_u128(901),
        reason: NoticeReason::PlacementChange,
        about_event_id: Uuid::from_u128(1),
        occurred_on: date(2025, 2, 3),
        summary: "placement changed".to_owned(),
    };
    given::<ChildDecider>(in_care())
        .when(notice(1, "placement changed"))
        .then([requested.clone()]);
    let mut history = in_care();
    history.push(requested);
    given::<ChildDecider>(history)
        .when(notice(1, "placement changed"))
        .then([]);
    given::<ChildDecider>(in_care())
        .when(notice(2, ""))
        .then_error(ChildError::EmptyField { field: "summary" });
}
