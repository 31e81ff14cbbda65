//! Judging dated obligations on a given day. Kept apart from the dating so a read model can
//! store due dates once and compute status whenever it is asked, for today or any past day.

use super::due_item::{DueDates, DueItem, DueStatus, ScheduleProblem};
use super::facts::ComplianceFacts;
use super::schedule::due_dates;
use crate::calendar::Calendar;
use crate::policy::LaPolicy;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How `item` stands on `today`.
///
/// A PEP measured after `today` has not happened yet as far as `today` is concerned, so the same
/// item can be judged as of any past day. Met on or before the due date is on time, after it is
/// met late; unmet is overdue once the due date has passed, due soon within the policy's window
/// (the due day included), and upcoming before that.
pub fn status_on(item: &DueItem, today: NaiveDate, policy: &LaPolicy) -> DueStatus {
    match item.met_on.filter(|met_on| *met_on <= today) {
        Some(met_on) if met_on <= item.due_date => DueStatus::OnTime,
        Some(_) => DueStatus::MetLate,
        None if today > item.due_date => DueStatus::Overdue,
        None if (item.due_date - today).num_days() <= i64::from(policy.due_soon_window_days) => {
            DueStatus::DueSoon
        }
        None => DueStatus::Upcoming,
    }
}

/// One obligation and how it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEntry {
    /// The dated obligation.
    pub item: DueItem,
    /// Its status on the report's day.
    pub status: DueStatus,
}

/// How many obligations are in each status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Met on time.
    pub on_time: usize,
    /// Met after the due date.
    pub met_late: usize,
    /// Not due yet.
    pub upcoming: usize,
    /// Due within the window.
    pub due_soon: usize,
    /// Past due and unmet.
    pub overdue: usize,
}

/// A child's compliance on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// The day judged.
    pub today: NaiveDate,
    /// Every obligation, earliest due first.
    pub entries: Vec<ReportEntry>,
    /// Obligations that could not be dated, and inconsistent facts.
    pub problems: Vec<ScheduleProblem>,
}

impl ComplianceReport {
    /// Counts per status.
    pub fn counts(&self) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for entry in &self.entries {
            match entry.status {
                DueStatus::OnTime => counts.on_time += 1,
                DueStatus::MetLate => counts.met_late += 1,
                DueStatus::Upcoming => counts.upcoming += 1,
                DueStatus::DueSoon => counts.due_soon += 1,
                DueStatus::Overdue => counts.overdue += 1,
            }
        }
        counts
    }

    /// The most urgent status among unmet obligations (overdue, then due soon, then upcoming),
    /// or `None` when everything is met: the one word for a cohort dashboard row.
    pub fn most_urgent_open_status(&self) -> Option<DueStatus> {
        self.entries
            .iter()
            .map(|entry| entry.status)
            .filter(|status| {
                matches!(
                    status,
                    DueStatus::Overdue | DueStatus::DueSoon | DueStatus::Upcoming
                )
            })
            .max()
    }

    /// The earliest-due unmet obligation, if any.
    pub fn next_open(&self) -> Option<&ReportEntry> {
        self.entries
            .iter()
            .find(|entry| matches!(entry.status, DueStatus::DueSoon | DueStatus::Upcoming))
    }
}

/// Dates a child's obligations and judges them on `today`, in one call.
pub fn evaluate(
    facts: &ComplianceFacts,
    policy: &LaPolicy,
    calendar: &Calendar,
    today: NaiveDate,
) -> ComplianceReport {
    let DueDates { items, problems } = due_dates(facts, policy, calendar);
    let entries = items
        .into_iter()
        .map(|item| {
            let status = status_on(&item, today, policy);
            ReportEntry { item, status }
        })
        .collect();
    ComplianceReport {
        today,
        entries,
        problems,
    }
}
