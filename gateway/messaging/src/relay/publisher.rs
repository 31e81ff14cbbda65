//! Where the relay sends events: the seam between its loop and a destination (JetStream in
//! production, the in-process bus when embedded), so both share one loop and one checkpoint.

use super::subject::EventSubject;
use async_trait::async_trait;
use commands::store::{EventStore, RecordedEvent, StoreError};
use futures::future::BoxFuture;
use std::fmt;
use std::sync::Arc;
use thiserror::Error;

/// What a destination answered for one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Acknowledgement {
    /// The destination already had the event (JetStream's `Nats-Msg-Id` de-duplication), so
    /// this publish added nothing. Harmless; counted so that operators can see re-publishing.
    pub duplicate: bool,
}

/// A publish that was sent and whose acknowledgement has not arrived yet.
pub type PendingAcknowledgement = BoxFuture<'static, Result<Acknowledgement, PublishError>>;

/// Why a destination could not take an event. Every variant is transient from the relay's
/// point of view: it backs off and starts a new run from what is known to be delivered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PublishError {
    /// No connection to NATS could be made.
    #[error("could not connect to NATS at {url}: {reason}")]
    Connect {
        /// The server URL.
        url: String,
        /// The client's error.
        reason: String,
    },
    /// The JetStream stream could not be read, created or updated.
    #[error("could not set up the JetStream stream {stream}: {reason}")]
    Stream {
        /// The stream's name.
        stream: String,
        /// The server's or client's error.
        reason: String,
    },
    /// The event could not be sent.
    #[error("could not publish the event at position {position}: {reason}")]
    Send {
        /// The event's global position.
        position: u64,
        /// The client's error.
        reason: String,
    },
    /// The destination refused the event or its acknowledgement did not come.
    #[error("no acknowledgement for the event at position {position}: {reason}")]
    Acknowledgement {
        /// The event's global position.
        position: u64,
        /// The server's or client's error.
        reason: String,
    },
    /// The store could not be read while deciding where to resume.
    #[error("could not read the event store while resuming: {0}")]
    Store(#[from] StoreError),
}

/// A destination the relay can publish to.
#[async_trait]
pub trait Publisher: Send + Sync + fmt::Debug {
    /// Gets the destination ready (connects, creates or updates the stream) and opens a run.
    ///
    /// The run resumes after `checkpoint`, or after another position when the destination can
    /// prove what it already holds (JetStream reads the last message of its stream and checks
    /// it against `store`).
    async fn begin(
        &self,
        store: &dyn EventStore,
        checkpoint: u64,
    ) -> Result<Box<dyn PublishRun>, PublishError>;
}

/// One run of publishing: events are handed over in position order, with no gap after
/// [`PublishRun::resume_after`]. A run ends at the first error; the relay then begins another.
#[async_trait]
pub trait PublishRun: Send + fmt::Debug {
    /// The position of the last event the destination is known to hold; the first event the
    /// run is given is the one after it.
    fn resume_after(&self) -> u64;

    /// Sends one event. Returns once it is sent; the returned future resolves when the
    /// destination acknowledges it.
    async fn publish(
        &mut self,
        event: Arc<RecordedEvent>,
        subject: &EventSubject,
    ) -> Result<PendingAcknowledgement, PublishError>;
}
