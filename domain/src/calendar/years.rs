//! The two years English education money and schooling run on: the academic year (September to
//! August) and the financial year (April to March), each written "2024-25".

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Why a "2024-25" style year did not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum YearParseError {
    /// The text is not two years joined by a hyphen, such as "2024-25".
    #[error("{text:?} is not a year written like \"2024-25\"")]
    Malformed {
        /// The text as given.
        text: String,
    },
    /// The second year does not follow the first ("2024-26").
    #[error("{text:?} does not name consecutive years (expected \"{expected}\")")]
    NotConsecutive {
        /// The text as given.
        text: String,
        /// The spelling that would have been accepted.
        expected: String,
    },
}

/// Parses "2024-25" (or "2024-2025") into the first calendar year, 2024.
fn parse_starting_year(text: &str) -> Result<i32, YearParseError> {
    let malformed = || YearParseError::Malformed {
        text: text.to_owned(),
    };
    let (first, second) = text.trim().split_once('-').ok_or_else(malformed)?;
    if first.len() != 4 || !first.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(malformed());
    }
    if !(second.len() == 2 || second.len() == 4)
        || !second.bytes().all(|byte| byte.is_ascii_digit())
    {
        return Err(malformed());
    }
    let starting_year: i32 = first.parse().map_err(|_| malformed())?;
    let second_year: i32 = second.parse().map_err(|_| malformed())?;
    let expected_second = if second.len() == 2 {
        (starting_year + 1) % 100
    } else {
        starting_year + 1
    };
    if second_year != expected_second {
        return Err(YearParseError::NotConsecutive {
            text: text.to_owned(),
            expected: format_years(starting_year),
        });
    }
    Ok(starting_year)
}

fn format_years(starting_year: i32) -> String {
    format!("{starting_year}-{:02}", (starting_year + 1).rem_euclid(100))
}

/// An academic (school) year: 1 September to 31 August, named "2024-25".
///
/// The 1 September boundary is also the cut-off that fixes a child's year group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AcademicYear {
    starting_year: i32,
}

impl AcademicYear {
    /// The academic year that begins on 1 September of `starting_year`.
    pub const fn starting_in(starting_year: i32) -> Self {
        Self { starting_year }
    }

    /// The academic year that `date` falls in.
    pub fn containing(date: NaiveDate) -> Self {
        let starting_year = if date.month() >= 9 {
            date.year()
        } else {
            date.year() - 1
        };
        Self { starting_year }
    }

    /// The calendar year of its September.
    pub const fn starting_year(&self) -> i32 {
        self.starting_year
    }

    /// 1 September.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.starting_year, 9, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 August of the following calendar year.
    pub fn last_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.starting_year + 1, 8, 31).unwrap_or(NaiveDate::MAX)
    }

    /// Whether `date` falls in this academic year.
    pub fn contains(&self, date: NaiveDate) -> bool {
        Self::containing(date) == *self
    }

    /// The academic year after this one.
    pub const fn next(&self) -> Self {
        Self::starting_in(self.starting_year + 1)
    }

    /// The academic year before this one.
    pub const fn previous(&self) -> Self {
        Self::starting_in(self.starting_year - 1)
    }

    /// This academic year moved by `years` (negative moves back).
    pub const fn offset(&self, years: i32) -> Self {
        Self::starting_in(self.starting_year + years)
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&format_years(self.starting_year))
    }
}

impl FromStr for AcademicYear {
    type Err = YearParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_starting_year(text).map(Self::starting_in)
    }
}

impl TryFrom<String> for AcademicYear {
    type Error = YearParseError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<AcademicYear> for String {
    fn from(year: AcademicYear) -> Self {
        year.to_string()
    }
}

/// A UK government financial year: 1 April to 31 March, named "2024-25". Pupil Premium Plus is
/// allocated to the LA per financial year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FinancialYear {
    starting_year: i32,
}

impl FinancialYear {
    /// The financial year that begins on 1 April of `starting_year`.
    pub const fn starting_in(starting_year: i32) -> Self {
        Self { starting_year }
    }

    /// The financial year that `date` falls in.
    pub fn containing(date: NaiveDate) -> Self {
        let starting_year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        Self { starting_year }
    }

    /// The calendar year of its April.
    pub const fn starting_year(&self) -> i32 {
        self.starting_year
    }

    /// 1 April.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.starting_year, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March of the following calendar year.
    pub fn last_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.starting_year + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&format_years(self.starting_year))
    }
}

impl FromStr for FinancialYear {
    type Err = YearParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_starting_year(text).map(Self::starting_in)
    }
}

impl TryFrom<String> for FinancialYear {
    type Error = YearParseError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<FinancialYear> for String {
    fn from(year: FinancialYear) -> Self {
        year.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn academic_year_turns_on_the_first_of_september() {
        assert_eq!(
            AcademicYear::containing(date(2024, 8, 31)).to_string(),
            "2023-24"
        );
        assert_eq!(
            AcademicYear::containing(date(2024, 9, 1)).to_string(),
            "2024-25"
        );
        assert_eq!(
            AcademicYear::starting_in(2024).last_day(),
            date(2025, 8, 31)
        );
    }

    #[test]
    fn financial_year_turns_on_the_first_of_april() {
        assert_eq!(
            FinancialYear::containing(date(2025, 3, 31)).to_string(),
            "2024-25"
        );
        assert_eq!(
            FinancialYear::containing(date(2025, 4, 1)).to_string(),
            "2025-26"
        );
    }

    #[test]
    fn years_parse_both_spellings_and_reject_gaps() {
        assert_eq!(
            "2024-25".parse::<AcademicYear>(),
            Ok(AcademicYear::starting_in(2024))
        );
        assert_eq!(
            "2024-2025".parse::<FinancialYear>(),
            Ok(FinancialYear::starting_in(2024))
        );
        assert_eq!(
            "1999-00".parse::<AcademicYear>(),
            Ok(AcademicYear::starting_in(1999))
        );
        assert!(matches!(
            "2024-26".parse::<AcademicYear>(),
            Err(YearParseError::NotConsecutive { .. })
        ));
        assert!(matches!(
            "24-25".parse::<AcademicYear>(),
            Err(YearParseError::Malformed { .. })
        ));
    }

    #[test]
    fn years_serialise_as_their_names() {
        let year: AcademicYear = serde_json::from_str("\"2025-26\"").unwrap();
        assert_eq!(serde_json::to_string(&year).unwrap(), "\"2025-26\"");
    }
}
