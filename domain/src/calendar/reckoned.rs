//! A calendar answer that says whether it rests entirely on known bank holidays, so that a date
//! past the end of the gov.uk list is never silently treated as having none.

use super::CalendarError;
use chrono::NaiveDate;

/// A value computed with the bank-holiday list, marked exact or provisional.
///
/// `Provisional` means the computation needed at least one weekday outside the list's known
/// range and treated such days as working days (weekends are still excluded). It can be off by
/// the bank holidays not yet published: a date counted forwards can only be too early, one
/// counted backwards (a lead time) only too late. It becomes exact once a newer list is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reckoned<T> {
    /// Every day consulted is covered by the bank-holiday list.
    Exact(T),
    /// Some day consulted is outside the list; those days were assumed not to be bank holidays.
    Provisional {
        /// The best answer available.
        value: T,
        /// The first day consulted that the list does not cover.
        first_unknown_day: NaiveDate,
    },
}

impl<T> Reckoned<T> {
    /// The answer, exact or not.
    pub fn value(&self) -> &T {
        match self {
            Reckoned::Exact(value) | Reckoned::Provisional { value, .. } => value,
        }
    }

    /// The answer, exact or not, by value.
    pub fn into_value(self) -> T {
        match self {
            Reckoned::Exact(value) | Reckoned::Provisional { value, .. } => value,
        }
    }

    /// Whether every day consulted was covered by the bank-holiday list.
    pub fn is_exact(&self) -> bool {
        matches!(self, Reckoned::Exact(_))
    }

    /// The first day consulted that the list does not cover, if any.
    pub fn first_unknown_day(&self) -> Option<NaiveDate> {
        match self {
            Reckoned::Exact(_) => None,
            Reckoned::Provisional {
                first_unknown_day, ..
            } => Some(*first_unknown_day),
        }
    }

    /// The answer only if it is exact; otherwise an error naming the uncovered day.
    pub fn exact(
        self,
        known_from: NaiveDate,
        known_through: NaiveDate,
    ) -> Result<T, CalendarError> {
        match self {
            Reckoned::Exact(value) => Ok(value),
            Reckoned::Provisional {
                first_unknown_day, ..
            } => Err(CalendarError::BankHolidaysUnknown {
                day: first_unknown_day,
                known_from,
                known_through,
            }),
        }
    }

    /// Transforms the answer, keeping its certainty.
    pub fn map<U>(self, transform: impl FnOnce(T) -> U) -> Reckoned<U> {
        match self {
            Reckoned::Exact(value) => Reckoned::Exact(transform(value)),
            Reckoned::Provisional {
                value,
                first_unknown_day,
            } => Reckoned::Provisional {
                value: transform(value),
                first_unknown_day,
            },
        }
    }

    /// Marks the answer provisional because `day` was consulted and is not covered, keeping the
    /// earliest such day when it is already provisional.
    pub(crate) fn with_unknown_day(self, day: Option<NaiveDate>) -> Self {
        match (self, day) {
            (answer, None) => answer,
            (Reckoned::Exact(value), Some(day)) => Reckoned::Provisional {
                value,
                first_unknown_day: day,
            },
            (
                Reckoned::Provisional {
                    value,
                    first_unknown_day,
                },
                Some(day),
            ) => Reckoned::Provisional {
                value,
                first_unknown_day: first_unknown_day.min(day),
            },
        }
    }
}
