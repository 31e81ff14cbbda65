//! The read database: one `sqlx::AnyPool` over PostgreSQL or SQLite, so every projector is
//! written once in portable SQL and runs on both back ends.
//!
//! Read tables live beside the events (PostgreSQL: the same database; embedded: the same SQLite
//! file). Columns use portable types only: `TEXT` for ids, dates (`YYYY-MM-DD`), timestamps
//! (RFC 3339 UTC with exactly six fractional digits, so they sort correctly as text) and JSON;
//! `BIGINT` for positions, counts and pence. Statements use `$1`-style placeholders on both
//! back ends: the SQLite driver binds `$N` by number, including out-of-order and repeated use
//! (the tests below pin that).

use crate::runtime::ProjectionError;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Which database engine is behind the pool, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Production: the same PostgreSQL database as the events.
    Postgres,
    /// Embedded: the same SQLite file as the events.
    Sqlite,
}

/// The read side's connection pool and the engine behind it. Cheap to clone.
#[derive(Clone)]
pub struct ReadDatabase {
    pool: AnyPool,
    backend: Backend,
    /// The URL the pool was opened on: which database this is, for process-wide guards. Never
    /// logged or shown (it may hold a password).
    identity: Arc<str>,
}

impl fmt::Debug for ReadDatabase {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ReadDatabase")
            .field("backend", &self.backend)
            .finish()
    }
}

impl ReadDatabase {
    /// Opens a pool on a `postgres://` or `sqlite://` URL with a default size (8 connections
    /// on PostgreSQL, 4 on SQLite, which has one writer at a time anyway).
    pub async fn connect(url: &str) -> Result<Self, ProjectionError> {
        let backend = Self::backend_of(url)?;
        let max_connections = match backend {
            Backend::Postgres => 8,
            Backend::Sqlite => 4,
        };
        Self::connect_with(url, max_connections).await
    }

    /// Opens a pool of at most `max_connections` on a `postgres://` or `sqlite://` URL.
    pub async fn connect_with(url: &str, max_connections: u32) -> Result<Self, ProjectionError> {
        sqlx::any::install_default_drivers();
        let backend = Self::backend_of(url)?;
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |connection, _metadata| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // The event store's writer and the projectors share the file: wait for
                        // each other's short write transactions rather than fail at once.
                        connection.execute("PRAGMA busy_timeout = 10000").await?;
                        connection.execute("PRAGMA journal_mode = WAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            backend,
            identity: Arc::from(url),
        })
    }

    fn backend_of(url: &str) -> Result<Backend, ProjectionError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            let scheme = url.split(':').next().unwrap_or_default().to_owned();
            Err(ProjectionError::UnsupportedDatabase { scheme })
        }
    }

    /// The pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this is (its URL), to tell databases apart in process-wide guards.
    pub(crate) fn identity(&self) -> &str {
        &self.identity
    }

    /// The engine behind the pool.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes can fail with
    /// "database is locked" without waiting, whereas an immediate one waits its turn.
    pub async fn begin(&self) -> Result<Transaction<'static, Any>, ProjectionError> {
        let transaction = match self.backend {
            Backend::Postgres => self.pool.begin().await?,
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
        };
        Ok(transaction)
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A timestamp as stored in read tables: RFC 3339 UTC, six fractional digits, `Z`
/// (`2025-03-10T09:00:00.000000Z`), so text order is time order.
pub fn timestamp_text(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A date as stored in read tables: `YYYY-MM-DD`.
pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Reads back a stored timestamp.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, ProjectionError> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|error| ProjectionError::BadStoredValue {
            value: text.to_owned(),
            reason: error.to_string(),
        })
}

/// Reads back a stored date.
pub fn parse_date(text: &str) -> Result<NaiveDate, ProjectionError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|error| ProjectionError::BadStoredValue {
        value: text.to_owned(),
        reason: error.to_string(),
    })
}

/// A position or count as a SQL `BIGINT`.
pub fn to_sql_integer(value: u64) -> Result<i64, ProjectionError> {
    i64::try_from(value).map_err(|_| ProjectionError::OutOfRange { value })
}

/// A stored `BIGINT` position or count; negative values are refused as corrupt.
pub fn from_sql_integer(value: i64) -> Result<u64, ProjectionError> {
    u64::try_from(value).map_err(|_| ProjectionError::BadStoredValue {
        value: value.to_string(),
        reason: "a position or count is never negative".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use sqlx::Row;

    async fn memory_database() -> ReadDatabase {
        ReadDatabase::connect_with("sqlite::memory:", 1)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn dollar_placeholders_bind_by_number_on_sqlite_through_any() {
        let database = memory_database().await;
        let row = sqlx::query("SELECT $2 || $1 || $2 AS joined, $3 + $3 AS doubled")
            .bind("a")
            .bind("b")
            .bind(21_i64)
            .fetch_one(database.pool())
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>("joined"), "bab");
        assert_eq!(row.get::<i64, _>("doubled"), 42);
    }

    #[tokio::test]
    async fn dollar_placeholders_bind_by_number_in_inserts_on_sqlite() {
        let database = memory_database().await;
        sqlx::query("CREATE TABLE pairs (first TEXT, second BIGINT, third TEXT)")
            .execute(database.pool())
            .await
            .unwrap();
        sqlx::query("INSERT INTO pairs (third, second, first) VALUES ($2, $3, $1)")
            .bind("one")
            .bind("three")
            .bind(2_i64)
            .execute(database.pool())
            .await
            .unwrap();
        let row = sqlx::query("SELECT first, second, third FROM pairs WHERE first = $1")
            .bind("one")
            .fetch_one(database.pool())
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>("first"), "one");
        assert_eq!(row.get::<i64, _>("second"), 2);
        assert_eq!(row.get::<String, _>("third"), "three");
    }

    #[tokio::test]
    async fn an_unknown_scheme_is_refused_with_its_name() {
        let error = ReadDatabase::connect("mysql://localhost/pep")
            .await
            .unwrap_err();
        assert!(error.to_string().contains("mysql"), "{error}");
    }

    #[test]
    fn timestamps_have_six_fractional_digits_and_sort_as_text() {
        let earlier = Utc.with_ymd_and_hms(2025, 3, 10, 9, 0, 0).unwrap();
        let later = earlier + chrono::Duration::microseconds(1);
        assert_eq!(timestamp_text(earlier), "2025-03-10T09:00:00.000000Z");
        assert_eq!(timestamp_text(later), "2025-03-10T09:00:00.000001Z");
        assert!(timestamp_text(earlier) < timestamp_text(later));
        assert_eq!(parse_timestamp(&timestamp_text(later)).unwrap(), later);
    }

    #[test]
    fn dates_round_trip() {
        let date = NaiveDate::from_ymd_opt(2024, 11, 1).unwrap();
        assert_eq!(date_text(date), "2024-11-01");
        assert_eq!(parse_date("2024-11-01").unwrap(), date);
        assert!(parse_date("1 Nov 2024").is_err());
    }
}
