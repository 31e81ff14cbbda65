//! The SQLite back end: the embedded default, one file in WAL mode, owned by one process.
//!
//! Appends go through the same writer task and planner as on PostgreSQL; subscriptions are
//! woken by the writer's in-process head signal.

mod rows;
mod writer;

use super::append::{AppendError, AppendOutcome, AppendRequest, IdempotencyRecord};
use super::envelope::StoredEvent;
use super::error::{StoreError, to_i64, to_u64};
use super::hash_chain::{ChainVerification, verify_in_batches};
use super::leadership::LeadershipGuard;
use super::plan::PreparedRequest;
use super::postgres::check_name;
use super::subscription::Subscription;
use super::writer::WriterHandle;
use super::{EventStore, ReadStreamOptions, StoreSettings};
use async_trait::async_trait;
use domain::envelope::RecordedEvent;
use rows::{EVENT_COLUMNS, decode_event, decode_outcome, to_micros};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The SQLite event store. Cheap to clone; clones share one writer task.
#[derive(Clone)]
pub struct SqliteEventStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    /// The canonical path of the database file, which names it for leadership claims.
    path: PathBuf,
    settings: StoreSettings,
    writer: WriterHandle,
    head_signal: Arc<watch::Sender<u64>>,
}

impl fmt::Debug for SqliteEventStore {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("SqliteEventStore")
            .field("path", &self.inner.path)
            .finish()
    }
}

impl SqliteEventStore {
    /// Opens (creating if needed) the database file with the default settings. Call
    /// [`SqliteEventStore::migrate`] before use.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, StoreSettings::default()).await
    }

    /// Opens the database file with the given settings.
    pub async fn open_with(
        path: impl AsRef<Path>,
        settings: StoreSettings,
    ) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path.as_ref())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL makes every commit durable on power loss; the legal record is worth the
            // fsync, and group commit amortises it.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(unavailable)?;
        let path = std::fs::canonicalize(path.as_ref()).map_err(|error| {
            StoreError::Unavailable(format!("{}: {error}", path.as_ref().display()))
        })?;
        let head_signal = Arc::new(watch::channel(0).0);
        let writer = WriterHandle::spawn(
            writer::SqliteBatchWriter::new(pool.clone(), settings.clock.clone()),
            &settings,
            head_signal.clone(),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                path,
                settings,
                writer,
                head_signal,
            }),
        })
    }

    /// The embedded migrations (`commands/migrations/sqlite`), for listing what a database has.
    pub fn migrations() -> sqlx::migrate::Migrator {
        sqlx::migrate!("./migrations/sqlite")
    }

    /// Applies the embedded migrations (`commands/migrations/sqlite`).
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

    /// The connection pool, for tests and tools that need plain SQL on the same file.
    pub fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    async fn read_raw(
        &self,
        after_position: u64,
        max_count: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE global_position > ?1 \
             ORDER BY global_position LIMIT ?2"
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

fn unavailable(error: sqlx::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

#[async_trait]
impl EventStore for SqliteEventStore {
    async fn append(&self, request: AppendRequest) -> Result<AppendOutcome, AppendError> {
        let prepared = PreparedRequest::prepare(request)?;
        self.inner.writer.append(prepared).await
    }

    async fn lookup_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT request_fingerprint, streams, first_position, last_position \
             FROM idempotency_keys WHERE idempotency_key = ?1",
        )
        .bind(key)
        .fetch_optional(&self.inner.pool)
        .await
        .map_err(unavailable)?;
        row.map(|row| decode_outcome(&row)).transpose()
    }

    async fn stream_version(&self, stream_id: &str) -> Result<u64, StoreError> {
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(max(stream_version), 0) FROM events WHERE stream_id = ?1",
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
            "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = ?1 \
             AND (?2 IS NULL OR stream_version <= ?2) \
             AND (?3 IS NULL OR recorded_at <= ?3) \
             ORDER BY stream_version"
        );
        let rows = sqlx::query(&sql)
            .bind(stream_id)
            .bind(options.up_to_version.map(to_i64))
            .bind(options.recorded_at_or_before.map(to_micros))
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
        Subscription::new(
            Arc::new(self.clone()),
            self.inner.head_signal.subscribe(),
            None,
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
            sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = ?1")
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
            "INSERT INTO checkpoints (name, position, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE SET position = excluded.position, \
             updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(to_i64(position))
        .bind(to_micros(self.inner.settings.clock.now()))
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
        Ok(LeadershipGuard::try_claim_sqlite(
            self.inner.path.clone(),
            name,
        ))
    }
}
