//! Randomised checks of the calendar against naive day-by-day counts and an independent
//! formulation of year groups, using the real gov.uk bank-holiday list embedded in the
//! `govuk-bank-holidays` crate (a dev-dependency only; the domain never depends on it).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use domain::calendar::{
    BankHolidays, Calendar, CalendarError, KeyStage, Reckoned, SchoolTerms, YearGroup,
};
use govuk_bank_holidays::MonToFriWorkDays;
use govuk_bank_holidays::{BankHolidayCalendar, Division};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn real_bank_holiday_dates() -> BTreeSet<NaiveDate> {
    let calendar: BankHolidayCalendar<NaiveDate, MonToFriWorkDays> = BankHolidayCalendar::cached();
    calendar
        .holidays(Some(Division::EnglandAndWales))
        .into_iter()
        .map(|holiday| *holiday.date())
        .collect()
}

fn real_bank_holidays() -> BankHolidays {
    let dates = real_bank_holiday_dates();
    let last_year = dates.last().unwrap().year();
    BankHolidays::from_dates(dates, NaiveDate::from_ymd_opt(last_year, 12, 31).unwrap()).unwrap()
}

/// The naive definition: a weekday that is not in the list.
fn naive_is_working_day(holidays: &BTreeSet<NaiveDate>, date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&date)
}

fn date_from_offset(first: NaiveDate, offset: u64) -> NaiveDate {
    first.checked_add_days(Days::new(offset)).unwrap()
}

#[test]
fn the_embedded_list_covers_2012_to_2028_and_knows_its_limits() {
    let holidays = real_bank_holidays();
    assert_eq!(
        holidays.known_from(),
        NaiveDate::from_ymd_opt(2012, 1, 1).unwrap()
    );
    assert_eq!(
        holidays.known_through(),
        NaiveDate::from_ymd_opt(2028, 12, 31).unwrap()
    );
    let early_may_2025 = NaiveDate::from_ymd_opt(2025, 5, 5).unwrap();
    assert_eq!(holidays.is_bank_holiday(early_may_2025), Some(true));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// `add_working_days(d, n)` is the first day on which a naive walk has passed n working days,
    /// and `working_days_between` counts them back.
    #[test]
    fn adding_working_days_matches_a_naive_count(start_offset in 0u64..6000, count in 0u32..300) {
        let listed = real_bank_holiday_dates();
        let holidays = real_bank_holidays();
        // 2012-01-01 plus up to 6000 days stays inside the list (to mid-2028) with room to count.
        let start = date_from_offset(holidays.known_from(), start_offset);
        let mut naive = start;
        let mut remaining = count;
        while remaining > 0 {
            naive = naive.succ_opt().unwrap();
            if naive_is_working_day(&listed, naive) {
                remaining -= 1;
            }
        }
        let answer = holidays.add_working_days(start, count);
        if naive <= holidays.known_through() {
            prop_assert_eq!(answer, Reckoned::Exact(naive));
        } else {
            prop_assert_eq!(*answer.value(), naive);
            prop_assert!(!answer.is_exact());
        }
        prop_assert_eq!(*holidays.working_days_between(start, naive).value(), i64::from(count));
        prop_assert_eq!(*holidays.working_days_between(naive, start).value(), -i64::from(count));
    }

    /// Counting over any range agrees with a naive day-by-day count.
    #[test]
    fn working_days_between_matches_a_naive_count(from_offset in 0u64..6200, length in 0u64..800) {
        let listed = real_bank_holiday_dates();
        let holidays = real_bank_holidays();
        let from = date_from_offset(holidays.known_from(), from_offset);
        let to = date_from_offset(from, length);
        let naive = from
            .iter_days()
            .skip(1)
            .take_while(|day| *day <= to)
            .filter(|day| naive_is_working_day(&listed, *day))
            .count();
        let answer = holidays.working_days_between(from, to);
        prop_assert_eq!(*answer.value(), i64::try_from(naive).unwrap());
        prop_assert_eq!(answer.is_exact(), to <= holidays.known_through());
    }

    /// Subtracting lands on a working day with exactly n working days after it up to the start.
    #[test]
    fn subtracting_working_days_matches_a_naive_count(start_offset in 400u64..6000, count in 0u32..200) {
        let listed = real_bank_holiday_dates();
        let holidays = real_bank_holidays();
        let start = date_from_offset(holidays.known_from(), start_offset);
        let answer = *holidays.subtract_working_days(start, count).value();
        let naive_between = answer
            .iter_days()
            .take_while(|day| *day < start)
            .filter(|day| naive_is_working_day(&listed, *day))
            .count();
        if count > 0 {
            prop_assert!(naive_is_working_day(&listed, answer));
            prop_assert_eq!(naive_between, usize::try_from(count).unwrap());
        } else {
            prop_assert_eq!(answer, start);
        }
    }

    /// Year group agrees with an independent formulation: everyone born in one academic year
    /// (September to August) starts Reception in September five years after that year began.
    #[test]
    fn year_group_matches_the_academic_year_of_birth(
        birth_offset in 0u64..12000,
        age_in_days in 0u64..9000,
    ) {
        let date_of_birth = date_from_offset(NaiveDate::from_ymd_opt(1995, 1, 1).unwrap(), birth_offset);
        let date = date_from_offset(date_of_birth, age_in_days);
        let september_year = |day: NaiveDate| if day.month() >= 9 { day.year() } else { day.year() - 1 };
        let years_since_reception = september_year(date) - (september_year(date_of_birth) + 5);
        let expected = match years_since_reception {
            ..=-3 => YearGroup::UnderTwo,
            -2 => YearGroup::TwoYearOld,
            -1 => YearGroup::Nursery,
            0 => YearGroup::Reception,
            14.. => YearGroup::PastYear13,
            year => YearGroup::ALL
                .into_iter()
                .find(|group| group.school_year_number() == Some(u8::try_from(year).unwrap()))
                .unwrap(),
        };
        let year_group = YearGroup::on(date_of_birth, date);
        prop_assert_eq!(year_group, expected);
        let expected_key_stage = match years_since_reception {
            ..=0 => Some(KeyStage::EarlyYearsFoundationStage),
            1..=2 => Some(KeyStage::KeyStage1),
            3..=6 => Some(KeyStage::KeyStage2),
            7..=9 => Some(KeyStage::KeyStage3),
            10..=11 => Some(KeyStage::KeyStage4),
            12..=13 => Some(KeyStage::SixteenToNineteen),
            _ => None,
        };
        prop_assert_eq!(year_group.key_stage(), expected_key_stage);
    }

    /// Entering a year group on its start date, and being in it the day before is impossible.
    #[test]
    fn a_year_group_starts_on_the_first_of_september_it_is_entered(birth_offset in 0u64..12000) {
        let date_of_birth = date_from_offset(NaiveDate::from_ymd_opt(1995, 1, 1).unwrap(), birth_offset);
        for year_group in &YearGroup::ALL[1..] {
            let starts_on = year_group.starts_on(date_of_birth).unwrap();
            prop_assert_eq!((starts_on.month(), starts_on.day()), (9, 1));
            prop_assert_eq!(YearGroup::on(date_of_birth, starts_on), *year_group);
            prop_assert_ne!(YearGroup::on(date_of_birth, starts_on.pred_opt().unwrap()), *year_group);
        }
    }

    /// School-day arithmetic matches a naive walk over the term data, and refuses to guess once
    /// the walk leaves the loaded academic years.
    #[test]
    fn adding_school_days_matches_a_naive_count(start_offset in 0u64..1790, count in 0u32..120) {
        let listed = real_bank_holiday_dates();
        let terms = SchoolTerms::demo().unwrap();
        let calendar = Calendar::new(real_bank_holidays(), terms.clone());
        let first_day = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
        let last_loaded_day = NaiveDate::from_ymd_opt(2028, 8, 31).unwrap();
        let start = date_from_offset(first_day, start_offset);
        let naive_is_school_day = |day: NaiveDate| {
            naive_is_working_day(&listed, day)
                && terms.terms().iter().any(|term| {
                    term.starts <= day
                        && day <= term.ends
                        && !term.holidays.iter().any(|holiday| holiday.starts <= day && day <= holiday.ends)
                })
        };
        let mut naive = start;
        let mut remaining = count;
        while remaining > 0 && naive < last_loaded_day {
            naive = naive.succ_opt().unwrap();
            if naive_is_school_day(naive) {
                remaining -= 1;
            }
        }
        let answer = calendar.add_school_days(start, count);
        if remaining == 0 {
            prop_assert_eq!(answer, Ok(Reckoned::Exact(naive)));
            prop_assert_eq!(
                calendar.school_days_between(start, naive),
                Ok(Reckoned::Exact(i64::from(count)))
            );
        } else {
            let is_unknown_terms = matches!(answer, Err(CalendarError::TermDatesUnknown { .. }));
            prop_assert!(is_unknown_terms, "{:?}", answer);
        }
    }
}
