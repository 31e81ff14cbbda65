//! The England-and-Wales bank holidays as data, with the range of dates the list is known to be
//! complete for, so that nothing downstream mistakes "not in the list" for "not a bank holiday".

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use thiserror::Error;

/// Why a bank-holiday list could not be built or merged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BankHolidaysError {
    /// No dates and no explicit range: there is nothing to say which years the list covers.
    #[error("the bank-holiday list is empty, so it covers no known years")]
    Empty,
    /// The range claimed to be complete ends before it starts.
    #[error("the known range {known_from} to {known_through} ends before it starts")]
    RangeReversed {
        /// The claimed first covered day.
        known_from: NaiveDate,
        /// The claimed last covered day.
        known_through: NaiveDate,
    },
    /// A listed date lies outside the range the list claims to be complete for.
    #[error("bank holiday {date} lies outside the known range {known_from} to {known_through}")]
    DateOutsideKnownRange {
        /// The offending date.
        date: NaiveDate,
        /// The claimed first covered day.
        known_from: NaiveDate,
        /// The claimed last covered day.
        known_through: NaiveDate,
    },
    /// The text is not the gov.uk bank-holidays.json format.
    #[error("not a gov.uk bank-holidays.json document: {reason}")]
    NotGovUkJson {
        /// What the JSON parser reported.
        reason: String,
    },
    /// The gov.uk document has no England-and-Wales division.
    #[error("the gov.uk bank-holidays document has no \"england-and-wales\" division")]
    NoEnglandAndWalesDivision,
    /// Merging two lists whose known ranges neither overlap nor touch would leave years in
    /// between claimed as known when nobody supplied them.
    #[error(
        "cannot merge bank holidays known {other_from} to {other_through} into a list known {known_from} to {known_through}: the years between are missing"
    )]
    GapBetweenKnownRanges {
        /// First covered day of the list being merged into.
        known_from: NaiveDate,
        /// Last covered day of the list being merged into.
        known_through: NaiveDate,
        /// First covered day of the list being merged in.
        other_from: NaiveDate,
        /// Last covered day of the list being merged in.
        other_through: NaiveDate,
    },
}

/// England-and-Wales bank holidays known to be complete from `known_from` to `known_through`.
///
/// Outside that range the list says nothing: [`BankHolidays::is_bank_holiday`] answers `None`
/// and working-day arithmetic answers [`super::Reckoned::Provisional`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHolidays {
    dates: BTreeSet<NaiveDate>,
    known_from: NaiveDate,
    known_through: NaiveDate,
}

/// The parts of gov.uk's bank-holidays.json this crate reads. Unknown fields are ignored on
/// purpose: the format is gov.uk's, and a new field there must not stop the service.
#[derive(Deserialize)]
struct GovUkDivision {
    events: Vec<GovUkEvent>,
}

#[derive(Deserialize)]
struct GovUkEvent {
    date: NaiveDate,
}

impl BankHolidays {
    /// A list known to be complete from 1 January of the earliest year present through
    /// `known_through` (normally 31 December of the last year present).
    pub fn from_dates(
        dates: impl IntoIterator<Item = NaiveDate>,
        known_through: NaiveDate,
    ) -> Result<Self, BankHolidaysError> {
        let dates: BTreeSet<NaiveDate> = dates.into_iter().collect();
        let earliest = dates.first().ok_or(BankHolidaysError::Empty)?;
        let known_from = first_of_january(earliest.year());
        Self::from_dates_known_between(dates, known_from, known_through)
    }

    /// A list known to be complete exactly from `known_from` through `known_through` (which may
    /// legitimately contain no bank holidays at all, such as a short test range).
    pub fn from_dates_known_between(
        dates: impl IntoIterator<Item = NaiveDate>,
        known_from: NaiveDate,
        known_through: NaiveDate,
    ) -> Result<Self, BankHolidaysError> {
        if known_through < known_from {
            return Err(BankHolidaysError::RangeReversed {
                known_from,
                known_through,
            });
        }
        let dates: BTreeSet<NaiveDate> = dates.into_iter().collect();
        if let Some(outside) = dates
            .iter()
            .find(|date| **date < known_from || **date > known_through)
        {
            return Err(BankHolidaysError::DateOutsideKnownRange {
                date: *outside,
                known_from,
                known_through,
            });
        }
        Ok(Self {
            dates,
            known_from,
            known_through,
        })
    }

    /// Reads gov.uk's `bank-holidays.json` (<https://www.gov.uk/bank-holidays.json>), keeping the
    /// `england-and-wales` division. The list is taken as complete from 1 January of its first
    /// year to 31 December of its last, which is how gov.uk publishes it (whole years).
    pub fn from_govuk_json(json: &str) -> Result<Self, BankHolidaysError> {
        let mut divisions: HashMap<String, GovUkDivision> =
            serde_json::from_str(json).map_err(|error| BankHolidaysError::NotGovUkJson {
                reason: error.to_string(),
            })?;
        let division = divisions
            .remove("england-and-wales")
            .ok_or(BankHolidaysError::NoEnglandAndWalesDivision)?;
        let dates: BTreeSet<NaiveDate> = division.events.iter().map(|event| event.date).collect();
        let latest = dates.last().ok_or(BankHolidaysError::Empty)?;
        let known_through = thirty_first_of_december(latest.year());
        Self::from_dates(dates, known_through)
    }

    /// Adds a newer (or corrected) list, such as a bank-holidays.json file downloaded after this
    /// release was built.
    ///
    /// Within `other`'s known range `other` is authoritative: dates this list had there are
    /// replaced, so a moved bank holiday (as 8 May 2020 replaced 4 May 2020) does not leave both
    /// behind. The known ranges must overlap or touch; a gap would claim years nobody supplied.
    pub fn merge(&mut self, other: BankHolidays) -> Result<(), BankHolidaysError> {
        let touches_after =
            other.known_from <= self.known_through.succ_opt().unwrap_or(NaiveDate::MAX);
        let touches_before =
            other.known_through >= self.known_from.pred_opt().unwrap_or(NaiveDate::MIN);
        if !(touches_after && touches_before) {
            return Err(BankHolidaysError::GapBetweenKnownRanges {
                known_from: self.known_from,
                known_through: self.known_through,
                other_from: other.known_from,
                other_through: other.known_through,
            });
        }
        self.dates
            .retain(|date| *date < other.known_from || *date > other.known_through);
        self.dates.extend(other.dates);
        self.known_from = self.known_from.min(other.known_from);
        self.known_through = self.known_through.max(other.known_through);
        Ok(())
    }

    /// `Some(true)` for a bank holiday, `Some(false)` for a day known not to be one, and `None`
    /// for a day outside the known range.
    pub fn is_bank_holiday(&self, date: NaiveDate) -> Option<bool> {
        self.covers(date).then(|| self.dates.contains(&date))
    }

    /// Whether the list is known to be complete on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.known_from <= date && date <= self.known_through
    }

    /// The first day the list is known to be complete for.
    pub fn known_from(&self) -> NaiveDate {
        self.known_from
    }

    /// The last day the list is known to be complete for.
    pub fn known_through(&self) -> NaiveDate {
        self.known_through
    }

    /// Every listed bank holiday, in date order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.dates.iter().copied()
    }

    /// Whether `date` is in the list (without regard to the known range; crate-internal so the
    /// arithmetic can track coverage itself).
    pub(crate) fn lists(&self, date: NaiveDate) -> bool {
        self.dates.contains(&date)
    }
}

fn first_of_january(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn thirty_first_of_december(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    const GOVUK_SAMPLE: &str = r#"{
        "england-and-wales": {"division": "england-and-wales", "events": [
            {"date": "2025-12-25", "title": "Christmas Day", "notes": "", "bunting": true},
            {"date": "2025-05-05", "title": "Early May bank holiday", "notes": "", "bunting": true}
        ]},
        "scotland": {"division": "scotland", "events": [
            {"date": "2025-11-30", "title": "St Andrew’s Day", "notes": "", "bunting": true}
        ]}
    }"#;

    #[test]
    fn govuk_json_keeps_england_and_wales_and_covers_whole_years() {
        let holidays = BankHolidays::from_govuk_json(GOVUK_SAMPLE).unwrap();
        assert_eq!(holidays.known_from(), date(2025, 1, 1));
        assert_eq!(holidays.known_through(), date(2025, 12, 31));
        assert_eq!(holidays.is_bank_holiday(date(2025, 5, 5)), Some(true));
        assert_eq!(holidays.is_bank_holiday(date(2025, 12, 1)), Some(false));
        // Scotland's St Andrew's Day substitute is not an England-and-Wales holiday.
        assert_eq!(holidays.is_bank_holiday(date(2025, 11, 30)), Some(false));
        assert_eq!(holidays.is_bank_holiday(date(2026, 5, 4)), None);
    }

    #[test]
    fn govuk_json_errors_are_precise() {
        assert!(matches!(
            BankHolidays::from_govuk_json("not json"),
            Err(BankHolidaysError::NotGovUkJson { .. })
        ));
        assert_eq!(
            BankHolidays::from_govuk_json(r#"{"scotland": {"events": []}}"#),
            Err(BankHolidaysError::NoEnglandAndWalesDivision)
        );
        assert_eq!(
            BankHolidays::from_govuk_json(r#"{"england-and-wales": {"events": []}}"#),
            Err(BankHolidaysError::Empty)
        );
    }

    #[test]
    fn a_date_outside_the_claimed_range_is_rejected() {
        let error =
            BankHolidays::from_dates([date(2025, 5, 5), date(2026, 1, 1)], date(2025, 12, 31))
                .unwrap_err();
        assert!(matches!(
            error,
            BankHolidaysError::DateOutsideKnownRange { .. }
        ));
    }

    #[test]
    fn merge_extends_the_range_and_the_newer_list_wins_inside_its_range() {
        // The older list had VE Day's bank holiday on its original date, 4 May 2020.
        let mut holidays =
            BankHolidays::from_dates([date(2019, 12, 25), date(2020, 5, 4)], date(2020, 12, 31))
                .unwrap();
        let newer =
            BankHolidays::from_dates([date(2020, 5, 8), date(2021, 12, 27)], date(2021, 12, 31))
                .unwrap();
        holidays.merge(newer).unwrap();
        assert_eq!(holidays.known_from(), date(2019, 1, 1));
        assert_eq!(holidays.known_through(), date(2021, 12, 31));
        assert_eq!(holidays.is_bank_holiday(date(2020, 5, 4)), Some(false));
        assert_eq!(holidays.is_bank_holiday(date(2020, 5, 8)), Some(true));
        assert_eq!(holidays.is_bank_holiday(date(2019, 12, 25)), Some(true));
        assert_eq!(holidays.is_bank_holiday(date(2021, 12, 27)), Some(true));
    }

    #[test]
    fn merge_accepts_adjacent_years_and_refuses_a_gap() {
        let mut holidays =
            BankHolidays::from_dates([date(2024, 12, 25)], date(2024, 12, 31)).unwrap();
        let next_year = BankHolidays::from_dates([date(2025, 12, 25)], date(2025, 12, 31)).unwrap();
        holidays.merge(next_year).unwrap();
        assert_eq!(holidays.known_through(), date(2025, 12, 31));

        let far_future =
            BankHolidays::from_dates([date(2030, 12, 25)], date(2030, 12, 31)).unwrap();
        let error = holidays.merge(far_future).unwrap_err();
        assert!(matches!(
            error,
            BankHolidaysError::GapBetweenKnownRanges { .. }
        ));
        // A refused merge leaves the list as it was.
        assert_eq!(holidays.known_through(), date(2025, 12, 31));
    }
}
