//! The in-process bus: what the relay feeds instead of JetStream in embedded mode (SQLite, no
//! NATS), so read models and notifications get the same ordered, gap-free feed in one binary.
//!
//! Live delivery is a `tokio::sync::broadcast` of `Arc<RecordedEvent>`. A broadcast drops
//! messages for receivers that fall behind, and knows nothing from before a receiver joined, so
//! a [`BusSubscription`] reads whatever it lacks from the store and uses the broadcast only for
//! what comes next: every subscriber sees every event after its starting position exactly once,
//! in order, however late it joins or slowly it reads.

use crate::relay::{
    Acknowledgement, EventSubject, PendingAcknowledgement, PublishError, PublishRun, Publisher,
};
use async_trait::async_trait;
use commands::store::{EventStore, RecordedEvent, StoreError};
use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::{broadcast, watch};

/// Events read from the store per query when a subscriber catches up.
const CATCH_UP_BATCH: usize = 1000;

/// The bus. Cheap to clone; clones share one broadcast.
#[derive(Clone)]
pub struct InProcessBus {
    inner: Arc<BusInner>,
}

struct BusInner {
    store: Arc<dyn EventStore>,
    sender: broadcast::Sender<Arc<RecordedEvent>>,
    /// The last position the relay has put on the bus (or a previous process had, per the
    /// checkpoint): subscribers behind it catch up from the store.
    fed_position: watch::Sender<u64>,
}

impl fmt::Debug for InProcessBus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("InProcessBus")
            .field("fed_position", &*self.inner.fed_position.borrow())
            .field("subscribers", &self.inner.sender.receiver_count())
            .finish()
    }
}

/// Why a bus subscription cannot deliver.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BusError {
    /// Catching up from the store failed; calling again retries.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The bus says an event was fed that the store does not have.
    #[error("the bus was fed position {fed} but the store has nothing after {last}")]
    MissingFromStore {
        /// The position the bus was fed up to.
        fed: u64,
        /// The last position the subscription delivered.
        last: u64,
    },
}

impl InProcessBus {
    /// A bus over `store`, buffering up to `capacity` events per subscriber before a slow one
    /// has to catch up from the store instead.
    pub fn new(store: Arc<dyn EventStore>, capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self {
            inner: Arc::new(BusInner {
                store,
                sender,
                fed_position: watch::channel(0).0,
            }),
        }
    }

    /// The relay's destination for this bus.
    pub fn publisher(&self) -> BusPublisher {
        BusPublisher { bus: self.clone() }
    }

    /// The last position put on the bus.
    pub fn fed_position(&self) -> u64 {
        *self.inner.fed_position.borrow()
    }

    /// Every event after `after_position`, in order: first from the store, then live.
    pub fn subscribe(&self, after_position: u64) -> BusSubscription {
        BusSubscription {
            inner: self.inner.clone(),
            receiver: self.inner.sender.subscribe(),
            fed_position: self.inner.fed_position.subscribe(),
            last_position: after_position,
            backlog: VecDeque::new(),
        }
    }

    fn feed(&self, event: Arc<RecordedEvent>) {
        let position = event.global_position;
        // No receiver is not an error: nobody is listening yet, and late ones catch up.
        let _ = self.inner.sender.send(event);
        self.advance_fed_position(position);
    }

    fn advance_fed_position(&self, position: u64) {
        self.inner.fed_position.send_if_modified(|fed| {
            let moved = position > *fed;
            *fed = (*fed).max(position);
            moved
        });
    }
}

/// One subscriber's ordered view of the bus.
pub struct BusSubscription {
    inner: Arc<BusInner>,
    receiver: broadcast::Receiver<Arc<RecordedEvent>>,
    fed_position: watch::Receiver<u64>,
    last_position: u64,
    backlog: VecDeque<Arc<RecordedEvent>>,
}

impl fmt::Debug for BusSubscription {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("BusSubscription")
            .field("last_position", &self.last_position)
            .field("backlog", &self.backlog.len())
            .finish()
    }
}

impl BusSubscription {
    /// The position of the last event delivered (the starting position before any).
    pub fn last_position(&self) -> u64 {
        self.last_position
    }

    /// The next event, waiting for the relay to feed one if needed. Cancel-safe.
    pub async fn next(&mut self) -> Result<Arc<RecordedEvent>, BusError> {
        loop {
            while let Some(event) = self.backlog.pop_front() {
                if event.global_position == self.last_position + 1 {
                    self.last_position = event.global_position;
                    return Ok(event);
                }
                if event.global_position > self.last_position + 1 {
                    // Not contiguous: drop the rest and read again from where we are.
                    self.backlog.clear();
                }
            }
            let fed = *self.fed_position.borrow_and_update();
            if self.last_position < fed {
                let batch = self
                    .inner
                    .store
                    .read_all(self.last_position, CATCH_UP_BATCH)
                    .await?;
                if batch.is_empty() {
                    return Err(BusError::MissingFromStore {
                        fed,
                        last: self.last_position,
                    });
                }
                self.backlog.extend(batch.into_iter().map(Arc::new));
                continue;
            }
            tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(event) if event.global_position == self.last_position + 1 => {
                        self.last_position = event.global_position;
                        return Ok(event);
                    }
                    // Already delivered from the store, or past a gap the loop fills from it.
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    // The bus lives as long as this subscription holds `inner`.
                    Err(broadcast::error::RecvError::Closed) => {}
                },
                changed = self.fed_position.changed() => {
                    // As above: the sender lives in `inner`, so this cannot close.
                    let _ = changed;
                }
            }
        }
    }
}

/// The relay's publisher for the bus: delivery is immediate, so every publish is acknowledged
/// at once.
#[derive(Debug, Clone)]
pub struct BusPublisher {
    bus: InProcessBus,
}

#[async_trait]
impl Publisher for BusPublisher {
    async fn begin(
        &self,
        _store: &dyn EventStore,
        checkpoint: u64,
    ) -> Result<Box<dyn PublishRun>, PublishError> {
        // Whatever the checkpoint covers was fed by an earlier run or process; subscribers
        // behind it read it from the store.
        self.bus.advance_fed_position(checkpoint);
        Ok(Box::new(BusRun {
            bus: self.bus.clone(),
            resume_after: checkpoint,
        }))
    }
}

#[derive(Debug)]
struct BusRun {
    bus: InProcessBus,
    resume_after: u64,
}

#[async_trait]
impl PublishRun for BusRun {
    fn resume_after(&self) -> u64 {
        self.resume_after
    }

    async fn publish(
        &mut self,
        event: Arc<RecordedEvent>,
        _subject: &EventSubject,
    ) -> Result<PendingAcknowledgement, PublishError> {
        self.bus.feed(event);
        Ok(Box::pin(async { Ok(Acknowledgement::default()) }))
    }
}
