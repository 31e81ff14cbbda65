//! What the relay reports while it runs: its lag for alerting, and counters that make
//! re-publishing and restarts visible (telemetry reads these; tests wait on them).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Live counters, shared between the relay and whoever watches it.
#[derive(Debug, Default)]
pub struct RelayMetrics {
    checkpoint: AtomicU64,
    acknowledged: AtomicU64,
    head: AtomicU64,
    published: AtomicU64,
    duplicates: AtomicU64,
    restarts: AtomicU64,
    leadership_losses: AtomicU64,
    leader: AtomicBool,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RelayStatus {
    /// The position last saved as the relay's checkpoint.
    pub checkpoint: u64,
    /// The highest position acknowledged together with every position before it.
    pub acknowledged: u64,
    /// The last committed position the relay has seen in the store.
    pub head: u64,
    /// Acknowledged publishes, duplicates included.
    pub published: u64,
    /// Publishes the destination already had (re-publishing after a failure).
    pub duplicates: u64,
    /// Runs that ended in an error and were started again.
    pub restarts: u64,
    /// Times this relay found it no longer held leadership.
    pub leadership_losses: u64,
    /// Whether this relay is the active one.
    pub is_leader: bool,
}

impl RelayStatus {
    /// Events committed but not yet checkpointed: what an alert on the relay watches.
    pub fn lag(&self) -> u64 {
        self.head.saturating_sub(self.checkpoint)
    }
}

impl RelayMetrics {
    /// The counters now.
    pub fn status(&self) -> RelayStatus {
        RelayStatus {
            checkpoint: self.checkpoint.load(Ordering::Relaxed),
            acknowledged: self.acknowledged.load(Ordering::Relaxed),
            head: self.head.load(Ordering::Relaxed),
            published: self.published.load(Ordering::Relaxed),
            duplicates: self.duplicates.load(Ordering::Relaxed),
            restarts: self.restarts.load(Ordering::Relaxed),
            leadership_losses: self.leadership_losses.load(Ordering::Relaxed),
            is_leader: self.leader.load(Ordering::Relaxed),
        }
    }

    /// Head position minus checkpoint.
    pub fn lag(&self) -> u64 {
        self.status().lag()
    }

    pub(crate) fn set_checkpoint(&self, position: u64) {
        self.checkpoint.store(position, Ordering::Relaxed);
        self.observe_head(position);
    }

    pub(crate) fn set_acknowledged(&self, position: u64) {
        self.acknowledged.store(position, Ordering::Relaxed);
        self.observe_head(position);
    }

    pub(crate) fn observe_head(&self, position: u64) {
        self.head.fetch_max(position, Ordering::Relaxed);
    }

    pub(crate) fn count_publish(&self, duplicate: bool) {
        self.published.fetch_add(1, Ordering::Relaxed);
        if duplicate {
            self.duplicates.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn count_restart(&self) {
        self.restarts.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn set_leader(&self, leader: bool) {
        self.leader.store(leader, Ordering::Relaxed);
    }

    pub(crate) fn count_leadership_loss(&self) {
        self.leadership_losses.fetch_add(1, Ordering::Relaxed);
        self.set_leader(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_is_head_minus_checkpoint_and_the_head_never_moves_back() {
        let metrics = RelayMetrics::default();
        metrics.observe_head(100);
        metrics.set_checkpoint(60);
        assert_eq!(metrics.lag(), 40);
        metrics.observe_head(80);
        assert_eq!(metrics.status().head, 100);
        metrics.set_checkpoint(100);
        assert_eq!(metrics.lag(), 0);
    }

    #[test]
    fn duplicates_are_counted_as_published_too() {
        let metrics = RelayMetrics::default();
        metrics.count_publish(false);
        metrics.count_publish(true);
        let status = metrics.status();
        assert_eq!((status.published, status.duplicates), (2, 1));
    }
}
