//! School-day arithmetic: a school day is a working day inside one of the LA's terms and outside
//! that term's holidays. Counting follows the working-day rule (the start date is not counted).

use super::working_days::{counted_days_between, is_weekend, nth_counted_day};
use super::{Calendar, CalendarError, Direction, Reckoned};
use chrono::NaiveDate;

impl Calendar {
    /// Whether `date` is a school day. Fails when the term dates of its academic year are not
    /// loaded; is provisional when it is a term-time weekday beyond the bank-holiday list.
    pub fn is_school_day(&self, date: NaiveDate) -> Result<Reckoned<bool>, CalendarError> {
        if !self.terms().is_in_session(date)? {
            return Ok(Reckoned::Exact(false));
        }
        if is_weekend(date) {
            return Ok(Reckoned::Exact(false));
        }
        Ok(self.bank_holidays().is_working_day(date))
    }

    /// The `count`-th school day after `date` (`date` itself not counted): the last day on which
    /// something due "within `count` school days of `date`" is on time.
    pub fn add_school_days(
        &self,
        date: NaiveDate,
        count: u32,
    ) -> Result<Reckoned<NaiveDate>, CalendarError> {
        self.step_school_days(date, count, Direction::Forward)
    }

    /// The `count`-th school day before `date` (`date` itself not counted).
    pub fn subtract_school_days(
        &self,
        date: NaiveDate,
        count: u32,
    ) -> Result<Reckoned<NaiveDate>, CalendarError> {
        self.step_school_days(date, count, Direction::Backward)
    }

    /// The number of school days after `from` and on or before `to` (negative when `to` is
    /// earlier), the inverse of [`Calendar::add_school_days`].
    pub fn school_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Reckoned<i64>, CalendarError> {
        counted_days_between(from, to, |day| self.is_school_day(day))
    }

    fn step_school_days(
        &self,
        date: NaiveDate,
        count: u32,
        direction: Direction,
    ) -> Result<Reckoned<NaiveDate>, CalendarError> {
        nth_counted_day(date, count, direction, |day| self.is_school_day(day))?
            .map_err(|_edge| CalendarError::DateOutOfRange { from: date })
    }
}
