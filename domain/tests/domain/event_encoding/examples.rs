//! One example of every event variant, kept apart from the checks so that adding a variant
//! means adding its example here, and the coverage check in the parent fails until someone does.

use crate::support::date;

use domain::actor::{PersonRef, Role};
use domain::child::{
    AssignedRole, ChildDetails, ChildEvent, EducationSetting, ExclusionKind, LeavingReason,
    NoticeReason, SenProvision, Sex, Ssda903Episode,
};
use domain::funding::{FinancialYear, FundingEvent, ReleaseCondition};
use domain::ids::*;
use domain::pep::*;
use domain::values::{LaCode, Money, SchoolUrn};
use uuid::Uuid;

fn person() -> PersonRef {
    PersonRef {
        id: "sw-1".to_owned(),
        name: "Priya Shah".to_owned(),
    }
}

fn episode() -> Ssda903Episode {
    Ssda903Episode {
        start_date: date(2017, 8, 14),
        reason_new_episode: "T".to_owned(),
        legal_status: "C2".to_owned(),
        placement_type: "A3".to_owned(),
        placement_provider: "PR3".to_owned(),
        reason_place_change: Some("CARPL".to_owned()),
        end_date: None,
        reason_ceased: None,
        placement_postcode: Some("WV27 9FW".to_owned()),
        setting_urn: Some("8969628".to_owned()),
    }
}

fn school() -> EducationSetting {
    EducationSetting {
        urn: Some(SchoolUrn::parse("104567").unwrap()),
        name: "Oakfield Primary".to_owned(),
    }
}

pub fn child_examples() -> Vec<ChildEvent> {
    let id = Uuid::from_u128(1);
    vec![
        ChildEvent::Registered {
            child_id: ChildId::from_uuid(id),
            la: LaCode::parse("831").unwrap(),
            la_child_id: "566910".to_owned(),
            details: ChildDetails {
                date_of_birth: date(2008, 3, 27),
                sex: Sex::Female,
                upn: Some("D051910639385".to_owned()),
                given_name: None,
                family_name: Some("Okafor".to_owned()),
            },
        },
        ChildEvent::DetailsUpdated {
            details: ChildDetails {
                date_of_birth: date(2008, 3, 27),
                sex: Sex::Unknown,
                upn: None,
                given_name: None,
                family_name: None,
            },
        },
        ChildEvent::CareEpisodeStarted { episode: episode() },
        ChildEvent::PlacementChanged { episode: episode() },
        ChildEvent::LegalStatusChanged { episode: episode() },
        ChildEvent::CareEpisodeEnded {
            start_date: date(2017, 8, 14),
            end_date: date(2018, 1, 2),
            reason_ceased: "E4A".to_owned(),
        },
        ChildEvent::CareEpisodeCorrected { episode: episode() },
        ChildEvent::EducationSettingChanged {
            setting: school(),
            started_on: date(2018, 1, 8),
            previous: Some(school()),
            leaving_reason: Some(LeavingReason::Breakdown),
            leaving_detail: Some("placement at school broke down".to_owned()),
        },
        ChildEvent::PersonAssigned {
            role: AssignedRole::Iro,
            person: person(),
            from: date(2018, 1, 1),
        },
        ChildEvent::SenStatusRecorded {
            provision: SenProvision::SenSupport,
            effective_from: date(2018, 1, 1),
            detail: None,
        },
        ChildEvent::AttendanceRecorded {
            period_start: date(2018, 1, 8),
            period_end: date(2018, 2, 9),
            possible_sessions: 50,
            attended_sessions: 47,
            unauthorised_absence_sessions: 1,
        },
        ChildEvent::ExclusionRecorded {
            kind: ExclusionKind::Suspension,
            start_date: date(2018, 2, 1),
            days: Some(2),
            reason: "disruption".to_owned(),
        },
        ChildEvent::AttainmentRecorded {
            subject: "reading".to_owned(),
            assessment: "KS2 SATs".to_owned(),
            result: "104".to_owned(),
            assessed_on: date(2018, 5, 14),
            on_track: Some(true),
        },
        ChildEvent::PepOpened {
            pep_id: PepId::from_uuid(id),
            kind: PepKind::Initial,
            trigger: PepTrigger::EnteredCare,
            opened_on: date(2017, 8, 15),
        },
        ChildEvent::PepClosed {
            pep_id: PepId::from_uuid(id),
            closed_on: date(2017, 9, 1),
            completed: true,
        },
        ChildEvent::IroNoticeRequested {
            notice_id: id,
            reason: NoticeReason::EducationBreakdown,
            about_event_id: id,
            occurred_on: date(2018, 1, 8),
            summary: "education placement broke down".to_owned(),
        },
        ChildEvent::RecordShared {
            with_la: LaCode::parse("830").unwrap(),
            reason: "placed out of area in Derbyshire".to_owned(),
            shared_on: date(2018, 1, 9),
        },
        ChildEvent::RecordSharingEnded {
            with_la: LaCode::parse("830").unwrap(),
            ended_on: date(2018, 7, 20),
        },
    ]
}

pub fn pep_examples() -> Vec<PepEvent> {
    let id = Uuid::from_u128(2);
    vec![
        PepEvent::Initiated {
            pep_id: PepId::from_uuid(id),
            child_id: ChildId::from_uuid(id),
            la: LaCode::parse("831").unwrap(),
            kind: PepKind::Post16,
            trigger: PepTrigger::KeyStageChange,
            initiated_on: date(2024, 9, 2),
            previous_pep_id: None,
            targets_to_review: vec![TargetSummary {
                target_id: TargetId::from_uuid(id),
                set_in: PepId::from_uuid(id),
                description: "d".to_owned(),
                success_criterion: "s".to_owned(),
                due_on: date(2024, 10, 1),
            }],
        },
        PepEvent::SectionDrafted {
            section: PepSection::ChildViews,
            content: "I want to be a vet".to_owned(),
            by_role: Role::YoungPerson,
        },
        PepEvent::SectionCompleted {
            section: PepSection::ChildViews,
            by_role: Role::YoungPerson,
            completed_on: date(2024, 9, 10),
        },
        PepEvent::MeetingScheduled {
            meeting_id: MeetingId::from_uuid(id),
            scheduled_for: date(2024, 9, 20),
            invitees: vec![person()],
        },
        PepEvent::MeetingHeld {
            meeting_id: MeetingId::from_uuid(id),
            held_on: date(2024, 9, 20),
            attendees: vec![Attendee {
                person: person(),
                capacity: "social worker".to_owned(),
            }],
            child_attended: false,
            child_absence_reason: Some("exam".to_owned()),
        },
        PepEvent::ChildViewsRecorded {
            views: String::new(),
            attachments: vec![AttachmentRef {
                attachment_id: "a1".to_owned(),
                file_name: "drawing.png".to_owned(),
                media_type: "image/png".to_owned(),
                size_bytes: 1024,
                sha256: "00".repeat(32),
            }],
            recorded_by_role: Role::Carer,
            in_own_words: true,
            recorded_on: date(2024, 9, 19),
        },
        PepEvent::TargetSet {
            target_id: TargetId::from_uuid(id),
            area: "english".to_owned(),
            description: "grade 5 in English language".to_owned(),
            success_criterion: "mock exam grade 5 or above".to_owned(),
            owner: person(),
            set_on: date(2024, 9, 20),
            due_on: date(2025, 3, 1),
            horizon: TargetHorizon::LongTerm,
            carried_from: Some(TargetId::from_uuid(id)),
        },
        PepEvent::TargetReviewed {
            target_id: TargetId::from_uuid(id),
            outcome: TargetOutcome::CarriedForward,
            comment: None,
            reviewed_on: date(2024, 9, 20),
        },
        PepEvent::ActionAgreed {
            action_id: ActionId::from_uuid(id),
            description: "book tutor".to_owned(),
            owner: person(),
            agreed_on: date(2024, 9, 20),
            due_on: date(2024, 10, 1),
            target_id: None,
        },
        PepEvent::ActionCompleted {
            action_id: ActionId::from_uuid(id),
            completed_on: date(2024, 9, 30),
        },
        PepEvent::Submitted {
            submitted_on: date(2024, 9, 21),
            by_role: Role::DesignatedTeacher,
            resubmission: true,
        },
        PepEvent::ReturnedForImprovement {
            returned_on: date(2024, 9, 22),
            reason: "targets vague".to_owned(),
        },
        PepEvent::QualityAssured {
            assured_on: date(2024, 9, 25),
            rating: QaRating::Amber,
            comments: Some("better".to_owned()),
        },
        PepEvent::SignedOff {
            signed_off_on: date(2024, 9, 26),
            by: person(),
        },
        PepEvent::Withdrawn {
            withdrawn_on: date(2024, 9, 27),
            reason: "left care".to_owned(),
        },
    ]
}

pub fn funding_examples() -> Vec<FundingEvent> {
    let id = Uuid::from_u128(3);
    vec![
        FundingEvent::BudgetSet {
            la: LaCode::parse("831").unwrap(),
            financial_year: "2024-25".parse::<FinancialYear>().unwrap(),
            budget: Money::from_pence(123_456_789),
            per_child_cap: Money::from_pence(190_000),
            release_condition: ReleaseCondition::SignedOff,
            impact_required_before_further_funding: true,
        },
        FundingEvent::Requested {
            request_id: FundingRequestId::from_uuid(id),
            child_id: ChildId::from_uuid(id),
            pep_id: PepId::from_uuid(id),
            school_urn: None,
            target_ids: vec![TargetId::from_uuid(id)],
            amount: Money::from_pence(60_050),
            purpose: "tuition".to_owned(),
            intended_outcome: "grade 5".to_owned(),
            requested_on: date(2024, 10, 1),
        },
        // An allocation without a schedule, as recorded before instalments were (its stored
        // shape is unchanged).
        FundingEvent::Allocated {
            request_id: FundingRequestId::from_uuid(id),
            amount: Money::from_pence(60_050),
            allocated_on: date(2024, 10, 2),
            instalments: Vec::new(),
            policy_name: None,
        },
        // An allocation paid in termly instalments under the policy's rules.
        FundingEvent::Allocated {
            request_id: FundingRequestId::from_uuid(id),
            amount: Money::from_pence(60_050),
            allocated_on: date(2024, 10, 2),
            instalments: domain::funding::schedule(
                Money::from_pence(60_050),
                date(2024, 10, 2),
                "2024-25".parse::<FinancialYear>().unwrap(),
                3,
            ),
            policy_name: Some("Statutory defaults".to_owned()),
        },
        FundingEvent::Paid {
            request_id: FundingRequestId::from_uuid(id),
            instalment: 1,
            term: domain::calendar::TermName::Autumn,
            year: 2024,
            amount: Money::from_pence(30_025),
            paid_on: date(2024, 10, 20),
            reference: "REM-0042".to_owned(),
        },
        FundingEvent::Rejected {
            request_id: FundingRequestId::from_uuid(id),
            reason: "covered by school".to_owned(),
            rejected_on: date(2024, 10, 2),
        },
        FundingEvent::ImpactRecorded {
            request_id: FundingRequestId::from_uuid(id),
            impact: "mock grade 5".to_owned(),
            recorded_on: date(2025, 3, 1),
        },
    ]
}
