//! The live runner: applies delivered batches exactly once, catches up from the log, and
//! reports how far behind the head it is.

use super::checkpoint::{
    ensure_checkpoint_table, load_checkpoint, lock_checkpoint, save_checkpoint,
};
use super::error::ProjectionError;
use super::event_log::EventLog;
use super::projector::{Projector, TableNames};
use crate::db::ReadDatabase;
use domain::envelope::RecordedEvent;
use serde::Serialize;
use sqlx::AnyConnection;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Positions missing between a projector's checkpoint and the next event it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The position the projector needed next (checkpoint + 1).
    pub expected_position: u64,
    /// The lowest position it was given instead.
    pub found_position: u64,
}

/// What one batch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    /// The checkpoint before the batch.
    pub checkpoint_before: u64,
    /// The checkpoint after it (committed, for [`ProjectorRunner::apply_batch`]).
    pub checkpoint_after: u64,
    /// Events applied.
    pub applied: usize,
    /// Events skipped because they were at or below the checkpoint (or repeated in the batch).
    pub skipped: usize,
    /// Set when the batch did not continue from the checkpoint; nothing at or after the gap
    /// was applied.
    pub gap: Option<Gap>,
}

/// What a catch-up from the log did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CatchUpReport {
    /// The checkpoint before.
    pub from_position: u64,
    /// The checkpoint after (the log's head when it finished).
    pub to_position: u64,
    /// Events applied.
    pub applied: usize,
}

/// How far a projector is behind the log, for metrics and readiness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectorLag {
    /// The projector.
    pub projector: &'static str,
    /// Its committed checkpoint.
    pub checkpoint: u64,
    /// The log's head.
    pub head_position: u64,
    /// `head_position - checkpoint` (0 when caught up).
    pub positions_behind: u64,
    /// `recorded_at` of the head event minus `recorded_at` of the last applied event (of the
    /// first event when nothing is applied yet); 0 when caught up.
    pub seconds_behind: f64,
}

/// Runs one projector against the read database.
#[derive(Clone)]
pub struct ProjectorRunner {
    database: ReadDatabase,
    projector: Arc<dyn Projector>,
    /// Events read from the log per catch-up batch (and per transaction).
    batch_size: usize,
}

impl std::fmt::Debug for ProjectorRunner {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ProjectorRunner")
            .field("projector", &self.projector.name())
            .field("batch_size", &self.batch_size)
            .finish()
    }
}

impl ProjectorRunner {
    /// A runner for `projector`; catch-up reads 1,000 events per transaction.
    pub fn new(database: ReadDatabase, projector: Arc<dyn Projector>) -> Self {
        Self {
            database,
            projector,
            batch_size: 1000,
        }
    }

    /// Sets how many events a catch-up reads and applies per transaction.
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// The projector's name (its checkpoint key).
    pub fn name(&self) -> &'static str {
        self.projector.name()
    }

    /// The projector.
    pub fn projector(&self) -> &Arc<dyn Projector> {
        &self.projector
    }

    /// The read database.
    pub fn database(&self) -> &ReadDatabase {
        &self.database
    }

    /// Creates the checkpoint table and the projector's live tables if they do not exist.
    pub async fn ensure_schema(&self) -> Result<(), ProjectionError> {
        ensure_checkpoint_table(&self.database).await?;
        let mut transaction = self.database.begin().await?;
        for statement in self.projector.create_tables(&TableNames::live()) {
            sqlx::query(&statement).execute(&mut *transaction).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// The committed checkpoint (0 when nothing is applied).
    pub async fn checkpoint(&self) -> Result<u64, ProjectionError> {
        load_checkpoint(&self.database, self.projector.name()).await
    }

    /// Applies a delivered batch in one transaction: reads (and locks) the checkpoint, skips
    /// events at or below it, applies the contiguous run that follows it, moves the checkpoint
    /// and commits. Events may arrive in any order and repeated; a gap is reported, not crossed.
    pub async fn apply_batch(
        &self,
        events: &[RecordedEvent],
    ) -> Result<BatchOutcome, ProjectionError> {
        let mut transaction = self.database.begin().await?;
        let outcome = self.apply_batch_within(&mut transaction, events).await?;
        transaction.commit().await?;
        Ok(outcome)
    }

    /// [`Self::apply_batch`] inside a transaction the caller owns and commits (or drops, which
    /// rolls everything back, checkpoint included).
    pub async fn apply_batch_within(
        &self,
        connection: &mut AnyConnection,
        events: &[RecordedEvent],
    ) -> Result<BatchOutcome, ProjectionError> {
        let name = self.projector.name();
        let checkpoint = lock_checkpoint(connection, self.database.backend(), name).await?;
        let outcome = apply_after_checkpoint(
            connection,
            self.projector.as_ref(),
            &TableNames::live(),
            checkpoint,
            events,
        )
        .await?;
        if outcome.checkpoint_after != checkpoint {
            save_checkpoint(connection, name, outcome.checkpoint_after).await?;
        }
        Ok(outcome)
    }

    /// Applies a delivered batch; when it does not continue from the checkpoint (a message was
    /// lost or the bus started late), catches up from the log instead, which also covers the
    /// batch.
    pub async fn deliver(
        &self,
        events: &[RecordedEvent],
        log: &dyn EventLog,
    ) -> Result<BatchOutcome, ProjectionError> {
        let outcome = self.apply_batch(events).await?;
        if outcome.gap.is_none() {
            return Ok(outcome);
        }
        tracing::info!(
            projector = self.name(),
            gap = ?outcome.gap,
            "gap in delivered events; catching up from the event log"
        );
        let report = self.catch_up(log).await?;
        let after = self.apply_batch(events).await?;
        Ok(BatchOutcome {
            checkpoint_before: outcome.checkpoint_before,
            checkpoint_after: after.checkpoint_after,
            applied: outcome.applied + report.applied + after.applied,
            skipped: after.skipped,
            gap: outcome.gap,
        })
    }

    /// Reads the log in batches from the checkpoint until the head, one transaction a batch.
    pub async fn catch_up(&self, log: &dyn EventLog) -> Result<CatchUpReport, ProjectionError> {
        let from_position = self.checkpoint().await?;
        let mut checkpoint = from_position;
        let mut applied = 0;
        loop {
            let events = log.read_after(checkpoint, self.batch_size).await?;
            if events.is_empty() {
                break;
            }
            let outcome = self.apply_batch(&events).await?;
            if let Some(gap) = outcome.gap {
                return Err(ProjectionError::MissingPosition {
                    position: gap.expected_position,
                    head_position: log.head_position().await?,
                });
            }
            applied += outcome.applied;
            checkpoint = outcome.checkpoint_after;
        }
        Ok(CatchUpReport {
            from_position,
            to_position: checkpoint,
            applied,
        })
    }

    /// Follows the log until `shutdown` turns true: catches up, then waits `poll_interval` (or
    /// less, if shutdown is signalled). Errors are logged and retried after the interval, so a
    /// database restart only delays the read model.
    pub async fn follow(
        &self,
        log: &dyn EventLog,
        poll_interval: Duration,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        while !*shutdown.borrow() {
            if let Err(error) = self.catch_up(log).await {
                tracing::warn!(projector = self.name(), %error, "projector catch-up failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(poll_interval) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// How far behind the log's head the projector is.
    pub async fn lag(&self, log: &dyn EventLog) -> Result<ProjectorLag, ProjectionError> {
        let checkpoint = self.checkpoint().await?;
        let head_position = log.head_position().await?;
        let positions_behind = head_position.saturating_sub(checkpoint);
        let mut seconds_behind = 0.0;
        if positions_behind > 0 {
            let head = log.read_after(head_position - 1, 1).await?;
            let last_applied = log.read_after(checkpoint.saturating_sub(1), 1).await?;
            if let (Some(head), Some(last_applied)) = (head.first(), last_applied.first()) {
                let behind = head.recorded_at - last_applied.recorded_at;
                seconds_behind =
                    (behind.num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6).max(0.0);
            }
        }
        Ok(ProjectorLag {
            projector: self.name(),
            checkpoint,
            head_position,
            positions_behind,
            seconds_behind,
        })
    }
}

/// Applies, in position order, the events that continue contiguously from `checkpoint`, and
/// says how far that got. Shared by the live runner and the rebuild (live and shadow tables).
pub(crate) async fn apply_after_checkpoint(
    connection: &mut AnyConnection,
    projector: &dyn Projector,
    tables: &TableNames,
    checkpoint: u64,
    events: &[RecordedEvent],
) -> Result<BatchOutcome, ProjectionError> {
    // Sorting by position (and keeping one copy of each) makes out-of-order and repeated
    // delivery within one batch harmless too.
    let by_position: BTreeMap<u64, &RecordedEvent> = events
        .iter()
        .map(|event| (event.global_position, event))
        .collect();
    let mut next = checkpoint + 1;
    let mut applied = 0;
    let mut gap = None;
    for (&position, event) in by_position.range(next..) {
        if position != next {
            gap = Some(Gap {
                expected_position: next,
                found_position: position,
            });
            break;
        }
        projector.apply(connection, tables, event).await?;
        applied += 1;
        next += 1;
    }
    Ok(BatchOutcome {
        checkpoint_before: checkpoint,
        checkpoint_after: next - 1,
        applied,
        skipped: events
            .iter()
            .filter(|event| event.global_position <= checkpoint)
            .count()
            + (events.len() - by_position.len()),
        gap,
    })
}
