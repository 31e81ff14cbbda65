//! Reading an LA's term-dates file and refusing one with a missing, overlapping or misplaced
//! term, kept apart from the term questions so those read without the checks that guard them.

use super::{DEMO_TERM_DATES_TOML, SchoolTerms, Term, TermName};
use crate::calendar::AcademicYear;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeSet;
use thiserror::Error;

/// Why a term-dates file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TermDatesError {
    /// The TOML did not parse or has unknown or missing fields.
    #[error("term dates file: {reason}")]
    Toml {
        /// What the TOML parser reported.
        reason: String,
    },
    /// No terms at all.
    #[error("the term dates file lists no terms")]
    Empty,
    /// A term or holiday ends before it starts.
    #[error("{academic_year} {term} term: {what} ends on {ends}, before it starts on {starts}")]
    EndsBeforeStart {
        /// The academic year.
        academic_year: AcademicYear,
        /// The term.
        term: TermName,
        /// "the term" or the holiday's name.
        what: String,
        /// The first day given.
        starts: NaiveDate,
        /// The last day given.
        ends: NaiveDate,
    },
    /// A term lies (partly) outside 1 September to 31 August of its academic year.
    #[error("{academic_year} {term} term ({starts} to {ends}) is not inside that academic year")]
    OutsideAcademicYear {
        /// The academic year.
        academic_year: AcademicYear,
        /// The term.
        term: TermName,
        /// The first day given.
        starts: NaiveDate,
        /// The last day given.
        ends: NaiveDate,
    },
    /// A term appears twice for one year.
    #[error("{academic_year} lists the {term} term twice")]
    DuplicateTerm {
        /// The academic year.
        academic_year: AcademicYear,
        /// The repeated term.
        term: TermName,
    },
    /// A year lacks one of its three terms.
    #[error("{academic_year} has no {term} term")]
    MissingTerm {
        /// The academic year.
        academic_year: AcademicYear,
        /// The missing term.
        term: TermName,
    },
    /// Terms of one year overlap or are out of order.
    #[error("{academic_year}: the {later} term starts before the {earlier} term ends")]
    TermsOverlap {
        /// The academic year.
        academic_year: AcademicYear,
        /// The term that should come first.
        earlier: TermName,
        /// The term that starts too early.
        later: TermName,
    },
    /// A holiday is not inside its term.
    #[error("{academic_year} {term} term: {holiday} ({starts} to {ends}) is not inside the term")]
    HolidayOutsideTerm {
        /// The academic year.
        academic_year: AcademicYear,
        /// The term.
        term: TermName,
        /// The holiday's name.
        holiday: String,
        /// The holiday's first day.
        starts: NaiveDate,
        /// The holiday's last day.
        ends: NaiveDate,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TermDatesFile {
    local_authority: String,
    #[serde(default)]
    terms: Vec<Term>,
}

impl SchoolTerms {
    /// Parses and checks a term-dates TOML file (see `domain/data/terms/demo.toml`).
    pub fn from_toml(text: &str) -> Result<Self, TermDatesError> {
        let file: TermDatesFile = toml::from_str(text).map_err(|error| TermDatesError::Toml {
            reason: error.to_string(),
        })?;
        Self::from_terms(file.local_authority, file.terms)
    }

    /// The demo LA's illustrative term dates (2023-24 to 2027-28), embedded in the crate.
    pub fn demo() -> Result<Self, TermDatesError> {
        Self::from_toml(DEMO_TERM_DATES_TOML)
    }

    /// Checks terms given in code: each year complete, in order, inside its academic year, and
    /// every holiday inside its term.
    pub fn from_terms(
        local_authority: String,
        mut terms: Vec<Term>,
    ) -> Result<Self, TermDatesError> {
        if terms.is_empty() {
            return Err(TermDatesError::Empty);
        }
        for term in &terms {
            check_term(term)?;
        }
        terms.sort_by_key(|term| (term.academic_year, term.term));
        let academic_years: BTreeSet<AcademicYear> =
            terms.iter().map(|term| term.academic_year).collect();
        for academic_year in &academic_years {
            let of_year: Vec<&Term> = terms
                .iter()
                .filter(|term| term.academic_year == *academic_year)
                .collect();
            for (index, name) in TermName::ALL.iter().enumerate() {
                let count = of_year.iter().filter(|term| term.term == *name).count();
                if count == 0 {
                    return Err(TermDatesError::MissingTerm {
                        academic_year: *academic_year,
                        term: *name,
                    });
                }
                if count > 1 {
                    return Err(TermDatesError::DuplicateTerm {
                        academic_year: *academic_year,
                        term: *name,
                    });
                }
                if index > 0 && of_year[index].starts <= of_year[index - 1].ends {
                    return Err(TermDatesError::TermsOverlap {
                        academic_year: *academic_year,
                        earlier: of_year[index - 1].term,
                        later: *name,
                    });
                }
            }
        }
        Ok(Self {
            local_authority,
            terms,
            academic_years,
        })
    }
}

fn check_term(term: &Term) -> Result<(), TermDatesError> {
    let academic_year = term.academic_year;
    if term.ends < term.starts {
        return Err(TermDatesError::EndsBeforeStart {
            academic_year,
            term: term.term,
            what: "the term".to_owned(),
            starts: term.starts,
            ends: term.ends,
        });
    }
    if !academic_year.contains(term.starts) || !academic_year.contains(term.ends) {
        return Err(TermDatesError::OutsideAcademicYear {
            academic_year,
            term: term.term,
            starts: term.starts,
            ends: term.ends,
        });
    }
    for holiday in &term.holidays {
        if holiday.ends < holiday.starts {
            return Err(TermDatesError::EndsBeforeStart {
                academic_year,
                term: term.term,
                what: holiday.name.clone(),
                starts: holiday.starts,
                ends: holiday.ends,
            });
        }
        if !term.contains(holiday.starts) || !term.contains(holiday.ends) {
            return Err(TermDatesError::HolidayOutsideTerm {
                academic_year,
                term: term.term,
                holiday: holiday.name.clone(),
                starts: holiday.starts,
                ends: holiday.ends,
            });
        }
    }
    Ok(())
}
