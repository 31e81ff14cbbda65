//! The PostgreSQL back end: the production event store.
//!
//! Appends go through the writer task ([`writer`]); reads, checkpoints and leadership are plain
//! queries on the pool. Subscriptions share one `LISTEN` connection per store ([`listener`]).

mod listener;
mod rows;
mod writer;

use super::append::{AppendError, AppendOutcome, AppendRequest, IdempotencyRecord};
use super::error::{StoreError, to_i64, to_u64};
use super::hash_chain::{ChainVerification, verify_in_batches};
use super::leadership::{LeadershipGuard, leadership_lock_key};
use super::plan::PreparedRequest;
use super::subscription::Subscription;
use super::writer::WriterHandle;
use super::{EventStore, ReadStreamOptions, StoreSettings};
use async_trait::async_trait;
use domain::envelope::RecordedEvent;
use listener::NotificationListener;
use rows::{EVENT_COLUMNS, decode_event, decode_outcome};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Row};
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::watch;

/// The PostgreSQL event store. Cheap to clone; clones share one writer task.
#[derive(Clone)]
pub struct PostgresEventStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    connect_options: PgConnectOptions,
    settings: StoreSettings,
    writer: WriterHandle,
    head_signal: Arc<watch::Sender<u64>>,
    /// The shared `LISTEN` task, alive while any subscription holds it.
    listener: Mutex<Weak<NotificationListener>>,
}

impl fmt::Debug for PostgresEventStore {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("PostgresEventStore")
            .field("database", &self.inner.connect_options.get_database())
            .finish()
    }
}

/// How long a call waits for a pool connection before answering "unavailable".
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

impl PostgresEventStore {
    /// Connects with the default settings. Call [`PostgresEventStore::migrate`] before use.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, StoreSettings::default()).await
    }

    /// Connects with the given settings.
    pub async fn connect_with(url: &str, settings: StoreSettings) -> Result<Self, StoreError> {
        let connect_options = PgConnectOptions::from_str(url)
            .map_err(|error| StoreError::Invalid(format!("database url: {error}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(connect_options.clone())
            .await
            .map_err(unavailable)?;
        let head_signal = Arc::new(watch::channel(0).0);
        let writer = WriterHandle::spawn(
            writer::PostgresBatchWriter::new(pool.clone(), settings.clock.clone()),
            &settings,
            head_signal.clone(),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                connect_options,
                settings,
                writer,
                head_signal,
                listener: Mutex::new(Weak::new()),
            }),
        })
    }

    /// The embedded migrations (`commands/migrations/postgres`), for listing what a database has.
    pub fn migrations() -> sqlx::migrate::Migrator {
        sqlx::migrate!("./migrations/postgres")
    }

    /// Applies the embedded migrations (`commands/migrations/postgres`).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        // The gateway's own migrations share the database's migration table; this migrator
        // leaves their versions alone, as theirs leaves these.
        let mut migrator = Self::migrations();
        migrator.set_ignore_missing(true);
        migrator
            .run(&self.inner.pool)
            .await
            .map_err(|error| StoreError::Unavailable(format!("migration failed: {error}")))
    }

    /// The connection pool, for tests and tools that need plain SQL on the same database.
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    fn shared_listener(&self) -> Arc<NotificationListener> {
        let mut slot = self
            .inner
            .listener
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(listener) = slot.upgrade() {
            return listener;
        }
        let listener = Arc::new(NotificationListener::start(
            self.inner.connect_options.clone(),
            self.inner.head_signal.clone(),
        ));
        *slot = Arc::downgrade(&listener);
        listener
    }

    async fn read_raw(
        &self,
        after_position: u64,
        max_count: usize,
    ) -> Result<Vec<super::envelope::StoredEvent>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE global_position > $1 \
             ORDER BY global_position LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(to_i64(after_position))
            .bind(i64::try_from(max_count).unwrap_or(i64::MAX))
            .fetch_all(&self.inner.pool)
            .await
            .map_err(unavailable)?;
        rows.iter().map(decode_event).collect()
    }
}

/// The channel the writer notifies on commit, with the last position as payload.
pub(crate) const NOTIFY_CHANNEL: &str = "pep_events";

pub(crate) fn unavailable(error: sqlx::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

#[async_trait]
impl EventStore for PostgresEventStore {
    async fn append(&self, request: AppendRequest) -> Result<AppendOutcome, AppendError> {
        let prepared = PreparedRequest::prepare(request)?;
        self.inner.writer.append(prepared).await
    }

    async fn lookup_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT request_fingerprint, streams, first_position, last_position \
             FROM idempotency_keys WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.inner.pool)
        .await
        .map_err(unavailable)?;
        row.map(|row| decode_outcome(&row)).transpose()
    }

    async fn stream_version(&self, stream_id: &str) -> Result<u64, StoreError> {
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(max(stream_version), 0) FROM events WHERE stream_id = $1",
        )
        .bind(stream_id)
        .fetch_one(&self.inner.pool)
        .await
        .map_err(unavailable)?;
        to_u64(0, "stream version", version)
    }

    async fn read_stream(
        &self,
        stream_id: &str,
        options: ReadStreamOptions,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 \
             AND ($2::bigint IS NULL OR stream_version <= $2) \
             AND ($3::timestamptz IS NULL OR recorded_at <= $3) \
             ORDER BY stream_version"
        );
        let rows = sqlx::query(&sql)
            .bind(stream_id)
            .bind(options.up_to_version.map(to_i64))
            .bind(options.recorded_at_or_before)
            .fetch_all(&self.inner.pool)
            .await
            .map_err(unavailable)?;
        rows.iter()
            .map(|row| decode_event(row)?.into_recorded(&self.inner.settings.upcasters))
            .collect()
    }

    async fn read_all(
        &self,
        after_position: u64,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read_raw(after_position, max_count)
            .await?
            .into_iter()
            .map(|event| event.into_recorded(&self.inner.settings.upcasters))
            .collect()
    }

    async fn head_position(&self) -> Result<u64, StoreError> {
        let position: i64 =
            sqlx::query_scalar("SELECT COALESCE(max(global_position), 0) FROM events")
                .fetch_one(&self.inner.pool)
                .await
                .map_err(unavailable)?;
        to_u64(0, "global position", position)
    }

    fn subscribe(&self, after_position: u64) -> Subscription {
        let listener: Arc<dyn Send + Sync> = self.shared_listener();
        Subscription::new(
            Arc::new(self.clone()),
            self.inner.head_signal.subscribe(),
            Some(listener),
            after_position,
            self.inner.settings.poll_interval,
            self.inner.settings.read_batch_size,
        )
    }

    async fn verify_chain(&self) -> Result<ChainVerification, StoreError> {
        verify_in_batches(self.inner.settings.read_batch_size, |after, count| {
            self.read_raw(after, count)
        })
        .await
    }

    async fn load_checkpoint(&self, name: &str) -> Result<Option<u64>, StoreError> {
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.inner.pool)
                .await
                .map_err(unavailable)?;
        position
            .map(|position| to_u64(0, "checkpoint", position))
            .transpose()
    }

    async fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), StoreError> {
        check_name(name)?;
        sqlx::query(
            "INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, \
             updated_at = EXCLUDED.updated_at",
        )
        .bind(name)
        .bind(to_i64(position))
        .bind(self.inner.settings.clock.now())
        .execute(&self.inner.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn try_acquire_leadership(
        &self,
        name: &str,
    ) -> Result<Option<LeadershipGuard>, StoreError> {
        check_name(name)?;
        // A dedicated connection, not a pooled one: the session lock must live exactly as
        // long as the guard, and must not pin one of the pool's connections.
        let mut connection = self
            .inner
            .connect_options
            .connect()
            .await
            .map_err(unavailable)?;
        let acquired: bool = sqlx::query("SELECT pg_try_advisory_lock($1)")
            .bind(leadership_lock_key(name))
            .fetch_one(&mut connection)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(unavailable)?;
        Ok(acquired.then(|| LeadershipGuard::postgres(name, connection)))
    }
}

pub(crate) fn check_name(name: &str) -> Result<(), StoreError> {
    if name.is_empty() || name.contains('\0') {
        return Err(StoreError::Invalid(format!(
            "{name:?} is not a usable name: it must be non-empty text without NUL"
        )));
    }
    Ok(())
}
