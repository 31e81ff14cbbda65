//! What one generated child's history holds (record, PEP, PP+ requests), apart from the
//! appending so the events can be checked against `EVENTS_PER_CHILD` without the store in view.

use super::new_event;
use chrono::{Duration, NaiveDate};
use commands::store::NewEvent;
use domain::Role;
use domain::actor::PersonRef;
use domain::child::{
    AssignedRole, ChildDetails, ChildEvent, EducationSetting, ExclusionKind, NoticeReason, Sex,
};
use domain::funding::FundingEvent;
use domain::ids::{ChildId, FundingRequestId, MeetingId, PepId, TargetId};
use domain::pep::{PepEvent, PepKind, PepSection, PepTrigger, QaRating, TargetHorizon};
use domain::values::{Money, SchoolUrn};
use uuid::Uuid;

use crate::fixtures::{episode, la};
use crate::support::date;

/// Events made per child: 23 on the child record, 18 on the PEP, 3 on the PP+ budget.
pub const EVENTS_PER_CHILD: u64 = 44;

fn person(prefix: &str, number: usize) -> PersonRef {
    PersonRef {
        id: format!("{prefix}-{number}"),
        name: format!("{prefix} number {number}"),
    }
}

pub(super) type StreamEvents = (String, Vec<NewEvent>);

/// One child's record, PEP and PP+ request, allocation and impact.
pub(super) fn one_child(index: usize) -> (StreamEvents, StreamEvents, Vec<NewEvent>) {
    let child_id = ChildId::from_uuid(Uuid::now_v7());
    let pep_id = PepId::from_uuid(Uuid::now_v7());
    let target_ids = [
        TargetId::from_uuid(Uuid::now_v7()),
        TargetId::from_uuid(Uuid::now_v7()),
    ];
    let entered_care = date(2024, 9, 2) + Duration::days((index % 60) as i64);
    let school_number = 100_000 + index % 40;
    let mut child = vec![
        new_event(
            &ChildEvent::Registered {
                child_id,
                la: la(),
                la_child_id: format!("G{index:06}"),
                details: ChildDetails {
                    date_of_birth: date(2010, 1, 1) + Duration::days((index % 2000) as i64),
                    sex: if index.is_multiple_of(2) {
                        Sex::Female
                    } else {
                        Sex::Male
                    },
                    upn: None,
                    given_name: Some(format!("Child {index}")),
                    family_name: None,
                },
            },
            Role::Integration,
        ),
        new_event(
            &ChildEvent::CareEpisodeStarted {
                episode: episode(entered_care, "S"),
            },
            Role::Integration,
        ),
        new_event(
            &ChildEvent::PersonAssigned {
                role: AssignedRole::Iro,
                person: person("iro", index % 20),
                from: entered_care,
            },
            Role::SocialWorker,
        ),
        new_event(
            &ChildEvent::EducationSettingChanged {
                setting: EducationSetting {
                    urn: Some(SchoolUrn::parse(&school_number.to_string()).unwrap()),
                    name: format!("School {school_number}"),
                },
                started_on: entered_care,
                previous: None,
                leaving_reason: None,
                leaving_detail: None,
            },
            Role::SocialWorker,
        ),
    ];
    for month in 0..12_u32 {
        let start = month_start(2024, 9 + month);
        child.push(new_event(
            &ChildEvent::AttendanceRecorded {
                period_start: start,
                period_end: start + Duration::days(27),
                possible_sessions: 40,
                attended_sessions: 30 + (index as u32 + month) % 10,
                unauthorised_absence_sessions: (index as u32 + month) % 3,
            },
            Role::DesignatedTeacher,
        ));
    }
    child.push(new_event(
        &ChildEvent::ExclusionRecorded {
            kind: ExclusionKind::Suspension,
            start_date: date(2025, 1, 13),
            days: Some(1 + (index % 3) as u32),
            reason: "persistent disruption, \"see\" log".to_owned(),
        },
        Role::DesignatedTeacher,
    ));
    for subject in ["reading", "maths"] {
        child.push(new_event(
            &ChildEvent::AttainmentRecorded {
                subject: subject.to_owned(),
                assessment: "autumn data drop".to_owned(),
                result: format!("working at {}", index % 7),
                assessed_on: date(2024, 12, 13),
                on_track: Some(!index.is_multiple_of(3)),
            },
            Role::DesignatedTeacher,
        ));
    }
    child.push(new_event(
        &ChildEvent::PepOpened {
            pep_id,
            kind: PepKind::Initial,
            trigger: PepTrigger::EnteredCare,
            opened_on: entered_care,
        },
        Role::SocialWorker,
    ));
    child.push(new_event(
        &ChildEvent::IroNoticeRequested {
            notice_id: Uuid::now_v7(),
            reason: NoticeReason::Exclusion,
            about_event_id: Uuid::now_v7(),
            occurred_on: date(2025, 1, 13),
            summary: format!("Child {index} suspended"),
        },
        Role::System,
    ));
    // Shared with the LA the child is placed in for a term, then no longer: every projector
    // must take (or pass over) both.
    child.push(new_event(
        &ChildEvent::RecordShared {
            with_la: domain::values::LaCode::parse("830").unwrap(),
            reason: format!("Child {index} placed out of area"),
            shared_on: date(2025, 1, 6),
        },
        Role::VirtualSchool,
    ));
    child.push(new_event(
        &ChildEvent::RecordSharingEnded {
            with_la: domain::values::LaCode::parse("830").unwrap(),
            ended_on: date(2025, 4, 4),
        },
        Role::VirtualSchool,
    ));

    let mut pep = vec![new_event(
        &PepEvent::Initiated {
            pep_id,
            child_id,
            la: la(),
            kind: PepKind::Initial,
            trigger: PepTrigger::EnteredCare,
            initiated_on: entered_care,
            previous_pep_id: None,
            targets_to_review: vec![],
        },
        Role::SocialWorker,
    )];
    for section in PepSection::REQUIRED {
        pep.push(new_event(
            &PepEvent::SectionDrafted {
                section,
                content: format!("notes for child {index}"),
                by_role: section.owner(),
            },
            section.owner(),
        ));
        pep.push(new_event(
            &PepEvent::SectionCompleted {
                section,
                by_role: section.owner(),
                completed_on: entered_care + Duration::days(7),
            },
            section.owner(),
        ));
    }
    let meeting_id = MeetingId::from_uuid(Uuid::now_v7());
    pep.push(new_event(
        &PepEvent::MeetingScheduled {
            meeting_id,
            scheduled_for: entered_care + Duration::days(7),
            invitees: vec![person("dt", index % 40)],
        },
        Role::DesignatedTeacher,
    ));
    pep.push(new_event(
        &PepEvent::MeetingHeld {
            meeting_id,
            held_on: entered_care + Duration::days(7),
            attendees: vec![],
            child_attended: !index.is_multiple_of(4),
            child_absence_reason: None,
        },
        Role::DesignatedTeacher,
    ));
    for (number, target_id) in target_ids.iter().enumerate() {
        pep.push(new_event(
            &PepEvent::TargetSet {
                target_id: *target_id,
                area: if number == 0 { "reading" } else { "maths" }.to_owned(),
                description: format!("target {number} for child {index}"),
                success_criterion: "assessed at the next review".to_owned(),
                owner: person("carer", index),
                set_on: entered_care + Duration::days(7),
                due_on: entered_care + Duration::days(90),
                horizon: TargetHorizon::ShortTerm,
                carried_from: None,
            },
            Role::DesignatedTeacher,
        ));
    }
    pep.push(new_event(
        &PepEvent::ChildViewsRecorded {
            views: "I like football".to_owned(),
            attachments: vec![],
            recorded_by_role: Role::YoungPerson,
            in_own_words: true,
            recorded_on: entered_care + Duration::days(7),
        },
        Role::YoungPerson,
    ));
    pep.push(new_event(
        &PepEvent::Submitted {
            submitted_on: entered_care + Duration::days(8),
            by_role: Role::DesignatedTeacher,
            resubmission: false,
        },
        Role::DesignatedTeacher,
    ));
    pep.push(new_event(
        &PepEvent::QualityAssured {
            assured_on: entered_care + Duration::days(10),
            rating: QaRating::Green,
            comments: None,
        },
        Role::VirtualSchool,
    ));

    let request_id = FundingRequestId::from_uuid(Uuid::now_v7());
    let requested = 50_000 + (index % 10) as i64 * 1_000;
    let mut funding = vec![
        new_event(
            &FundingEvent::Requested {
                request_id,
                child_id,
                pep_id,
                school_urn: Some(SchoolUrn::parse(&school_number.to_string()).unwrap()),
                target_ids: target_ids.to_vec(),
                amount: Money::from_pence(requested),
                purpose: "tutoring".to_owned(),
                intended_outcome: "catch up".to_owned(),
                requested_on: entered_care + Duration::days(12),
            },
            Role::DesignatedTeacher,
        ),
        new_event(
            &FundingEvent::Allocated {
                request_id,
                amount: Money::from_pence(requested - 5_000),
                allocated_on: entered_care + Duration::days(14),
                // Generated allocations have no schedule, as those recorded before
                // instalments existed: the read model pays them in one.
                instalments: Vec::new(),
                policy_name: None,
            },
            Role::VirtualSchool,
        ),
    ];
    funding.push(if index.is_multiple_of(2) {
        new_event(
            &FundingEvent::ImpactRecorded {
                request_id,
                impact: "reading age up".to_owned(),
                recorded_on: entered_care + Duration::days(100),
            },
            Role::DesignatedTeacher,
        )
    } else {
        // A second request, still waiting for a decision.
        new_event(
            &FundingEvent::Requested {
                request_id: FundingRequestId::from_uuid(Uuid::now_v7()),
                child_id,
                pep_id,
                school_urn: None,
                target_ids: vec![target_ids[1]],
                amount: Money::from_pence(20_000),
                purpose: "laptop".to_owned(),
                intended_outcome: "homework submitted on time".to_owned(),
                requested_on: entered_care + Duration::days(20),
            },
            Role::DesignatedTeacher,
        )
    });
    (
        (child_id.stream_id(), child),
        (pep_id.stream_id(), pep),
        funding,
    )
}

fn month_start(year: i32, month: u32) -> NaiveDate {
    let (year, month) = (year + ((month - 1) / 12) as i32, (month - 1) % 12 + 1);
    date(year, month, 1)
}
