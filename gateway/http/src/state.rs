//! What every request handler shares: the command handler and the store behind it, the
//! gateway's own tables, the token verifier, the SSDA903 code lists, the limits, and the
//! readiness probes, relay counters and projector status the `pep serve` wiring fills in.

use super::metrics::HttpMetrics;
use super::rate_limit::{RateLimit, RateLimiter};
use async_trait::async_trait;
use commands::clock::{Clock, IdSource, SystemClock, UuidV7Ids};
use commands::handlers::CommandHandler;
use commands::store::EventStore;
use domain::policy::LaPolicy;
use domain::ssda903::CodeLists;
use pep_auth::TokenVerifier;
use pep_messaging::projection_feed::ProjectionStatus;
use pep_messaging::relay::RelayMetrics;
use pep_notify::NoticeHub;
use pep_records::RecordDatabase;
use std::fmt;
use std::sync::Arc;

/// Something `/readyz` checks besides the event store (NATS, the read models...).
#[async_trait]
pub trait ReadinessProbe: Send + Sync + fmt::Debug {
    /// A short name shown in the readiness answer, such as `nats`.
    fn name(&self) -> &str;

    /// `Ok` when the dependency can serve; otherwise why not (logged, not shown).
    async fn check(&self) -> Result<(), String>;
}

/// Sizes and rates the API accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest JSON command body, in bytes.
    pub json_body_bytes: usize,
    /// Largest attachment, in bytes.
    pub attachment_bytes: usize,
    /// Media types an attachment may have (the child's views: images, documents, audio, video).
    pub attachment_media_types: Vec<String>,
    /// Requests per caller, or `None` for no limit.
    pub rate_limit: Option<RateLimit>,
    /// How long a request may run before it is stopped and answered 503 with `Retry-After`.
    pub request_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            json_body_bytes: 1024 * 1024,
            attachment_bytes: 25 * 1024 * 1024,
            attachment_media_types: [
                "image/png",
                "image/jpeg",
                "image/gif",
                "image/webp",
                "application/pdf",
                "text/plain",
                "audio/mpeg",
                "audio/mp4",
                "video/mp4",
                "video/quicktime",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            rate_limit: Some(RateLimit {
                burst: 600,
                per_second: 100,
            }),
            request_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// The state every handler gets. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    commands: CommandHandler,
    store: Arc<dyn EventStore>,
    records: RecordDatabase,
    verifier: Arc<TokenVerifier>,
    code_lists: Arc<CodeLists>,
    limits: Limits,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    readiness: Vec<Arc<dyn ReadinessProbe>>,
    metrics: HttpMetrics,
    rate_limiter: RateLimiter,
    // Notice delivery (crate::notify): the worker's wake-up and counters.
    notices: NoticeHub,
}

impl AppState {
    /// Starts building the state over an event store, the gateway's tables (in the same
    /// database; call [`RecordDatabase::migrate`] first) and a token verifier.
    pub fn builder(
        store: Arc<dyn EventStore>,
        records: RecordDatabase,
        verifier: TokenVerifier,
    ) -> AppStateBuilder {
        AppStateBuilder {
            store,
            records,
            verifier: Arc::new(verifier),
            code_lists: Arc::new(CodeLists::embedded().clone()),
            limits: Limits::default(),
            clock: Arc::new(SystemClock),
            ids: Arc::new(UuidV7Ids),
            readiness: Vec::new(),
            relay_metrics: None,
            projection_status: None,
            notices: NoticeHub::default(),
            policy: None,
        }
    }

    /// Runs commands.
    pub fn commands(&self) -> &CommandHandler {
        &self.shared.commands
    }

    /// The event store.
    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.shared.store
    }

    /// The gateway's tables (attachments, access log).
    pub fn records(&self) -> &RecordDatabase {
        &self.shared.records
    }

    /// Notice delivery's tables (notices, deliveries, webhooks, read receipts).
    pub fn notice_tables(&self) -> pep_notify::tables::NoticeTables {
        pep_notify::tables::NoticeTables::from(&self.shared.records)
    }

    /// Verifies bearer tokens.
    pub fn verifier(&self) -> &TokenVerifier {
        &self.shared.verifier
    }

    /// SSDA903 code lists, to check episodes before they become commands.
    pub fn code_lists(&self) -> &CodeLists {
        &self.shared.code_lists
    }

    /// Sizes and rates accepted.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// The clock (business dates default to today by it).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.shared.clock
    }

    /// Makes ids for new things when no idempotency key fixes them.
    pub fn ids(&self) -> &Arc<dyn IdSource> {
        &self.shared.ids
    }

    /// The probes `/readyz` runs besides the store.
    pub fn readiness_probes(&self) -> &[Arc<dyn ReadinessProbe>] {
        &self.shared.readiness
    }

    /// Request and command counters.
    pub fn metrics(&self) -> &HttpMetrics {
        &self.shared.metrics
    }

    /// Per-caller request rate limiter.
    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.shared.rate_limiter
    }

    /// Notice delivery's wake-up signal and counters, shared with this process's worker.
    pub fn notices(&self) -> &NoticeHub {
        &self.shared.notices
    }
}

/// Builds an [`AppState`]; every setting has a production default.
#[derive(Debug)]
pub struct AppStateBuilder {
    store: Arc<dyn EventStore>,
    records: RecordDatabase,
    verifier: Arc<TokenVerifier>,
    code_lists: Arc<CodeLists>,
    limits: Limits,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    readiness: Vec<Arc<dyn ReadinessProbe>>,
    relay_metrics: Option<Arc<RelayMetrics>>,
    projection_status: Option<ProjectionStatus>,
    notices: NoticeHub,
    policy: Option<Arc<LaPolicy>>,
}

impl AppStateBuilder {
    /// Decides commands under this LA policy (its PP+ rules); the statutory defaults otherwise.
    pub fn policy(mut self, policy: Arc<LaPolicy>) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Shares notice delivery's wake-up and counters with the worker `pep serve` runs.
    pub fn notice_hub(mut self, hub: NoticeHub) -> Self {
        self.notices = hub;
        self
    }

    /// Uses these code lists (for example the embedded ones with newer years from a file).
    pub fn code_lists(mut self, code_lists: CodeLists) -> Self {
        self.code_lists = Arc::new(code_lists);
        self
    }

    /// Uses these limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Uses this clock (tests fix it).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses this id source (tests fix it).
    pub fn ids(mut self, ids: Arc<dyn IdSource>) -> Self {
        self.ids = ids;
        self
    }

    /// Adds a probe `/readyz` checks.
    pub fn readiness_probe(mut self, probe: Arc<dyn ReadinessProbe>) -> Self {
        self.readiness.push(probe);
        self
    }

    /// Exposes the relay's counters (lag, published, restarts) on `/metrics`.
    pub fn relay_metrics(mut self, relay_metrics: Arc<RelayMetrics>) -> Self {
        self.relay_metrics = Some(relay_metrics);
        self
    }

    /// Exposes each projector's lag (events and seconds behind), checkpoint and failures on
    /// `/metrics`, from the status the projection feed keeps.
    pub fn projection_status(mut self, projection_status: ProjectionStatus) -> Self {
        self.projection_status = Some(projection_status);
        self
    }

    /// The state.
    pub fn build(self) -> AppState {
        let mut commands =
            CommandHandler::new(self.store.clone(), self.clock.clone(), self.ids.clone());
        if let Some(policy) = &self.policy {
            commands = commands.with_policy(policy);
        }
        let rate_limiter = RateLimiter::new(self.limits.rate_limit);
        AppState {
            shared: Arc::new(Shared {
                commands,
                store: self.store,
                records: self.records,
                verifier: self.verifier,
                code_lists: self.code_lists,
                limits: self.limits,
                clock: self.clock,
                ids: self.ids,
                readiness: self.readiness,
                metrics: HttpMetrics::new(self.relay_metrics, self.projection_status),
                rate_limiter,
                notices: self.notices,
            }),
        }
    }
}
