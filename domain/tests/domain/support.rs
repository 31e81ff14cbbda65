//! Helpers more than one module needs, kept once here so the scenarios cannot drift apart in
//! which calendar they judge by.

use chrono::{Datelike, NaiveDate};
use domain::calendar::{BankHolidays, Calendar, SchoolTerms};
use govuk_bank_holidays::{BankHolidayCalendar, Division, MonToFriWorkDays};

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The real England-and-Wales bank holidays from gov.uk, known to the end of their last year,
/// with the demo LA's term dates.
pub fn calendar() -> Calendar {
    let govuk: BankHolidayCalendar<NaiveDate, MonToFriWorkDays> = BankHolidayCalendar::cached();
    let dates: Vec<NaiveDate> = govuk
        .holidays(Some(Division::EnglandAndWales))
        .into_iter()
        .map(|holiday| *holiday.date())
        .collect();
    let last_year = dates.iter().map(|day| day.year()).max().unwrap();
    let bank_holidays = BankHolidays::from_dates(dates, date(last_year, 12, 31)).unwrap();
    Calendar::new(bank_holidays, SchoolTerms::demo().unwrap())
}
