//! The initial-PEP due date, worked out by hand, for children entering care just before a bank
//! holiday weekend, under the 10-working-day and the 20-school-day policies, with the real
//! gov.uk bank holidays and the demo LA's term dates (domain/data/terms/demo.toml).

use crate::support::{calendar, date};
use chrono::NaiveDate;
use domain::compliance::{CarePeriod, ComplianceFacts, DueKind, due_dates};
use domain::policy::LaPolicy;

fn ten_working_days() -> LaPolicy {
    let policy = LaPolicy::default();
    assert_eq!(policy.initial_pep.due_within.to_string(), "10 working days");
    policy
}

fn twenty_school_days() -> LaPolicy {
    let mut policy = LaPolicy::default();
    policy.initial_pep.due_within = "20 school days".parse().unwrap();
    policy.validate().unwrap();
    policy
}

/// The initial PEP's due date for a 10-year-old (born 10 May 2014) entering care on `entered`.
fn initial_pep_due(entered: NaiveDate, policy: &LaPolicy) -> NaiveDate {
    let facts = ComplianceFacts {
        date_of_birth: date(2014, 5, 10),
        care_periods: vec![CarePeriod {
            started_on: entered,
            ended_on: None,
        }],
        ..ComplianceFacts::default()
    };
    let due = due_dates(&facts, policy, &calendar());
    let initial = due
        .items
        .iter()
        .find(|item| item.kind == DueKind::InitialPep)
        .unwrap();
    assert_eq!(initial.trigger_date, entered);
    assert!(!initial.due_date_is_provisional);
    initial.due_date
}

/// The worked example in docs/statutory-rules.md §3.1: Friday 1 November 2024.
///
/// 10 working days: Mon 4 to Fri 8 November (1-5), Mon 11 to Fri 15 November (6-10), so
/// Friday 15 November 2024.
///
/// 20 school days: 1 November is the last day of the October half-term (28 Oct to 1 Nov); school
/// days Mon 4 to Fri 8 (1-5), 11-15 (6-10), 18-22 (11-15), 25-29 November (16-20), so Friday
/// 29 November 2024.
#[test]
fn entering_care_on_friday_1_november_2024() {
    assert_eq!(
        initial_pep_due(date(2024, 11, 1), &ten_working_days()),
        date(2024, 11, 15)
    );
    assert_eq!(
        initial_pep_due(date(2024, 11, 1), &twenty_school_days()),
        date(2024, 11, 29)
    );
}

/// Friday 2 May 2025, before the Early May bank holiday (Monday 5 May), in the summer term.
///
/// 10 working days: Mon 5 May is a bank holiday; Tue 6, Wed 7, Thu 8, Fri 9 (1-4), Mon 12 to
/// Fri 16 (5-9), Mon 19 May (10). Due Monday 19 May 2025.
///
/// 20 school days: the bank holiday is not a school day either. Tue 6 to Fri 9 (1-4), 12-16
/// (5-9), 19-23 (10-14), then May half-term 26-30 May (Mon 26 is also the Spring bank
/// holiday), then Mon 2 to Fri 6 June (15-19), Mon 9 June (20). Due Monday 9 June 2025.
#[test]
fn entering_care_on_friday_2_may_2025_before_the_early_may_bank_holiday() {
    assert_eq!(
        initial_pep_due(date(2025, 5, 2), &ten_working_days()),
        date(2025, 5, 19)
    );
    assert_eq!(
        initial_pep_due(date(2025, 5, 2), &twenty_school_days()),
        date(2025, 6, 9)
    );
}

/// Friday 23 May 2025, before the Spring bank holiday (Monday 26 May), which starts the May
/// half-term (26-30 May).
///
/// 10 working days: the half-term is still working days except the bank holiday. Tue 27,
/// Wed 28, Thu 29, Fri 30 May (1-4), Mon 2 to Fri 6 June (5-9), Mon 9 June (10). Due Monday
/// 9 June 2025.
///
/// 20 school days: nothing counts until school reopens. Mon 2 to Fri 6 June (1-5), 9-13 (6-10),
/// 16-20 (11-15), 23-27 June (16-20). Due Friday 27 June 2025, eighteen days later than the
/// working-day rule.
#[test]
fn entering_care_on_friday_23_may_2025_before_the_spring_bank_holiday_and_half_term() {
    assert_eq!(
        initial_pep_due(date(2025, 5, 23), &ten_working_days()),
        date(2025, 6, 9)
    );
    assert_eq!(
        initial_pep_due(date(2025, 5, 23), &twenty_school_days()),
        date(2025, 6, 27)
    );
}

/// In the summer holidays the school-day clock does not start until the autumn term's first
/// school day: entering care on Friday 25 July 2025 (term ended Tuesday 22 July), the autumn
/// term starts Wednesday 3 September. School days Wed 3 to Fri 5 (1-3), 8-12 (4-8), 15-19
/// (9-13), 22-26 (14-18), Mon 29, Tue 30 September (19-20). Due Tuesday 30 September 2025.
/// The working-day rule ignores the holiday: Mon 28 July to Fri 1 August (1-5), 4-8 August
/// (6-10). Due Friday 8 August 2025.
#[test]
fn entering_care_in_the_summer_holidays() {
    assert_eq!(
        initial_pep_due(date(2025, 7, 25), &ten_working_days()),
        date(2025, 8, 8)
    );
    assert_eq!(
        initial_pep_due(date(2025, 7, 25), &twenty_school_days()),
        date(2025, 9, 30)
    );
}
