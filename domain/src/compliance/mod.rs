//! A child's PEP due dates and their status on a given day, computed from facts and policy.
//!
//! Two steps, so a read model can store the dates and compute status at query time:
//!
//! 1. [`due_dates`] turns plain [`ComplianceFacts`] (date of birth, periods in care, placement
//!    and school changes, care-plan reviews held, PEP dates) into dated [`DueItem`]s under an
//!    [`crate::policy::LaPolicy`] and a [`crate::calendar::Calendar`]. It does not know what day
//!    it is, so its answer changes only when facts, policy or reference data change.
//! 2. [`status_on`] judges one item on a given day ([`DueStatus`]); [`evaluate`] does both.
//!
//! Dates always run from when things happened, never from when they were recorded, and every
//! rule's wording, default and source is in docs/compliance-rules.md.

mod calendar_rules;
mod due_item;
mod event_rules;
mod facts;
pub mod from_events;
mod report;
mod schedule;

pub use due_item::{DueDates, DueItem, DueKind, DueStatus, ScheduleProblem};
pub use facts::{CarePeriod, ComplianceFacts, PepFact, PepKind, PlannedSchoolMove, ReportedChange};
pub use report::{ComplianceReport, ReportEntry, StatusCounts, evaluate, status_on};
pub use schedule::due_dates;

#[cfg(test)]
mod tests;
