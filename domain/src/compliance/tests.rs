//! Worked examples of each compliance rule, with dates counted by hand in the comments.

use super::*;
use crate::calendar::{
    AcademicYear, BankHolidays, Calendar, Deadline, KeyStage, SchoolTerms, TermName, YearGroup,
};
use crate::policy::LaPolicy;
use chrono::NaiveDate;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The real England-and-Wales bank holidays of 2023 to 2025, known through 31 December 2025.
fn calendar() -> Calendar {
    let bank_holidays = BankHolidays::from_dates(
        [
            (2023, 1, 2),
            (2023, 4, 7),
            (2023, 4, 10),
            (2023, 5, 1),
            (2023, 5, 8),
            (2023, 5, 29),
            (2023, 8, 28),
            (2023, 12, 25),
            (2023, 12, 26),
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

/// Born 10 May 2014: Year 6 in 2024-25, Year 7 from September 2025.
fn child_entering_care(started_on: NaiveDate) -> ComplianceFacts {
    ComplianceFacts {
        date_of_birth: date(2014, 5, 10),
        care_periods: vec![CarePeriod {
            started_on,
            ended_on: None,
        }],
        ..ComplianceFacts::default()
    }
}

fn completed(on: NaiveDate) -> PepFact {
    PepFact {
        kind: PepKind::Review,
        meeting_held_on: Some(on),
        completed_on: Some(on),
    }
}

fn find(due: &DueDates, kind: DueKind) -> &DueItem {
    due.items
        .iter()
        .find(|item| item.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {:#?}", due.items))
}

#[test]
fn the_initial_pep_is_due_ten_working_days_after_entering_care_and_met_by_a_pep() {
    let mut facts = child_entering_care(date(2024, 11, 1));
    facts.peps.push(completed(date(2024, 11, 14)));
    let policy = LaPolicy::default();
    let due = due_dates(&facts, &policy, &calendar());
    let initial = find(&due, DueKind::InitialPep);
    assert_eq!(initial.trigger_date, date(2024, 11, 1));
    assert_eq!(initial.due_date, date(2024, 11, 15));
    assert_eq!(initial.met_on, Some(date(2024, 11, 14)));
    assert_eq!(
        initial.basis,
        "10 working days after entering care on 1 Nov 2024"
    );
    assert!(!initial.due_date_is_provisional);
    assert_eq!(
        status_on(initial, date(2024, 12, 1), &policy),
        DueStatus::OnTime
    );
    // As known on 10 November the PEP had not been completed yet: due soon, not met.
    assert_eq!(
        status_on(initial, date(2024, 11, 10), &policy),
        DueStatus::DueSoon
    );
    assert!(due.problems.is_empty(), "{:?}", due.problems);
}

#[test]
fn status_follows_the_due_date_and_the_window() {
    let policy = LaPolicy::default();
    let item = DueItem {
        kind: DueKind::InitialPep,
        care_period_started_on: date(2024, 11, 1),
        trigger_date: date(2024, 11, 1),
        due_date: date(2024, 11, 15),
        due_date_is_provisional: false,
        met_on: None,
        basis: String::new(),
    };
    assert_eq!(
        status_on(&item, date(2024, 11, 1), &policy),
        DueStatus::DueSoon
    );
    assert_eq!(
        status_on(&item, date(2024, 11, 15), &policy),
        DueStatus::DueSoon
    );
    assert_eq!(
        status_on(&item, date(2024, 11, 16), &policy),
        DueStatus::Overdue
    );
    let mut narrow = policy.clone();
    narrow.due_soon_window_days = 3;
    assert_eq!(
        status_on(&item, date(2024, 11, 11), &narrow),
        DueStatus::Upcoming
    );
    assert_eq!(
        status_on(&item, date(2024, 11, 12), &narrow),
        DueStatus::DueSoon
    );
    let late = DueItem {
        met_on: Some(date(2024, 11, 18)),
        ..item.clone()
    };
    assert_eq!(
        status_on(&late, date(2024, 11, 20), &policy),
        DueStatus::MetLate
    );
    assert_eq!(
        status_on(&late, date(2024, 11, 17), &policy),
        DueStatus::Overdue
    );
}

#[test]
fn a_late_reported_placement_change_runs_from_when_it_happened() {
    let mut facts = child_entering_care(date(2024, 11, 1));
    facts.placement_changes.push(ReportedChange {
        occurred_on: date(2025, 3, 3),
        recorded_on: Some(date(2025, 3, 20)),
    });
    let policy = LaPolicy::default();
    let due = due_dates(&facts, &policy, &calendar());
    let review = find(&due, DueKind::PlacementChangeReview);
    // Monday 3 March 2025 plus 10 working days is Monday 17 March.
    assert_eq!(review.due_date, date(2025, 3, 17));
    assert_eq!(
        review.basis,
        "10 working days after the placement change on 3 Mar 2025 (recorded 20 Mar 2025)"
    );
    // Already overdue on the day it was recorded.
    assert_eq!(
        status_on(review, date(2025, 3, 20), &policy),
        DueStatus::Overdue
    );
}

#[test]
fn leaving_care_cancels_what_had_not_yet_fallen_due() {
    let mut facts = child_entering_care(date(2024, 11, 1));
    facts.care_periods[0].ended_on = Some(date(2024, 11, 10));
    let policy = LaPolicy::default();
    let due = due_dates(&facts, &policy, &calendar());
    assert!(due.items.is_empty(), "{:#?}", due.items);

    // A PEP completed before leaving still shows as met.
    facts.peps.push(completed(date(2024, 11, 8)));
    let due = due_dates(&facts, &policy, &calendar());
    let initial = find(&due, DueKind::InitialPep);
    assert_eq!(initial.met_on, Some(date(2024, 11, 8)));
}

#[test]
fn reviews_before_care_reviews_follow_the_reviews_actually_held() {
    let mut facts = child_entering_care(date(2024, 11, 1));
    facts.care_reviews_held = vec![date(2025, 2, 27), date(2024, 11, 28)];
    let due = due_dates(&facts, &LaPolicy::default(), &calendar());
    let before_care_reviews: Vec<(u32, NaiveDate, NaiveDate)> = due
        .items
        .iter()
        .filter_map(|item| match item.kind {
            DueKind::ReviewBeforeCareReview {
                care_review_number,
                care_review_due,
                ..
            } => Some((care_review_number, care_review_due, item.due_date)),
            _ => None,
        })
        .collect();
    assert_eq!(
        before_care_reviews,
        [
            // First review due 20 working days after Fri 1 Nov 2024: Fri 29 Nov. It was held on
            // Thu 28 Nov, so the PEP was due 3 working days before that: Mon 25 Nov.
            (1, date(2024, 11, 29), date(2024, 11, 25)),
            // Second due 3 months after 28 Nov: 28 Feb 2025; held Thu 27 Feb; PEP by Mon 24 Feb.
            (2, date(2025, 2, 28), date(2025, 2, 24)),
            // Third due 6 months after 27 Feb: Wed 27 Aug 2025, not yet held. Three working
            // days before: Tue 26, (Mon 25 is the Summer bank holiday) Fri 22, Thu 21 August.
            (3, date(2025, 8, 27), date(2025, 8, 21)),
        ]
    );
}

#[test]
fn a_termly_review_after_the_term_but_before_the_next_is_met_late() {
    let mut facts = child_entering_care(date(2024, 11, 1));
    // In the Easter holiday after the spring term (which ended Fri 4 April 2025).
    facts.peps.push(completed(date(2025, 4, 10)));
    let policy = LaPolicy::default();
    let due = due_dates(&facts, &policy, &calendar());
    let spring = find(
        &due,
        DueKind::TermlyReview {
            academic_year: AcademicYear::starting_in(2024),
            term: TermName::Spring,
        },
    );
    assert_eq!(spring.due_date, date(2025, 4, 4));
    assert_eq!(spring.met_on, Some(date(2025, 4, 10)));
    assert_eq!(
        status_on(spring, date(2025, 5, 1), &policy),
        DueStatus::MetLate
    );
    let summer = find(
        &due,
        DueKind::TermlyReview {
            academic_year: AcademicYear::starting_in(2024),
            term: TermName::Summer,
        },
    );
    assert_eq!(summer.met_on, None);
    // Entering care mid-way through the autumn term: the initial PEP covers that term.
    assert!(!due.items.iter().any(|item| item.kind
        == DueKind::TermlyReview {
            academic_year: AcademicYear::starting_in(2024),
            term: TermName::Autumn,
        }));
}

#[test]
fn twice_yearly_reviews_skip_the_spring_term() {
    let mut policy = LaPolicy::default();
    policy.reviews.in_terms = vec![TermName::Autumn, TermName::Summer];
    let due = due_dates(
        &child_entering_care(date(2024, 11, 1)),
        &policy,
        &calendar(),
    );
    assert!(!due.items.iter().any(|item| matches!(
        item.kind,
        DueKind::TermlyReview {
            term: TermName::Spring,
            ..
        }
    )));
}

#[test]
fn entering_year_7_makes_a_transition_pep_due_twenty_school_days_into_term() {
    let due = due_dates(
        &child_entering_care(date(2024, 11, 1)),
        &LaPolicy::default(),
        &calendar(),
    );
    let transition = find(
        &due,
        DueKind::KeyStageTransition {
            key_stage: KeyStage::KeyStage3,
            year_group: YearGroup::Year7,
        },
    );
    // Autumn 2025 starts Wed 3 Sep: Sep 4-5 (2), 8-12 (7), 15-19 (12), 22-26 (17), Sep 29,
    // Sep 30, Oct 1 (20).
    assert_eq!(transition.trigger_date, date(2025, 9, 3));
    assert_eq!(transition.due_date, date(2025, 10, 1));
    // Year 3 was in 2021-22, before this period in care: nothing due, and no complaint about
    // that year's missing term dates.
    assert!(due.problems.is_empty(), "{:?}", due.problems);
}

#[test]
fn a_baby_in_care_needs_a_pep_from_the_two_year_old_year() {
    let facts = ComplianceFacts {
        date_of_birth: date(2023, 3, 1),
        care_periods: vec![CarePeriod {
            started_on: date(2024, 1, 10),
            ended_on: None,
        }],
        ..ComplianceFacts::default()
    };
    let due = due_dates(&facts, &LaPolicy::default(), &calendar());
    let initial = find(&due, DueKind::InitialPep);
    // Two on 31 August 2025, so the two-year-old year starts 1 September 2025 (a Monday):
    // Sep 2-5 (4), 8-12 (9), 15 (10).
    assert_eq!(initial.trigger_date, date(2025, 9, 1));
    assert_eq!(initial.due_date, date(2025, 9, 15));
    assert!(
        initial.basis.contains("reaching the PEP age range"),
        "{}",
        initial.basis
    );
    // The early-years transition PEP falls in the summer term of the nursery year, 2026-27.
    let transition = find(
        &due,
        DueKind::EarlyYearsTransition {
            academic_year: AcademicYear::starting_in(2026),
        },
    );
    assert_eq!(transition.due_date, date(2027, 7, 21));
}

#[test]
fn a_due_date_past_the_bank_holiday_list_is_marked_provisional() {
    let due = due_dates(
        &child_entering_care(date(2025, 12, 23)),
        &LaPolicy::default(),
        &calendar(),
    );
    let initial = find(&due, DueKind::InitialPep);
    assert!(initial.due_date_is_provisional);
    assert!(initial.basis.contains("provisional"), "{}", initial.basis);
}

#[test]
fn a_school_day_deadline_without_term_dates_is_a_problem_not_a_guess() {
    let mut policy = LaPolicy::default();
    policy.initial_pep.due_within = "20 school days".parse::<Deadline>().unwrap();
    let due = due_dates(
        &child_entering_care(date(2028, 7, 10)),
        &policy,
        &calendar(),
    );
    assert!(
        !due.items
            .iter()
            .any(|item| item.kind == DueKind::InitialPep)
    );
    assert!(
        due.problems
            .iter()
            .any(|problem| problem.kind == Some(DueKind::InitialPep)
                && problem.description.contains("2028-29")),
        "{:?}",
        due.problems
    );
}

#[test]
fn inconsistent_facts_are_reported() {
    let mut facts = child_entering_care(date(2024, 11, 1));
    facts.school_changes.push(ReportedChange {
        occurred_on: date(2024, 6, 1),
        recorded_on: None,
    });
    let due = due_dates(&facts, &LaPolicy::default(), &calendar());
    assert!(
        due.problems
            .iter()
            .any(|problem| problem.description.contains("outside every period in care")),
        "{:?}",
        due.problems
    );
}

#[test]
fn evaluate_counts_statuses() {
    let mut facts = child_entering_care(date(2024, 11, 1));
    facts.peps.push(completed(date(2024, 11, 20)));
    let report = evaluate(&facts, &LaPolicy::default(), &calendar(), date(2024, 12, 2));
    let counts = report.counts();
    // Initial PEP (due 15 Nov) met late on 20 Nov; the PEP before the first care review (due
    // 26 Nov) met on time by the same PEP; everything else is in the future.
    assert_eq!(counts.met_late, 1);
    assert_eq!(counts.on_time, 1);
    assert_eq!(counts.overdue, 0);
    assert_eq!(report.most_urgent_open_status(), Some(DueStatus::Upcoming));
}
