//! The event store: one trait, two back ends (PostgreSQL for production, SQLite embedded).
//!
//! Appends go through one writer task per store that commits queued requests in one
//! transaction under a database-wide lock, so global positions are contiguous, equal commit
//! order, and can be hash-chained; `docs/event-store.md` explains the design and the hash
//! encoding.

mod append;
mod envelope;
mod error;
mod hash_chain;
mod leadership;
mod plan;
mod postgres;
mod sqlite;
mod subscription;
mod upcast;
mod writer;

pub use append::{
    AppendError, AppendOutcome, AppendRequest, ExpectedVersion, IdempotencyKey, IdempotencyRecord,
    StreamAppend,
};
pub use domain::envelope::{EventHash, EventMetadata, NewEvent, RecordedEvent};
pub use error::StoreError;
pub use hash_chain::{
    CANONICAL_FORMAT_TAG, CanonicalFields, ChainBreak, ChainBreakKind, ChainVerification,
    canonical_bytes, canonical_json, link_hash,
};
pub use leadership::LeadershipGuard;
pub use postgres::PostgresEventStore;
pub use sqlite::SqliteEventStore;
pub use subscription::Subscription;
pub use upcast::{UpcastError, Upcasters};

use crate::clock::{Clock, SystemClock};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The operations both back ends offer. Use it as `Arc<dyn EventStore>`.
#[async_trait]
pub trait EventStore: Send + Sync + fmt::Debug {
    /// Appends one command's events atomically, with optimistic concurrency per stream and
    /// optional idempotency. Queued appends are committed together (group commit).
    async fn append(&self, request: AppendRequest) -> Result<AppendOutcome, AppendError>;

    /// What a stored idempotency key says, so a retried command can be answered before it is
    /// decided again.
    async fn lookup_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// The stream's current version (0 when it has no event).
    async fn stream_version(&self, stream_id: &str) -> Result<u64, StoreError>;

    /// A stream's events in version order, upcast, optionally bounded.
    async fn read_stream(
        &self,
        stream_id: &str,
        options: ReadStreamOptions,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Up to `max_count` events with a position greater than `after_position`, in order, upcast.
    async fn read_all(
        &self,
        after_position: u64,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The position of the last committed event (0 for an empty log).
    async fn head_position(&self) -> Result<u64, StoreError>;

    /// Follows the log from `after_position`: catches up, then waits for new events.
    fn subscribe(&self, after_position: u64) -> Subscription;

    /// Recomputes the hash chain over the whole log and names the first broken link.
    async fn verify_chain(&self) -> Result<ChainVerification, StoreError>;

    /// A named reader's saved position (the relay's, a projector's).
    async fn load_checkpoint(&self, name: &str) -> Result<Option<u64>, StoreError>;

    /// Saves a named reader's position.
    async fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), StoreError>;

    /// Becomes the one holder of `name` among every process using this database, or `None`
    /// when someone else holds it. Leadership lasts as long as the guard (or the process).
    async fn try_acquire_leadership(
        &self,
        name: &str,
    ) -> Result<Option<LeadershipGuard>, StoreError>;
}

/// Bounds for [`EventStore::read_stream`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStreamOptions {
    /// Only events up to and including this stream version.
    pub up_to_version: Option<u64>,
    /// Only events the store had recorded at or before this instant ("as known at T").
    pub recorded_at_or_before: Option<DateTime<Utc>>,
}

impl ReadStreamOptions {
    /// The whole stream.
    pub fn all() -> Self {
        Self::default()
    }

    /// The stream as it was at `version`.
    pub fn up_to_version(version: u64) -> Self {
        Self {
            up_to_version: Some(version),
            ..Self::default()
        }
    }

    /// The stream as the store knew it at `instant`.
    pub fn as_known_at(instant: DateTime<Utc>) -> Self {
        Self {
            recorded_at_or_before: Some(instant),
            ..Self::default()
        }
    }
}

/// How a store is run. [`StoreSettings::default`] suits production.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    /// Stamps `recorded_at`.
    pub clock: Arc<dyn Clock>,
    /// Applied to every payload read.
    pub upcasters: Arc<Upcasters>,
    /// At most this many queued requests go into one transaction.
    pub max_batch_requests: usize,
    /// A batch stops taking requests once it holds this many events (one large request still
    /// goes through alone).
    pub max_batch_events: usize,
    /// How often a caught-up subscription polls in case a notification was lost.
    pub poll_interval: Duration,
    /// Events fetched per query by subscriptions and verification.
    pub read_batch_size: usize,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            upcasters: Arc::new(Upcasters::new()),
            max_batch_requests: 512,
            max_batch_events: 8192,
            poll_interval: Duration::from_millis(500),
            read_batch_size: 5000,
        }
    }
}
