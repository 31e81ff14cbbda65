//! One `LISTEN` connection per store, shared by its subscriptions, that turns `NOTIFY`s from
//! any process's writer into the store's head signal.
//!
//! Notifications can be lost (while reconnecting, say); subscriptions poll as a fallback, and
//! every reconnection also wakes them so they re-read at once.

use super::NOTIFY_CHANNEL;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The running listener task; dropping the last handle stops it.
#[derive(Debug)]
pub(crate) struct NotificationListener {
    task: JoinHandle<()>,
}

impl Drop for NotificationListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl NotificationListener {
    pub(crate) fn start(options: PgConnectOptions, head_signal: Arc<watch::Sender<u64>>) -> Self {
        Self {
            task: tokio::spawn(listen(options, head_signal)),
        }
    }
}

const RECONNECT_DELAY: Duration = Duration::from_millis(500);

async fn listen(options: PgConnectOptions, head_signal: Arc<watch::Sender<u64>>) {
    // A pool of one, used by PgListener only to reconnect; it never lends out a connection of
    // the store's own pool.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_lazy_with(options);
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(error) = listener.listen(NOTIFY_CHANNEL).await {
                    tracing::warn!(%error, "could not LISTEN for new events");
                } else {
                    // Anything committed while we were not listening is only visible by
                    // reading, so wake subscribers now.
                    head_signal.send_modify(|_| {});
                    follow(&mut listener, &head_signal).await;
                }
            }
            Err(error) => tracing::warn!(%error, "could not connect to LISTEN for new events"),
        }
        tokio::time::sleep(RECONNECT_DELAY).await;
    }
}

async fn follow(listener: &mut PgListener, head_signal: &watch::Sender<u64>) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                let position = notification.payload().parse::<u64>().unwrap_or(0);
                head_signal.send_modify(|known| *known = (*known).max(position));
            }
            // The connection was lost and re-established: wake subscribers to re-read.
            Ok(None) => head_signal.send_modify(|_| {}),
            Err(error) => {
                tracing::warn!(%error, "lost the LISTEN connection");
                return;
            }
        }
    }
}
