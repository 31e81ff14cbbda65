//! The conformance suite, reads: streams, the whole log, subscriptions, the envelope,
//! checkpoints and leadership, run against both back ends.

use crate::support::{Backend, TestStore, event, instant, on_both_back_ends, single};
use chrono::{Duration as ChronoDuration, SubsecRound, Utc};
use commands::clock::ManualClock;
use commands::store::{
    AppendRequest, EventHash, ExpectedVersion, ReadStreamOptions, StoreSettings,
};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

on_both_back_ends!(
    read_all_returns_batches_in_position_order,
    a_subscription_catches_up_then_follows,
    the_envelope_round_trips_and_the_chain_verifies,
    checkpoints_are_saved_and_loaded,
    leadership_is_exclusive_until_released,
);

async fn read_all_returns_batches_in_position_order(test: TestStore) {
    let store = &test.store;
    for stream in 0..5 {
        store
            .append(single(&format!("child-{stream}"), ExpectedVersion::Any, 5))
            .await
            .unwrap();
    }
    let mut after = 0;
    let mut sizes = Vec::new();
    loop {
        let batch = store.read_all(after, 10).await.unwrap();
        if batch.is_empty() {
            break;
        }
        sizes.push(batch.len());
        for event in &batch {
            assert_eq!(event.global_position, after + 1);
            after = event.global_position;
        }
    }
    assert_eq!(sizes, vec![10, 10, 5]);
    assert_eq!(store.read_all(20, 100).await.unwrap().len(), 5);
}

async fn a_subscription_catches_up_then_follows(test: TestStore) {
    let store = test.store.clone();
    store
        .append(single("child-a", ExpectedVersion::Any, 5))
        .await
        .unwrap();
    let mut subscription = store.subscribe(2);
    for expected in 3..=5 {
        assert_eq!(subscription.next().await.unwrap().global_position, expected);
    }
    assert_eq!(subscription.last_position(), 5);
    let writer = store.clone();
    let append = tokio::spawn(async move {
        writer
            .append(single("child-b", ExpectedVersion::Any, 2))
            .await
            .unwrap()
    });
    for expected in 6..=7 {
        let next = tokio::time::timeout(Duration::from_secs(10), subscription.next())
            .await
            .expect("the subscription delivers a new event")
            .unwrap();
        assert_eq!(next.global_position, expected);
        assert_eq!(next.stream_id, "child-b");
    }
    append.await.unwrap();
    // A second store instance (another process) writes: a PostgreSQL subscriber hears of it by
    // NOTIFY (or polling), a SQLite one by polling.
    let other = test.second_instance().await;
    other
        .append(single("child-c", ExpectedVersion::Any, 1))
        .await
        .unwrap();
    let next = tokio::time::timeout(Duration::from_secs(10), subscription.next())
        .await
        .expect("the subscription sees another instance's commit")
        .unwrap();
    assert_eq!(
        (next.global_position, next.stream_id.as_str()),
        (8, "child-c")
    );
}

async fn the_envelope_round_trips_and_the_chain_verifies(test: TestStore) {
    let store = &test.store;
    let mut sent = event(json!({ "z": [1, 2.5, "é"], "a": { "nested": null }, "note": "a\u{0}b" }));
    sent.occurred_at = Utc::now();
    store
        .append(AppendRequest::single(
            "child-a",
            ExpectedVersion::Any,
            vec![sent.clone()],
            None,
        ))
        .await
        .unwrap();
    store
        .append(single("child-a", ExpectedVersion::Any, 2))
        .await
        .unwrap();
    let read = store
        .read_stream("child-a", ReadStreamOptions::all())
        .await
        .unwrap();
    let first = &read[0];
    assert_eq!(first.event_id, sent.event_id);
    assert_eq!(first.event_type, sent.event_type);
    assert_eq!(first.schema_version, 1);
    assert_eq!(first.la, "831");
    assert_eq!(first.occurred_at, sent.occurred_at.trunc_subsecs(6));
    assert_eq!(first.actor, sent.actor);
    assert_eq!(first.correlation_id, sent.correlation_id);
    assert_eq!(first.causation_id, sent.causation_id);
    assert_eq!(first.source, sent.source);
    assert_eq!(first.payload, sent.payload);
    assert_eq!(first.prev_hash, EventHash::GENESIS);
    assert_eq!(read[1].prev_hash, first.hash);
    assert_ne!(first.hash, EventHash::GENESIS);

    let report = store.verify_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.events_checked, 3);
    assert_eq!(report.verified_head_hash, read[2].hash);

    // The JSON form the relay publishes carries the hashes as hex.
    let json = serde_json::to_value(first).unwrap();
    assert_eq!(json["hash"], first.hash.to_hex());
    assert_eq!(json["actor"]["role"], "social_worker");
}

async fn checkpoints_are_saved_and_loaded(test: TestStore) {
    let store = &test.store;
    assert_eq!(store.load_checkpoint("relay").await.unwrap(), None);
    store.save_checkpoint("relay", 41).await.unwrap();
    store.save_checkpoint("relay", 42).await.unwrap();
    store.save_checkpoint("compliance", 7).await.unwrap();
    assert_eq!(store.load_checkpoint("relay").await.unwrap(), Some(42));
    assert_eq!(store.load_checkpoint("compliance").await.unwrap(), Some(7));
    assert!(store.save_checkpoint("", 1).await.is_err());
}

async fn leadership_is_exclusive_until_released(test: TestStore) {
    let store = &test.store;
    let mut leader = store
        .try_acquire_leadership("relay")
        .await
        .unwrap()
        .unwrap();
    assert!(leader.is_still_held().await);
    assert_eq!(leader.name(), "relay");
    assert!(
        store
            .try_acquire_leadership("relay")
            .await
            .unwrap()
            .is_none()
    );
    if test.backend == Backend::Postgres {
        // Another process (here: another store instance) is refused too.
        let other = test.second_instance().await;
        assert!(
            other
                .try_acquire_leadership("relay")
                .await
                .unwrap()
                .is_none()
        );
    }
    let other_name = store.try_acquire_leadership("projector").await.unwrap();
    assert!(other_name.is_some());
    leader.release().await;
    let reacquired = acquire_within(store.as_ref(), "relay").await;
    // Dropping the guard also steps down.
    drop(reacquired);
    acquire_within(store.as_ref(), "relay").await;
}

/// Leadership is released asynchronously on PostgreSQL (the server notices the closed
/// session), so the test polls for a bounded time.
async fn acquire_within(
    store: &dyn commands::store::EventStore,
    name: &str,
) -> commands::store::LeadershipGuard {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(guard) = store.try_acquire_leadership(name).await.unwrap() {
            return guard;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "leadership {name} was never freed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Reads bounded by version and by recorded_at, with a clock the test moves.
async fn reads_as_known_at_a_time_and_up_to_a_version(backend: Backend) {
    let clock = Arc::new(ManualClock::new(instant(10, 9)));
    let settings = StoreSettings {
        clock: clock.clone(),
        ..StoreSettings::default()
    };
    let test = TestStore::open_with(backend, settings).await;
    let store = &test.store;
    store
        .append(single("child-a", ExpectedVersion::Any, 2))
        .await
        .unwrap();
    clock.set(instant(12, 9));
    store
        .append(single("child-a", ExpectedVersion::Any, 1))
        .await
        .unwrap();
    // The clock steps back: recorded_at must not, so "as known at" stays a prefix.
    clock.set(instant(11, 9));
    store
        .append(single("child-a", ExpectedVersion::Any, 1))
        .await
        .unwrap();

    let all = store
        .read_stream("child-a", ReadStreamOptions::all())
        .await
        .unwrap();
    let recorded: Vec<_> = all.iter().map(|e| e.recorded_at).collect();
    assert_eq!(
        recorded,
        vec![
            instant(10, 9),
            instant(10, 9),
            instant(12, 9),
            instant(12, 9)
        ]
    );

    let as_known = store
        .read_stream("child-a", ReadStreamOptions::as_known_at(instant(11, 0)))
        .await
        .unwrap();
    assert_eq!(as_known.len(), 2);
    let exactly_at = store
        .read_stream("child-a", ReadStreamOptions::as_known_at(instant(12, 9)))
        .await
        .unwrap();
    assert_eq!(exactly_at.len(), 4);
    let up_to = store
        .read_stream("child-a", ReadStreamOptions::up_to_version(3))
        .await
        .unwrap();
    assert_eq!(
        up_to.iter().map(|e| e.stream_version).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let both = ReadStreamOptions {
        up_to_version: Some(1),
        recorded_at_or_before: Some(instant(12, 9) + ChronoDuration::days(1)),
    };
    assert_eq!(store.read_stream("child-a", both).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_reads_as_known_at_a_time_and_up_to_a_version() {
    reads_as_known_at_a_time_and_up_to_a_version(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_reads_as_known_at_a_time_and_up_to_a_version() {
    reads_as_known_at_a_time_and_up_to_a_version(Backend::Sqlite).await;
}
