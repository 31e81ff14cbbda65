//! The output of compliance: dated obligations ("a PEP is due by this day, because..."), kept
//! separate from their status so a read model can store the dates and judge them on any day.

use crate::calendar::{AcademicYear, KeyStage, TermName, YearGroup};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an obligation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DueKind {
    /// The first PEP of a period in care (or of reaching the PEP age range while in care).
    InitialPep,
    /// The review in one term of an academic year.
    TermlyReview {
        /// The academic year.
        academic_year: AcademicYear,
        /// The term.
        term: TermName,
    },
    /// A reviewed PEP that must reach the IRO ahead of a statutory care-plan review.
    ReviewBeforeCareReview {
        /// 1 for the first care-plan review of the period in care, and so on.
        care_review_number: u32,
        /// The day the care-plan review was statutorily due.
        care_review_due: NaiveDate,
        /// The day it was held, if it has been (the PEP must precede the actual review).
        care_review_held_on: Option<NaiveDate>,
    },
    /// A new or updated PEP after a placement move.
    PlacementChangeReview,
    /// A new or updated PEP after starting at a new school.
    SchoolChangeReview,
    /// A new PEP on entering a key stage.
    KeyStageTransition {
        /// The key stage entered.
        key_stage: KeyStage,
        /// The year group whose start triggered it.
        year_group: YearGroup,
    },
    /// A transition PEP before a planned school move.
    PlannedSchoolMoveTransition {
        /// The day the child is due to start at the new school.
        moves_on: NaiveDate,
    },
    /// The early-years transition PEP in the summer term before Reception.
    EarlyYearsTransition {
        /// The academic year of that summer term.
        academic_year: AcademicYear,
    },
}

impl fmt::Display for DueKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DueKind::InitialPep => formatter.write_str("Initial PEP"),
            DueKind::TermlyReview {
                academic_year,
                term,
            } => write!(formatter, "Termly review ({term} {academic_year})"),
            DueKind::ReviewBeforeCareReview {
                care_review_number, ..
            } => write!(formatter, "PEP before care review {care_review_number}"),
            DueKind::PlacementChangeReview => formatter.write_str("Placement change PEP"),
            DueKind::SchoolChangeReview => formatter.write_str("School change PEP"),
            DueKind::KeyStageTransition {
                key_stage,
                year_group,
            } => write!(formatter, "{key_stage} transition PEP ({year_group})"),
            DueKind::PlannedSchoolMoveTransition { .. } => {
                formatter.write_str("School move transition PEP")
            }
            DueKind::EarlyYearsTransition { .. } => {
                formatter.write_str("Early years transition PEP")
            }
        }
    }
}

/// One dated obligation: a PEP due by `due_date` because of something on `trigger_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    /// What it is for.
    pub kind: DueKind,
    /// The start of the period in care it belongs to (to group a child's history by period).
    pub care_period_started_on: NaiveDate,
    /// The day the obligation arose; only a PEP on or after this day can meet it.
    pub trigger_date: NaiveDate,
    /// The last day on which meeting it is on time.
    pub due_date: NaiveDate,
    /// True when the due date counted working days beyond the loaded bank-holiday list, which
    /// were assumed to have no bank holidays; it may move later once a newer list is loaded.
    pub due_date_is_provisional: bool,
    /// The day a PEP met it (by the policy's measured date), if one has.
    pub met_on: Option<NaiveDate>,
    /// Why it is due then, in a sentence: "10 working days after entering care on 1 Nov 2024".
    pub basis: String,
}

/// Something that stopped an obligation from being dated, such as missing term dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleProblem {
    /// The obligation affected, if the problem concerns one.
    pub kind: Option<DueKind>,
    /// The day the obligation arose, if known.
    pub trigger_date: Option<NaiveDate>,
    /// What is wrong, in a sentence a Virtual School officer can act on.
    pub description: String,
}

/// A child's obligations, in due-date order, and anything that kept one from being dated.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DueDates {
    /// The dated obligations, earliest due first.
    pub items: Vec<DueItem>,
    /// Obligations that could not be dated, and inconsistent facts.
    pub problems: Vec<ScheduleProblem>,
}

/// How an obligation stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    /// Met on or before its due date.
    OnTime,
    /// Met, but after its due date.
    MetLate,
    /// Not met, and due later than the due-soon window.
    Upcoming,
    /// Not met, and due within the due-soon window (today included).
    DueSoon,
    /// Not met, and its due date has passed.
    Overdue,
}

impl fmt::Display for DueStatus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            DueStatus::OnTime => "on time",
            DueStatus::MetLate => "met late",
            DueStatus::Upcoming => "upcoming",
            DueStatus::DueSoon => "due soon",
            DueStatus::Overdue => "overdue",
        })
    }
}
