//! The SSDA903 collection year (1 April to 31 March), the unit in which code lists change.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A collection year, named by the calendar year it starts in: `CollectionYear::new(2024)` is
/// 2024-25, from 1 April 2024 to 31 March 2025. Written and serialised as `"2024-25"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CollectionYear {
    start_year: i32,
}

/// Why a piece of text is not a collection year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectionYearError {
    /// Not of the form `2024-25`.
    #[error("{found:?} is not a collection year: expected the form 2024-25")]
    NotYearDashYear {
        /// The text that was given.
        found: String,
    },
    /// The second part is not the year after the first, as in `2024-26`.
    #[error(
        "{found:?} is not a collection year: the year after {start_year} ends in {expected:02}"
    )]
    EndYearDoesNotFollow {
        /// The text that was given.
        found: String,
        /// The year it starts in.
        start_year: i32,
        /// The two digits the second part should have been.
        expected: i32,
    },
}

impl CollectionYear {
    /// The collection year that starts on 1 April of `start_year`.
    pub const fn new(start_year: i32) -> Self {
        Self { start_year }
    }

    /// The calendar year this collection year starts in (2024 for 2024-25).
    pub const fn start_year(self) -> i32 {
        self.start_year
    }

    /// The collection year a date falls in: 1 April starts a new one.
    pub fn for_date(date: NaiveDate) -> Self {
        if date.month() >= 4 {
            Self::new(date.year())
        } else {
            Self::new(date.year() - 1)
        }
    }

    /// 1 April of the start year (`None` only beyond chrono's date range).
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.start_year, 4, 1)
    }

    /// 31 March of the following year (`None` only beyond chrono's date range).
    pub fn last_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.start_year + 1, 3, 31)
    }

    /// The collection year after this one.
    pub const fn next(self) -> Self {
        Self::new(self.start_year + 1)
    }

    /// The collection year before this one.
    pub const fn previous(self) -> Self {
        Self::new(self.start_year - 1)
    }

    /// Parses `"2024-25"`: four digits, a hyphen, and the last two digits of the next year.
    pub fn parse(text: &str) -> Result<Self, CollectionYearError> {
        let not_year_dash_year = || CollectionYearError::NotYearDashYear {
            found: text.to_owned(),
        };
        let (start, end) = text.split_once('-').ok_or_else(not_year_dash_year)?;
        let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if start.len() != 4 || end.len() != 2 || !all_digits(start) || !all_digits(end) {
            return Err(not_year_dash_year());
        }
        let start_year: i32 = start.parse().map_err(|_| not_year_dash_year())?;
        let end_digits: i32 = end.parse().map_err(|_| not_year_dash_year())?;
        let expected = (start_year + 1) % 100;
        if end_digits != expected {
            return Err(CollectionYearError::EndYearDoesNotFollow {
                found: text.to_owned(),
                start_year,
                expected,
            });
        }
        Ok(Self::new(start_year))
    }
}

impl fmt::Display for CollectionYear {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end_digits = (self.start_year + 1).rem_euclid(100);
        write!(formatter, "{:04}-{end_digits:02}", self.start_year)
    }
}

impl FromStr for CollectionYear {
    type Err = CollectionYearError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for CollectionYear {
    type Error = CollectionYearError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<CollectionYear> for String {
    fn from(year: CollectionYear) -> Self {
        year.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn the_first_of_april_starts_a_new_collection_year() {
        assert_eq!(
            CollectionYear::for_date(date(2025, 3, 31)),
            CollectionYear::new(2024)
        );
        assert_eq!(
            CollectionYear::for_date(date(2025, 4, 1)),
            CollectionYear::new(2025)
        );
        assert_eq!(
            CollectionYear::for_date(date(2025, 1, 1)),
            CollectionYear::new(2024)
        );
        assert_eq!(
            CollectionYear::for_date(date(2024, 12, 31)),
            CollectionYear::new(2024)
        );
    }

    #[test]
    fn displays_and_parses_as_year_dash_two_digits() {
        assert_eq!(CollectionYear::new(2024).to_string(), "2024-25");
        assert_eq!(CollectionYear::new(1999).to_string(), "1999-00");
        assert_eq!(
            CollectionYear::parse("2024-25"),
            Ok(CollectionYear::new(2024))
        );
        assert_eq!(
            CollectionYear::parse("1999-00"),
            Ok(CollectionYear::new(1999))
        );
    }

    #[test]
    fn rejects_other_forms() {
        for text in [
            "2024",
            "2024-2025",
            "2024/25",
            "24-25",
            " 2024-25",
            "2024-2a",
            "",
        ] {
            assert_eq!(
                CollectionYear::parse(text),
                Err(CollectionYearError::NotYearDashYear {
                    found: text.to_owned()
                }),
                "{text:?}"
            );
        }
        assert_eq!(
            CollectionYear::parse("2024-26"),
            Err(CollectionYearError::EndYearDoesNotFollow {
                found: "2024-26".to_owned(),
                start_year: 2024,
                expected: 25
            })
        );
    }

    #[test]
    fn first_and_last_days_bound_the_year() {
        let year = CollectionYear::new(2024);
        assert_eq!(year.first_day(), Some(date(2024, 4, 1)));
        assert_eq!(year.last_day(), Some(date(2025, 3, 31)));
        assert_eq!(year.next(), CollectionYear::new(2025));
        assert_eq!(year.previous(), CollectionYear::new(2023));
    }

    #[test]
    fn serde_is_the_display_string() {
        let year = CollectionYear::new(2025);
        assert_eq!(serde_json::to_string(&year).unwrap(), "\"2025-26\"");
        assert_eq!(
            serde_json::from_str::<CollectionYear>("\"2025-26\"").unwrap(),
            year
        );
        assert!(serde_json::from_str::<CollectionYear>("\"2025-27\"").is_err());
    }

    proptest! {
        #[test]
        fn every_day_of_a_year_maps_to_it(start_year in 1900_i32..2200, offset in 0_i64..365) {
            let year = CollectionYear::new(start_year);
            let first_day = year.first_day().unwrap();
            let day = first_day + chrono::Duration::days(offset);
            prop_assert_eq!(CollectionYear::for_date(day), year);
            prop_assert_eq!(CollectionYear::parse(&year.to_string()), Ok(year));
        }
    }
}
