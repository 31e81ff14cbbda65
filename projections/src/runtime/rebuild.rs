//! Rebuilding a read model from the event store without stopping the live service.
//!
//! 1. **Prepare**: drop shadow tables a crashed rebuild left behind, create `<base>_shadow`
//!    tables and a shadow checkpoint (`<name>:shadow`) at 0.
//! 2. **Fill**: read the store directly (never through NATS) in large batches and apply each
//!    batch into the shadow tables in one transaction with the shadow checkpoint; report events
//!    done, events per second and an ETA after every batch. The live runner keeps applying to
//!    the live tables meanwhile.
//! 3. **Swap**, in one transaction holding the live checkpoint's lock (the live runner waits):
//!    bring shadow and live to the same position (the higher of the two checkpoints), checksum
//!    both (see [`super::checksum`]), then rename live to `_old`, shadow to live, drop old and
//!    move the checkpoint. Readers see the old tables until the commit and the new ones after.
//!    In [`RebuildMode::CompareOnly`] the shadow is dropped instead: a verification that the
//!    live model is what the log says, changing nothing.
//!
//! A crash at any point leaves the live model untouched (the swap is one transaction); the next
//! rebuild starts from scratch.

use super::checkpoint::{
    delete_checkpoint, ensure_checkpoint_table, lock_checkpoint, save_checkpoint,
};
use super::checksum::{TablesChecksum, checksum_tables};
use super::error::ProjectionError;
use super::event_log::EventLog;
use super::projector::{Projector, TableNames};
use super::rebuild_lock::RebuildLock;
use super::runner::apply_after_checkpoint;
use super::swap::{drop_shadow_tables, swap_shadow_into_live};
use crate::db::ReadDatabase;
use serde::Serialize;
use sqlx::AnyConnection;
use std::time::Instant;

/// What to do once the shadow is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RebuildMode {
    /// Swap the shadow in (whether or not the checksums matched: a rebuild is how a read model
    /// damaged by a bug is repaired; the report says whether it differed).
    Swap,
    /// Compare only, then drop the shadow; the live model is left as it was.
    CompareOnly,
}

/// How a rebuild runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildOptions {
    /// Events read from the store and applied per transaction while filling.
    pub batch_size: usize,
    /// Swap or compare only.
    pub mode: RebuildMode,
}

impl Default for RebuildOptions {
    fn default() -> Self {
        Self {
            batch_size: 5000,
            mode: RebuildMode::Swap,
        }
    }
}

/// Where a rebuild is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RebuildPhase {
    /// Reading the store into the shadow tables.
    Filling,
    /// Holding the live checkpoint: last events, checksums, swap.
    Swapping,
    /// Finished.
    Done,
}

/// Progress reported to the caller's callback after every batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebuildProgress {
    /// The projector being rebuilt.
    pub projector: &'static str,
    /// The phase.
    pub phase: RebuildPhase,
    /// Events applied into the shadow so far.
    pub events_done: u64,
    /// The shadow checkpoint.
    pub position: u64,
    /// The log's head when last asked.
    pub head_position: u64,
    /// Events applied per second since the start.
    pub events_per_second: f64,
    /// Seconds left at the current rate, when there is a rate to go by.
    pub eta_seconds: Option<f64>,
    /// Seconds since the start.
    pub elapsed_seconds: f64,
}

/// The outcome: the position both models reached and their checksums.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebuildReport {
    /// The projector.
    pub projector: &'static str,
    /// The position live and shadow were compared at (the new live checkpoint after a swap).
    pub position: u64,
    /// Events applied into the shadow.
    pub events_applied: u64,
    /// The live tables' checksum at `position`, before the swap.
    pub live_checksum: TablesChecksum,
    /// The rebuilt tables' checksum at `position`.
    pub shadow_checksum: TablesChecksum,
    /// True when the rebuilt rows are exactly the live rows.
    pub matched: bool,
    /// True when the shadow was swapped in.
    pub swapped: bool,
    /// Seconds the whole rebuild took.
    pub elapsed_seconds: f64,
}

/// Rebuilds `projector` with the default options (batches of 5,000, swap).
pub async fn rebuild(
    database: &ReadDatabase,
    projector: &dyn Projector,
    log: &dyn EventLog,
    progress: &mut (dyn FnMut(&RebuildProgress) + Send),
) -> Result<RebuildReport, ProjectionError> {
    rebuild_with(
        database,
        projector,
        log,
        RebuildOptions::default(),
        progress,
    )
    .await
}

/// Rebuilds `projector` with the given options; see the module documentation.
pub async fn rebuild_with(
    database: &ReadDatabase,
    projector: &dyn Projector,
    log: &dyn EventLog,
    options: RebuildOptions,
    progress: &mut (dyn FnMut(&RebuildProgress) + Send),
) -> Result<RebuildReport, ProjectionError> {
    let lock = RebuildLock::acquire(database, projector.name()).await?;
    let result = run_rebuild(database, projector, log, options, progress).await;
    lock.release().await;
    result
}

fn shadow_checkpoint_name(name: &str) -> String {
    format!("{name}:shadow")
}

async fn run_rebuild(
    database: &ReadDatabase,
    projector: &dyn Projector,
    log: &dyn EventLog,
    options: RebuildOptions,
    progress: &mut (dyn FnMut(&RebuildProgress) + Send),
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let name = projector.name();
    let shadow_checkpoint = shadow_checkpoint_name(name);
    let backend = database.backend();
    let bases = projector.tables();

    ensure_checkpoint_table(database).await?;
    let mut transaction = database.begin().await?;
    for statement in projector.create_tables(&TableNames::live()) {
        sqlx::query(&statement).execute(&mut *transaction).await?;
    }
    drop_shadow_tables(&mut transaction, bases).await?;
    delete_checkpoint(&mut transaction, &shadow_checkpoint).await?;
    for statement in projector.create_tables(&TableNames::shadow()) {
        sqlx::query(&statement).execute(&mut *transaction).await?;
    }
    transaction.commit().await?;

    let mut position = 0;
    let mut events_done = 0_u64;
    loop {
        let events = log.read_after(position, options.batch_size.max(1)).await?;
        if events.is_empty() {
            break;
        }
        let mut transaction = database.begin().await?;
        let checkpoint = lock_checkpoint(&mut transaction, backend, &shadow_checkpoint).await?;
        let outcome = apply_after_checkpoint(
            &mut transaction,
            projector,
            &TableNames::shadow(),
            checkpoint,
            &events,
        )
        .await?;
        if let Some(gap) = outcome.gap {
            return Err(ProjectionError::MissingPosition {
                position: gap.expected_position,
                head_position: log.head_position().await?,
            });
        }
        save_checkpoint(
            &mut transaction,
            &shadow_checkpoint,
            outcome.checkpoint_after,
        )
        .await?;
        transaction.commit().await?;
        position = outcome.checkpoint_after;
        events_done += outcome.applied as u64;
        let head_position = log.head_position().await?;
        progress(&progress_report(
            name,
            RebuildPhase::Filling,
            events_done,
            position,
            head_position,
            started,
        ));
    }

    let mut transaction = database.begin().await?;
    progress(&progress_report(
        name,
        RebuildPhase::Swapping,
        events_done,
        position,
        position,
        started,
    ));
    let live_position = lock_checkpoint(&mut transaction, backend, name).await?;
    let shadow_position = lock_checkpoint(&mut transaction, backend, &shadow_checkpoint).await?;
    let target = live_position.max(shadow_position);
    events_done += apply_range(
        &mut transaction,
        projector,
        &TableNames::shadow(),
        shadow_position,
        target,
        log,
        options.batch_size,
    )
    .await?;
    apply_range(
        &mut transaction,
        projector,
        &TableNames::live(),
        live_position,
        target,
        log,
        options.batch_size,
    )
    .await?;
    let live_checksum = checksum_tables(&mut transaction, bases, |base| {
        TableNames::live().name(base)
    })
    .await?;
    let shadow_checksum = checksum_tables(&mut transaction, bases, |base| {
        TableNames::shadow().name(base)
    })
    .await?;
    let matched = live_checksum == shadow_checksum;
    let swapped = options.mode == RebuildMode::Swap;
    if swapped {
        swap_shadow_into_live(&mut transaction, backend, bases).await?;
        save_checkpoint(&mut transaction, name, target).await?;
    } else {
        drop_shadow_tables(&mut transaction, bases).await?;
        if target != live_position {
            save_checkpoint(&mut transaction, name, target).await?;
        }
    }
    delete_checkpoint(&mut transaction, &shadow_checkpoint).await?;
    transaction.commit().await?;
    if !matched {
        tracing::warn!(
            projector = name,
            live = %live_checksum.digest,
            rebuilt = %shadow_checksum.digest,
            "rebuilt read model differs from the live one"
        );
    }
    progress(&progress_report(
        name,
        RebuildPhase::Done,
        events_done,
        target,
        target,
        started,
    ));
    Ok(RebuildReport {
        projector: name,
        position: target,
        events_applied: events_done,
        live_checksum,
        shadow_checksum,
        matched,
        swapped,
        elapsed_seconds: started.elapsed().as_secs_f64(),
    })
}

/// Applies positions `from + 1 ..= to` from the log into `tables` inside the caller's
/// transaction (the checkpoint is saved by the caller).
async fn apply_range(
    connection: &mut AnyConnection,
    projector: &dyn Projector,
    tables: &TableNames,
    from: u64,
    to: u64,
    log: &dyn EventLog,
    batch_size: usize,
) -> Result<u64, ProjectionError> {
    let mut position = from;
    let mut applied = 0;
    while position < to {
        let wanted = usize::try_from(to - position).unwrap_or(usize::MAX);
        let events = log
            .read_after(position, wanted.min(batch_size.max(1)))
            .await?;
        let events: Vec<_> = events
            .into_iter()
            .filter(|event| event.global_position <= to)
            .collect();
        let outcome =
            apply_after_checkpoint(connection, projector, tables, position, &events).await?;
        if outcome.applied == 0 || outcome.gap.is_some() {
            return Err(ProjectionError::MissingPosition {
                position: position + 1,
                head_position: log.head_position().await?,
            });
        }
        position = outcome.checkpoint_after;
        applied += outcome.applied as u64;
    }
    Ok(applied)
}

fn progress_report(
    projector: &'static str,
    phase: RebuildPhase,
    events_done: u64,
    position: u64,
    head_position: u64,
    started: Instant,
) -> RebuildProgress {
    let elapsed_seconds = started.elapsed().as_secs_f64();
    let events_per_second = if elapsed_seconds > 0.0 {
        events_done as f64 / elapsed_seconds
    } else {
        0.0
    };
    let remaining = head_position.saturating_sub(position) as f64;
    let eta_seconds = (events_per_second > 0.0).then(|| remaining / events_per_second);
    RebuildProgress {
        projector,
        phase,
        events_done,
        position,
        head_position,
        events_per_second,
        eta_seconds,
        elapsed_seconds,
    }
}
