//! The gateway-owned tables of notice delivery, in the event store's database (PostgreSQL or
//! SQLite). They are not read models: they record what happened outside the log (attempts,
//! webhooks registered, read receipts), so they are never rebuilt from events. Every column is
//! portable (`TEXT`, `BIGINT`; instants as microseconds since the epoch) so one statement serves
//! both back ends.
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

use crate::http::records::RecordError;

/// Runs `$body` with `$pool` bound to whichever pool the record database holds; the body is
/// written once and compiled for each back end.
macro_rules! on_pool {
    ($database:expr, $pool:ident => $body:expr) => {
        match $database {
            $crate::http::RecordDatabase::Postgres($pool) => $body,
            $crate::http::RecordDatabase::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// `CREATE ... IF NOT EXISTS` for every notice table; the same text on both back ends.
pub const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS gateway_notices (
        notice_id TEXT PRIMARY KEY,
        la TEXT NOT NULL,
        child_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        summary TEXT NOT NULL,
        occurred_on TEXT NOT NULL,
        about_event_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        requested_at_micros BIGINT NOT NULL,
        iro_id TEXT,
        iro_name TEXT,
        state TEXT NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS gateway_notices_by_child ON gateway_notices (child_id, state)",
    "CREATE TABLE IF NOT EXISTS gateway_notice_deliveries (
        delivery_id TEXT PRIMARY KEY,
        notice_id TEXT NOT NULL,
        la TEXT NOT NULL,
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts BIGINT NOT NULL,
        attempts_since_retry BIGINT NOT NULL,
        next_attempt_at_micros BIGINT NOT NULL,
        created_at_micros BIGINT NOT NULL,
        delivered_at_micros BIGINT,
        last_error TEXT,
        UNIQUE (notice_id, channel, target)
    )",
    "CREATE INDEX IF NOT EXISTS gateway_notice_deliveries_due
        ON gateway_notice_deliveries (state, next_attempt_at_micros)",
    "CREATE INDEX IF NOT EXISTS gateway_notice_deliveries_inbox
        ON gateway_notice_deliveries (channel, target, la)",
    "CREATE TABLE IF NOT EXISTS gateway_notice_attempts (
        delivery_id TEXT NOT NULL,
        attempt BIGINT NOT NULL,
        started_at_micros BIGINT NOT NULL,
        duration_ms BIGINT NOT NULL,
        outcome TEXT NOT NULL,
        http_status BIGINT,
        error TEXT,
        PRIMARY KEY (delivery_id, attempt)
    )",
    "CREATE TABLE IF NOT EXISTS gateway_webhooks (
        webhook_id TEXT PRIMARY KEY,
        la TEXT NOT NULL,
        url TEXT NOT NULL,
        description TEXT NOT NULL,
        secret TEXT NOT NULL,
        active BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        created_at_micros BIGINT NOT NULL,
        deactivated_at_micros BIGINT
    )",
    "CREATE TABLE IF NOT EXISTS gateway_notice_reads (
        notice_id TEXT NOT NULL,
        reader_id TEXT NOT NULL,
        reader_role TEXT NOT NULL,
        read_at_micros BIGINT NOT NULL,
        PRIMARY KEY (notice_id, reader_id)
    )",
];

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
