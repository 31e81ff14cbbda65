//! The gateway-owned tables of notice delivery, in the event store's database (PostgreSQL or
//! SQLite). They are not read models: they record what happened outside the log (attempts,
//! webhooks registered, read receipts), so they are never rebuilt from events. Every column is
//! portable (`TEXT`, `BIGINT`; instants as microseconds since the epoch) so one statement serves
//! both back ends. The tables are created by the migrations of `pep_records::migrations`.
//!
//! - `gateway_notices`: one row per notice the dispatcher has seen, with its IRO and its state
//!   (`addressed`, or `unaddressed` while the child has no IRO).
//! - `gateway_notice_deliveries`: one row per channel and target, unique on
//!   (notice_id, channel, target): `pending`, `delivered` or `failed`.
//! - `gateway_notice_attempts`: one row per attempt (time, outcome, HTTP status, error,
//!   duration).
//! - `gateway_webhooks`: the LAs' registered receivers and their signing secrets.
//! - `gateway_notice_reads`: read receipts (who read which notice, when).

mod deliveries;
mod inbox;
mod notices;
mod webhooks;

pub use deliveries::{AttemptOutcome, AttemptRecord, DeliveryView, DueDelivery};
pub use inbox::{InboxItem, InboxQuery, ReadReceipt};
pub use notices::{NewDelivery, NoticeRow};
pub use webhooks::{NewWebhook, Webhook};

use pep_records::{RecordDatabase, RecordError};

/// Notice delivery's tables in the gateway's database: the queries and writes the dispatcher,
/// the worker and the HTTP routes make.
#[derive(Debug, Clone)]
pub struct NoticeTables {
    database: RecordDatabase,
}

impl NoticeTables {
    /// The tables in `database` (created by its migrations).
    pub fn new(database: RecordDatabase) -> Self {
        Self { database }
    }
}

impl From<&RecordDatabase> for NoticeTables {
    fn from(database: &RecordDatabase) -> Self {
        Self::new(database.clone())
    }
}

/// Runs `$body` with `$pool` bound to whichever pool the record database holds; the body is
/// written once and compiled for each back end.
macro_rules! on_pool {
    ($database:expr, $pool:ident => $body:expr) => {
        match $database {
            pep_records::RecordDatabase::Postgres($pool) => $body,
            pep_records::RecordDatabase::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// A delivery's state: `pending` (waiting for its next attempt), `delivered`, `failed`.
pub const PENDING: &str = "pending";
/// Delivered (a 2xx answer, a JetStream acknowledgement, or written to the inbox).
pub const DELIVERED: &str = "delivered";
/// Given up after the bound of attempts (or the webhook was removed); can be retried by hand.
pub const FAILED: &str = "failed";

/// Microseconds since the epoch.
pub(crate) fn micros(instant: chrono::DateTime<chrono::Utc>) -> i64 {
    instant.timestamp_micros()
}

pub(crate) fn instant(micros: i64) -> Result<chrono::DateTime<chrono::Utc>, RecordError> {
    chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| RecordError::Failed(format!("instant {micros} is out of range")))
}

pub(crate) fn uuid(text: &str) -> Result<uuid::Uuid, RecordError> {
    uuid::Uuid::parse_str(text)
        .map_err(|error| RecordError::Failed(format!("uuid {text:?}: {error}")))
}

pub(crate) fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}
