//! Delivering IRO notices: every `IroNoticeRequested` on a child record reaches the child's
//! Independent Reviewing Officer (and, when the LA's policy says so, the social worker and the
//! Virtual School) on NATS, on the LA's registered webhooks and in the in-app inbox.
//!
//! The parts, each in its own file:
//!
//! - [`sweeper`]: turns PEP items that are overdue today into `RequestIroNotice` commands with
//!   ids derived from (child, item, due date), so repeated sweeps and two nodes make one notice.
//! - [`dispatcher`]: follows the event log from its own checkpoint and writes one delivery row
//!   per channel and recipient into the gateway's tables; [`recipients`] decides who.
//! - [`worker`]: attempts due deliveries (NATS publish, webhook POST), logs every attempt and
//!   schedules retries with exponential backoff and full jitter ([`backoff`]) up to a bound.
//! - [`tables`]: the gateway-owned tables (notices, deliveries, attempts, webhooks, read
//!   receipts), created `IF NOT EXISTS` on both back ends.
//! - [`message`]: the JSON body (`docs/schemas/pep.v1.notify.schema.json`) and stable ids.
//!
//! # What happens when things fail (the write path)
//!
//! - **A crash between writing delivery rows and saving the dispatcher's checkpoint** replays
//!   the events; every row is unique on (notice, channel, target), so the replay adds nothing.
//! - **A crash between a delivery and recording its outcome** attempts it again later: delivery
//!   is at least once. The NATS message carries `Nats-Msg-Id` = the delivery id, so JetStream
//!   drops the re-publish inside its duplicate window; a webhook receives the same
//!   `Pep-Notice-Id` and `Pep-Delivery-Id` again and deduplicates on them.
//! - **NATS down**: the publish fails, the attempt is logged and retried with backoff; the rows
//!   wait in the database, nothing is lost. After the bound of attempts the delivery is
//!   `failed` and an officer can retry it.
//! - **PostgreSQL restarting**: the dispatcher, worker and sweeper stop with an error and are
//!   restarted (leadership taken again) and resume from the saved checkpoint and due rows.
//! - **Duplicate events** (the same notice requested twice, a replayed log): the notice id and
//!   the unique keys make the second a no-op.
//! - **Bad input**: a webhook URL that is not `http(s)` is refused with 422; an event that does
//!   not decode is skipped with a warning (audit verification reports it).
//!
//! Delivery state lives only here, never in the `iro_notices` read model, which is rebuilt from
//! events. `docs/notices.md` describes the behaviour for operators and receivers.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod config;
pub mod dispatcher;
pub mod message;
pub mod metrics;
pub mod nats;
pub mod recipients;
pub mod runner;
pub mod signature;
pub mod sweeper;
pub mod tables;
pub mod webhook;
pub mod worker;

pub use config::NoticeConfig;
pub use metrics::NoticeMetrics;
pub use runner::{NoticeServices, NoticeSetup, spawn_notice_services};

use std::sync::Arc;
use tokio::sync::Notify;

/// What the HTTP routes share with the delivery worker of this process: the signal that wakes
/// it when a delivery is re-queued, and the counters `/metrics` shows.
#[derive(Debug, Clone, Default)]
pub struct NoticeHub {
    /// Wakes the worker at once instead of at its next poll.
    pub wake: Arc<Notify>,
    /// Delivery counters.
    pub metrics: Arc<NoticeMetrics>,
}
