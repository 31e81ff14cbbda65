//! The relay: the `events` table is the outbox, and this follows its global position and
//! publishes every event, in order, to JetStream (or to the in-process bus when embedded).
//!
//! One relay is active per database (leadership `relay`, held through the database); others
//! wait and take over when it dies. Each run loads the checkpoint, asks the destination where
//! to resume, follows the store's subscription, keeps up to `max_in_flight` publishes
//! unacknowledged, and saves the checkpoint to the highest position whose acknowledgement and
//! every earlier one have arrived. Any failure ends the run; the relay waits (exponential
//! backoff with full jitter, [`crate::backoff::Backoff`]) and begins again. `docs/relay.md`
//! walks through crashes, restarts and duplicates.

mod jetstream;
mod metrics;
mod pipeline;
mod publisher;
mod stream_config;
mod subject;

pub use jetstream::{
    EVENT_TYPE_HEADER, GLOBAL_POSITION_HEADER, JetStreamConfig, JetStreamPublisher,
    STREAM_ID_HEADER, all_events_filter,
};
pub use metrics::{RelayMetrics, RelayStatus};
pub use publisher::{Acknowledgement, PendingAcknowledgement, PublishError, PublishRun, Publisher};
pub use stream_config::StreamSettings;
pub use subject::{EVENT_SUBJECT_PREFIX, EventSubject, InvalidSubjectToken, stream_category};

use crate::backoff::Backoff;
use commands::store::{EventStore, LeadershipGuard, StoreError};
use pipeline::RunEnd;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

/// How the relay runs. [`RelayConfig::default`] suits production.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// The leadership and checkpoint name; one relay per name is active per database.
    pub name: String,
    /// At most this many publishes are unacknowledged at once.
    pub max_in_flight: usize,
    /// How long a publish may wait for its acknowledgement before the run is restarted.
    pub ack_timeout: Duration,
    /// How often a waiting relay asks for leadership again.
    pub leadership_retry_interval: Duration,
    /// How often the active relay checks that it still holds leadership.
    pub leadership_check_interval: Duration,
    /// How often the checkpoint is saved (when it moved): the longest it trails the
    /// acknowledgements, and so the most a restarted relay has to check again.
    pub checkpoint_interval: Duration,
    /// The longest pause after the first failed run. Each pause is a random time up to a
    /// ceiling that starts here and doubles with every further failure, up to `max_backoff`
    /// (full jitter, [`crate::backoff`]); a run that made progress starts it over.
    pub initial_backoff: Duration,
    /// The highest the ceiling on a pause between runs grows.
    pub max_backoff: Duration,
    /// On shutdown, how long to wait for acknowledgements already due.
    pub shutdown_grace: Duration,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            name: "relay".to_owned(),
            max_in_flight: 256,
            ack_timeout: Duration::from_secs(5),
            leadership_retry_interval: Duration::from_secs(1),
            leadership_check_interval: Duration::from_secs(1),
            checkpoint_interval: Duration::from_millis(250),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// Why the relay stopped, or why one of its runs ended.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RelayError {
    /// An event cannot be given a valid subject. The relay stops rather than skip it: an event
    /// missing from the feed would go unnoticed by every consumer.
    #[error(transparent)]
    InvalidSubject(#[from] InvalidSubjectToken),
    /// The store failed (transient; the run is restarted).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The destination failed (transient; the run is restarted).
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// An acknowledgement did not arrive in time (transient; the run is restarted).
    #[error(
        "the acknowledgement for the event at position {position} did not arrive within {timeout:?}"
    )]
    AcknowledgementTimeout {
        /// The event's global position.
        position: u64,
        /// The configured wait.
        timeout: Duration,
    },
}

impl RelayError {
    /// Whether starting another run can help.
    pub fn is_transient(&self) -> bool {
        !matches!(self, RelayError::InvalidSubject(_))
    }
}

/// Follows the store and publishes. Build one per process with [`Relay::new`], then
/// [`Relay::run`] it until shutdown.
pub struct Relay {
    store: Arc<dyn EventStore>,
    publisher: Arc<dyn Publisher>,
    config: RelayConfig,
    metrics: Arc<RelayMetrics>,
}

impl fmt::Debug for Relay {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Relay")
            .field("name", &self.config.name)
            .field("publisher", &self.publisher)
            .finish()
    }
}

impl Relay {
    /// A relay from `store` to `publisher`.
    pub fn new(
        store: Arc<dyn EventStore>,
        publisher: Arc<dyn Publisher>,
        config: RelayConfig,
    ) -> Self {
        Self {
            store,
            publisher,
            config,
            metrics: Arc::new(RelayMetrics::default()),
        }
    }

    /// The relay's counters (lag, checkpoint, duplicates...), live while it runs.
    pub fn metrics(&self) -> Arc<RelayMetrics> {
        self.metrics.clone()
    }

    /// Waits for leadership, then relays until `shutdown` is cancelled (returns `Ok`) or an
    /// event cannot be published at all (returns the error, after saving the checkpoint up to
    /// the event before it). Transient failures never end it.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), RelayError> {
        let mut backoff = Backoff::new(self.config.initial_backoff, self.config.max_backoff);
        loop {
            let Some(mut guard) = self.wait_for_leadership(&shutdown).await else {
                return Ok(());
            };
            self.metrics.set_leader(true);
            loop {
                let end = pipeline::run_once(
                    self.store.as_ref(),
                    self.publisher.as_ref(),
                    &self.config,
                    &self.metrics,
                    &mut guard,
                    &shutdown,
                )
                .await;
                match end {
                    Ok(RunEnd::Shutdown) => {
                        self.metrics.set_leader(false);
                        guard.release().await;
                        tracing::info!("relay stopped");
                        return Ok(());
                    }
                    Ok(RunEnd::LeadershipLost) => {
                        tracing::warn!("the relay lost its leadership; waiting to regain it");
                        self.metrics.count_leadership_loss();
                        break;
                    }
                    Err(failure) if !failure.error.is_transient() => {
                        tracing::error!(error = %failure.error, "the relay stopped");
                        self.metrics.set_leader(false);
                        guard.release().await;
                        return Err(failure.error);
                    }
                    Err(failure) => {
                        self.metrics.count_restart();
                        if failure.progressed {
                            backoff.reset();
                        }
                        let delay = backoff.next_delay();
                        tracing::warn!(
                            error = %failure.error,
                            retry_in = ?delay,
                            "a relay run failed; starting again from what is known to be delivered"
                        );
                        tokio::select! {
                            () = shutdown.cancelled() => {
                                self.metrics.set_leader(false);
                                guard.release().await;
                                return Ok(());
                            }
                            () = tokio::time::sleep(delay) => {}
                        }
                        if !pipeline::still_leader(&mut guard, &self.config).await {
                            tracing::warn!("the relay lost its leadership; waiting to regain it");
                            self.metrics.count_leadership_loss();
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Asks for leadership until it is granted, or `None` on shutdown.
    async fn wait_for_leadership(&self, shutdown: &CancellationToken) -> Option<LeadershipGuard> {
        let mut said_waiting = false;
        loop {
            if shutdown.is_cancelled() {
                return None;
            }
            match self.store.try_acquire_leadership(&self.config.name).await {
                Ok(Some(guard)) => {
                    tracing::info!(name = %self.config.name, "this relay is now the active one");
                    return Some(guard);
                }
                Ok(None) if !said_waiting => {
                    tracing::info!(
                        name = %self.config.name,
                        "another relay is active on this database; waiting to take over"
                    );
                    said_waiting = true;
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "could not ask the database for relay leadership");
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => return None,
                () = tokio::time::sleep(self.config.leadership_retry_interval) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_invalid_subject_stops_the_relay() {
        let invalid = InvalidSubjectToken {
            event_id: uuid::Uuid::nil(),
            global_position: 1,
            part: "event type",
            value: "a.b".to_owned(),
            reason: "it contains '.'",
        };
        assert!(!RelayError::InvalidSubject(invalid).is_transient());
        assert!(RelayError::Store(StoreError::Unavailable("down".to_owned())).is_transient());
        assert!(
            RelayError::AcknowledgementTimeout {
                position: 1,
                timeout: Duration::from_secs(1)
            }
            .is_transient()
        );
    }
}
