//! Test support: an app on a fresh database (a SQLite file, or a PostgreSQL database of its
//! own), development tokens for any role, and requests sent straight to the router. The read
//! side is mounted as `pep serve` mounts it, over the same database, so the read routes answer
//! from real read models once a test has caught the projectors up.

use axum::Router;
use axum::body::Body;
use axum::extract::Extension;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use commands::clock::UuidV7Ids;
use commands::store::{
    EventStore, PostgresEventStore, ReadStreamOptions, RecordedEvent, SqliteEventStore,
};
use pep_auth::{Claims, TokenVerifier, issue_development_token};
use pep_http::reads::ReadSide;
use pep_http::{AppState, AppStateBuilder, router};
use pep_messaging::event_log::StoreEventLog;
use pep_messaging::projection_feed::read_model_projectors;
use pep_records::RecordDatabase;
use pep_reference::{ReferenceData, ReferenceDataArgs};
use projections::db::ReadDatabase;
use projections::runtime::{Projector, ProjectorRunner};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;
use uuid::Uuid;

/// The development secret every test app verifies with.
pub const SECRET: &str = "the development secret of the http tests, 32+ bytes";

pub use tests::logging::init_logging;
pub use tests::postgres::{TestDatabase, admin_url};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// The LA policy the API tests decide under: the statutory defaults, except that PP+ is
/// released on a submitted PEP and needs no impact before more (the fixtures' PEPs are only
/// submitted). Tests of those rules spawn with their own policy.
pub fn test_policy() -> domain::policy::LaPolicy {
    let defaults = domain::policy::LaPolicy::default();
    domain::policy::LaPolicy {
        name: "Test LA policy".to_owned(),
        pupil_premium_plus: domain::policy::PupilPremiumPlusRule {
            release_requires: domain::policy::PepReleaseState::Submitted,
            impact_required_before_further_funding: false,
            ..defaults.pupil_premium_plus.clone()
        },
        ..defaults
    }
}

/// The app under test and what the test needs to look behind it.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub store: Arc<dyn EventStore>,
    pub records: RecordDatabase,
    /// The read models' database (the same database as the store, as in `pep serve`).
    pub read: ReadDatabase,
    /// The service's projectors, which [`TestApp::catch_up`] runs over the log.
    pub projectors: Vec<Arc<dyn Projector>>,
    pub database: Option<TestDatabase>,
    _directory: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |builder| builder).await
    }

    /// An app whose state the test adjusts (limits, probes...).
    pub async fn spawn_with(
        backend: Backend,
        configure: impl FnOnce(AppStateBuilder) -> AppStateBuilder,
    ) -> Self {
        let verifier = TokenVerifier::hs256(SECRET.as_bytes()).unwrap();
        Self::spawn_verifying_with(backend, verifier, configure).await
    }

    /// An app that verifies tokens with `verifier` (a JWKS one) instead of the test secret.
    pub async fn spawn_verifying_with(
        backend: Backend,
        verifier: TokenVerifier,
        configure: impl FnOnce(AppStateBuilder) -> AppStateBuilder,
    ) -> Self {
        init_logging();
        let (store, records, read_url, database, directory): (Arc<dyn EventStore>, _, _, _, _) =
            match backend {
                Backend::Postgres => {
                    let database = TestDatabase::create().await;
                    let store = PostgresEventStore::connect(&database.url).await.unwrap();
                    store.migrate().await.unwrap();
                    let records = RecordDatabase::Postgres(store.pool().clone());
                    let url = database.url.clone();
                    (Arc::new(store), records, url, Some(database), None)
                }
                Backend::Sqlite => {
                    let directory = tempfile::tempdir().unwrap();
                    let file = directory.path().join("pep.db");
                    let store = SqliteEventStore::open(&file).await.unwrap();
                    store.migrate().await.unwrap();
                    let records = RecordDatabase::Sqlite(store.pool().clone());
                    let url = format!("sqlite://{}", file.display());
                    (Arc::new(store), records, url, None, Some(directory))
                }
            };
        pep_records::migrations::migrate(&records).await.unwrap();
        let read = ReadDatabase::connect(&read_url).await.unwrap();
        let reference = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
        let projectors = read_model_projectors(&reference);
        for projector in &projectors {
            ProjectorRunner::new(read.clone(), projector.clone())
                .ensure_schema()
                .await
                .unwrap();
        }
        let read_side = ReadSide::new(
            read.clone(),
            reference,
            projectors.clone(),
            Duration::from_secs(2),
        );
        let builder = AppState::builder(store.clone(), records.clone(), verifier)
            .ids(Arc::new(UuidV7Ids))
            .policy(Arc::new(test_policy()));
        let state = configure(builder).build();
        let inbound_log = pep_inbound::InboundLog::new(read.clone());
        let inbound = pep_inbound::InboundHandler::new(
            state.commands().clone(),
            inbound_log,
            Arc::new(state.code_lists().clone()),
            state.clock().clone(),
            pep_inbound::InboundMetrics::new(),
        );
        Self {
            router: router(state.clone())
                .layer(Extension(read_side))
                .layer(Extension(inbound)),
            state,
            store,
            records,
            read,
            projectors,
            database,
            _directory: directory,
        }
    }

    /// Sends a request to the router.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// Sends JSON as `token`'s bearer.
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: &Value,
    ) -> TestResponse {
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(body).unwrap()))
                .unwrap(),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> TestResponse {
        self.json(Method::POST, path, token, body).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> TestResponse {
        self.json(Method::PUT, path, token, body).await
    }

    /// A GET as `token`'s bearer.
    pub async fn get(&self, path: &str, token: &str) -> TestResponse {
        self.send(
            Request::builder()
                .uri(path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// The store's last global position: what a refused request must leave unchanged.
    pub async fn head(&self) -> u64 {
        self.store.head_position().await.unwrap()
    }

    /// Runs every projector up to the log's head, so the read routes see what was written.
    pub async fn catch_up(&self) {
        let log = StoreEventLog::new(self.store.clone());
        for projector in &self.projectors {
            ProjectorRunner::new(self.read.clone(), projector.clone())
                .catch_up(&log)
                .await
                .unwrap();
        }
    }

    /// A stream's events.
    pub async fn events(&self, stream_id: &str) -> Vec<RecordedEvent> {
        self.store
            .read_stream(stream_id, ReadStreamOptions::all())
            .await
            .unwrap()
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "{} answered a body that is not JSON ({error}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The last segment of a problem's type URI, or "" for a body that is not a problem.
    pub fn problem(&self) -> String {
        serde_json::from_slice::<Value>(&self.body)
            .ok()
            .and_then(|body| body["type"].as_str().map(str::to_owned))
            .and_then(|uri| uri.rsplit('/').next().map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Asserts a 2xx and returns the JSON body.
    pub fn ok(&self) -> Value {
        assert!(
            self.status.is_success(),
            "expected success, got {}: {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        self.json()
    }

    /// Asserts the status and problem type.
    pub fn assert_problem(&self, status: u16, problem: &str) -> Value {
        assert_eq!(
            (self.status.as_u16(), self.problem().as_str()),
            (status, problem),
            "unexpected answer: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        self.json()
    }
}

/// Who a token is for.
#[derive(Debug, Clone)]
pub struct Who {
    pub sub: String,
    pub role: String,
    pub la: String,
    pub school_urn: Option<String>,
    pub child_ids: Vec<String>,
    pub caseload: Vec<String>,
    pub iro_id: Option<String>,
}

impl Who {
    pub fn new(role: &str, la: &str) -> Self {
        Self {
            sub: format!("{role}-{la}"),
            role: role.to_owned(),
            la: la.to_owned(),
            school_urn: None,
            child_ids: Vec::new(),
            caseload: Vec::new(),
            iro_id: None,
        }
    }

    pub fn sub(mut self, sub: &str) -> Self {
        self.sub = sub.to_owned();
        self
    }

    pub fn school(mut self, urn: &str) -> Self {
        self.school_urn = Some(urn.to_owned());
        self
    }

    pub fn children(mut self, children: &[Uuid]) -> Self {
        self.child_ids = children.iter().map(Uuid::to_string).collect();
        self
    }

    pub fn caseload(mut self, children: &[Uuid]) -> Self {
        self.caseload = children.iter().map(Uuid::to_string).collect();
        self
    }

    pub fn iro(mut self, iro_id: &str) -> Self {
        self.iro_id = Some(iro_id.to_owned());
        self
    }

    pub fn claims(&self, exp: u64) -> Claims {
        Claims {
            sub: self.sub.clone(),
            role: self.role.clone(),
            la: self.la.clone(),
            school_urn: self.school_urn.clone(),
            child_ids: self.child_ids.clone(),
            caseload: self.caseload.clone(),
            iro_id: self.iro_id.clone(),
            exp,
            iat: None,
        }
    }

    /// A development token valid for an hour.
    pub fn token(&self) -> String {
        let exp = jsonwebtoken::get_current_timestamp() + 3600;
        issue_development_token(SECRET.as_bytes(), &self.claims(exp)).unwrap()
    }
}

/// Declares one test per back end for each listed `async fn(Backend)`.
macro_rules! on_both_back_ends {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::support::Backend::Postgres).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::support::Backend::Sqlite).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_back_ends;
