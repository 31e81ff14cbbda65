//! One child's compliance judged on fixed days either side of the end of the spring term 2025,
//! across the Easter bank holidays (Good Friday 18 April, Easter Monday 21 April) and the start
//! of the summer term (Tuesday 22 April in the demo LA's term dates).

use crate::support::{calendar, date};
use chrono::NaiveDate;
use domain::calendar::{AcademicYear, TermName};
use domain::compliance::{
    CarePeriod, ComplianceFacts, ComplianceReport, DueKind, DueStatus, PepFact, PepKind,
    ReportedChange, evaluate,
};
use domain::policy::LaPolicy;

/// School changes are due within 10 school days in this LA, so the Easter holiday pauses them.
fn policy() -> LaPolicy {
    let mut policy = LaPolicy::default();
    policy.new_pep_triggers.school_change_within = "10 school days".parse().unwrap();
    policy.validate().unwrap();
    policy
}

/// In care since Friday 1 November 2024, initial PEP done on time; a school change on Wednesday
/// 2 April 2025, two days before the spring term ends; a placement change in the Easter holiday
/// on Thursday 10 April, reported a week late.
fn facts() -> ComplianceFacts {
    ComplianceFacts {
        date_of_birth: date(2014, 5, 10),
        care_periods: vec![CarePeriod {
            started_on: date(2024, 11, 1),
            ended_on: None,
        }],
        placement_changes: vec![ReportedChange {
            occurred_on: date(2025, 4, 10),
            recorded_on: Some(date(2025, 4, 17)),
        }],
        school_changes: vec![ReportedChange {
            occurred_on: date(2025, 4, 2),
            recorded_on: Some(date(2025, 4, 2)),
        }],
        care_reviews_held: vec![date(2024, 11, 28)],
        peps: vec![PepFact {
            kind: PepKind::Initial,
            meeting_held_on: Some(date(2024, 11, 12)),
            completed_on: Some(date(2024, 11, 14)),
        }],
        ..ComplianceFacts::default()
    }
}

fn status(report: &ComplianceReport, kind: DueKind) -> (NaiveDate, DueStatus) {
    let entry = report
        .entries
        .iter()
        .find(|entry| entry.item.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {:#?}", report.entries));
    (entry.item.due_date, entry.status)
}

const SPRING_2025: DueKind = DueKind::TermlyReview {
    academic_year: AcademicYear::starting_in(2024),
    term: TermName::Spring,
};
const SUMMER_2025: DueKind = DueKind::TermlyReview {
    academic_year: AcademicYear::starting_in(2024),
    term: TermName::Summer,
};

#[test]
fn on_the_last_day_of_the_spring_term() {
    let report = evaluate(&facts(), &policy(), &calendar(), date(2025, 4, 4));
    assert_eq!(
        status(&report, DueKind::InitialPep),
        (date(2024, 11, 15), DueStatus::OnTime)
    );
    // The spring review is due today and not done: due soon, not yet overdue.
    assert_eq!(
        status(&report, SPRING_2025),
        (date(2025, 4, 4), DueStatus::DueSoon)
    );
    // School change on Wed 2 April: school days Thu 3, Fri 4 April (1-2); Easter holiday 7-21
    // April (with Good Friday and Easter Monday); Tue 22 to Fri 25 (3-6), Mon 28 to Wed 30
    // April (7-9), Thu 1 May (10). Due Thursday 1 May: 27 days away, beyond the 14-day window.
    assert_eq!(
        status(&report, DueKind::SchoolChangeReview),
        (date(2025, 5, 1), DueStatus::Upcoming)
    );
}

#[test]
fn on_the_first_day_of_the_summer_term() {
    let report = evaluate(&facts(), &policy(), &calendar(), date(2025, 4, 22));
    // The term ended without a review: overdue.
    assert_eq!(
        status(&report, SPRING_2025),
        (date(2025, 4, 4), DueStatus::Overdue)
    );
    assert_eq!(
        status(&report, SUMMER_2025),
        (date(2025, 7, 22), DueStatus::Upcoming)
    );
    // Placement change Thu 10 April: Fri 11, Mon 14 to Thu 17 (1-5), Good Friday 18 and Easter
    // Monday 21 are bank holidays, Tue 22 to Fri 25 (6-9), Mon 28 April (10). Due in 6 days.
    assert_eq!(
        status(&report, DueKind::PlacementChangeReview),
        (date(2025, 4, 28), DueStatus::DueSoon)
    );
    assert_eq!(
        status(&report, DueKind::SchoolChangeReview),
        (date(2025, 5, 1), DueStatus::DueSoon)
    );
    assert_eq!(report.most_urgent_open_status(), Some(DueStatus::Overdue));
}

#[test]
fn a_pep_early_in_the_summer_term_does_not_rescue_the_spring_review() {
    let mut facts = facts();
    facts.peps.push(PepFact {
        kind: PepKind::PlacementChange,
        meeting_held_on: Some(date(2025, 4, 24)),
        completed_on: Some(date(2025, 4, 25)),
    });
    let report = evaluate(&facts, &policy(), &calendar(), date(2025, 4, 28));
    assert_eq!(
        status(&report, DueKind::PlacementChangeReview),
        (date(2025, 4, 28), DueStatus::OnTime)
    );
    assert_eq!(
        status(&report, DueKind::SchoolChangeReview),
        (date(2025, 5, 1), DueStatus::OnTime)
    );
    assert_eq!(
        status(&report, SUMMER_2025),
        (date(2025, 7, 22), DueStatus::OnTime)
    );
    // Completed after the summer term began, so it belongs to the summer term.
    assert_eq!(
        status(&report, SPRING_2025),
        (date(2025, 4, 4), DueStatus::Overdue)
    );
}
