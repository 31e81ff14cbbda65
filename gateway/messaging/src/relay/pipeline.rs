//! One run of the relay: from the checkpoint (or the destination's proven tail) to the first
//! failure, a lost leadership or shutdown, with a bounded window of unacknowledged publishes.

use super::metrics::RelayMetrics;
use super::publisher::{Acknowledgement, PublishRun, Publisher};
use super::subject::EventSubject;
use super::{RelayConfig, RelayError};
use commands::store::{EventStore, LeadershipGuard};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesOrdered;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// How a run ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunEnd {
    /// Shutdown was asked for; in-flight acknowledgements were awaited and the checkpoint saved.
    Shutdown,
    /// The leadership connection is gone; another relay may already be active.
    LeadershipLost,
}

/// A run that ended in an error.
#[derive(Debug)]
pub(crate) struct RunFailure {
    pub error: RelayError,
    /// Whether the run got anything acknowledged (so the backoff can start small again).
    pub progressed: bool,
}

/// How long a leadership check or a last-chance checkpoint save may take.
const QUICK_CALL_TIMEOUT: Duration = Duration::from_secs(2);

type InFlight = FuturesOrdered<BoxFuture<'static, (u64, Result<Acknowledgement, RelayError>)>>;

/// The positions a run has reached.
struct Progress {
    /// The highest position acknowledged with every position before it.
    acknowledged: u64,
    /// The checkpoint as last saved.
    saved: u64,
    started_at: u64,
}

impl Progress {
    fn progressed(&self) -> bool {
        self.acknowledged > self.started_at
    }
}

/// Runs until shutdown, lost leadership or the first failure.
pub(crate) async fn run_once(
    store: &dyn EventStore,
    publisher: &dyn Publisher,
    config: &RelayConfig,
    metrics: &RelayMetrics,
    guard: &mut LeadershipGuard,
    shutdown: &CancellationToken,
) -> Result<RunEnd, RunFailure> {
    let failed = |error: RelayError| RunFailure {
        error,
        progressed: false,
    };
    let checkpoint = store
        .load_checkpoint(&config.name)
        .await
        .map_err(|error| failed(error.into()))?
        .unwrap_or(0);
    metrics.set_checkpoint(checkpoint);
    let mut run = publisher
        .begin(store, checkpoint)
        .await
        .map_err(|error| failed(error.into()))?;
    let resume_after = run.resume_after();
    tracing::info!(checkpoint, resume_after, "relaying");
    metrics.set_acknowledged(resume_after);
    let mut progress = Progress {
        acknowledged: resume_after,
        saved: checkpoint,
        started_at: resume_after,
    };
    let outcome = follow(
        store,
        run.as_mut(),
        config,
        metrics,
        guard,
        shutdown,
        &mut progress,
    )
    .await;
    match outcome {
        Ok(end) => Ok(end),
        Err(error) => {
            // Keep what was acknowledged, if the database lets us; the next run would find it
            // in the stream anyway, so a failure here changes nothing but the lag shown.
            if progress.acknowledged != progress.saved {
                let save = store.save_checkpoint(&config.name, progress.acknowledged);
                if let Ok(Ok(())) = tokio::time::timeout(QUICK_CALL_TIMEOUT, save).await {
                    metrics.set_checkpoint(progress.acknowledged);
                }
            }
            Err(RunFailure {
                error,
                progressed: progress.progressed(),
            })
        }
    }
}

/// The loop of one run.
async fn follow(
    store: &dyn EventStore,
    run: &mut dyn PublishRun,
    config: &RelayConfig,
    metrics: &RelayMetrics,
    guard: &mut LeadershipGuard,
    shutdown: &CancellationToken,
    progress: &mut Progress,
) -> Result<RunEnd, RelayError> {
    let mut subscription = store.subscribe(progress.acknowledged);
    let mut in_flight: InFlight = FuturesOrdered::new();
    let max_in_flight = config.max_in_flight.max(1);
    let mut checkpoint_timer = ticker(config.checkpoint_interval);
    let mut leadership_timer = ticker(config.leadership_check_interval);
    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => {
                drain(&mut in_flight, config.shutdown_grace, metrics, progress).await;
                save_checkpoint(store, config, metrics, progress).await?;
                return Ok(RunEnd::Shutdown);
            }
            Some((position, answer)) = in_flight.next(), if !in_flight.is_empty() => {
                let acknowledgement = answer?;
                record_acknowledgement(position, acknowledgement, metrics, progress);
            }
            _ = checkpoint_timer.tick() => {
                save_checkpoint(store, config, metrics, progress).await?;
                metrics.observe_head(store.head_position().await?);
            }
            _ = leadership_timer.tick() => {
                if !still_leader(guard, config).await {
                    return Ok(RunEnd::LeadershipLost);
                }
            }
            next = subscription.next(), if in_flight.len() < max_in_flight => {
                let event = next?;
                metrics.observe_head(event.global_position);
                let subject = match EventSubject::for_event(&event) {
                    Ok(subject) => subject,
                    Err(invalid) => {
                        // Stop at this event: what came before it is delivered and saved, and
                        // nothing after it goes out of order.
                        drain(&mut in_flight, config.shutdown_grace, metrics, progress).await;
                        save_checkpoint(store, config, metrics, progress).await?;
                        return Err(invalid.into());
                    }
                };
                let position = event.global_position;
                let pending = run.publish(Arc::new(event), &subject).await?;
                let ack_timeout = config.ack_timeout;
                in_flight.push_back(Box::pin(async move {
                    let answer = match tokio::time::timeout(ack_timeout, pending).await {
                        Ok(answer) => answer.map_err(RelayError::from),
                        Err(_elapsed) => Err(RelayError::AcknowledgementTimeout {
                            position,
                            timeout: ack_timeout,
                        }),
                    };
                    (position, answer)
                }));
            }
        }
    }
}

fn record_acknowledgement(
    position: u64,
    acknowledgement: Acknowledgement,
    metrics: &RelayMetrics,
    progress: &mut Progress,
) {
    if acknowledgement.duplicate {
        tracing::debug!(position, "the destination already had this event");
    }
    metrics.count_publish(acknowledgement.duplicate);
    progress.acknowledged = position;
    metrics.set_acknowledged(position);
}

/// Waits (bounded) for the acknowledgements already due, stopping at the first failure so the
/// acknowledged position stays contiguous.
async fn drain(
    in_flight: &mut InFlight,
    grace: Duration,
    metrics: &RelayMetrics,
    progress: &mut Progress,
) {
    let deadline = Instant::now() + grace;
    while !in_flight.is_empty() {
        match tokio::time::timeout_at(deadline, in_flight.next()).await {
            Ok(Some((position, Ok(acknowledgement)))) => {
                record_acknowledgement(position, acknowledgement, metrics, progress);
            }
            Ok(Some((position, Err(error)))) => {
                tracing::warn!(position, %error, "an acknowledgement failed while stopping");
                return;
            }
            Ok(None) => return,
            Err(_elapsed) => {
                tracing::warn!(
                    unacknowledged = in_flight.len(),
                    "stopped waiting for acknowledgements; the next run re-publishes them"
                );
                return;
            }
        }
    }
}

async fn save_checkpoint(
    store: &dyn EventStore,
    config: &RelayConfig,
    metrics: &RelayMetrics,
    progress: &mut Progress,
) -> Result<(), RelayError> {
    if progress.acknowledged == progress.saved {
        return Ok(());
    }
    store
        .save_checkpoint(&config.name, progress.acknowledged)
        .await?;
    progress.saved = progress.acknowledged;
    metrics.set_checkpoint(progress.acknowledged);
    Ok(())
}

/// Whether the guard's database session still holds the lock (bounded, so a hung connection
/// counts as lost).
pub(crate) async fn still_leader(guard: &mut LeadershipGuard, config: &RelayConfig) -> bool {
    let bound = config.leadership_check_interval.max(QUICK_CALL_TIMEOUT);
    matches!(
        tokio::time::timeout(bound, guard.is_still_held()).await,
        Ok(true)
    )
}

fn ticker(period: Duration) -> tokio::time::Interval {
    let period = period.max(Duration::from_millis(1));
    let mut interval = tokio::time::interval_at(Instant::now() + period, period);
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    interval
}
