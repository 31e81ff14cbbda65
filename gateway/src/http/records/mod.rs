//! The gateway's own tables, kept in the same database as the events: the bytes of uploaded
//! attachments, and the log of who read which child's record (notice delivery's tables are
//! created here too; they live in `crate::notify::tables`). Neither is an event: an
//! attachment's identity (its SHA-256) enters the log when it is referenced by a command, and the
//! access log is evidence about readers, not part of any child's record.
//!
//! The tables are created with `CREATE TABLE IF NOT EXISTS` rather than through the event
//! store's migrator, which owns the database's migration table and would refuse migrations it
//! does not know.

mod access_log;
mod attachment_list;
mod attachments;

pub use access_log::{AccessLogEntry, AccessLogQuery};
pub use attachment_list::AttachmentListing;
pub use attachments::{NewAttachment, StoredAttachment};

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use thiserror::Error;

/// The database the gateway's tables live in: the event store's own.
#[derive(Debug, Clone)]
pub enum RecordDatabase {
    /// PostgreSQL (production).
    Postgres(PgPool),
    /// SQLite (embedded).
    Sqlite(SqlitePool),
}

/// Why a read or write of the gateway's tables failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecordError {
    /// The database could not be reached; nothing was written.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database answered with an error or a row that does not decode.
    #[error("database error: {0}")]
    Failed(String),
}

impl From<sqlx::Error> for RecordError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => RecordError::Unavailable(error.to_string()),
            sqlx::Error::Database(ref database)
                if database.code().is_some_and(|code| {
                    // Connection failures and shutdowns (class 08, 57P) are outages, not faults.
                    code.starts_with("08") || code.starts_with("57P")
                }) =>
            {
                RecordError::Unavailable(error.to_string())
            }
            other => RecordError::Failed(other.to_string()),
        }
    }
}

const POSTGRES_SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS gateway_attachments (
        attachment_id UUID PRIMARY KEY,
        pep_id UUID NOT NULL,
        child_id UUID NOT NULL,
        la TEXT NOT NULL,
        file_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        sha256 TEXT NOT NULL,
        content BYTEA NOT NULL,
        uploaded_by TEXT NOT NULL,
        uploaded_by_role TEXT NOT NULL,
        uploaded_at TIMESTAMPTZ NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS gateway_access_log (
        entry_id BIGSERIAL PRIMARY KEY,
        accessed_at TIMESTAMPTZ NOT NULL,
        actor_id TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_la TEXT NOT NULL,
        child_id UUID NOT NULL,
        child_la TEXT NOT NULL,
        what TEXT NOT NULL,
        request_id UUID NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS gateway_access_log_by_child
        ON gateway_access_log (child_la, child_id, accessed_at)",
    // Listing a PEP's files.
    "CREATE INDEX IF NOT EXISTS gateway_attachments_by_pep ON gateway_attachments (pep_id)",
];

const SQLITE_SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS gateway_attachments (
        attachment_id TEXT PRIMARY KEY,
        pep_id TEXT NOT NULL,
        child_id TEXT NOT NULL,
        la TEXT NOT NULL,
        file_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        content BLOB NOT NULL,
        uploaded_by TEXT NOT NULL,
        uploaded_by_role TEXT NOT NULL,
        uploaded_at_micros INTEGER NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS gateway_access_log (
        entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
        accessed_at_micros INTEGER NOT NULL,
        actor_id TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_la TEXT NOT NULL,
        child_id TEXT NOT NULL,
        child_la TEXT NOT NULL,
        what TEXT NOT NULL,
        request_id TEXT NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS gateway_access_log_by_child
        ON gateway_access_log (child_la, child_id, accessed_at_micros)",
    // Listing a PEP's files.
    "CREATE INDEX IF NOT EXISTS gateway_attachments_by_pep ON gateway_attachments (pep_id)",
];

impl RecordDatabase {
    /// Creates the gateway's tables if they are missing. Safe to run from several processes at
    /// once: on PostgreSQL an advisory lock serialises them.
    pub async fn migrate(&self) -> Result<(), RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                let mut transaction = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext('pep-gateway-tables'))")
                    .execute(&mut *transaction)
                    .await?;
                for statement in POSTGRES_SCHEMA {
                    sqlx::query(statement).execute(&mut *transaction).await?;
                }
                // Notice delivery's tables (crate::notify::tables).
                for statement in crate::notify::tables::SCHEMA {
                    sqlx::query(statement).execute(&mut *transaction).await?;
                }
                transaction.commit().await?;
            }
            RecordDatabase::Sqlite(pool) => {
                let mut transaction = pool.begin().await?;
                for statement in SQLITE_SCHEMA {
                    sqlx::query(statement).execute(&mut *transaction).await?;
                }
                // Notice delivery's tables (crate::notify::tables).
                for statement in crate::notify::tables::SCHEMA {
                    sqlx::query(statement).execute(&mut *transaction).await?;
                }
                transaction.commit().await?;
            }
        }
        Ok(())
    }

    /// Checks the database answers, for readiness.
    pub async fn ping(&self) -> Result<(), RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
        }
        Ok(())
    }
}

/// Microseconds since the epoch, as SQLite stores instants.
fn to_micros(instant: chrono::DateTime<chrono::Utc>) -> i64 {
    instant.timestamp_micros()
}

fn from_micros(micros: i64) -> Result<chrono::DateTime<chrono::Utc>, RecordError> {
    chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| RecordError::Failed(format!("instant {micros} is out of range")))
}

fn parse_uuid(text: &str) -> Result<uuid::Uuid, RecordError> {
    uuid::Uuid::parse_str(text)
        .map_err(|error| RecordError::Failed(format!("uuid {text:?}: {error}")))
}
