//! Working-day arithmetic (weekends and England-and-Wales bank holidays excluded) with
//! the counting rule of docs/statutory-rules.md §3.1: the start date is never counted.

use super::{BankHolidays, Direction, Reckoned};
use chrono::{Datelike, NaiveDate, Weekday};

/// Whether `date` is a Saturday or a Sunday.
pub(crate) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The day on which the `count`-th day accepted by `is_counted` is reached, stepping from
/// `start` (not itself counted) in `direction`. Zero returns `start`.
///
/// `Err(edge)` means chrono's representable range ended at `edge` first; callers decide what
/// that means for them.
pub(crate) fn nth_counted_day<E>(
    start: NaiveDate,
    count: u32,
    direction: Direction,
    mut is_counted: impl FnMut(NaiveDate) -> Result<Reckoned<bool>, E>,
) -> Result<Result<Reckoned<NaiveDate>, NaiveDate>, E> {
    let mut current = start;
    let mut remaining = count;
    let mut first_unknown_day: Option<NaiveDate> = None;
    while remaining > 0 {
        current = match direction.step(current) {
            Some(next) => next,
            None => return Ok(Err(current)),
        };
        let answer = is_counted(current)?;
        if let Some(day) = answer.first_unknown_day() {
            first_unknown_day = Some(first_unknown_day.map_or(day, |earlier| earlier.min(day)));
        }
        if answer.into_value() {
            remaining -= 1;
        }
    }
    Ok(Ok(
        Reckoned::Exact(current).with_unknown_day(first_unknown_day)
    ))
}

/// How many days accepted by `is_counted` lie after `from` and on or before `to`; negative
/// (the count from `to` to `from`, negated) when `to` is before `from`.
pub(crate) fn counted_days_between<E>(
    from: NaiveDate,
    to: NaiveDate,
    mut is_counted: impl FnMut(NaiveDate) -> Result<Reckoned<bool>, E>,
) -> Result<Reckoned<i64>, E> {
    let (earlier, later, sign) = if from <= to {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let mut total: i64 = 0;
    let mut first_unknown_day: Option<NaiveDate> = None;
    // `iter_days` yields `earlier` first; it is not counted, so skip it.
    for day in earlier.iter_days().skip(1).take_while(|day| *day <= later) {
        let answer = is_counted(day)?;
        if let Some(unknown) = answer.first_unknown_day() {
            first_unknown_day = Some(first_unknown_day.map_or(unknown, |seen| seen.min(unknown)));
        }
        if answer.into_value() {
            total += 1;
        }
    }
    Ok(Reckoned::Exact(total * sign).with_unknown_day(first_unknown_day))
}

impl BankHolidays {
    /// Whether `date` is a working day. A weekend is certain; a weekday outside the known range
    /// is provisionally a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Reckoned<bool> {
        if is_weekend(date) {
            Reckoned::Exact(false)
        } else if self.covers(date) {
            Reckoned::Exact(!self.lists(date))
        } else {
            Reckoned::Provisional {
                value: true,
                first_unknown_day: date,
            }
        }
    }

    /// The `count`-th working day after `date`; `date` itself is never counted, so this is the
    /// last day on which something due "within `count` working days of `date`" is on time.
    pub fn add_working_days(&self, date: NaiveDate, count: u32) -> Reckoned<NaiveDate> {
        self.step_working_days(date, count, Direction::Forward)
    }

    /// The `count`-th working day before `date` (`date` itself not counted): the last day on
    /// which something due "at least `count` working days before `date`" is on time.
    pub fn subtract_working_days(&self, date: NaiveDate, count: u32) -> Reckoned<NaiveDate> {
        self.step_working_days(date, count, Direction::Backward)
    }

    /// The number of working days after `from` and on or before `to`, so that
    /// `working_days_between(d, add_working_days(d, n)) == n`. Negative when `to` is earlier.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Reckoned<i64> {
        let counted: Result<Reckoned<i64>, std::convert::Infallible> =
            counted_days_between(from, to, |day| Ok(self.is_working_day(day)));
        match counted {
            Ok(answer) => answer,
            Err(never) => match never {},
        }
    }

    fn step_working_days(
        &self,
        date: NaiveDate,
        count: u32,
        direction: Direction,
    ) -> Reckoned<NaiveDate> {
        let stepped: Result<_, std::convert::Infallible> =
            nth_counted_day(date, count, direction, |day| Ok(self.is_working_day(day)));
        match stepped {
            Ok(Ok(answer)) => answer,
            // Running off the end of chrono's calendar can only happen far beyond any published
            // list, so the edge is returned as a provisional answer rather than an error.
            Ok(Err(edge)) => Reckoned::Provisional {
                value: edge,
                first_unknown_day: edge,
            },
            Err(never) => match never {},
        }
    }
}
