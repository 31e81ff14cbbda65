//! The background tasks' lives: the process manager's leadership loop, joining a task within
//! the shutdown grace, and bringing every read model to the head of the log on a clean stop.

use super::PROCESS_MANAGER_LEADERSHIP;
use commands::clock::{SystemClock, UuidV7Ids};
use commands::handlers::CommandHandler;
use commands::process_manager::ProcessManager;
use commands::store::EventStore;
use pep_messaging::event_log::StoreEventLog;
use projections::db::ReadDatabase;
use projections::runtime::ProjectorRunner;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Applies whatever the store has beyond each read model's checkpoint, so a clean stop leaves
/// every checkpoint at the head.
pub(super) async fn flush_read_models(
    read: &ReadDatabase,
    projectors: &[Arc<dyn projections::runtime::Projector>],
    log: &StoreEventLog,
    grace: Duration,
) {
    for projector in projectors {
        let runner = ProjectorRunner::new(read.clone(), projector.clone());
        match tokio::time::timeout(grace, runner.catch_up(log)).await {
            Ok(Ok(report)) if report.applied > 0 => tracing::info!(
                projector = projector.name(),
                applied = report.applied,
                "read model brought to the head before stopping"
            ),
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::warn!(projector = projector.name(), %error, "could not bring the read model to the head")
            }
            Err(_) => tracing::warn!(
                projector = projector.name(),
                "bringing the read model to the head took too long"
            ),
        }
    }
}

pub(super) async fn join_within(what: &str, task: Option<JoinHandle<()>>, grace: Duration) {
    let Some(task) = task else {
        return;
    };
    match tokio::time::timeout(grace, task).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(%error, "{what} failed while stopping"),
        Err(_) => tracing::warn!("{what} did not stop within {grace:?}"),
    }
}

/// Takes the process manager's leadership when free and runs it until `stop`; another process
/// holding it is waited on (it takes over if that one dies).
pub(super) async fn run_process_manager(store: Arc<dyn EventStore>, stop: CancellationToken) {
    let clock = Arc::new(SystemClock);
    let ids = Arc::new(UuidV7Ids);
    let handler = CommandHandler::new(store.clone(), clock.clone(), ids.clone());
    let manager = ProcessManager::new(handler, clock, ids);
    loop {
        match store
            .try_acquire_leadership(PROCESS_MANAGER_LEADERSHIP)
            .await
        {
            Ok(Some(guard)) => {
                tracing::info!("the process manager is running here");
                let result = manager.run(stop.clone().cancelled_owned()).await;
                drop(guard);
                match result {
                    Ok(()) => return,
                    Err(error) => tracing::warn!(%error, "the process manager failed; restarting"),
                }
            }
            Ok(None) => tracing::debug!("another process runs the process manager"),
            Err(error) => {
                tracing::warn!(%error, "could not ask for the process manager's leadership")
            }
        }
        if !pause(&stop, Duration::from_secs(2)).await {
            return;
        }
    }
}

async fn pause(stop: &CancellationToken, delay: Duration) -> bool {
    tokio::select! {
        () = stop.cancelled() => false,
        () = tokio::time::sleep(delay) => true,
    }
}
