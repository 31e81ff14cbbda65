//! The relay tests' own support: batches of events over many streams, relays with short
//! timings, and the relay's checkpoint as an operator reads it. Databases, servers and waits come
//! from the shared `tests` crate.

use commands::store::{
    AppendRequest, EventMetadata, EventStore, ExpectedVersion, NewEvent, RecordedEvent,
    StreamAppend,
};
use domain::{Actor, Role};
use pep_messaging::relay::{Publisher, Relay, RelayConfig, RelayMetrics};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub use tests::logging::init_logging;
pub use tests::postgres::TestDatabase;
pub use tests::wait::{wait_until, wait_until_every};

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
    pub task: JoinHandle<Result<(), pep_messaging::relay::RelayError>>,
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

/// The relay's saved checkpoint, read with plain SQL (as an operator would).
pub async fn relay_checkpoint(database: &TestDatabase) -> Option<u64> {
    let mut connection = PgConnection::connect(&database.url).await.unwrap();
    let position: Option<i64> =
        sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = 'relay'")
            .fetch_optional(&mut connection)
            .await
            .unwrap();
    position.map(|position| u64::try_from(position).unwrap())
}
