//! Someone else publishes on an event subject while the relay runs. The relay's next publish no
//! longer follows the stream's last message, so the server refuses it (expected last sequence);
//! the relay starts a new run from its checkpoint, relying on de-duplication alone while the
//! stream's tail is not its own, and every event still appears exactly once, in order. On NATS
//! 2.9 and a current server, since the two differ in how they combine the two checks.

use crate::relay::stream_check::{assert_consumer_receives, connect, durable_consumer};
use crate::relay::support::{
    RunningRelay, TestDatabase, all_events, append_events, fast_relay_config, init_logging,
    wait_until, wait_until_every,
};
use pep_messaging::relay::{JetStreamConfig, JetStreamPublisher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::{NatsServer, current_server_binary, system_server_binary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_message_mid_run_is_survived_on_a_current_server() {
    foreign_message_mid_run(current_server_binary()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_message_mid_run_is_survived_on_nats_2_9() {
    foreign_message_mid_run(system_server_binary()).await;
}

async fn foreign_message_mid_run(binary: PathBuf) {
    init_logging();
    let server = NatsServer::start_binary(binary).await;
    let database = TestDatabase::create().await;
    let store = database.store().await;
    append_events(store.as_ref(), 1500).await;
    let relay = RunningRelay::spawn(
        store.clone(),
        Arc::new(JetStreamPublisher::new(JetStreamConfig {
            ack_timeout: Duration::from_secs(1),
            ..JetStreamConfig::new(server.url())
        })),
        fast_relay_config(),
    );
    let context = connect(&server.url()).await;
    let consumer = durable_consumer(&context, "verifier").await;
    let metrics = relay.metrics.clone();
    wait_until_every(
        Duration::from_millis(1),
        Duration::from_secs(20),
        "the relay has some events acknowledged",
        || {
            let metrics = metrics.clone();
            async move { metrics.status().acknowledged >= 100 }
        },
    )
    .await;
    context
        .publish("pep.v1.events.831.child.Intruder", "not an event".into())
        .await
        .unwrap()
        .await
        .unwrap();
    // Events after the intruder: whatever the relay was doing, its next publish meets it.
    let head = append_events(store.as_ref(), 200).await;

    wait_until(
        Duration::from_secs(30),
        "the relay's checkpoint reaches the head",
        || {
            let metrics = metrics.clone();
            async move { metrics.status().checkpoint == head }
        },
    )
    .await;
    let status = relay.metrics.status();
    assert!(
        status.restarts >= 1,
        "the intruder was never noticed: {status:?}"
    );

    let expected = all_events(store.as_ref()).await;
    assert_consumer_receives(&context, &consumer, &expected, 1).await;
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_published_events_are_counted_as_duplicates_and_stored_once_on_a_current_server() {
    re_published_events_are_duplicates(current_server_binary()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_published_events_are_counted_as_duplicates_and_stored_once_on_nats_2_9() {
    re_published_events_are_duplicates(system_server_binary()).await;
}

/// With a foreign message at the stream's tail the relay can only trust its checkpoint; set
/// back, it re-publishes what the stream holds, and JetStream's de-duplication by
/// `Nats-Msg-Id` answers each as a duplicate without storing it.
async fn re_published_events_are_duplicates(binary: PathBuf) {
    init_logging();
    let server = NatsServer::start_binary(binary).await;
    let database = TestDatabase::create().await;
    let store = database.store().await;
    let publisher = || {
        Arc::new(JetStreamPublisher::new(JetStreamConfig {
            ack_timeout: Duration::from_secs(1),
            ..JetStreamConfig::new(server.url())
        }))
    };
    let first_head = append_events(store.as_ref(), 200).await;
    let first = RunningRelay::spawn(store.clone(), publisher(), fast_relay_config());
    let context = connect(&server.url()).await;
    let consumer = durable_consumer(&context, "verifier").await;
    let metrics = first.metrics.clone();
    wait_until(
        Duration::from_secs(20),
        "the first run is checkpointed",
        || {
            let metrics = metrics.clone();
            async move { metrics.status().checkpoint == first_head }
        },
    )
    .await;
    first.stop().await;

    store.save_checkpoint("relay", 50).await.unwrap();
    context
        .publish("pep.v1.events.831.child.Intruder", "not an event".into())
        .await
        .unwrap()
        .await
        .unwrap();
    let head = append_events(store.as_ref(), 100).await;
    let second = RunningRelay::spawn(store.clone(), publisher(), fast_relay_config());
    let metrics = second.metrics.clone();
    wait_until(
        Duration::from_secs(20),
        "the second run is checkpointed",
        || {
            let metrics = metrics.clone();
            async move { metrics.status().checkpoint == head }
        },
    )
    .await;
    let status = second.metrics.status();
    assert_eq!(status.duplicates, first_head - 50, "{status:?}");
    assert_eq!(status.published, head - 50, "{status:?}");

    let expected = all_events(store.as_ref()).await;
    assert_consumer_receives(&context, &consumer, &expected, 1).await;
    second.stop().await;
}
