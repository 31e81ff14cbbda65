//! The category and one-line human summary of each event on a child's timeline.
//!
//! Summaries are for people scanning a chronology: short, in plain English, with dates written
//! out ("3 Mar 2025") and money in pounds. Free text inside them (reasons, descriptions) is
//! collapsed to one line and shortened; the full payload is kept beside it as JSON detail.

mod child;
mod pep;

pub use child::{attendance_percentage, child_event};
pub use pep::pep_event;

use super::category::Category;
use chrono::NaiveDate;
use domain::funding::FundingEvent;
use serde::Serialize;

/// Longest piece of free text quoted inside a summary, in characters.
const QUOTED_TEXT_LIMIT: usize = 120;

/// `3 Mar 2025`.
pub(super) fn day(date: &NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// An enum's wire name in words: `placement_move` becomes `placement move`.
pub(super) fn words<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text.replace('_', " "),
        _ => String::from("unknown"),
    }
}

/// Free text as one shortened line.
pub(super) fn quoted(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= QUOTED_TEXT_LIMIT {
        line
    } else {
        let shortened: String = line.chars().take(QUOTED_TEXT_LIMIT - 1).collect();
        format!("{shortened}…")
    }
}

pub(super) fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// A funding event's category and summary; `None` for the LA-wide budget, which concerns no
/// one child.
pub fn funding_event(event: &FundingEvent) -> Option<(Category, String)> {
    let summary = match event {
        FundingEvent::BudgetSet { .. } => return None,
        FundingEvent::Requested {
            amount, purpose, ..
        } => format!("PP+ requested: {amount} for {}", quoted(purpose)),
        FundingEvent::Allocated { amount, .. } => format!("PP+ allocated: {amount}"),
        FundingEvent::Rejected { reason, .. } => {
            format!("PP+ request turned down: {}", quoted(reason))
        }
        FundingEvent::ImpactRecorded { impact, .. } => {
            format!("PP+ impact recorded: {}", quoted(impact))
        }
        FundingEvent::Paid {
            amount,
            term,
            year,
            reference,
            ..
        } => format!(
            "PP+ paid: {amount} for the {term} term {year} (reference {})",
            quoted(reference)
        ),
    };
    Some((Category::Funding, summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::child::ChildEvent;

    #[test]
    fn free_text_becomes_one_short_line() {
        assert_eq!(quoted("two\nlines\r\n  here"), "two lines here");
        let long = "x".repeat(300);
        let shortened = quoted(&long);
        assert_eq!(shortened.chars().count(), QUOTED_TEXT_LIMIT);
        assert!(shortened.ends_with('…'));
    }

    #[test]
    fn categories_round_trip_through_their_wire_names() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("gossip"), None);
    }

    #[test]
    fn attendance_percentages_use_integer_tenths() {
        let event = ChildEvent::AttendanceRecorded {
            period_start: NaiveDate::from_ymd_opt(2024, 9, 2).unwrap(),
            period_end: NaiveDate::from_ymd_opt(2024, 10, 25).unwrap(),
            possible_sessions: 3,
            attended_sessions: 2,
            unauthorised_absence_sessions: 1,
        };
        let (category, summary) = child_event(&event);
        assert_eq!(category, Category::Attendance);
        assert_eq!(
            summary,
            "Attendance 66.6% (2 of 3 sessions, 1 unauthorised) from 2 Sep 2024 to 25 Oct 2024"
        );
    }

    #[test]
    fn sharing_a_record_reads_as_one_line_of_the_record() {
        let shared = ChildEvent::RecordShared {
            with_la: domain::values::LaCode::parse("830").unwrap(),
            reason: "placed out of area\nnear her aunt".to_owned(),
            shared_on: NaiveDate::from_ymd_opt(2025, 2, 3).unwrap(),
        };
        assert_eq!(
            child_event(&shared),
            (
                Category::Record,
                "Record shared with LA 830: placed out of area near her aunt".to_owned()
            )
        );
        let ended = ChildEvent::RecordSharingEnded {
            with_la: domain::values::LaCode::parse("830").unwrap(),
            ended_on: NaiveDate::from_ymd_opt(2025, 7, 21).unwrap(),
        };
        assert_eq!(
            child_event(&ended),
            (Category::Record, "Sharing with LA 830 ended".to_owned())
        );
    }
}
