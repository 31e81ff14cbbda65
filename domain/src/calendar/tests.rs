//! Worked examples for the calendar as a whole; the randomised checks against naive counts are
//! in `domain/tests/domain/calendar_properties.rs`.

use super::*;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The real England-and-Wales bank holidays of 2024 and 2025.
fn bank_holidays_2024_2025() -> BankHolidays {
    BankHolidays::from_dates(
        [
            date(2024, 1, 1),
            date(2024, 3, 29),
            date(2024, 4, 1),
            date(2024, 5, 6),
            date(2024, 5, 27),
            date(2024, 8, 26),
            date(2024, 12, 25),
            date(2024, 12, 26),
            date(2025, 1, 1),
            date(2025, 4, 18),
            date(2025, 4, 21),
            date(2025, 5, 5),
            date(2025, 5, 26),
            date(2025, 8, 25),
            date(2025, 12, 25),
            date(2025, 12, 26),
        ],
        date(2025, 12, 31),
    )
    .unwrap()
}

fn demo_calendar() -> Calendar {
    Calendar::new(bank_holidays_2024_2025(), SchoolTerms::demo().unwrap())
}

#[test]
fn the_product_example_entering_care_on_friday_1_november_2024() {
    let calendar = demo_calendar();
    let due = calendar.add_working_days(date(2024, 11, 1), 10);
    assert_eq!(due, Reckoned::Exact(date(2024, 11, 15)));
    assert_eq!(
        calendar.working_days_between(date(2024, 11, 1), date(2024, 11, 15)),
        Reckoned::Exact(10)
    );
}

#[test]
fn working_days_skip_bank_holidays_and_christmas() {
    let calendar = demo_calendar();
    // Monday 23 December 2024: Tue 24, Fri 27, Mon 30, Tue 31 Dec, Thu 2 Jan (1 Jan is a holiday).
    assert_eq!(
        calendar.add_working_days(date(2024, 12, 23), 5),
        Reckoned::Exact(date(2025, 1, 2))
    );
    assert_eq!(
        calendar.subtract_working_days(date(2025, 1, 2), 5),
        Reckoned::Exact(date(2024, 12, 23))
    );
    assert_eq!(
        calendar.is_working_day(date(2025, 5, 5)),
        Reckoned::Exact(false)
    );
    assert_eq!(
        calendar.add_working_days(date(2024, 11, 1), 0),
        Reckoned::Exact(date(2024, 11, 1))
    );
}

#[test]
fn past_the_known_bank_holidays_the_answer_is_marked_provisional() {
    let calendar = demo_calendar();
    // Tuesday 23 December 2025 plus 6 working days: Wed 24, Mon 29, Tue 30, Wed 31 December
    // (25 and 26 are bank holidays), then into 2026, which this list does not cover. Treating
    // 2026 as holiday-free counts Thu 1 and Fri 2 January, giving Friday 2 January 2026; but
    // 1 January 2026 is in fact a bank holiday (the true answer is Monday 5 January), so the
    // answer must not claim to be exact.
    let due = calendar.add_working_days(date(2025, 12, 23), 6);
    assert_eq!(
        due,
        Reckoned::Provisional {
            value: date(2026, 1, 2),
            first_unknown_day: date(2026, 1, 1),
        }
    );
    assert_eq!(
        due.exact(date(2024, 1, 1), date(2025, 12, 31)),
        Err(CalendarError::BankHolidaysUnknown {
            day: date(2026, 1, 1),
            known_from: date(2024, 1, 1),
            known_through: date(2025, 12, 31),
        })
    );
    // A weekend beyond the list is still certainly not a working day.
    assert_eq!(
        calendar.is_working_day(date(2026, 1, 3)),
        Reckoned::Exact(false)
    );
    assert!(!calendar.is_working_day(date(2026, 1, 5)).is_exact());
}

#[test]
fn school_days_skip_half_term_inset_days_and_bank_holidays_in_term() {
    let calendar = demo_calendar();
    // Friday 2 May 2025: Monday 5 May is the Early May bank holiday, in term.
    // School days: Tue 6, Wed 7, Thu 8, Fri 9 (4); 12-16 May (9); 19-23 May (14);
    // half-term 26-30 May; 2-6 June (19); Mon 9 June (20).
    assert_eq!(
        calendar.add_school_days(date(2025, 5, 2), 20),
        Ok(Reckoned::Exact(date(2025, 6, 9)))
    );
    // Autumn 2024 starts Monday 2 September with an INSET day, so the first school day after
    // the summer holiday is Tuesday 3 September.
    assert_eq!(
        calendar.add_school_days(date(2024, 8, 15), 1),
        Ok(Reckoned::Exact(date(2024, 9, 3)))
    );
    assert_eq!(
        calendar.school_days_between(date(2024, 8, 15), date(2024, 9, 3)),
        Ok(Reckoned::Exact(1))
    );
}

#[test]
fn school_days_fail_where_term_dates_are_not_loaded() {
    let calendar = demo_calendar();
    assert_eq!(
        calendar.add_school_days(date(2028, 7, 10), 20),
        Err(CalendarError::TermDatesUnknown {
            academic_year: AcademicYear::starting_in(2028)
        })
    );
}

#[test]
fn deadlines_count_in_their_own_units() {
    let calendar = demo_calendar();
    let start = date(2024, 11, 1);
    let deadline = |text: &str| text.parse::<Deadline>().unwrap();
    assert_eq!(
        calendar.add_deadline(start, deadline("10 working days")),
        Ok(Reckoned::Exact(date(2024, 11, 15)))
    );
    assert_eq!(
        calendar.add_deadline(date(2024, 8, 31), deadline("6 months")),
        Ok(Reckoned::Exact(date(2025, 2, 28)))
    );
    assert_eq!(
        calendar.add_deadline(start, deadline("2 weeks")),
        Ok(Reckoned::Exact(date(2024, 11, 15)))
    );
    // Three working days before Thursday 16 January 2025 is Monday 13 January.
    assert_eq!(
        calendar.subtract_deadline(date(2025, 1, 16), deadline("3 working days")),
        Ok(Reckoned::Exact(date(2025, 1, 13)))
    );
}
