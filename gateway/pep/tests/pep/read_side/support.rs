//! Test support for the read side: a world (store, command handler, read database) on a fresh
//! PostgreSQL database or SQLite file, the service's projectors, short feed timings, and
//! comparisons of live read models with a rebuild from the log.

use crate::relay::support::TestDatabase;
use chrono::{DateTime, TimeZone, Utc};
use commands::clock::{ManualClock, UuidV7Ids};
use commands::handlers::CommandHandler;
use commands::store::{EventStore, PostgresEventStore, SqliteEventStore, StoreSettings};
use pep_messaging::event_log::StoreEventLog;
use pep_messaging::projection_feed::{FeedConfig, ProjectionStatus, read_model_projectors};
use pep_reference::{ReferenceData, ReferenceDataArgs};
use projections::db::ReadDatabase;
use projections::runtime::{EventLog, Projector, RebuildMode, RebuildOptions, rebuild_with};
use std::sync::Arc;
use std::time::Duration;

/// The instant the test clock starts at: 10 March 2025, 09:00 UTC.
pub fn start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 10, 9, 0, 0).unwrap()
}

/// One test's database with a store, the real command handler and the read side beside it.
pub struct World {
    pub store: Arc<dyn EventStore>,
    pub handler: CommandHandler,
    pub read: ReadDatabase,
    pub log: StoreEventLog,
    /// What `pep --database-url` takes to reach this database.
    pub url: String,
    _database: Option<TestDatabase>,
    _directory: Option<tempfile::TempDir>,
}

impl World {
    /// A fresh PostgreSQL database, migrated.
    pub async fn postgres() -> Self {
        let database = TestDatabase::create().await;
        let clock = Arc::new(ManualClock::new(start_instant()));
        let settings = StoreSettings {
            clock: clock.clone(),
            ..StoreSettings::default()
        };
        let store = PostgresEventStore::connect_with(&database.url, settings)
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let read = ReadDatabase::connect(&database.url).await.unwrap();
        let url = database.url.clone();
        Self::assemble(Arc::new(store), clock, read, url, Some(database), None)
    }

    /// A fresh SQLite file in a temporary directory, migrated: the embedded service's layout.
    pub async fn sqlite() -> Self {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("pep.db");
        let clock = Arc::new(ManualClock::new(start_instant()));
        let settings = StoreSettings {
            clock: clock.clone(),
            ..StoreSettings::default()
        };
        let store = SqliteEventStore::open_with(&file, settings).await.unwrap();
        store.migrate().await.unwrap();
        let url = format!("sqlite://{}", file.display());
        let read = ReadDatabase::connect(&url).await.unwrap();
        Self::assemble(Arc::new(store), clock, read, url, None, Some(directory))
    }

    fn assemble(
        store: Arc<dyn EventStore>,
        clock: Arc<ManualClock>,
        read: ReadDatabase,
        url: String,
        database: Option<TestDatabase>,
        directory: Option<tempfile::TempDir>,
    ) -> Self {
        Self {
            handler: CommandHandler::new(store.clone(), clock, Arc::new(UuidV7Ids)),
            log: StoreEventLog::new(store.clone()),
            store,
            read,
            url,
            _database: database,
            _directory: directory,
        }
    }

    /// The log's head position.
    pub async fn head(&self) -> u64 {
        self.log.head_position().await.unwrap()
    }
}

/// The reference data the `pep` binary loads without options, so live and rebuilt compliance
/// rows are dated alike.
pub fn reference() -> ReferenceData {
    ReferenceData::load(&ReferenceDataArgs::default()).unwrap()
}

/// The service's projectors.
pub fn projectors() -> Vec<Arc<dyn Projector>> {
    read_model_projectors(&reference())
}

/// Feed timings short enough for tests: an idle feed checks the store twice a second.
pub fn fast_feed_config() -> FeedConfig {
    FeedConfig {
        idle_check_interval: Duration::from_millis(500),
        lag_interval: Duration::from_millis(100),
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(500),
        ..FeedConfig::default()
    }
}

/// Waits until every projector reports a measured lag of zero at `head`.
pub async fn wait_until_caught_up(status: &ProjectionStatus, head: u64, what: &str) {
    crate::relay::support::wait_until(Duration::from_secs(20), what, || {
        let status = status.clone();
        async move {
            status.snapshot().iter().all(|projector| {
                projector.caught_up_once
                    && projector
                        .lag
                        .as_ref()
                        .is_some_and(|lag| lag.checkpoint == head && lag.positions_behind == 0)
            })
        }
    })
    .await;
}

/// Rebuilds every projector beside its live tables and asserts each matches, returning the
/// live digests by projector.
pub async fn assert_live_models_match_the_log(world: &World) -> Vec<(String, String)> {
    let options = RebuildOptions {
        mode: RebuildMode::CompareOnly,
        ..RebuildOptions::default()
    };
    let mut digests = Vec::new();
    for projector in projectors() {
        let report = rebuild_with(
            &world.read,
            projector.as_ref(),
            &world.log,
            options,
            &mut |_| {},
        )
        .await
        .unwrap();
        assert!(
            report.matched,
            "{} live rows differ from a rebuild from the log: {report:?}",
            report.projector
        );
        assert_eq!(report.position, world.head().await);
        digests.push((report.projector.to_owned(), report.live_checksum.digest));
    }
    digests
}

/// How many rows `table` holds.
pub async fn count_rows(world: &World, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(world.read.pool())
        .await
        .unwrap()
}
