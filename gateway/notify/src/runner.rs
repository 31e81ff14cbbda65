//! Running notice delivery in `pep serve`: the dispatcher and the delivery worker together
//! under the leadership `notice-dispatcher`, and the overdue sweeper under `notice-sweeper`,
//! each taken over by another process when its holder dies. Both stop when asked; a failure
//! (PostgreSQL restarting, say) gives up leadership and tries again after a pause.

use super::NoticeHub;
use super::config::NoticeConfig;
use super::dispatcher::{DISPATCHER_NAME, NoticeDispatcher};
use super::nats::NoticePublisher;
use super::sweeper::{OverdueSweeper, SWEEPER_NAME};
use super::worker::DeliveryWorker;
use commands::clock::{Clock, UuidV7Ids};
use commands::handlers::CommandHandler;
use commands::store::EventStore;
use domain::policy::NoticeRule;
use pep_records::RecordDatabase;
use projections::compliance::ComplianceProjector;
use projections::db::ReadDatabase;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How long to wait before asking for leadership again, or after a failure.
const RETRY_PAUSE: Duration = Duration::from_secs(2);

/// What the notice services need.
#[derive(Debug, Clone)]
pub struct NoticeSetup {
    /// The event store.
    pub store: Arc<dyn EventStore>,
    /// The gateway's tables.
    pub records: RecordDatabase,
    /// The read models (the sweeper reads compliance).
    pub read: ReadDatabase,
    /// The compliance projector (policy and calendar) the sweeper judges with.
    pub compliance: ComplianceProjector,
    /// Who is copied.
    pub rule: NoticeRule,
    /// NATS, or `None` for inbox and webhooks only (embedded mode).
    pub nats_url: Option<String>,
    /// Timings and bounds.
    pub config: NoticeConfig,
    /// Shared with the HTTP routes of this process.
    pub hub: NoticeHub,
    /// The time every notice service reads: which deliveries are due, when a retry falls due,
    /// and the day the sweeper judges overdue on.
    pub clock: Arc<dyn Clock>,
}

/// The running notice services.
#[derive(Debug)]
pub struct NoticeServices {
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl NoticeServices {
    /// Stops them, waiting at most `grace` for each.
    pub async fn stop(self, grace: Duration) {
        self.stop.cancel();
        for task in self.tasks {
            if tokio::time::timeout(grace, task).await.is_err() {
                tracing::warn!("a notice service did not stop within {grace:?}");
            }
        }
    }
}

/// Starts the dispatcher with the worker, and the sweeper.
pub fn spawn_notice_services(setup: NoticeSetup) -> anyhow::Result<NoticeServices> {
    let stop = CancellationToken::new();
    let nats = setup.nats_url.as_ref().map(|url| {
        Arc::new(NoticePublisher::new(
            url.clone(),
            setup.config.attempt_timeout,
        ))
    });
    let dispatcher = NoticeDispatcher::new(
        setup.store.clone(),
        setup.records.clone(),
        setup.rule,
        nats.is_some(),
        setup.hub.wake.clone(),
        setup.clock.clone(),
    );
    let worker = DeliveryWorker::new(
        setup.records.clone(),
        setup.config.clone(),
        nats,
        setup.hub.wake.clone(),
        setup.hub.metrics.clone(),
        setup.clock.clone(),
    )?;
    let handler = CommandHandler::new(
        setup.store.clone(),
        setup.clock.clone(),
        Arc::new(UuidV7Ids),
    );
    let sweeper = OverdueSweeper::new(
        setup.read.clone(),
        setup.compliance.clone(),
        handler,
        setup.clock.clone(),
    );
    let tasks = vec![
        tokio::spawn(deliver(
            setup.store.clone(),
            dispatcher,
            worker,
            stop.clone(),
        )),
        tokio::spawn(sweep(
            setup.store.clone(),
            sweeper,
            setup.config.sweep_interval,
            stop.clone(),
        )),
    ];
    Ok(NoticeServices { stop, tasks })
}

async fn deliver(
    store: Arc<dyn EventStore>,
    dispatcher: NoticeDispatcher,
    worker: DeliveryWorker,
    stop: CancellationToken,
) {
    while !stop.is_cancelled() {
        match store.try_acquire_leadership(DISPATCHER_NAME).await {
            Ok(Some(guard)) => {
                tracing::info!("notice delivery is running here");
                let result = tokio::try_join!(
                    async {
                        dispatcher
                            .run(stop.clone().cancelled_owned())
                            .await
                            .map_err(|error| error.to_string())
                    },
                    async { worker.run(&stop).await.map_err(|error| error.to_string()) },
                );
                drop(guard);
                if let Err(error) = result {
                    tracing::warn!(%error, "notice delivery failed; restarting");
                }
            }
            Ok(None) => tracing::debug!("another process delivers notices"),
            Err(error) => tracing::warn!(%error, "could not ask for notice delivery's leadership"),
        }
        pause(&stop).await;
    }
}

async fn sweep(
    store: Arc<dyn EventStore>,
    sweeper: OverdueSweeper,
    interval: Duration,
    stop: CancellationToken,
) {
    while !stop.is_cancelled() {
        match store.try_acquire_leadership(SWEEPER_NAME).await {
            Ok(Some(mut guard)) => {
                while !stop.is_cancelled() && guard.is_still_held().await {
                    match sweeper.sweep().await {
                        Ok(report) if report.notices_requested > 0 => tracing::info!(
                            overdue_items = report.overdue_items,
                            notices_requested = report.notices_requested,
                            "overdue PEP notices requested"
                        ),
                        Ok(_) => {}
                        Err(error) => tracing::warn!(%error, "the overdue sweep failed"),
                    }
                    tokio::select! {
                        () = stop.cancelled() => {}
                        () = tokio::time::sleep(interval) => {}
                    }
                }
                drop(guard);
            }
            Ok(None) => tracing::debug!("another process sweeps for overdue PEPs"),
            Err(error) => tracing::warn!(%error, "could not ask for the sweeper's leadership"),
        }
        pause(&stop).await;
    }
}

async fn pause(stop: &CancellationToken) {
    tokio::select! {
        () = stop.cancelled() => {}
        () = tokio::time::sleep(RETRY_PAUSE) => {}
    }
}
