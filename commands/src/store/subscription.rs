//! A live subscription: catch up from a position in large batches, then follow new commits.
//!
//! A caught-up subscription waits for the store's head signal (the writer's own commits, and
//! on PostgreSQL also `NOTIFY`s from other processes) or for the poll interval, whichever comes
//! first, so a lost notification only delays delivery. Positions are contiguous, so the
//! subscription also checks that none is skipped.

use super::EventStore;
use super::error::StoreError;
use domain::envelope::RecordedEvent;
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Delivers every event after a position, in order, exactly once, then follows the log.
pub struct Subscription {
    store: Arc<dyn EventStore>,
    /// Moves when new events may have been committed.
    head_signal: watch::Receiver<u64>,
    /// Kept alive while the subscription lives (the PostgreSQL listener, for example).
    _keep_alive: Option<Arc<dyn Send + Sync>>,
    last_position: u64,
    buffer: VecDeque<RecordedEvent>,
    poll_interval: Duration,
    batch_size: usize,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Subscription")
            .field("last_position", &self.last_position)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl Subscription {
    pub(crate) fn new(
        store: Arc<dyn EventStore>,
        head_signal: watch::Receiver<u64>,
        keep_alive: Option<Arc<dyn Send + Sync>>,
        after_position: u64,
        poll_interval: Duration,
        batch_size: usize,
    ) -> Self {
        Self {
            store,
            head_signal,
            _keep_alive: keep_alive,
            last_position: after_position,
            buffer: VecDeque::new(),
            poll_interval,
            batch_size: batch_size.max(1),
        }
    }

    /// The position of the last event delivered (the starting position before any).
    pub fn last_position(&self) -> u64 {
        self.last_position
    }

    /// The next event, waiting for one to be committed if needed.
    ///
    /// Cancel-safe: dropping the future loses nothing. An error (database unreachable, a
    /// missing position) leaves the subscription where it was; calling again retries.
    pub async fn next(&mut self) -> Result<RecordedEvent, StoreError> {
        loop {
            if let Some(event) = self.buffer.front() {
                let expected = self.last_position + 1;
                if event.global_position != expected {
                    return Err(StoreError::PositionGap {
                        expected,
                        found: event.global_position,
                    });
                }
                self.last_position = expected;
                if let Some(event) = self.buffer.pop_front() {
                    return Ok(event);
                }
            }
            // Mark the signal seen before reading, so a commit landing between the read and
            // the wait still wakes the wait.
            self.head_signal.borrow_and_update();
            let batch = self
                .store
                .read_all(self.last_position, self.batch_size)
                .await?;
            if batch.is_empty() {
                tokio::select! {
                    signal = self.head_signal.changed() => {
                        // The signal only closes while the store shuts down; polling keeps
                        // the subscription correct without spinning.
                        if signal.is_err() {
                            tokio::time::sleep(self.poll_interval).await;
                        }
                    }
                    _ = tokio::time::sleep(self.poll_interval) => {}
                }
            } else {
                self.buffer.extend(batch);
            }
        }
    }
}
