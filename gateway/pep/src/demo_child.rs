//! A built-in sample child for `pep schedule --demo`: three years in care with placement and
//! school changes, care-plan reviews, PEPs mostly on time and one late, so a first-time user
//! sees every kind of obligation without loading any data.

use chrono::NaiveDate;
use domain::compliance::{
    CarePeriod, ComplianceFacts, PepFact, PepKind, PlannedSchoolMove, ReportedChange,
};

/// How the demo child is described on screen.
pub const DEMO_CHILD_DESCRIPTION: &str =
    "demo child (born 10 May 2014; looked after since Friday 15 December 2023)";

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    // The literals below are all real dates; the fallback only keeps this total.
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn pep(kind: PepKind, meeting_held_on: NaiveDate, completed_on: NaiveDate) -> PepFact {
    PepFact {
        kind,
        meeting_held_on: Some(meeting_held_on),
        completed_on: Some(completed_on),
    }
}

/// The demo child's facts.
///
/// Entering care on Friday 15 December 2023 puts the initial PEP deadline across Christmas and
/// New Year (due Wednesday 3 January 2024). The placement move on 3 June 2024 was recorded nine
/// days late and its PEP was completed late; the move to secondary school in September 2025 is
/// a key-stage transition; a school move is planned for January 2027.
pub fn demo_child() -> ComplianceFacts {
    ComplianceFacts {
        date_of_birth: date(2014, 5, 10),
        care_periods: vec![CarePeriod {
            started_on: date(2023, 12, 15),
            ended_on: None,
        }],
        placement_changes: vec![ReportedChange {
            occurred_on: date(2024, 6, 3),
            recorded_on: Some(date(2024, 6, 12)),
        }],
        school_changes: vec![ReportedChange {
            occurred_on: date(2024, 9, 9),
            recorded_on: Some(date(2024, 9, 9)),
        }],
        planned_school_moves: vec![PlannedSchoolMove {
            planned_on: date(2026, 11, 2),
            moves_on: date(2027, 1, 4),
        }],
        care_reviews_held: vec![
            date(2024, 1, 16),
            date(2024, 4, 15),
            date(2024, 10, 14),
            date(2025, 4, 10),
            date(2025, 10, 8),
            date(2026, 4, 1),
            date(2026, 9, 29),
        ],
        peps: vec![
            pep(PepKind::Initial, date(2023, 12, 21), date(2024, 1, 2)),
            pep(PepKind::Review, date(2024, 3, 18), date(2024, 3, 20)),
            pep(
                PepKind::PlacementChange,
                date(2024, 6, 20),
                date(2024, 6, 24),
            ),
            pep(PepKind::SchoolChange, date(2024, 9, 17), date(2024, 9, 19)),
            pep(PepKind::Review, date(2025, 2, 27), date(2025, 3, 3)),
            pep(PepKind::Review, date(2025, 6, 26), date(2025, 7, 1)),
            pep(PepKind::Transition, date(2025, 9, 23), date(2025, 9, 25)),
            pep(PepKind::Review, date(2026, 3, 5), date(2026, 3, 10)),
            pep(PepKind::Review, date(2026, 6, 25), date(2026, 6, 30)),
        ],
    }
}
