//! Many concurrent writers (and two store instances, as two processes) on overlapping streams:
//! nothing acknowledged is lost or doubled, positions and versions have no gap, the chain
//! verifies, and a subscriber following positions during the load never skips one.

use crate::support::{Backend, TestStore, event, key};
use commands::store::{
    AppendError, AppendOutcome, AppendRequest, EventStore, ExpectedVersion, RecordedEvent,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// An append the store acknowledged, with the ids of the events it carried.
#[derive(Debug)]
pub struct Acknowledged {
    pub event_ids: Vec<Uuid>,
    pub outcome: AppendOutcome,
}

#[derive(Debug, Default)]
pub struct LoadReport {
    pub acknowledged: Vec<Acknowledged>,
    pub conflicts: u64,
    pub unavailable: u64,
}

/// A small deterministic generator, so each task's choices are reproducible.
pub struct XorShift(u64);

impl XorShift {
    pub fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// Runs `tasks` writers for `duration`, spread over `stores`, each appending 1-3 events to one
/// of `streams` streams at the version it just read, retrying conflicts with a fresh version
/// and unavailability with the same request (same idempotency key and event ids).
pub async fn run_load(
    stores: &[Arc<dyn EventStore>],
    tasks: usize,
    duration: Duration,
    streams: u64,
) -> LoadReport {
    let deadline = tokio::time::Instant::now() + duration;
    let handles: Vec<JoinHandle<LoadReport>> = (0..tasks)
        .map(|task| {
            let store = stores[task % stores.len()].clone();
            tokio::spawn(async move {
                let mut random = XorShift(0x9E37_79B9_7F4A_7C15 ^ (task as u64 + 1));
                let mut report = LoadReport::default();
                let mut command = 0;
                while tokio::time::Instant::now() < deadline {
                    command += 1;
                    let stream = format!("child-{}", random.next(streams));
                    let count = 1 + random.next(3) as usize;
                    let events: Vec<_> = (0..count)
                        .map(|n| event(json!({ "task": task, "command": command, "n": n })))
                        .collect();
                    let idempotency = key(&format!("task-{task}-{command}"), "load");
                    let give_up = tokio::time::Instant::now() + duration + Duration::from_secs(30);
                    loop {
                        assert!(
                            tokio::time::Instant::now() < give_up,
                            "an append could not get through for 30 s after the load"
                        );
                        let version = match store.stream_version(&stream).await {
                            Ok(version) => version,
                            Err(_) => {
                                report.unavailable += 1;
                                // Back off a little rather than spin while the database is away.
                                tokio::time::sleep(Duration::from_millis(10)).await;
                                continue;
                            }
                        };
                        let request = AppendRequest::single(
                            &stream,
                            ExpectedVersion::Exactly(version),
                            events.clone(),
                            idempotency.clone(),
                        );
                        match store.append(request).await {
                            Ok(outcome) => {
                                report.acknowledged.push(Acknowledged {
                                    event_ids: events.iter().map(|e| e.event_id).collect(),
                                    outcome,
                                });
                                break;
                            }
                            Err(AppendError::Conflict { .. }) => report.conflicts += 1,
                            Err(AppendError::Unavailable(_)) => {
                                report.unavailable += 1;
                                tokio::time::sleep(Duration::from_millis(10)).await;
                            }
                            Err(other) => panic!("unexpected append error: {other}"),
                        }
                    }
                }
                report
            })
        })
        .collect();
    let mut total = LoadReport::default();
    for handle in handles {
        let report = handle.await.unwrap();
        total.acknowledged.extend(report.acknowledged);
        total.conflicts += report.conflicts;
        total.unavailable += report.unavailable;
    }
    // Shown on failure (or with --nocapture), to judge how hard the run pushed.
    eprintln!(
        "load: {} appends acknowledged, {} conflicts retried, {} unavailable retried",
        total.acknowledged.len(),
        total.conflicts,
        total.unavailable
    );
    total
}

/// Reads the whole log in batches.
pub async fn read_everything(store: &dyn EventStore) -> Vec<RecordedEvent> {
    let mut all = Vec::new();
    loop {
        let after = all.last().map_or(0, |e: &RecordedEvent| e.global_position);
        let batch = store.read_all(after, 1000).await.unwrap();
        if batch.is_empty() {
            return all;
        }
        all.extend(batch);
    }
}

/// Every acknowledged append is present exactly once at its acknowledged positions; positions
/// and per-stream versions have no gap; recorded_at never goes back; the chain verifies.
pub async fn assert_log_is_whole(store: &dyn EventStore, report: &LoadReport) {
    let all = read_everything(store).await;
    for (index, event) in all.iter().enumerate() {
        assert_eq!(
            event.global_position,
            index as u64 + 1,
            "positions have a gap"
        );
    }
    let by_id: HashMap<Uuid, &RecordedEvent> = all.iter().map(|e| (e.event_id, e)).collect();
    assert_eq!(by_id.len(), all.len(), "an event id appears twice");
    let mut acknowledged_ids = HashSet::new();
    for append in &report.acknowledged {
        for (offset, event_id) in append.event_ids.iter().enumerate() {
            let stored = by_id
                .get(event_id)
                .expect("an acknowledged event is missing");
            assert_eq!(
                stored.global_position,
                append.outcome.first_position + offset as u64
            );
            assert!(acknowledged_ids.insert(*event_id), "acknowledged twice");
        }
    }
    assert_eq!(
        acknowledged_ids.len(),
        all.len(),
        "the log holds unacknowledged events"
    );
    let mut versions: HashMap<&str, u64> = HashMap::new();
    for event in &all {
        let version = versions.entry(&event.stream_id).or_insert(0);
        *version += 1;
        assert_eq!(
            event.stream_version, *version,
            "stream {} has a gap",
            event.stream_id
        );
    }
    for pair in all.windows(2) {
        assert!(
            pair[0].recorded_at <= pair[1].recorded_at,
            "recorded_at went back"
        );
    }
    let verification = store.verify_chain().await.unwrap();
    assert!(verification.is_intact(), "{verification:?}");
    assert_eq!(verification.verified_up_to, all.len() as u64);
}

/// Follows the log from the start during the load, recording every position delivered.
pub fn follow(store: &Arc<dyn EventStore>) -> (Arc<Mutex<Vec<u64>>>, JoinHandle<()>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut subscription = store.subscribe(0);
    let recorder = seen.clone();
    let handle = tokio::spawn(async move {
        loop {
            let event = subscription.next().await.unwrap();
            recorder.lock().unwrap().push(event.global_position);
        }
    });
    (seen, handle)
}

/// The follower saw positions 1..=head, each once, in order.
pub async fn assert_follower_saw_everything(
    store: &dyn EventStore,
    seen: &Arc<Mutex<Vec<u64>>>,
    follower: JoinHandle<()>,
) {
    let head = store.head_position().await.unwrap();
    crate::support::wait_until(
        Duration::from_secs(30),
        "the follower reaches the head",
        || {
            let seen = seen.clone();
            async move { seen.lock().unwrap().len() as u64 >= head }
        },
    )
    .await;
    assert!(!follower.is_finished(), "the follower stopped early");
    follower.abort();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, (1..=head).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_64_writers_on_overlapping_streams_lose_nothing_and_leave_no_gap() {
    let test = TestStore::open(Backend::Postgres).await;
    let (seen, follower) = follow(&test.store);
    let report = run_load(
        std::slice::from_ref(&test.store),
        64,
        Duration::from_secs(4),
        24,
    )
    .await;
    assert!(
        report.acknowledged.len() > 100,
        "too little load: {}",
        report.acknowledged.len()
    );
    assert!(report.conflicts > 0, "overlapping streams should conflict");
    assert_eq!(report.unavailable, 0);
    assert_log_is_whole(test.store.as_ref(), &report).await;
    assert_follower_saw_everything(test.store.as_ref(), &seen, follower).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_store_instances_write_one_gap_free_chain() {
    let test = TestStore::open(Backend::Postgres).await;
    let second = test.second_instance().await;
    // The follower reads through the second instance, so it learns of the first instance's
    // commits only through NOTIFY or polling, as a separate process would.
    let (seen, follower) = follow(&second);
    let stores = [test.store.clone(), second.clone()];
    let report = run_load(&stores, 64, Duration::from_secs(3), 24).await;
    assert!(report.acknowledged.len() > 100);
    assert_log_is_whole(test.store.as_ref(), &report).await;
    assert_follower_saw_everything(second.as_ref(), &seen, follower).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_writers_and_two_instances_lose_nothing_and_leave_no_gap() {
    let test = TestStore::open(Backend::Sqlite).await;
    let second = test.second_instance().await;
    let (seen, follower) = follow(&test.store);
    let stores = [test.store.clone(), second];
    let report = run_load(&stores, 64, Duration::from_millis(1500), 16).await;
    assert!(
        report.acknowledged.len() > 50,
        "too little load: {}",
        report.acknowledged.len()
    );
    assert_eq!(report.unavailable, 0);
    assert_log_is_whole(test.store.as_ref(), &report).await;
    assert_follower_saw_everything(test.store.as_ref(), &seen, follower).await;
}
