//! Given/when/then scenarios for every PEP command and every way it can be refused.

use super::*;
use crate::actor::{Actor, PersonRef, Role};
use crate::ids::{ActionId, ChildId, MeetingId, PepId, TargetId};
use crate::testing::given;
use crate::values::LaCode;
use chrono::NaiveDate;
use uuid::Uuid;

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
        section,
        content: "new text".to_owned(),
        by: as_role(by),
    }
}

#[test]
fn initiating_starts_the_pep_with_the_targets_to_review() {
    let state = given::<PepDecider>([]).when(initiate()).then([initiated()]);
    assert_eq!(state.status(), PepStatus::NotStarted);
    assert!(state.targets.contains_key(&target(90)));
}

#[test]
fn initiating_twice_is_refused() {
    given::<PepDecider>([initiated()])
        .when(initiate())
        .then_error(PepError::AlreadyInitiated);
}

#[test]
fn nothing_happens_to_a_pep_before_it_is_initiated() {
    given::<PepDecider>([])
        .when(draft(PepSection::CareContext, Role::SocialWorker))
        .then_error(PepError::NotInitiated);
}

#[test]
fn the_owner_and_the_virtual_school_draft_a_section() {
    let state = given::<PepDecider>([initiated()])
        .when(draft(PepSection::CareContext, Role::SocialWorker))
        .then([PepEvent::SectionDrafted {
            section: PepSection::CareContext,
            content: "new text".to_owned(),
            by_role: Role::SocialWorker,
        }]);
    assert_eq!(state.status(), PepStatus::InProgress);
    given::<PepDecider>([initiated()])
        .when(draft(PepSection::CareContext, Role::VirtualSchool))
        .then([PepEvent::SectionDrafted {
            section: PepSection::CareContext,
            content: "new text".to_owned(),
            by_role: Role::VirtualSchool,
        }]);
}

#[test]
fn another_role_cannot_draft_a_section() {
    given::<PepDecider>([initiated()])
        .when(draft(PepSection::AttainmentAndProgress, Role::Carer))
        .then_error(PepError::NotSectionOwner {
            section: "attainment_and_progress",
            owner: Role::DesignatedTeacher,
            by: Role::Carer,
            verb: "draft",
        });
}

#[test]
fn an_empty_draft_is_refused_and_an_unchanged_one_records_nothing() {
    given::<PepDecider>([initiated()])
        .when(PepCommand::DraftSection {
            section: PepSection::ChildViews,
            content: "   ".to_owned(),
            by: as_role(Role::YoungPerson),
        })
        .then_error(PepError::EmptyField { field: "content" });
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(PepCommand::DraftSection {
            section: PepSection::CareContext,
            content: "care_context notes".to_owned(),
            by: as_role(Role::SocialWorker),
        })
        .then([]);
}

#[test]
fn only_the_owning_role_completes_a_section() {
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(PepCommand::CompleteSection {
            section: PepSection::CareContext,
            by: as_role(Role::SocialWorker),
            completed_on: date(2025, 1, 20),
        })
        .then([PepEvent::SectionCompleted {
            section: PepSection::CareContext,
            by_role: Role::SocialWorker,
            completed_on: date(2025, 1, 20),
        }]);
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(PepCommand::CompleteSection {
            section: PepSection::CareContext,
            by: as_role(Role::VirtualSchool),
            completed_on: date(2025, 1, 20),
        })
        .then_error(PepError::NotSectionOwner {
            section: "care_context",
            owner: Role::SocialWorker,
            by: Role::VirtualSchool,
            verb: "complete",
        });
}

#[test]
fn a_section_without_content_cannot_be_completed_and_completing_twice_records_nothing() {
    given::<PepDecider>([initiated()])
        .when(PepCommand::CompleteSection {
            section: PepSection::ChildViews,
            by: as_role(Role::YoungPerson),
            completed_on: date(2025, 1, 20),
        })
        .then_error(PepError::SectionEmpty("child_views"));
    given::<PepDecider>([
        initiated(),
        drafted(PepSection::CareContext),
        completed(PepSection::CareContext),
    ])
    .when(PepCommand::CompleteSection {
        section: PepSection::CareContext,
        by: as_role(Role::SocialWorker),
        completed_on: date(2025, 1, 21),
    })
    .then([]);
}

#[test]
fn redrafting_a_completed_section_reopens_it() {
    let state = given::<PepDecider>([
        initiated(),
        drafted(PepSection::CareContext),
        completed(PepSection::CareContext),
    ])
    .when(draft(PepSection::CareContext, Role::SocialWorker))
    .then([PepEvent::SectionDrafted {
        section: PepSection::CareContext,
        content: "new text".to_owned(),
        by_role: Role::SocialWorker,
    }]);
    assert_eq!(state.sections[&PepSection::CareContext].completed_on, None);
}

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

#[test]
fn the_childs_views_are_recorded_as_words_or_attachments() {
    let drawing = AttachmentRef {
        attachment_id: "att-1".to_owned(),
        file_name: "my-school.png".to_owned(),
        media_type: "image/png".to_owned(),
        size_bytes: 48_213,
        sha256: "ab".repeat(32),
    };
    given::<PepDecider>([initiated()])
        .when(PepCommand::RecordChildViews {
            views: String::new(),
            attachments: vec![drawing.clone()],
            in_own_words: true,
            by: as_role(Role::Carer),
            recorded_on: date(2025, 1, 15),
        })
        .then([PepEvent::ChildViewsRecorded {
            views: String::new(),
            attachments: vec![drawing],
            recorded_by_role: Role::Carer,
            in_own_words: true,
            recorded_on: date(2025, 1, 15),
        }]);
    given::<PepDecider>([initiated()])
        .when(PepCommand::RecordChildViews {
            views: " ".to_owned(),
            attachments: vec![],
            in_own_words: true,
            by: as_role(Role::YoungPerson),
            recorded_on: date(2025, 1, 15),
        })
        .then_error(PepError::EmptyField {
            field: "views or attachments",
        });
}

#[test]
fn a_smart_target_is_set() {
    given::<PepDecider>([initiated()])
        .when(smart_target(1))
        .then([target_set(1)]);
}

#[test]
fn a_target_that_is_not_smart_is_refused() {
    type Spoil = Box<dyn Fn(&mut PepCommand)>;
    let cases: Vec<(Spoil, &str)> = vec![
        (
            Box::new(|command| {
                if let PepCommand::SetTarget { description, .. } = command {
                    description.clear();
                }
            }),
            "it must say specifically what is to be achieved",
        ),
        (
            Box::new(|command| {
                if let PepCommand::SetTarget {
                    success_criterion, ..
                } = command
                {
                    *success_criterion = " ".to_owned();
                }
            }),
            "it needs a measurable success criterion",
        ),
        (
            Box::new(|command| {
                if let PepCommand::SetTarget { owner, .. } = command {
                    owner.name.clear();
                }
            }),
            "it must be assigned to a named person",
        ),
        (
            Box::new(|command| {
                if let PepCommand::SetTarget { due_on, set_on, .. } = command {
                    *due_on = *set_on;
                }
            }),
            "its due date must be after the date it is set",
        ),
    ];
    for (spoil, reason) in cases {
        let mut command = smart_target(1);
        spoil(&mut command);
        given::<PepDecider>([initiated()])
            .when(command)
            .then_error(PepError::NotSmart(reason));
    }
}

#[test]
fn target_ids_are_unique_and_carried_targets_must_exist() {
    given::<PepDecider>([initiated(), target_set(1)])
        .when(smart_target(1))
        .then_error(PepError::DuplicateId {
            kind: "target",
            id: target(1).to_string(),
        });
    let mut command = smart_target(2);
    if let PepCommand::SetTarget { carried_from, .. } = &mut command {
        *carried_from = Some(target(55));
    }
    given::<PepDecider>([initiated()])
        .when(command)
        .then_error(PepError::Unknown {
            kind: "target",
            id: target(55).to_string(),
        });
}

fn review(target_id: TargetId) -> PepCommand {
    PepCommand::ReviewTarget {
        target_id,
        outcome: TargetOutcome::PartlyMet,
        comment: Some("reading age 8.6".to_owned()),
        reviewed_on: date(2025, 1, 20),
    }
}

#[test]
fn targets_carried_in_and_set_here_are_reviewed_once() {
    let state = given::<PepDecider>([initiated()])
        .when(review(target(90)))
        .then([PepEvent::TargetReviewed {
            target_id: target(90),
            outcome: TargetOutcome::PartlyMet,
            comment: Some("reading age 8.6".to_owned()),
            reviewed_on: date(2025, 1, 20),
        }]);
    assert_eq!(
        state.targets[&target(90)].outcome,
        Some(TargetOutcome::PartlyMet)
    );
    let reviewed = PepEvent::TargetReviewed {
        target_id: target(90),
        outcome: TargetOutcome::PartlyMet,
        comment: None,
        reviewed_on: date(2025, 1, 20),
    };
    given::<PepDecider>([initiated(), reviewed])
        .when(review(target(90)))
        .then_error(PepError::TargetAlreadyReviewed(target(90)));
    given::<PepDecider>([initiated()])
        .when(review(target(3)))
        .then_error(PepError::Unknown {
            kind: "target",
            id: target(3).to_string(),
        });
}

fn agree(action_id: ActionId, due_on: NaiveDate, target_id: Option<TargetId>) -> PepCommand {
    PepCommand::AgreeAction {
        action_id,
        description: "arrange weekly reading with a mentor".to_owned(),
        owner: person("dt-1", "Mr Evans"),
        agreed_on: date(2025, 1, 20),
        due_on,
        target_id,
    }
}

#[test]
fn actions_are_agreed_with_an_owner_and_a_date_and_completed_once() {
    let agreed = PepEvent::ActionAgreed {
        action_id: action(1),
        description: "arrange weekly reading with a mentor".to_owned(),
        owner: person("dt-1", "Mr Evans"),
        agreed_on: date(2025, 1, 20),
        due_on: date(2025, 2, 7),
        target_id: Some(target(1)),
    };
    given::<PepDecider>([initiated(), target_set(1)])
        .when(agree(action(1), date(2025, 2, 7), Some(target(1))))
        .then([agreed.clone()]);
    let done = PepEvent::ActionCompleted {
        action_id: action(1),
        completed_on: date(2025, 2, 3),
    };
    given::<PepDecider>([initiated(), target_set(1), agreed.clone()])
        .when(PepCommand::CompleteAction {
            action_id: action(1),
            completed_on: date(2025, 2, 3),
        })
        .then([done.clone()]);
    given::<PepDecider>([initiated(), target_set(1), agreed, done])
        .when(PepCommand::CompleteAction {
            action_id: action(1),
            completed_on: date(2025, 2, 4),
        })
        .then_error(PepError::ActionAlreadyComplete(action(1)));
}

#[test]
fn bad_actions_are_refused() {
    given::<PepDecider>([initiated()])
        .when(agree(action(1), date(2025, 1, 10), None))
        .then_error(PepError::DueBeforeAgreed {
            agreed_on: date(2025, 1, 20),
            due_on: date(2025, 1, 10),
        });
    given::<PepDecider>([initiated()])
        .when(agree(action(1), date(2025, 2, 7), Some(target(8))))
        .then_error(PepError::Unknown {
            kind: "target",
            id: target(8).to_string(),
        });
    given::<PepDecider>([initiated()])
        .when(PepCommand::CompleteAction {
            action_id: action(4),
            completed_on: date(2025, 2, 3),
        })
        .then_error(PepError::Unknown {
            kind: "action",
            id: action(4).to_string(),
        });
    given::<PepDecider>([initiated()])
        .when(PepCommand::AgreeAction {
            action_id: action(1),
            description: String::new(),
            owner: person("dt-1", "Mr Evans"),
            agreed_on: date(2025, 1, 20),
            due_on: date(2025, 2, 7),
            target_id: None,
        })
        .then_error(PepError::EmptyField {
            field: "description",
        });
}

fn submit(by: Role) -> PepCommand {
    PepCommand::Submit {
        by: as_role(by),
        submitted_on: date(2025, 1, 21),
    }
}

#[test]
fn a_pep_is_ready_once_everything_required_is_there_and_is_then_submitted() {
    use crate::event::Decider;
    assert_eq!(PepDecider::replay(&ready()).status(), PepStatus::Ready);
    given::<PepDecider>(ready())
        .when(submit(Role::DesignatedTeacher))
        .then([PepEvent::Submitted {
            submitted_on: date(2025, 1, 21),
            by_role: Role::DesignatedTeacher,
            resubmission: false,
        }]);
}

#[test]
fn submitting_an_incomplete_pep_says_what_is_missing() {
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(submit(Role::SocialWorker))
        .then_error(PepError::NotReady(vec![
            "section education_history is not complete".to_owned(),
            "section current_arrangements is not complete".to_owned(),
            "section attendance_and_conduct is not complete".to_owned(),
            "section attainment_and_progress is not complete".to_owned(),
            "section care_context is not complete".to_owned(),
            "no PEP meeting has been held".to_owned(),
            "no SMART target has been set".to_owned(),
            "the child's views have not been recorded".to_owned(),
        ]));
}

#[test]
fn a_carer_cannot_submit() {
    given::<PepDecider>(ready())
        .when(submit(Role::Carer))
        .then_error(PepError::RoleNotAllowed {
            action: "submit",
            by: Role::Carer,
        });
}

#[test]
fn a_submitted_pep_cannot_be_edited_or_submitted_again() {
    given::<PepDecider>(submitted())
        .when(draft(PepSection::CareContext, Role::SocialWorker))
        .then_error(PepError::Locked {
            status: PepStatus::Submitted,
        });
    given::<PepDecider>(submitted())
        .when(submit(Role::DesignatedTeacher))
        .then_error(PepError::WrongStatus {
            action: "submit",
            status: PepStatus::Submitted,
        });
}

fn return_pep(by: Role, reason: &str) -> PepCommand {
    PepCommand::Return {
        by: as_role(by),
        returned_on: date(2025, 1, 24),
        reason: reason.to_owned(),
    }
}

#[test]
fn the_virtual_school_returns_a_submitted_pep_which_can_then_be_fixed_and_resubmitted() {
    let reason = "targets are not measurable enough";
    given::<PepDecider>(submitted())
        .when(return_pep(Role::VirtualSchool, reason))
        .then([PepEvent::ReturnedForImprovement {
            returned_on: date(2025, 1, 24),
            reason: reason.to_owned(),
        }]);
    let mut history = submitted();
    history.push(PepEvent::ReturnedForImprovement {
        returned_on: date(2025, 1, 24),
        reason: reason.to_owned(),
    });
    given::<PepDecider>(history.clone())
        .when(smart_target(2))
        .then([target_set(2)]);
    history.push(target_set(2));
    given::<PepDecider>(history)
        .when(submit(Role::DesignatedTeacher))
        .then([PepEvent::Submitted {
            submitted_on: date(2025, 1, 21),
            by_role: Role::DesignatedTeacher,
            resubmission: true,
        }]);
}

#[test]
fn returning_is_refused_for_other_roles_without_a_reason_or_when_not_submitted() {
    given::<PepDecider>(submitted())
        .when(return_pep(Role::DesignatedTeacher, "x"))
        .then_error(PepError::RoleNotAllowed {
            action: "return",
            by: Role::DesignatedTeacher,
        });
    given::<PepDecider>(submitted())
        .when(return_pep(Role::VirtualSchool, " "))
        .then_error(PepError::EmptyField { field: "reason" });
    given::<PepDecider>(ready())
        .when(return_pep(Role::VirtualSchool, "x"))
        .then_error(PepError::WrongStatus {
            action: "return",
            status: PepStatus::Ready,
        });
}

fn assure(by: Role) -> PepCommand {
    PepCommand::QualityAssure {
        by: as_role(by),
        assured_on: date(2025, 1, 28),
        rating: QaRating::Green,
        comments: None,
    }
}

#[test]
fn the_virtual_school_rates_a_submitted_pep() {
    given::<PepDecider>(submitted())
        .when(assure(Role::VirtualSchool))
        .then([quality_assured().last().unwrap().clone()]);
    given::<PepDecider>(ready())
        .when(assure(Role::VirtualSchool))
        .then_error(PepError::WrongStatus {
            action: "quality assure",
            status: PepStatus::Ready,
        });
    given::<PepDecider>(submitted())
        .when(assure(Role::SocialWorker))
        .then_error(PepError::RoleNotAllowed {
            action: "quality assure",
            by: Role::SocialWorker,
        });
}

fn sign_off() -> PepCommand {
    PepCommand::SignOff {
        by: as_role(Role::VirtualSchool),
        by_name: "Dr Adeyemi".to_owned(),
        signed_off_on: date(2025, 1, 29),
    }
}

#[test]
fn a_quality_assured_pep_is_signed_off_and_never_changes_again() {
    let state = given::<PepDecider>(quality_assured())
        .when(sign_off())
        .then([signed_off().last().unwrap().clone()]);
    assert_eq!(state.status(), PepStatus::SignedOff);
    given::<PepDecider>(submitted())
        .when(sign_off())
        .then_error(PepError::WrongStatus {
            action: "sign off",
            status: PepStatus::Submitted,
        });
    given::<PepDecider>(signed_off())
        .when(smart_target(5))
        .then_error(PepError::Locked {
            status: PepStatus::SignedOff,
        });
    given::<PepDecider>(signed_off())
        .when(review(target(1)))
        .then_error(PepError::Locked {
            status: PepStatus::SignedOff,
        });
}

fn withdraw(by: Role, reason: &str) -> PepCommand {
    PepCommand::Withdraw {
        by: as_role(by),
        withdrawn_on: date(2025, 2, 1),
        reason: reason.to_owned(),
    }
}

#[test]
fn a_pep_can_be_withdrawn_until_it_is_signed_off() {
    given::<PepDecider>(ready())
        .when(withdraw(Role::SocialWorker, "child returned home"))
        .then([PepEvent::Withdrawn {
            withdrawn_on: date(2025, 2, 1),
            reason: "child returned home".to_owned(),
        }]);
    given::<PepDecider>(signed_off())
        .when(withdraw(Role::VirtualSchool, "duplicate"))
        .then_error(PepError::WrongStatus {
            action: "withdraw",
            status: PepStatus::SignedOff,
        });
    given::<PepDecider>(ready())
        .when(withdraw(Role::Carer, "moving"))
        .then_error(PepError::RoleNotAllowed {
            action: "withdraw",
            by: Role::Carer,
        });
    given::<PepDecider>(ready())
        .when(withdraw(Role::SocialWorker, ""))
        .then_error(PepError::EmptyField { field: "reason" });
}

#[test]
fn unreviewed_targets_set_here_are_carried_to_the_next_pep() {
    use crate::event::Decider;
    let mut history = ready();
    history.push(target_set(2));
    history.push(PepEvent::TargetReviewed {
        target_id: target(2),
        outcome: TargetOutcome::Met,
        comment: None,
        reviewed_on: date(2025, 1, 25),
    });
    let carried = PepDecider::replay(&history).targets_to_carry();
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].target_id, target(1));
    assert_eq!(carried[0].set_in, pep_id());
}
