//! One local authority's school term dates as data: three terms per academic year, each with
//! the holidays inside it (half-terms, INSET days), loaded from a TOML file the LA maintains.

mod loading;

pub use loading::TermDatesError;

use super::{AcademicYear, CalendarError, toml_date};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The illustrative term dates of the demo LA, academic years 2023-24 to 2027-28.
pub const DEMO_TERM_DATES_TOML: &str = include_str!("../../data/terms/demo.toml");

/// The three terms of an English school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermName {
    /// September to December.
    Autumn,
    /// January to Easter.
    Spring,
    /// Easter to July.
    Summer,
}

impl TermName {
    /// The three terms in the order they happen.
    pub const ALL: [TermName; 3] = [TermName::Autumn, TermName::Spring, TermName::Summer];
}

impl fmt::Display for TermName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            TermName::Autumn => "autumn",
            TermName::Spring => "spring",
            TermName::Summer => "summer",
        })
    }
}

/// A closure inside a term: a half-term week, an INSET day, a one-off closure.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermHoliday {
    /// What the closure is ("October half-term", "INSET day").
    pub name: String,
    /// First day closed.
    #[serde(deserialize_with = "toml_date::deserialize")]
    pub starts: NaiveDate,
    /// Last day closed.
    #[serde(deserialize_with = "toml_date::deserialize")]
    pub ends: NaiveDate,
}

impl TermHoliday {
    /// Whether the school is closed for this holiday on `date`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.starts <= date && date <= self.ends
    }
}

/// One term: its first and last day and the closures inside it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The academic year the term belongs to.
    pub academic_year: AcademicYear,
    /// Which term.
    pub term: TermName,
    /// First day of term.
    #[serde(deserialize_with = "toml_date::deserialize")]
    pub starts: NaiveDate,
    /// Last day of term.
    #[serde(deserialize_with = "toml_date::deserialize")]
    pub ends: NaiveDate,
    /// Closures inside the term, such as half-term.
    #[serde(default)]
    pub holidays: Vec<TermHoliday>,
}

impl Term {
    /// Whether `date` is between the first and last day of term (holidays inside included).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.starts <= date && date <= self.ends
    }

    /// Whether `date` is inside the term and not inside one of its holidays.
    pub fn is_in_session(&self, date: NaiveDate) -> bool {
        self.contains(date) && !self.holidays.iter().any(|holiday| holiday.contains(date))
    }
}

/// One LA's term dates for a run of academic years, each with all three terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolTerms {
    local_authority: String,
    /// Sorted by start date; terms never overlap.
    terms: Vec<Term>,
    academic_years: BTreeSet<AcademicYear>,
}

impl SchoolTerms {
    /// The LA the dates belong to, as the file names it.
    pub fn local_authority(&self) -> &str {
        &self.local_authority
    }

    /// Every term, in date order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The academic years whose terms are known, in order.
    pub fn academic_years(&self) -> impl Iterator<Item = AcademicYear> + '_ {
        self.academic_years.iter().copied()
    }

    /// Whether the terms of the academic year containing `date` are known.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.academic_years
            .contains(&AcademicYear::containing(date))
    }

    /// The three terms of `academic_year`, autumn first.
    pub fn terms_of(&self, academic_year: AcademicYear) -> Result<&[Term], CalendarError> {
        let first = self
            .terms
            .iter()
            .position(|term| term.academic_year == academic_year)
            .ok_or(CalendarError::TermDatesUnknown { academic_year })?;
        Ok(&self.terms[first..first + TermName::ALL.len()])
    }

    /// The term `date` falls in (holidays inside a term included), or `None` for a date in the
    /// holidays between terms.
    pub fn term_containing(&self, date: NaiveDate) -> Result<Option<&Term>, CalendarError> {
        let of_year = self.terms_of(AcademicYear::containing(date))?;
        Ok(of_year.iter().find(|term| term.contains(date)))
    }

    /// The first term that starts after `date`.
    pub fn next_term_after(&self, date: NaiveDate) -> Result<&Term, CalendarError> {
        let academic_year = AcademicYear::containing(date);
        let of_year = self.terms_of(academic_year)?;
        if let Some(term) = of_year.iter().find(|term| term.starts > date) {
            return Ok(term);
        }
        let following = self.terms_of(academic_year.next())?;
        following.first().ok_or(CalendarError::TermDatesUnknown {
            academic_year: academic_year.next(),
        })
    }

    /// The first day of the first term that starts after `date`.
    pub fn next_term_start(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.next_term_after(date).map(|term| term.starts)
    }

    /// Whether schools are open on `date` by the term dates alone (inside a term and outside
    /// its holidays; weekends and bank holidays are the [`super::Calendar`]'s business).
    pub fn is_in_session(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self
            .term_containing(date)?
            .is_some_and(|term| term.is_in_session(date)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    const ONE_YEAR: &str = r#"
        local_authority = "Test LA"
        [[terms]]
        academic_year = "2024-25"
        term = "autumn"
        starts = 2024-09-03
        ends = 2024-12-20
        holidays = [{ name = "October half-term", starts = 2024-10-28, ends = 2024-11-01 }]
        [[terms]]
        academic_year = "2024-25"
        term = "spring"
        starts = "2025-01-06"
        ends = 2025-04-04
        [[terms]]
        academic_year = "2024-25"
        term = "summer"
        starts = 2025-04-22
        ends = 2025-07-22
    "#;

    #[test]
    fn a_complete_year_loads_and_answers_term_questions() {
        let terms = SchoolTerms::from_toml(ONE_YEAR).unwrap();
        assert_eq!(terms.local_authority(), "Test LA");
        assert!(terms.covers(date(2025, 8, 31)));
        assert!(!terms.covers(date(2025, 9, 1)));
        let autumn = terms.term_containing(date(2024, 10, 30)).unwrap().unwrap();
        assert_eq!(autumn.term, TermName::Autumn);
        assert!(!terms.is_in_session(date(2024, 10, 30)).unwrap());
        assert!(terms.is_in_session(date(2024, 11, 4)).unwrap());
        assert_eq!(terms.term_containing(date(2024, 12, 25)).unwrap(), None);
        assert_eq!(
            terms.next_term_start(date(2024, 12, 21)).unwrap(),
            date(2025, 1, 6)
        );
        assert_eq!(
            terms.next_term_start(date(2025, 7, 23)),
            Err(CalendarError::TermDatesUnknown {
                academic_year: AcademicYear::starting_in(2025)
            })
        );
        assert_eq!(
            terms.term_containing(date(2023, 12, 1)),
            Err(CalendarError::TermDatesUnknown {
                academic_year: AcademicYear::starting_in(2023)
            })
        );
    }

    #[test]
    fn incomplete_or_inconsistent_years_are_refused() {
        let missing_summer = ONE_YEAR
            .split("[[terms]]")
            .take(3)
            .collect::<Vec<_>>()
            .join("[[terms]]");
        assert_eq!(
            SchoolTerms::from_toml(&missing_summer),
            Err(TermDatesError::MissingTerm {
                academic_year: AcademicYear::starting_in(2024),
                term: TermName::Summer
            })
        );
        let overlapping = ONE_YEAR.replace("starts = 2025-04-22", "starts = 2025-04-01");
        assert!(matches!(
            SchoolTerms::from_toml(&overlapping),
            Err(TermDatesError::TermsOverlap { .. })
        ));
        let stray_holiday = ONE_YEAR.replace("ends = 2024-11-01", "ends = 2024-12-23");
        assert!(matches!(
            SchoolTerms::from_toml(&stray_holiday),
            Err(TermDatesError::HolidayOutsideTerm { .. })
        ));
        let wrong_year = ONE_YEAR.replace("starts = 2024-09-03", "starts = 2024-08-28");
        assert!(matches!(
            SchoolTerms::from_toml(&wrong_year),
            Err(TermDatesError::OutsideAcademicYear { .. })
        ));
        let unknown_field = ONE_YEAR.replace("term = \"spring\"", "term = \"spring\"\nweeks = 12");
        assert!(matches!(
            SchoolTerms::from_toml(&unknown_field),
            Err(TermDatesError::Toml { .. })
        ));
        let timed = ONE_YEAR.replace("ends = 2025-07-22", "ends = 2025-07-22T15:30:00");
        assert!(matches!(
            SchoolTerms::from_toml(&timed),
            Err(TermDatesError::Toml { .. })
        ));
    }

    #[test]
    fn the_demo_term_dates_load_and_cover_five_years() {
        let terms = SchoolTerms::demo().unwrap();
        let years: Vec<String> = terms
            .academic_years()
            .map(|year| year.to_string())
            .collect();
        assert_eq!(
            years,
            ["2023-24", "2024-25", "2025-26", "2026-27", "2027-28"]
        );
    }
}
