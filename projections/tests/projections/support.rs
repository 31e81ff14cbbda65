//! Test support: a fresh event store and read database on either back end, the real command
//! handler over it, an event log over the store, and helpers to run and reset projectors.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use commands::clock::{ManualClock, UuidV7Ids};
use commands::handlers::{CommandContext, CommandHandler};
use commands::store::{
    EventStore, PostgresEventStore, ReadStreamOptions, SqliteEventStore, StoreSettings,
};
use domain::envelope::RecordedEvent;
use domain::{Actor, Role};
use projections::db::ReadDatabase;
use projections::runtime::{
    EventLog, EventLogError, Projector, ProjectorRunner, TablesChecksum, checksum_tables,
};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use uuid::Uuid;

/// The admin URL tests create their databases through.
pub fn admin_url() -> String {
    std::env::var("PEP_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A PostgreSQL database made for one test and dropped (even on panic) with this value.
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
                    "PostgreSQL is not reachable at {admin_url} ({error}). These tests need a \
                     real PostgreSQL: start it with deploy/local/test.sh (or set \
                     PEP_TEST_DATABASE_URL to an admin URL of a running server)."
                )
            });
        let name = format!("pep_test_{}", Uuid::now_v7().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let query = admin_url
            .split_once('?')
            .map(|(_, query)| format!("?{query}"))
            .unwrap_or_default();
        let url = format!("{base}/{name}{query}");
        Self { name, url }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop cannot await and the test's runtime may be shutting down, so a thread with its
        // own runtime drops the database; FORCE ends the pools' open connections.
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

/// The event log over the real store, as the gateway provides it.
#[derive(Debug, Clone)]
pub struct StoreLog(pub Arc<dyn EventStore>);

#[async_trait]
impl EventLog for StoreLog {
    async fn read_after(
        &self,
        after_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        self.0
            .read_all(after_position, max)
            .await
            .map_err(EventLogError::new)
    }

    async fn head_position(&self) -> Result<u64, EventLogError> {
        self.0.head_position().await.map_err(EventLogError::new)
    }

    async fn read_stream(
        &self,
        stream_id: &str,
        recorded_at_or_before: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        let options = ReadStreamOptions {
            up_to_version: None,
            recorded_at_or_before,
        };
        self.0
            .read_stream(stream_id, options)
            .await
            .map_err(EventLogError::new)
    }
}

/// One test's world: the store, the handler writing to it, the read database beside it.
pub struct TestEnv {
    pub backend: Backend,
    pub store: Arc<dyn EventStore>,
    pub handler: CommandHandler,
    /// Stamps `recorded_at` (the store's clock) and the handler's "now".
    pub clock: Arc<ManualClock>,
    pub read: ReadDatabase,
    pub log: StoreLog,
    _database: Option<TestDatabase>,
    _directory: Option<tempfile::TempDir>,
}

/// The instant the test clock starts at: 10 March 2025, 09:00 UTC.
pub fn start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 10, 9, 0, 0).unwrap()
}

impl TestEnv {
    pub async fn open(backend: Backend) -> Self {
        let clock = Arc::new(ManualClock::new(start_instant()));
        let settings = StoreSettings {
            clock: clock.clone(),
            ..StoreSettings::default()
        };
        let (store, read, database, directory): (Arc<dyn EventStore>, _, _, _) = match backend {
            Backend::Postgres => {
                let database = TestDatabase::create().await;
                let store = PostgresEventStore::connect_with(&database.url, settings)
                    .await
                    .unwrap();
                store.migrate().await.unwrap();
                let read = ReadDatabase::connect(&database.url).await.unwrap();
                (Arc::new(store), read, Some(database), None)
            }
            Backend::Sqlite => {
                let directory = tempfile::tempdir().unwrap();
                let file = directory.path().join("pep.db");
                let store = SqliteEventStore::open_with(&file, settings).await.unwrap();
                store.migrate().await.unwrap();
                let url = format!("sqlite://{}", file.display());
                let read = ReadDatabase::connect(&url).await.unwrap();
                (Arc::new(store), read, None, Some(directory))
            }
        };
        let handler = CommandHandler::new(store.clone(), clock.clone(), Arc::new(UuidV7Ids));
        Self {
            backend,
            log: StoreLog(store.clone()),
            store,
            handler,
            clock,
            read,
            _database: database,
            _directory: directory,
        }
    }

    /// A runner for `projector` with its tables created.
    pub async fn runner(&self, projector: Arc<dyn Projector>) -> ProjectorRunner {
        let runner = ProjectorRunner::new(self.read.clone(), projector);
        runner.ensure_schema().await.unwrap();
        runner
    }

    /// Every event in the store.
    pub async fn all_events(&self) -> Vec<RecordedEvent> {
        self.store.read_all(0, usize::MAX).await.unwrap()
    }

    /// Moves the clock (and so the next `recorded_at`) to `instant`.
    pub fn set_clock(&self, instant: DateTime<Utc>) {
        self.clock.set(instant);
    }
}

/// The checksum of a projector's live tables.
pub async fn live_checksum(read: &ReadDatabase, projector: &dyn Projector) -> TablesChecksum {
    let mut connection = read.pool().acquire().await.unwrap();
    checksum_tables(&mut connection, projector.tables(), |base| base.to_owned())
        .await
        .unwrap()
}

/// Drops a projector's tables and checkpoint and creates the tables again, empty.
pub async fn reset(runner: &ProjectorRunner) {
    for table in runner.projector().tables() {
        sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
            .execute(runner.database().pool())
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM projection_checkpoints WHERE name = $1")
        .bind(runner.name())
        .execute(runner.database().pool())
        .await
        .unwrap();
    runner.ensure_schema().await.unwrap();
}

/// Rows of a query as text, for exact comparisons: every column read as text or integer.
pub async fn text_rows(read: &ReadDatabase, sql: &str) -> Vec<Vec<String>> {
    use sqlx::Row;
    let rows = sqlx::query(sql).fetch_all(read.pool()).await.unwrap();
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|index| {
                    if let Ok(value) = row.try_get::<Option<i64>, _>(index) {
                        value.map_or_else(|| "NULL".to_owned(), |value| value.to_string())
                    } else {
                        row.try_get::<Option<String>, _>(index)
                            .unwrap()
                            .unwrap_or_else(|| "NULL".to_owned())
                    }
                })
                .collect()
        })
        .collect()
}

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

pub fn actor(role: Role) -> Actor {
    Actor::new(format!("{role}-1"), role)
}

pub fn as_role(role: Role) -> CommandContext {
    CommandContext::new(actor(role), Uuid::now_v7(), "test")
}

/// Declares one test per back end for each listed `async fn(TestEnv)`.
macro_rules! on_both_back_ends {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let env = crate::support::TestEnv::open(crate::support::Backend::Postgres).await;
                    super::$name(env).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let env = crate::support::TestEnv::open(crate::support::Backend::Sqlite).await;
                    super::$name(env).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_back_ends;
