//! The statutory calendar: bank holidays, working days, school days and terms, year group and key stage.
//!
//! Everything here is reference data passed in as arguments (the gov.uk bank-holiday list, one
//! LA's term dates), so deadline arithmetic is deterministic and replayable. The counting rule
//! is the one in docs/statutory-rules.md §3.1: "within N working days of D" means on or before
//! the N-th working day after D, and D itself is never counted; school days count the same way.
//!
//! Knowledge has limits: the bank-holiday list runs only a year or two ahead, and term dates are
//! published a few years ahead. Rather than pretend a date beyond the list has no bank holidays,
//! working-day arithmetic returns a [`Reckoned`] value that says whether it is exact or only
//! provisional; school-day arithmetic fails with [`CalendarError::TermDatesUnknown`] when it
//! needs an academic year whose term dates are not loaded, because there is no safe guess.

mod bank_holidays;
mod deadline;
mod reckoned;
mod school_days;
mod terms;
mod toml_date;
mod working_days;
mod year_group;
mod years;

pub use bank_holidays::{BankHolidays, BankHolidaysError};
pub use deadline::{Deadline, DeadlineError, DeadlineUnit};
pub use reckoned::Reckoned;
pub use terms::{DEMO_TERM_DATES_TOML, SchoolTerms, Term, TermDatesError, TermHoliday, TermName};
pub use year_group::{KeyStage, KeyStageEntry, YearGroup};
pub use years::{AcademicYear, FinancialYear, YearParseError};

use chrono::NaiveDate;
use thiserror::Error;

/// Why a calendar question has no answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// The answer needs term dates for an academic year that is not in the LA's term-dates file.
    #[error("term dates for the {academic_year} academic year are not loaded")]
    TermDatesUnknown {
        /// The academic year whose term dates are missing.
        academic_year: AcademicYear,
    },
    /// A strict answer was asked for, but it depends on a day outside the bank-holiday list.
    #[error(
        "bank holidays are known only from {known_from} to {known_through}; {day} is outside that range"
    )]
    BankHolidaysUnknown {
        /// The first day the answer needed that the list does not cover.
        day: NaiveDate,
        /// The first day the list covers.
        known_from: NaiveDate,
        /// The last day the list covers.
        known_through: NaiveDate,
    },
    /// The date arithmetic left chrono's representable range (only reachable with absurd input).
    #[error("date arithmetic from {from} went outside the representable range")]
    DateOutOfRange {
        /// The date the arithmetic started from.
        from: NaiveDate,
    },
}

/// The reference data deadline arithmetic needs for one local authority: the England-and-Wales
/// bank holidays and that LA's school terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    bank_holidays: BankHolidays,
    terms: SchoolTerms,
}

impl Calendar {
    /// Bundles the bank holidays with one LA's term dates.
    pub fn new(bank_holidays: BankHolidays, terms: SchoolTerms) -> Self {
        Self {
            bank_holidays,
            terms,
        }
    }

    /// The bank-holiday list this calendar counts working days with.
    pub fn bank_holidays(&self) -> &BankHolidays {
        &self.bank_holidays
    }

    /// The LA's term dates this calendar counts school days with.
    pub fn terms(&self) -> &SchoolTerms {
        &self.terms
    }

    /// Whether `date` is a working day (not a weekend, not a bank holiday).
    pub fn is_working_day(&self, date: NaiveDate) -> Reckoned<bool> {
        self.bank_holidays.is_working_day(date)
    }

    /// The `count`-th working day after `date` (`date` itself not counted).
    pub fn add_working_days(&self, date: NaiveDate, count: u32) -> Reckoned<NaiveDate> {
        self.bank_holidays.add_working_days(date, count)
    }

    /// The `count`-th working day before `date` (`date` itself not counted).
    pub fn subtract_working_days(&self, date: NaiveDate, count: u32) -> Reckoned<NaiveDate> {
        self.bank_holidays.subtract_working_days(date, count)
    }

    /// The number of working days after `from` and on or before `to` (negative when earlier).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Reckoned<i64> {
        self.bank_holidays().working_days_between(from, to)
    }

    /// The date `deadline` after `start`, counted in the deadline's own unit.
    pub fn add_deadline(
        &self,
        start: NaiveDate,
        deadline: Deadline,
    ) -> Result<Reckoned<NaiveDate>, CalendarError> {
        self.step_deadline(start, deadline, Direction::Forward)
    }

    /// The date `deadline` before `end`, counted in the deadline's own unit (used for lead times
    /// such as "reach the IRO at least 3 working days before the review").
    pub fn subtract_deadline(
        &self,
        end: NaiveDate,
        deadline: Deadline,
    ) -> Result<Reckoned<NaiveDate>, CalendarError> {
        self.step_deadline(end, deadline, Direction::Backward)
    }

    fn step_deadline(
        &self,
        from: NaiveDate,
        deadline: Deadline,
        direction: Direction,
    ) -> Result<Reckoned<NaiveDate>, CalendarError> {
        let count = deadline.count();
        let out_of_range = CalendarError::DateOutOfRange { from };
        match (deadline.unit(), direction) {
            (DeadlineUnit::WorkingDays, Direction::Forward) => {
                Ok(self.bank_holidays.add_working_days(from, count))
            }
            (DeadlineUnit::WorkingDays, Direction::Backward) => {
                Ok(self.bank_holidays.subtract_working_days(from, count))
            }
            (DeadlineUnit::SchoolDays, Direction::Forward) => self.add_school_days(from, count),
            (DeadlineUnit::SchoolDays, Direction::Backward) => {
                self.subtract_school_days(from, count)
            }
            (DeadlineUnit::CalendarDays, Direction::Forward) => from
                .checked_add_days(chrono::Days::new(u64::from(count)))
                .map(Reckoned::Exact)
                .ok_or(out_of_range),
            (DeadlineUnit::CalendarDays, Direction::Backward) => from
                .checked_sub_days(chrono::Days::new(u64::from(count)))
                .map(Reckoned::Exact)
                .ok_or(out_of_range),
            (DeadlineUnit::Weeks, Direction::Forward) => from
                .checked_add_days(chrono::Days::new(u64::from(count) * 7))
                .map(Reckoned::Exact)
                .ok_or(out_of_range),
            (DeadlineUnit::Weeks, Direction::Backward) => from
                .checked_sub_days(chrono::Days::new(u64::from(count) * 7))
                .map(Reckoned::Exact)
                .ok_or(out_of_range),
            // A month later keeps the day of the month, or the month's last day when the month
            // is shorter (31 January plus one month is 28 or 29 February), as chrono does.
            (DeadlineUnit::Months, Direction::Forward) => from
                .checked_add_months(chrono::Months::new(count))
                .map(Reckoned::Exact)
                .ok_or(out_of_range),
            (DeadlineUnit::Months, Direction::Backward) => from
                .checked_sub_months(chrono::Months::new(count))
                .map(Reckoned::Exact)
                .ok_or(out_of_range),
        }
    }
}

/// Which way a count of days runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Forward,
    Backward,
}

impl Direction {
    /// The neighbouring day in this direction, or `None` at the edge of chrono's range.
    pub(crate) fn step(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Direction::Forward => date.succ_opt(),
            Direction::Backward => date.pred_opt(),
        }
    }
}

#[cfg(test)]
mod tests;
