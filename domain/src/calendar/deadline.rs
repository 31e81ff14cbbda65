//! A deadline as LA policy writes it ("10 working days", "20 school days", "6 months"), parsed
//! once so that a zero or misspelt deadline never reaches the arithmetic.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// The unit a deadline counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineUnit {
    /// Weekdays that are not England-and-Wales bank holidays.
    WorkingDays,
    /// Working days inside the LA's terms and outside its school holidays.
    SchoolDays,
    /// Every day.
    CalendarDays,
    /// Seven calendar days.
    Weeks,
    /// Calendar months (same day of the month, or the month's last day if shorter).
    Months,
}

impl DeadlineUnit {
    fn name(self, count: u32) -> &'static str {
        match (self, count == 1) {
            (DeadlineUnit::WorkingDays, true) => "working day",
            (DeadlineUnit::WorkingDays, false) => "working days",
            (DeadlineUnit::SchoolDays, true) => "school day",
            (DeadlineUnit::SchoolDays, false) => "school days",
            (DeadlineUnit::CalendarDays, true) => "calendar day",
            (DeadlineUnit::CalendarDays, false) => "calendar days",
            (DeadlineUnit::Weeks, true) => "week",
            (DeadlineUnit::Weeks, false) => "weeks",
            (DeadlineUnit::Months, true) => "month",
            (DeadlineUnit::Months, false) => "months",
        }
    }
}

/// Why a deadline did not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeadlineError {
    /// Not "<number> <unit>".
    #[error(
        "{text:?} is not a deadline such as \"10 working days\", \"20 school days\", \"14 calendar days\", \"2 weeks\" or \"3 months\""
    )]
    Malformed {
        /// The text as given.
        text: String,
    },
    /// The unit is not one of the known ones.
    #[error(
        "{unit:?} is not a deadline unit (use working days, school days, calendar days, weeks or months)"
    )]
    UnknownUnit {
        /// The unit as given.
        unit: String,
    },
    /// A zero deadline would make everything due on the day it is triggered.
    #[error("a deadline of zero {unit} is impossible; use at least 1")]
    Zero {
        /// The unit as given.
        unit: String,
    },
}

/// A positive count of some unit, such as 10 working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Deadline {
    count: u32,
    unit: DeadlineUnit,
}

impl Deadline {
    /// A deadline of `count` `unit`s; zero is refused.
    pub fn new(count: u32, unit: DeadlineUnit) -> Result<Self, DeadlineError> {
        if count == 0 {
            return Err(DeadlineError::Zero {
                unit: unit.name(0).to_owned(),
            });
        }
        Ok(Self { count, unit })
    }

    /// How many units (at least 1).
    pub const fn count(&self) -> u32 {
        self.count
    }

    /// Which unit.
    pub const fn unit(&self) -> DeadlineUnit {
        self.unit
    }

    /// `count` working days (crate-internal shorthand for defaults; `count` must be positive).
    pub(crate) const fn working_days(count: u32) -> Self {
        Self {
            count,
            unit: DeadlineUnit::WorkingDays,
        }
    }

    /// `count` school days (crate-internal shorthand for defaults; `count` must be positive).
    pub(crate) const fn school_days(count: u32) -> Self {
        Self {
            count,
            unit: DeadlineUnit::SchoolDays,
        }
    }

    /// `count` months (crate-internal shorthand for defaults; `count` must be positive).
    pub(crate) const fn months(count: u32) -> Self {
        Self {
            count,
            unit: DeadlineUnit::Months,
        }
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} {}", self.count, self.unit.name(self.count))
    }
}

impl FromStr for Deadline {
    type Err = DeadlineError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let malformed = || DeadlineError::Malformed {
            text: text.to_owned(),
        };
        let normalised = text.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        let (count, unit) = normalised.split_once(' ').ok_or_else(malformed)?;
        let count: u32 = count.parse().map_err(|_| malformed())?;
        let unit_words: Vec<&str> = unit.split_whitespace().collect();
        let unit = match unit_words.as_slice() {
            ["working", "day" | "days"] => DeadlineUnit::WorkingDays,
            ["school", "day" | "days"] => DeadlineUnit::SchoolDays,
            ["calendar", "day" | "days"] | ["day" | "days"] => DeadlineUnit::CalendarDays,
            ["week" | "weeks"] => DeadlineUnit::Weeks,
            ["month" | "months"] => DeadlineUnit::Months,
            _ => {
                return Err(DeadlineError::UnknownUnit {
                    unit: unit.trim().to_owned(),
                });
            }
        };
        Self::new(count, unit)
    }
}

impl TryFrom<String> for Deadline {
    type Error = DeadlineError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Deadline> for String {
    fn from(deadline: Deadline) -> Self {
        deadline.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_parse_and_print_in_plain_english() {
        let deadline: Deadline = "10 working days".parse().unwrap();
        assert_eq!(deadline, Deadline::working_days(10));
        assert_eq!(deadline.to_string(), "10 working days");
        assert_eq!(
            "1 month".parse::<Deadline>().unwrap().to_string(),
            "1 month"
        );
        assert_eq!(
            "20 School_Days".parse::<Deadline>().unwrap(),
            Deadline::school_days(20)
        );
        assert_eq!(
            "14 days".parse::<Deadline>().unwrap().unit(),
            DeadlineUnit::CalendarDays
        );
    }

    #[test]
    fn zero_and_nonsense_deadlines_are_refused_with_reasons() {
        assert_eq!(
            "0 working days".parse::<Deadline>(),
            Err(DeadlineError::Zero {
                unit: "working days".to_owned()
            })
        );
        assert!(matches!(
            "10 fortnights".parse::<Deadline>(),
            Err(DeadlineError::UnknownUnit { .. })
        ));
        assert!(matches!(
            "soon".parse::<Deadline>(),
            Err(DeadlineError::Malformed { .. })
        ));
        assert!(matches!(
            "-3 months".parse::<Deadline>(),
            Err(DeadlineError::Malformed { .. })
        ));
    }
}
