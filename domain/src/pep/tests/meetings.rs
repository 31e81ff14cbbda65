//! Meeting scenarios, apart because a held meeting is the evidence that the PEP was reviewed with
//! the people around the child.

use super::*;

#[test]
fn meetings_are_scheduled_once_and_held_once() {
    given::<PepDecider>([initiated()])
        .when(PepCommand::ScheduleMeeting {
            meeting_id: meeting(1),
            scheduled_for: date(2025, 1, 20),
            invitees: vec![person("dt-1", "Mr Evans")],
        })
        .then([meeting_held()[0].clone()]);
    let mut history = vec![initiated()];
    history.extend(meeting_held());
    given::<PepDecider>(history.clone())
        .when(PepCommand::ScheduleMeeting {
            meeting_id: meeting(1),
            scheduled_for: date(2025, 2, 20),
            invitees: vec![],
        })
        .then_error(PepError::DuplicateId {
            kind: "meeting",
            id: meeting(1).to_string(),
        });
    given::<PepDecider>(history)
        .when(hold(meeting(1), true, None))
        .then_error(PepError::MeetingAlreadyHeld(meeting(1)));
}

fn hold(meeting_id: MeetingId, child_attended: bool, reason: Option<&str>) -> PepCommand {
    PepCommand::HoldMeeting {
        meeting_id,
        held_on: date(2025, 1, 20),
        attendees: vec![Attendee {
            person: person("dt-1", "Mr Evans"),
            capacity: "designated teacher".to_owned(),
        }],
        child_attended,
        child_absence_reason: reason.map(str::to_owned),
    }
}

#[test]
fn holding_a_meeting_records_who_came() {
    let history = vec![initiated(), meeting_held()[0].clone()];
    given::<PepDecider>(history.clone())
        .when(hold(meeting(1), true, None))
        .then([meeting_held()[1].clone()]);
    given::<PepDecider>(history.clone())
        .when(hold(
            meeting(1),
            false,
            Some("unwell on the day; views gathered beforehand"),
        ))
        .then([PepEvent::MeetingHeld {
            meeting_id: meeting(1),
            held_on: date(2025, 1, 20),
            attendees: vec![Attendee {
                person: person("dt-1", "Mr Evans"),
                capacity: "designated teacher".to_owned(),
            }],
            child_attended: false,
            child_absence_reason: Some("unwell on the day; views gathered beforehand".to_owned()),
        }]);
}

#[test]
fn holding_a_meeting_is_refused_when_unknown_empty_or_the_absence_is_unexplained() {
    let history = vec![initiated(), meeting_held()[0].clone()];
    given::<PepDecider>(history.clone())
        .when(hold(meeting(5), true, None))
        .then_error(PepError::Unknown {
            kind: "meeting",
            id: meeting(5).to_string(),
        });
    given::<PepDecider>(history.clone())
        .when(hold(meeting(1), false, Some(" ")))
        .then_error(PepError::MissingAbsenceReason);
    given::<PepDecider>(history)
        .when(PepCommand::HoldMeeting {
            meeting_id: meeting(1),
            held_on: date(2025, 1, 20),
            attendees: vec![],
            child_attended: true,
            child_absence_reason: None,
        })
        .then_error(PepError::EmptyField { field: "attendees" });
}
