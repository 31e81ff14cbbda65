//! Runs every read model's projector against the live log: one task per projector, each with its
//! own [`ProjectorRunner`], fed by a durable JetStream pull consumer (production) or the
//! in-process bus (embedded).
//!
//! Each task first catches up from the store (never through NATS), then follows its feed. The
//! read database's checkpoint, not the feed's acknowledgement, decides what is applied: a
//! delivery is applied in one transaction with the checkpoint, and only then acknowledged, so a
//! crash between the two causes a redelivery that the checkpoint skips. A delivery that does not
//! continue from the checkpoint (a lost message, a consumer created after events were published)
//! is filled in from the store. While the feed is down the task backs off (exponentially, with
//! full jitter: [`crate::backoff::Backoff`]) and retries, catching up from the store meanwhile,
//! so the read models do not stall. When the feed is idle but the store is ahead (the relay is
//! stopped), the task catches up from the store too.
//!
//! [`ProjectionStatus`] carries each projector's state, counters and lag (positions and seconds
//! behind the head, measured every `lag_interval`) for metrics and readiness.

mod bus;
mod jetstream;
mod read_models;
mod status;

pub use jetstream::{AckSwitch, JetStreamFeedConfig, consumer_name};
pub use read_models::{READ_MODEL_NAMES, read_model_projectors};
pub use status::{FeedKind, FeedState, ProjectionStatus, ProjectorStatus};

use crate::backoff::Backoff;
use crate::bus::InProcessBus;
use crate::event_log::StoreEventLog;
use domain::envelope::RecordedEvent;
use projections::db::ReadDatabase;
use projections::runtime::{BatchOutcome, ProjectionError, Projector, ProjectorRunner};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Where the projectors' events come from once they have caught up.
pub enum FeedSource {
    /// One durable pull consumer per projector on the JetStream stream the relay fills.
    JetStream(JetStreamFeedConfig),
    /// The in-process bus the embedded relay feeds.
    Bus(InProcessBus),
}

impl fmt::Debug for FeedSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::JetStream(config) => formatter.debug_tuple("JetStream").field(config).finish(),
            Self::Bus(bus) => formatter.debug_tuple("Bus").field(bus).finish(),
        }
    }
}

/// How the projector tasks run. [`FeedConfig::default`] suits production.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    /// Events read from the store and applied per transaction when catching up.
    pub catch_up_batch_size: usize,
    /// At most this many bus events go into one transaction (embedded mode).
    pub bus_batch_size: usize,
    /// How long a projector waits for its feed before asking the store whether it is behind
    /// anyway (the relay may be stopped, or behind).
    pub idle_check_interval: Duration,
    /// How often each projector's lag is measured for [`ProjectionStatus`].
    pub lag_interval: Duration,
    /// The longest pause after the first failure. Each pause is a random time up to a ceiling
    /// that starts here and doubles with every further failure, up to `max_backoff` (full
    /// jitter, [`crate::backoff`]); a success starts it over.
    pub initial_backoff: Duration,
    /// The highest the ceiling on a pause between attempts grows, and so about the longest the
    /// read models trail the store while the feed is down.
    pub max_backoff: Duration,
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self {
            catch_up_batch_size: 1000,
            bus_batch_size: 500,
            idle_check_interval: Duration::from_secs(2),
            lag_interval: Duration::from_secs(1),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// The running projector tasks. Stop them with [`ProjectionFeed::stop`] or by cancelling the
/// token given to [`ProjectionFeed::start`].
pub struct ProjectionFeed {
    status: ProjectionStatus,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl fmt::Debug for ProjectionFeed {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ProjectionFeed")
            .field("status", &self.status.snapshot())
            .finish()
    }
}

impl ProjectionFeed {
    /// Creates every projector's tables (idempotent), then starts one task per projector and
    /// one that measures lag. Fails only when the read database refuses the schema.
    pub async fn start(
        database: ReadDatabase,
        projectors: Vec<Arc<dyn Projector>>,
        log: StoreEventLog,
        source: FeedSource,
        config: FeedConfig,
        shutdown: CancellationToken,
    ) -> Result<Self, ProjectionError> {
        let mut runners = Vec::with_capacity(projectors.len());
        for projector in projectors {
            let runner = ProjectorRunner::new(database.clone(), projector)
                .with_batch_size(config.catch_up_batch_size);
            runner.ensure_schema().await?;
            runners.push(runner);
        }
        let names: Vec<&'static str> = runners.iter().map(ProjectorRunner::name).collect();
        let feed = match source {
            FeedSource::JetStream(jetstream_config) => ActiveFeed::JetStream(Arc::new(
                jetstream::JetStreamConnection::new(jetstream_config),
            )),
            FeedSource::Bus(bus) => ActiveFeed::Bus(bus),
        };
        let status = ProjectionStatus::new(&names, feed.kind());
        let mut tasks = Vec::with_capacity(runners.len() + 1);
        tasks.push(tokio::spawn(measure_lag(
            runners.clone(),
            log.clone(),
            status.clone(),
            config.lag_interval,
            shutdown.clone(),
        )));
        for runner in runners {
            let task = ProjectorTask {
                runner,
                log: log.clone(),
                status: status.clone(),
                config: config.clone(),
                shutdown: shutdown.clone(),
            };
            tasks.push(tokio::spawn(task.run(feed.clone())));
        }
        Ok(Self {
            status,
            shutdown,
            tasks,
        })
    }

    /// The projectors' live status (state, counters, lag).
    pub fn status(&self) -> ProjectionStatus {
        self.status.clone()
    }

    /// Stops every task: deliveries in progress finish (and are acknowledged), then the tasks
    /// end.
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.wait().await;
    }

    /// Waits until every task has ended (after the shutdown token is cancelled).
    pub async fn wait(self) {
        for task in self.tasks {
            if let Err(error) = task.await
                && error.is_panic()
            {
                tracing::error!(%error, "a projector task panicked");
            }
        }
    }
}

/// Measures every projector's lag until shutdown.
async fn measure_lag(
    runners: Vec<ProjectorRunner>,
    log: StoreEventLog,
    status: ProjectionStatus,
    interval: Duration,
    shutdown: CancellationToken,
) {
    loop {
        for runner in &runners {
            let lag = match runner.lag(&log).await {
                Ok(lag) => Some(lag),
                Err(error) => {
                    tracing::debug!(projector = runner.name(), %error, "could not measure lag");
                    None
                }
            };
            status.update(runner.name(), |projector| projector.lag = lag);
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}

/// One projector's task: its runner, the store to catch up from, and where it reports.
struct ProjectorTask {
    runner: ProjectorRunner,
    log: StoreEventLog,
    status: ProjectionStatus,
    config: FeedConfig,
    shutdown: CancellationToken,
}

impl ProjectorTask {
    fn name(&self) -> &'static str {
        self.runner.name()
    }

    /// A fresh backoff for one of this task's retry loops, from the configured bounds.
    fn backoff(&self) -> Backoff {
        Backoff::new(self.config.initial_backoff, self.config.max_backoff)
    }

    /// Catches up from the store until it succeeds once (retrying with backoff), so following
    /// the feed starts near the head. False on shutdown.
    async fn initial_catch_up(&self) -> bool {
        let mut backoff = self.backoff();
        loop {
            if self.shutdown.is_cancelled() {
                return false;
            }
            match self.catch_up_from_store().await {
                Ok(_) => return true,
                Err(error) => {
                    tracing::warn!(projector = self.name(), %error, "catching up from the store failed");
                    self.status.failed(self.name(), &error);
                    if !self.pause(backoff.next_delay()).await {
                        return false;
                    }
                }
            }
        }
    }

    /// Applies everything the store has after the checkpoint.
    async fn catch_up_from_store(&self) -> Result<usize, ProjectionError> {
        let report = self.runner.catch_up(&self.log).await?;
        if report.applied > 0 {
            tracing::debug!(
                projector = self.name(),
                applied = report.applied,
                to_position = report.to_position,
                "caught up from the store"
            );
        }
        self.status.update(self.name(), |status| {
            status.caught_up_once = true;
            status.applied_from_store += report.applied as u64;
            status.last_error = None;
        });
        Ok(report.applied)
    }

    /// Catches up from the store when it is ahead of the checkpoint (the feed has been idle).
    /// Returns how many events that applied.
    async fn catch_up_if_behind(&self) -> Result<usize, ProjectionError> {
        let head = self.log_head().await?;
        if head <= self.runner.checkpoint().await? {
            return Ok(0);
        }
        self.catch_up_from_store().await
    }

    async fn log_head(&self) -> Result<u64, ProjectionError> {
        use projections::runtime::EventLog as _;
        Ok(self.log.head_position().await?)
    }

    /// Applies one delivery in one transaction (filling a gap from the store first if needed).
    async fn deliver(&self, events: &[RecordedEvent]) -> Result<BatchOutcome, ProjectionError> {
        let outcome = self.runner.deliver(events, &self.log).await?;
        self.status.update(self.name(), |status| {
            status.applied_from_feed += outcome.applied as u64;
            status.skipped_redeliveries += outcome.skipped as u64;
            status.last_error = None;
        });
        Ok(outcome)
    }

    fn set_state(&self, state: FeedState) {
        self.status
            .update(self.name(), |status| status.state = state);
    }

    /// Sleeps `delay` unless shutdown comes first; false on shutdown.
    async fn pause(&self, delay: Duration) -> bool {
        tokio::select! {
            () = self.shutdown.cancelled() => false,
            () = tokio::time::sleep(delay) => true,
        }
    }

    /// Catches up, then follows the feed until shutdown.
    async fn run(self, feed: ActiveFeed) {
        if self.initial_catch_up().await {
            match &feed {
                ActiveFeed::Bus(bus) => bus::follow(&self, bus).await,
                ActiveFeed::JetStream(connection) => jetstream::follow(&self, connection).await,
            }
        }
        self.set_state(FeedState::Stopped);
    }
}

/// The feed the tasks share: the bus, or one NATS connection for every consumer.
#[derive(Clone)]
enum ActiveFeed {
    Bus(InProcessBus),
    JetStream(Arc<jetstream::JetStreamConnection>),
}

impl ActiveFeed {
    fn kind(&self) -> FeedKind {
        match self {
            Self::Bus(_) => FeedKind::Bus,
            Self::JetStream(_) => FeedKind::JetStream,
        }
    }
}
