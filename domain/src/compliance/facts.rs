//! What compliance needs to know about one child, as plain dates: no event types, so the read
//! model can build these facts from whatever it stores and recompute due dates at any time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Everything about one child that their PEP due dates depend on.
///
/// Every date is when the thing happened in the world (the event's `occurred_at`), never when
/// it was recorded: deadlines run from what happened, so a placement change reported a fortnight
/// late is already a fortnight into its deadline. Lists need not be sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ComplianceFacts {
    /// Date of birth; it fixes year group and key stage.
    pub date_of_birth: NaiveDate,
    /// Each period of being looked after (SSDA903 episodes joined into continuous care).
    pub care_periods: Vec<CarePeriod>,
    /// Placement moves while looked after.
    pub placement_changes: Vec<ReportedChange>,
    /// Days the child started at a new school while looked after.
    pub school_changes: Vec<ReportedChange>,
    /// School moves that are planned but may not have happened yet.
    pub planned_school_moves: Vec<PlannedSchoolMove>,
    /// Days statutory care-plan reviews were held.
    pub care_reviews_held: Vec<NaiveDate>,
    /// The child's PEPs (any status; one without the measured date simply does not count yet).
    pub peps: Vec<PepFact>,
}

/// One continuous period of being looked after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarePeriod {
    /// The day the child became looked after (DECOM of the period's first episode).
    pub started_on: NaiveDate,
    /// The day the child ceased to be looked after (DEC of its last episode), if they have.
    pub ended_on: Option<NaiveDate>,
}

/// Something that happened on one day and may have been recorded later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedChange {
    /// When it happened; deadlines run from this day.
    pub occurred_on: NaiveDate,
    /// When PEP Ledger learnt of it, shown in the basis when later than `occurred_on`.
    pub recorded_on: Option<NaiveDate>,
}

/// A school move that has been planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedSchoolMove {
    /// The day the move was planned (agreed or notified).
    pub planned_on: NaiveDate,
    /// The day the child is due to start at the new school.
    pub moves_on: NaiveDate,
}

/// Why a PEP was opened. Informational: any PEP counts towards any obligation (see
/// docs/compliance-rules.md), because a PEP is always the whole plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepKind {
    /// The first PEP after entering care.
    Initial,
    /// A regular (termly) review.
    Review,
    /// After a placement change.
    PlacementChange,
    /// After a school change.
    SchoolChange,
    /// Entering a new key stage, a planned school move, or the move to Reception.
    Transition,
    /// Anything else.
    Other,
}

/// One PEP, reduced to the dates compliance measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PepFact {
    /// Why it was opened.
    pub kind: PepKind,
    /// The day its meeting was held, if it has been.
    pub meeting_held_on: Option<NaiveDate>,
    /// The day it was completed (submitted), if it has been.
    pub completed_on: Option<NaiveDate>,
}
