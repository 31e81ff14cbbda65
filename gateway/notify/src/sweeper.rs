//! The overdue sweeper: periodically judges every child in care on today's date (the
//! compliance read model and `domain::compliance::status_on`, `docs/compliance-rules.md`) and
//! asks for an IRO notice about each item that is overdue.
//!
//! The notice id, the `about_event_id` and the idempotency key are all derived from (child,
//! item, due date), so a second sweep, a sweep on another node, or a sweep after a crash finds
//! the stored outcome (and the child's decider ignores a second notice about the same
//! `about_event_id`): one notice per overdue item, ever. A store failure ends the sweep with
//! an error and the next sweep starts again from the beginning; nothing half-done remains.

use super::message::overdue_notice_ids;
use commands::clock::Clock;
use commands::handlers::{CommandContext, CommandHandler, HandleError};
use domain::child::{ChildCommand, NoticeReason};
use domain::compliance::DueStatus;
use domain::{Actor, Role};
use projections::compliance::{CohortFilter, ComplianceProjector, Page};
use projections::db::ReadDatabase;
use projections::runtime::ProjectionError;
use std::sync::Arc;
use thiserror::Error;

/// The sweeper's leadership name and the actor of the commands it sends.
pub const SWEEPER_NAME: &str = "notice-sweeper";

/// Why a sweep stopped early.
#[derive(Debug, Error)]
pub enum SweepError {
    /// The compliance read model could not be read.
    #[error("compliance read model: {0}")]
    ReadModel(#[from] ProjectionError),
    /// A command failed for a reason that is not a business rule.
    #[error("requesting a notice failed: {0}")]
    Command(#[from] HandleError),
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Overdue items found.
    pub overdue_items: usize,
    /// Notices newly requested (the rest existed already).
    pub notices_requested: usize,
}

/// Finds overdue PEP items and requests notices about them.
#[derive(Debug, Clone)]
pub struct OverdueSweeper {
    read: ReadDatabase,
    compliance: ComplianceProjector,
    handler: CommandHandler,
    clock: Arc<dyn Clock>,
}

impl OverdueSweeper {
    /// A sweeper judging with `compliance`'s policy and calendar on `clock`'s today.
    pub fn new(
        read: ReadDatabase,
        compliance: ComplianceProjector,
        handler: CommandHandler,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            read,
            compliance,
            handler,
            clock,
        }
    }

    /// One sweep over every child in care.
    pub async fn sweep(&self) -> Result<SweepReport, SweepError> {
        let today = self.clock.now().date_naive();
        let filter = CohortFilter {
            status: Some(DueStatus::Overdue),
            ..CohortFilter::default()
        };
        let mut report = SweepReport::default();
        let mut offset = 0;
        loop {
            let page = Page {
                offset,
                limit: Page::MAX_LIMIT,
            };
            let cohort = self
                .compliance
                .cohort(&self.read, &filter, today, page)
                .await?;
            for row in &cohort.children {
                let Some(child) = self
                    .compliance
                    .child(&self.read, row.child_id, today)
                    .await?
                else {
                    continue;
                };
                for judged in child
                    .items
                    .iter()
                    .filter(|item| item.status == DueStatus::Overdue)
                {
                    report.overdue_items += 1;
                    let item_key = serde_json::json!({
                        "kind": judged.item.kind,
                        "care_period_started_on": judged.item.care_period_started_on,
                    })
                    .to_string();
                    let (notice_id, about_event_id) = overdue_notice_ids(
                        child.child_id.as_uuid(),
                        &item_key,
                        judged.item.due_date,
                    );
                    let key = format!("{SWEEPER_NAME}:{about_event_id}");
                    let context = CommandContext::new(
                        Actor::new(SWEEPER_NAME, Role::System),
                        about_event_id,
                        SWEEPER_NAME,
                    )
                    .with_idempotency(key.clone(), key);
                    let command = ChildCommand::RequestIroNotice {
                        notice_id,
                        reason: NoticeReason::PepOverdue,
                        about_event_id,
                        occurred_on: judged.item.due_date,
                        summary: format!(
                            "{} was due by {} and is overdue",
                            judged.item.kind, judged.item.due_date
                        ),
                    };
                    match self.handler.child(child.child_id, command, &context).await {
                        Ok(outcome) if outcome.events_written > 0 => report.notices_requested += 1,
                        Ok(_) => {}
                        Err(HandleError::Rejected(rule)) => {
                            tracing::info!(child_id = %child.child_id, %rule, "overdue notice refused by a rule");
                        }
                        Err(error) => return Err(error.into()),
                    }
                }
            }
            offset += page.limit;
            if offset >= cohort.total {
                return Ok(report);
            }
        }
    }
}
