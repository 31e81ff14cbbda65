//! Embedded mode: the relay feeds the in-process bus from a SQLite store. Subscribers get every
//! event once, in order, whether they were there from the start, fell behind the broadcast, or
//! joined late; shutdown saves the checkpoint; an event with an invalid subject stops the relay
//! after everything before it was delivered.

use crate::relay::support::{
    RunningRelay, all_events, append_events, append_with_retry, event, fast_relay_config,
    init_logging, wait_until,
};
use commands::store::{
    AppendRequest, EventStore, ExpectedVersion, RecordedEvent, SqliteEventStore,
};
use pep_messaging::bus::{BusSubscription, InProcessBus};
use pep_messaging::relay::{Relay, RelayError};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

async fn sqlite_store(directory: &tempfile::TempDir) -> Arc<dyn EventStore> {
    let store = SqliteEventStore::open(directory.path().join("events.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Arc::new(store)
}

/// Reads `count` events from `subscription` (bounded) and checks them against `expected`.
async fn assert_receives(subscription: &mut BusSubscription, expected: &[RecordedEvent]) {
    for event in expected {
        let received = tokio::time::timeout(Duration::from_secs(10), subscription.next())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "no event after position {} within 10 s",
                    subscription.last_position()
                )
            })
            .unwrap();
        assert_eq!(received.as_ref(), event);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bus_delivers_every_event_once_in_order_to_early_slow_and_late_subscribers() {
    init_logging();
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite_store(&directory).await;
    // A small buffer, so the subscriber that does not read during the run falls behind the
    // broadcast and has to catch up from the store.
    let bus = InProcessBus::new(store.clone(), 16);
    let mut early = bus.subscribe(0);
    let mut slow = bus.subscribe(0);

    let relay = RunningRelay::spawn(
        store.clone(),
        Arc::new(bus.publisher()),
        fast_relay_config(),
    );
    let first_head = append_events(store.as_ref(), 600).await;
    let expected = all_events(store.as_ref()).await;
    assert_receives(&mut early, &expected).await;
    wait_until(
        Duration::from_secs(10),
        "the bus is fed to the head",
        || {
            let bus = bus.clone();
            async move { bus.fed_position() == first_head }
        },
    )
    .await;
    assert_receives(&mut slow, &expected).await;

    let mut late = bus.subscribe(0);
    let mut late_from_middle = bus.subscribe(250);
    assert_receives(&mut late, &expected).await;
    assert_receives(&mut late_from_middle, &expected[250..]).await;

    let head = append_events(store.as_ref(), 100).await;
    let expected = all_events(store.as_ref()).await;
    for subscription in [&mut early, &mut slow, &mut late, &mut late_from_middle] {
        assert_receives(subscription, &expected[600..]).await;
        assert_eq!(subscription.last_position(), head);
    }

    // Shutdown saves the checkpoint; a relay started later resumes after it and a new bus
    // still lets a subscriber read everything from the start.
    relay.stop().await;
    assert_eq!(store.load_checkpoint("relay").await.unwrap(), Some(head));
    let restarted_bus = InProcessBus::new(store.clone(), 16);
    let mut after_restart = restarted_bus.subscribe(0);
    let relay = RunningRelay::spawn(
        store.clone(),
        Arc::new(restarted_bus.publisher()),
        fast_relay_config(),
    );
    let final_head = append_events(store.as_ref(), 10).await;
    let expected = all_events(store.as_ref()).await;
    assert_receives(&mut after_restart, &expected).await;
    assert_eq!(after_restart.last_position(), final_head);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_with_an_invalid_subject_stops_the_relay_after_the_events_before_it() {
    init_logging();
    let directory = tempfile::tempdir().unwrap();
    let store = sqlite_store(&directory).await;
    let good_head = append_events(store.as_ref(), 20).await;
    let bad = event("831", "Placement.Changed", serde_json::json!({}));
    let bad_id = bad.event_id;
    append_with_retry(
        store.as_ref(),
        AppendRequest::single("child-bad", ExpectedVersion::Any, vec![bad], None),
    )
    .await;
    append_events(store.as_ref(), 5).await;

    let bus = InProcessBus::new(store.clone(), 64);
    let mut subscription = bus.subscribe(0);
    let relay = Relay::new(
        store.clone(),
        Arc::new(bus.publisher()),
        fast_relay_config(),
    );
    let outcome =
        tokio::time::timeout(Duration::from_secs(10), relay.run(CancellationToken::new()))
            .await
            .expect("the relay stops by itself on an invalid subject");
    match outcome {
        Err(RelayError::InvalidSubject(invalid)) => {
            assert_eq!(invalid.event_id, bad_id);
            assert_eq!(invalid.global_position, good_head + 1);
            assert_eq!(invalid.part, "event type");
        }
        other => panic!("expected an invalid subject error, got {other:?}"),
    }
    assert_eq!(
        store.load_checkpoint("relay").await.unwrap(),
        Some(good_head)
    );
    assert_eq!(bus.fed_position(), good_head);
    let expected = all_events(store.as_ref()).await;
    assert_receives(&mut subscription, &expected[..20]).await;
}
