//! Year group and key stage from a date of birth, with England's 1 September cut-off: a child's
//! year group for a whole academic year is fixed by their age on the 31 August before it starts.

use super::AcademicYear;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a child of a given date of birth sits in English education on a given date, assuming
/// they are taught in their chronological year group.
///
/// Age on the 31 August before the academic year starts: under 2, 2 (early years entitlement
/// for two-year-olds), 3 (nursery), 4 (Reception), 5 to 17 (Years 1 to 13), 18 or more (past
/// Year 13, beyond the PEP age range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearGroup {
    /// Under 2 on the 31 August before the academic year.
    UnderTwo,
    /// 2 on that 31 August: the two-year-old early years entitlement.
    TwoYearOld,
    /// 3 on that 31 August: nursery (the universal early years entitlement).
    Nursery,
    /// 4 on that 31 August: the Reception year of primary school.
    Reception,
    Year1,
    Year2,
    Year3,
    Year4,
    Year5,
    Year6,
    Year7,
    Year8,
    Year9,
    Year10,
    Year11,
    Year12,
    Year13,
    /// 18 or more on that 31 August: past the end of Year 13.
    PastYear13,
}

/// A key stage of the National Curriculum, plus the early years and post-16 phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KeyStage {
    /// Early Years Foundation Stage: birth to the end of Reception.
    #[serde(rename = "eyfs")]
    EarlyYearsFoundationStage,
    /// Years 1 and 2.
    #[serde(rename = "ks1")]
    KeyStage1,
    /// Years 3 to 6.
    #[serde(rename = "ks2")]
    KeyStage2,
    /// Years 7 to 9.
    #[serde(rename = "ks3")]
    KeyStage3,
    /// Years 10 and 11 (GCSE).
    #[serde(rename = "ks4")]
    KeyStage4,
    /// Years 12 and 13 (sixth form, college, training).
    #[serde(rename = "16-19")]
    SixteenToNineteen,
}

/// When a child enters a key stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyStageEntry {
    /// The key stage entered.
    pub key_stage: KeyStage,
    /// The first year group of that key stage (for EYFS, the child's year group at birth).
    pub year_group: YearGroup,
    /// The academic year in which it is entered.
    pub academic_year: AcademicYear,
    /// 1 September of that academic year (for EYFS, the date of birth).
    pub starts_on: NaiveDate,
}

impl YearGroup {
    /// Every year group in order.
    pub const ALL: [YearGroup; 18] = [
        YearGroup::UnderTwo,
        YearGroup::TwoYearOld,
        YearGroup::Nursery,
        YearGroup::Reception,
        YearGroup::Year1,
        YearGroup::Year2,
        YearGroup::Year3,
        YearGroup::Year4,
        YearGroup::Year5,
        YearGroup::Year6,
        YearGroup::Year7,
        YearGroup::Year8,
        YearGroup::Year9,
        YearGroup::Year10,
        YearGroup::Year11,
        YearGroup::Year12,
        YearGroup::Year13,
        YearGroup::PastYear13,
    ];

    /// The year group of a child born on `date_of_birth`, on `date`.
    pub fn on(date_of_birth: NaiveDate, date: NaiveDate) -> YearGroup {
        let cut_off_year = AcademicYear::containing(date).starting_year();
        let age = age_on_thirty_first_august(date_of_birth, cut_off_year);
        Self::from_reception_offset(age - 4)
    }

    /// The academic year in which a child born on `date_of_birth` is in this year group, or
    /// `None` for [`YearGroup::UnderTwo`], which spans more than one.
    pub fn academic_year_for(self, date_of_birth: NaiveDate) -> Option<AcademicYear> {
        if self == YearGroup::UnderTwo {
            return None;
        }
        // Everyone born in one academic year is in the same year group; they start Reception
        // five academic years after the one they were born in.
        let born_in = AcademicYear::containing(date_of_birth);
        Some(born_in.offset(5 + self.reception_offset()))
    }

    /// 1 September of the academic year in which the child enters this year group.
    pub fn starts_on(self, date_of_birth: NaiveDate) -> Option<NaiveDate> {
        self.academic_year_for(date_of_birth)
            .map(|academic_year| academic_year.first_day())
    }

    /// The key stage this year group belongs to; `None` past Year 13.
    pub const fn key_stage(self) -> Option<KeyStage> {
        match self {
            YearGroup::UnderTwo
            | YearGroup::TwoYearOld
            | YearGroup::Nursery
            | YearGroup::Reception => Some(KeyStage::EarlyYearsFoundationStage),
            YearGroup::Year1 | YearGroup::Year2 => Some(KeyStage::KeyStage1),
            YearGroup::Year3 | YearGroup::Year4 | YearGroup::Year5 | YearGroup::Year6 => {
                Some(KeyStage::KeyStage2)
            }
            YearGroup::Year7 | YearGroup::Year8 | YearGroup::Year9 => Some(KeyStage::KeyStage3),
            YearGroup::Year10 | YearGroup::Year11 => Some(KeyStage::KeyStage4),
            YearGroup::Year12 | YearGroup::Year13 => Some(KeyStage::SixteenToNineteen),
            YearGroup::PastYear13 => None,
        }
    }

    /// The National Curriculum year number (1 to 13), or `None` outside Years 1 to 13.
    pub fn school_year_number(self) -> Option<u8> {
        let offset = self.reception_offset();
        u8::try_from(offset)
            .ok()
            .filter(|number| (1..=13).contains(number))
    }

    /// Reception is 0, Year 1 is 1, nursery -1, two-year-olds -2; the open-ended ends are -3 and
    /// 14.
    const fn reception_offset(self) -> i32 {
        match self {
            YearGroup::UnderTwo => -3,
            YearGroup::TwoYearOld => -2,
            YearGroup::Nursery => -1,
            YearGroup::Reception => 0,
            YearGroup::Year1 => 1,
            YearGroup::Year2 => 2,
            YearGroup::Year3 => 3,
            YearGroup::Year4 => 4,
            YearGroup::Year5 => 5,
            YearGroup::Year6 => 6,
            YearGroup::Year7 => 7,
            YearGroup::Year8 => 8,
            YearGroup::Year9 => 9,
            YearGroup::Year10 => 10,
            YearGroup::Year11 => 11,
            YearGroup::Year12 => 12,
            YearGroup::Year13 => 13,
            YearGroup::PastYear13 => 14,
        }
    }

    fn from_reception_offset(offset: i32) -> YearGroup {
        match offset {
            ..=-3 => YearGroup::UnderTwo,
            14.. => YearGroup::PastYear13,
            // The clamp above leaves -2..=13, which indexes ALL from TwoYearOld to Year13.
            _ => Self::ALL[usize::try_from(offset + 3).unwrap_or(0)],
        }
    }
}

impl fmt::Display for YearGroup {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            YearGroup::UnderTwo => formatter.write_str("under two"),
            YearGroup::TwoYearOld => formatter.write_str("two-year-old early years"),
            YearGroup::Nursery => formatter.write_str("Nursery"),
            YearGroup::Reception => formatter.write_str("Reception"),
            YearGroup::PastYear13 => formatter.write_str("past Year 13"),
            other => write!(formatter, "Year {}", other.reception_offset()),
        }
    }
}

impl KeyStage {
    /// The first year group of this key stage.
    pub const fn first_year_group(self) -> YearGroup {
        match self {
            KeyStage::EarlyYearsFoundationStage => YearGroup::UnderTwo,
            KeyStage::KeyStage1 => YearGroup::Year1,
            KeyStage::KeyStage2 => YearGroup::Year3,
            KeyStage::KeyStage3 => YearGroup::Year7,
            KeyStage::KeyStage4 => YearGroup::Year10,
            KeyStage::SixteenToNineteen => YearGroup::Year12,
        }
    }

    /// Every key stage in order.
    pub const ALL: [KeyStage; 6] = [
        KeyStage::EarlyYearsFoundationStage,
        KeyStage::KeyStage1,
        KeyStage::KeyStage2,
        KeyStage::KeyStage3,
        KeyStage::KeyStage4,
        KeyStage::SixteenToNineteen,
    ];

    /// When a child born on `date_of_birth` enters each key stage, in order. EYFS is entered at
    /// birth; the others on 1 September of the academic year of their first year group.
    pub fn entries(date_of_birth: NaiveDate) -> Vec<KeyStageEntry> {
        Self::ALL
            .iter()
            .map(|key_stage| {
                let year_group = key_stage.first_year_group();
                match year_group.academic_year_for(date_of_birth) {
                    Some(academic_year) => KeyStageEntry {
                        key_stage: *key_stage,
                        year_group,
                        academic_year,
                        starts_on: academic_year.first_day(),
                    },
                    None => KeyStageEntry {
                        key_stage: *key_stage,
                        year_group: YearGroup::on(date_of_birth, date_of_birth),
                        academic_year: AcademicYear::containing(date_of_birth),
                        starts_on: date_of_birth,
                    },
                }
            })
            .collect()
    }
}

impl fmt::Display for KeyStage {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            KeyStage::EarlyYearsFoundationStage => "EYFS",
            KeyStage::KeyStage1 => "KS1",
            KeyStage::KeyStage2 => "KS2",
            KeyStage::KeyStage3 => "KS3",
            KeyStage::KeyStage4 => "KS4",
            KeyStage::SixteenToNineteen => "16-19",
        })
    }
}

/// Whole years of age on 31 August of `year` (negative before birth).
fn age_on_thirty_first_august(date_of_birth: NaiveDate, year: i32) -> i32 {
    let birthday_passed = (date_of_birth.month(), date_of_birth.day()) <= (8, 31);
    year - date_of_birth.year() - if birthday_passed { 0 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn the_first_of_september_is_the_cut_off() {
        // Born 31 August 2020: 4 on 31 August 2024, so Reception in 2024-25.
        assert_eq!(
            YearGroup::on(date(2020, 8, 31), date(2024, 9, 2)),
            YearGroup::Reception
        );
        // Born a day later: the youngest is a year behind, in nursery.
        assert_eq!(
            YearGroup::on(date(2020, 9, 1), date(2024, 9, 2)),
            YearGroup::Nursery
        );
        // Born 29 February 2012: 12 on 31 August 2024, Year 8 in 2024-25.
        assert_eq!(
            YearGroup::on(date(2012, 2, 29), date(2025, 3, 1)),
            YearGroup::Year8
        );
        // Born 31 August 2006: 18 on 31 August 2024, past Year 13; born a day later, Year 13.
        assert_eq!(
            YearGroup::on(date(2006, 8, 31), date(2024, 10, 1)),
            YearGroup::PastYear13
        );
        assert_eq!(
            YearGroup::on(date(2006, 9, 1), date(2024, 10, 1)),
            YearGroup::Year13
        );
        assert_eq!(
            YearGroup::on(date(2023, 1, 1), date(2024, 10, 1)),
            YearGroup::UnderTwo
        );
    }

    #[test]
    fn key_stages_follow_the_year_groups() {
        assert_eq!(
            YearGroup::Reception.key_stage(),
            Some(KeyStage::EarlyYearsFoundationStage)
        );
        assert_eq!(YearGroup::Year2.key_stage(), Some(KeyStage::KeyStage1));
        assert_eq!(YearGroup::Year3.key_stage(), Some(KeyStage::KeyStage2));
        assert_eq!(YearGroup::Year9.key_stage(), Some(KeyStage::KeyStage3));
        assert_eq!(YearGroup::Year10.key_stage(), Some(KeyStage::KeyStage4));
        assert_eq!(
            YearGroup::Year13.key_stage(),
            Some(KeyStage::SixteenToNineteen)
        );
        assert_eq!(YearGroup::PastYear13.key_stage(), None);
        assert_eq!(YearGroup::Year7.to_string(), "Year 7");
        assert_eq!(YearGroup::Year7.school_year_number(), Some(7));
        assert_eq!(YearGroup::Reception.school_year_number(), None);
    }

    #[test]
    fn key_stage_entries_are_the_first_of_september() {
        let entries = KeyStage::entries(date(2014, 5, 10));
        let summary: Vec<(String, NaiveDate)> = entries
            .iter()
            .map(|entry| (entry.key_stage.to_string(), entry.starts_on))
            .collect();
        assert_eq!(
            summary,
            [
                ("EYFS".to_owned(), date(2014, 5, 10)),
                ("KS1".to_owned(), date(2019, 9, 1)),
                ("KS2".to_owned(), date(2021, 9, 1)),
                ("KS3".to_owned(), date(2025, 9, 1)),
                ("KS4".to_owned(), date(2028, 9, 1)),
                ("16-19".to_owned(), date(2030, 9, 1)),
            ]
        );
    }

    #[test]
    fn year_groups_have_stable_wire_names() {
        assert_eq!(
            serde_json::to_string(&YearGroup::Year10).unwrap(),
            "\"year10\""
        );
        assert_eq!(
            serde_json::to_string(&YearGroup::TwoYearOld).unwrap(),
            "\"two_year_old\""
        );
        assert_eq!(
            serde_json::to_string(&KeyStage::SixteenToNineteen).unwrap(),
            "\"16-19\""
        );
    }
}
