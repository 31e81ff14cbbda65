//! The gateway's own tables, kept in the same database as the events: the bytes of uploaded
//! attachments, the log of who read which child's record, and the web UI's sessions (notice
//! delivery's tables are created here too; they live in `pep_notify::tables`). None is an
//! event: an attachment's identity (its SHA-256) enters the log when it is referenced by a
//! command, the access log is evidence about readers, and a session is who is signed in now.
//!
//! Every gateway-owned table (these, the inbound log's and notice delivery's) is created and
//! changed only by the versioned migrations in `gateway/records/migrations/`, applied by
//! [`migrations::migrate`] from `pep migrate` and at the start of `pep serve`.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod access_log;
mod attachment_list;
mod attachments;
pub mod migrations;
mod web_sessions;

pub use access_log::{AccessLogEntry, AccessLogQuery};
pub use attachment_list::AttachmentListing;
pub use attachments::{NewAttachment, StoredAttachment};
pub use web_sessions::{PendingSignIn, WebSession};

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

impl RecordDatabase {
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
