//! Test support: fresh databases, stores, batches of events over many streams, relays with
//! short timings, and bounded waits.

use commands::store::{
    AppendRequest, EventMetadata, EventStore, ExpectedVersion, NewEvent, PostgresEventStore,
    RecordedEvent, StreamAppend,
};
use domain::{Actor, Role};
use gateway::relay::{Publisher, Relay, RelayConfig, RelayMetrics};
use sqlx::{Connection, PgConnection};
use std::future::Future;
use std::sync::{Arc, Once};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Logs go to the test output when `TEST_LOG` is set, and nowhere otherwise.
pub fn init_logging() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
                )
                .with_test_writer()
                .try_init();
        }
    });
}

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
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let query = admin_url
            .split_once('?')
            .map(|(_, query)| format!("?{query}"))
            .unwrap_or_default();
        let url = format!("{base}/{name}{query}");
        Self { name, url }
    }

    /// A store on this database, migrated. Each call is an independent instance (its own pool
    /// and writer), as a separate process would have.
    pub async fn store(&self) -> Arc<dyn EventStore> {
        let store = PostgresEventStore::connect(&self.url).await.unwrap();
        store.migrate().await.unwrap();
        Arc::new(store)
    }

    /// Ends every session on this database but the caller's, as a failover or a network cut
    /// would. Returns how many were ended.
    pub async fn terminate_sessions(&self) -> u64 {
        let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
        let ended: Vec<bool> = sqlx::query_scalar(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND pid <> pg_backend_pid()",
            self.name
        ))
        .fetch_all(&mut admin)
        .await
        .unwrap();
        ended.into_iter().filter(|ended| *ended).count() as u64
    }

    /// The relay's saved checkpoint, read with plain SQL (as an operator would).
    pub async fn relay_checkpoint(&self) -> Option<u64> {
        let mut connection = PgConnection::connect(&self.url).await.unwrap();
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = 'relay'")
                .fetch_optional(&mut connection)
                .await
                .unwrap();
        position.map(|position| u64::try_from(position).unwrap())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop cannot await and the test's runtime may be shutting down, so a thread with its
        // own runtime drops the database; FORCE ends the sessions still open on it.
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

const EVENT_TYPES: [&str; 4] = [
    "PlacementChanged",
    "PepMeetingHeld",
    "TargetSet",
    "BudgetAllocated",
];
const LOCAL_AUTHORITIES: [&str; 2] = ["831", "935"];

/// Appends `count` events spread over many `child-`, `pep-` and `ppp-` streams, in requests of
/// up to 300 events, and returns the head position after them.
pub async fn append_events(store: &dyn EventStore, count: usize) -> u64 {
    let mut remaining = count;
    let mut head = 0;
    let mut request_number = 0usize;
    while remaining > 0 {
        let mut streams = Vec::new();
        let mut in_request = 0;
        let mut stream_number = 0usize;
        while in_request < remaining.min(300) {
            let la = LOCAL_AUTHORITIES[(request_number + stream_number) % 2];
            let stream_id = match stream_number % 3 {
                0 => format!("child-{}", Uuid::now_v7()),
                1 => format!("pep-{}", Uuid::now_v7()),
                _ => format!("ppp-{la}-{}-{request_number}", 2024 + stream_number),
            };
            let take = 10.min(remaining.min(300) - in_request);
            let events = (0..take)
                .map(|index| {
                    let event_type = EVENT_TYPES[(stream_number + index) % EVENT_TYPES.len()];
                    event(
                        la,
                        event_type,
                        serde_json::json!({ "n": in_request + index }),
                    )
                })
                .collect();
            streams.push(StreamAppend {
                stream_id,
                expected: ExpectedVersion::Any,
                events,
            });
            in_request += take;
            stream_number += 1;
        }
        let outcome = append_with_retry(
            store,
            AppendRequest {
                streams,
                idempotency: None,
            },
        )
        .await;
        head = outcome;
        remaining -= in_request;
        request_number += 1;
    }
    head
}

/// Appends, retrying while the store is unavailable (tests that cut the database off append
/// through it too). Returns the last position written.
pub async fn append_with_retry(store: &dyn EventStore, request: AppendRequest) -> u64 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match store.append(request.clone()).await {
            Ok(outcome) => return outcome.last_position,
            Err(error) if tokio::time::Instant::now() < deadline => {
                tracing::info!(%error, "append failed; retrying");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!("could not append: {error}"),
        }
    }
}

/// One event with a fresh id.
pub fn event(la: &str, event_type: &str, payload: serde_json::Value) -> NewEvent {
    let metadata = EventMetadata {
        la: la.to_owned(),
        occurred_at: chrono::DateTime::from_timestamp(1_709_280_000, 0).unwrap(),
        actor: Actor::new("sw-42", Role::SocialWorker),
        correlation_id: Uuid::now_v7(),
        causation_id: Uuid::now_v7(),
        source: "test".to_owned(),
    };
    NewEvent::new(Uuid::now_v7(), event_type, 1, payload, &metadata)
}

/// Every event in the store, in order.
pub async fn all_events(store: &dyn EventStore) -> Vec<RecordedEvent> {
    let mut events = Vec::new();
    loop {
        let batch = store
            .read_all(
                events
                    .last()
                    .map_or(0, |event: &RecordedEvent| event.global_position),
                5000,
            )
            .await
            .unwrap();
        if batch.is_empty() {
            return events;
        }
        events.extend(batch);
    }
}

/// Relay timings short enough for tests: failures are noticed and retried within a second.
pub fn fast_relay_config() -> RelayConfig {
    RelayConfig {
        max_in_flight: 256,
        ack_timeout: Duration::from_secs(1),
        leadership_retry_interval: Duration::from_millis(100),
        leadership_check_interval: Duration::from_millis(200),
        checkpoint_interval: Duration::from_millis(100),
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(500),
        shutdown_grace: Duration::from_secs(2),
        ..RelayConfig::default()
    }
}

/// A relay running in a task of this test's runtime.
pub struct RunningRelay {
    pub metrics: Arc<RelayMetrics>,
    pub shutdown: CancellationToken,
    pub task: JoinHandle<Result<(), gateway::relay::RelayError>>,
}

impl RunningRelay {
    pub fn spawn(
        store: Arc<dyn EventStore>,
        publisher: Arc<dyn Publisher>,
        config: RelayConfig,
    ) -> Self {
        let relay = Relay::new(store, publisher, config);
        let metrics = relay.metrics();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(relay.run(shutdown.clone()));
        Self {
            metrics,
            shutdown,
            task,
        }
    }

    /// Asks the relay to stop and waits (bounded) until it has.
    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the relay did not stop within 10 s of shutdown")
            .unwrap()
            .unwrap();
    }
}

/// Polls `condition` until it holds, failing the test after `timeout`.
pub async fn wait_until<F, Fut>(timeout: Duration, what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    wait_until_every(Duration::from_millis(20), timeout, what, condition).await;
}

/// [`wait_until`] with a chosen polling period, for conditions that only hold briefly.
pub async fn wait_until_every<F, Fut>(
    period: Duration,
    timeout: Duration,
    what: &str,
    mut condition: F,
) where
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
        tokio::time::sleep(period).await;
    }
}
