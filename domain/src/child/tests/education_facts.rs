//! Scenarios for the education facts (SEN, attendance, exclusions, attainment), apart because each
//! is refused only when it is impossible, never merely unusual.

use super::*;

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
