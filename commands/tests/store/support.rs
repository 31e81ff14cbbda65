//! Test support: fresh databases, stores on either back end, event builders, bounded waits.

use chrono::{DateTime, TimeZone, Utc};
use commands::store::{
    AppendRequest, EventMetadata, EventStore, ExpectedVersion, IdempotencyKey, NewEvent,
    PostgresEventStore, SqliteEventStore, StoreSettings,
};
use domain::{Actor, Role};
use serde_json::Value;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{Connection, PgConnection};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The admin URL tests create their databases through.
pub fn admin_url() -> String {
    std::env::var("PEP_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database made for one test and dropped (even on panic) when this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let admin_url = admin_url();
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "PostgreSQL is not reachable at {admin_url} ({error}). These tests need a real \
                 PostgreSQL: start it with deploy/local/test.sh (or set PEP_TEST_DATABASE_URL \
                 to an admin URL of a running server)."
                )
            });
        let name = format!("pep_test_{}", Uuid::now_v7().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let url = database_url(&admin_url, &name);
        Self { name, url }
    }
}

fn database_url(admin_url: &str, name: &str) -> String {
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("the admin URL ends with /<database>");
    let query = admin_url
        .split_once('?')
        .map(|(_, query)| format!("?{query}"))
        .unwrap_or_default();
    format!("{base}/{name}{query}")
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be shutting down, so a thread with its
        // own runtime drops the database; FORCE ends the store's open connections.
        let name = self.name.clone();
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        });
        let _ = dropper.join();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Plain SQL access to the store's database, for tampering and raw inserts.
#[derive(Debug, Clone)]
pub enum RawDatabase {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl RawDatabase {
    /// Runs the statement written for this back end.
    pub async fn execute(&self, postgres: &str, sqlite: &str) {
        match self {
            RawDatabase::Postgres(pool) => {
                sqlx::query(postgres).execute(pool).await.unwrap();
            }
            RawDatabase::Sqlite(pool) => {
                sqlx::query(sqlite).execute(pool).await.unwrap();
            }
        }
    }

    /// Runs the statement and returns the database's error message, which must exist.
    pub async fn execute_expecting_error(&self, postgres: &str, sqlite: &str) -> String {
        let result = match self {
            RawDatabase::Postgres(pool) => sqlx::query(postgres).execute(pool).await.map(|_| ()),
            RawDatabase::Sqlite(pool) => sqlx::query(sqlite).execute(pool).await.map(|_| ()),
        };
        result
            .expect_err("the statement should have failed")
            .to_string()
    }
}

/// A store on a fresh database, with what the test needs to reach behind it.
#[derive(Debug)]
pub struct TestStore {
    pub backend: Backend,
    pub store: Arc<dyn EventStore>,
    pub raw: RawDatabase,
    pub database: Option<TestDatabase>,
    sqlite_file: Option<PathBuf>,
    /// Kept so the temporary directory lives as long as the store.
    _directory: Option<tempfile::TempDir>,
}

impl TestStore {
    pub async fn open(backend: Backend) -> Self {
        Self::open_with(backend, StoreSettings::default()).await
    }

    pub async fn open_with(backend: Backend, settings: StoreSettings) -> Self {
        match backend {
            Backend::Postgres => {
                let database = TestDatabase::create().await;
                let store = PostgresEventStore::connect_with(&database.url, settings)
                    .await
                    .unwrap();
                store.migrate().await.unwrap();
                Self {
                    backend,
                    raw: RawDatabase::Postgres(store.pool().clone()),
                    store: Arc::new(store),
                    database: Some(database),
                    sqlite_file: None,
                    _directory: None,
                }
            }
            Backend::Sqlite => {
                let directory = tempfile::tempdir().unwrap();
                let file = directory.path().join("events.db");
                let store = SqliteEventStore::open_with(&file, settings).await.unwrap();
                store.migrate().await.unwrap();
                Self {
                    backend,
                    raw: RawDatabase::Sqlite(store.pool().clone()),
                    store: Arc::new(store),
                    database: None,
                    sqlite_file: Some(file),
                    _directory: Some(directory),
                }
            }
        }
    }

    /// A second, independent store on the same database: its own pool and writer task, as a
    /// second process would have.
    pub async fn second_instance(&self) -> Arc<dyn EventStore> {
        match self.backend {
            Backend::Postgres => {
                let url = &self.database.as_ref().unwrap().url;
                Arc::new(PostgresEventStore::connect(url).await.unwrap())
            }
            Backend::Sqlite => Arc::new(
                SqliteEventStore::open(self.sqlite_file.as_ref().unwrap())
                    .await
                    .unwrap(),
            ),
        }
    }
}

pub fn instant(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, day, hour, 0, 0).unwrap()
}

pub fn metadata() -> EventMetadata {
    EventMetadata {
        la: "831".to_owned(),
        occurred_at: instant(1, 9),
        actor: Actor::new("sw-42", Role::SocialWorker),
        correlation_id: Uuid::now_v7(),
        causation_id: Uuid::now_v7(),
        source: "test".to_owned(),
    }
}

/// An event with a fresh id and the given payload.
pub fn event(payload: Value) -> NewEvent {
    NewEvent::new(Uuid::now_v7(), "NoteRecorded", 1, payload, &metadata())
}

/// `count` events with payloads `{"n": 0}`, `{"n": 1}`...
pub fn events(count: usize) -> Vec<NewEvent> {
    (0..count)
        .map(|n| event(serde_json::json!({ "n": n })))
        .collect()
}

pub fn single(stream: &str, expected: ExpectedVersion, count: usize) -> AppendRequest {
    AppendRequest::single(stream, expected, events(count), None)
}

pub fn key(key: &str, fingerprint: &str) -> Option<IdempotencyKey> {
    Some(IdempotencyKey {
        key: key.to_owned(),
        request_fingerprint: fingerprint.to_owned(),
    })
}

/// Polls `condition` until it holds, failing the test after `timeout`.
pub async fn wait_until<F, Fut>(timeout: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if condition().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Declares one test per back end for each listed `async fn(TestStore)`.
macro_rules! on_both_back_ends {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let store = crate::support::TestStore::open(crate::support::Backend::Postgres).await;
                    super::$name(store).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let store = crate::support::TestStore::open(crate::support::Backend::Sqlite).await;
                    super::$name(store).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_back_ends;
