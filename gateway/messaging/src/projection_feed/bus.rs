//! Embedded mode: a projector follows the in-process bus from its checkpoint, applying what is
//! ready in batches. The bus already catches a subscriber up from the store; what this adds is
//! retrying after a failure from the checkpoint (the subscription had moved past the events the
//! failed transaction rolled back) and catching up from the store when the bus is idle but the
//! store is ahead (the embedded relay is stopped).

use super::{FeedState, ProjectorTask};
use crate::backoff::Backoff;
use crate::bus::InProcessBus;
use futures::FutureExt as _;

/// Follows `bus` until shutdown.
pub(super) async fn follow(task: &ProjectorTask, bus: &InProcessBus) {
    let mut backoff = task.backoff();
    loop {
        match follow_from_checkpoint(task, bus, &mut backoff).await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(projector = task.name(), %error, "following the bus failed; retrying from the checkpoint");
                task.status.failed(task.name(), &error);
                if !task.pause(backoff.next_delay()).await {
                    return;
                }
            }
        }
    }
}

/// Why one subscription ended.
#[derive(Debug, thiserror::Error)]
enum BusFeedError {
    #[error(transparent)]
    Bus(#[from] crate::bus::BusError),
    #[error(transparent)]
    Projection(#[from] projections::runtime::ProjectionError),
}

/// Subscribes at the checkpoint and applies deliveries until shutdown (`Ok`) or a failure.
async fn follow_from_checkpoint(
    task: &ProjectorTask,
    bus: &InProcessBus,
    backoff: &mut Backoff,
) -> Result<(), BusFeedError> {
    let mut subscription = bus.subscribe(task.runner.checkpoint().await?);
    task.set_state(FeedState::Following);
    loop {
        let first = tokio::select! {
            () = task.shutdown.cancelled() => return Ok(()),
            next = subscription.next() => next?,
            () = tokio::time::sleep(task.config.idle_check_interval) => {
                if task.catch_up_if_behind().await? > 0 {
                    // The store moved the checkpoint past the subscription: start again there
                    // rather than read (and skip) what was just applied.
                    subscription = bus.subscribe(task.runner.checkpoint().await?);
                }
                continue;
            }
        };
        let mut events = vec![first.as_ref().clone()];
        // Whatever else is ready joins the same transaction; `next` is cancel-safe, so an
        // unfinished poll loses nothing.
        while events.len() < task.config.bus_batch_size.max(1) {
            match subscription.next().now_or_never() {
                Some(Ok(event)) => events.push(event.as_ref().clone()),
                Some(Err(_)) | None => break,
            }
        }
        task.deliver(&events).await?;
        backoff.reset();
    }
}
