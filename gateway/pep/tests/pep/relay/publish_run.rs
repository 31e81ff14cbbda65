//! A publish run survives its NATS server being killed (SIGKILL) in the middle: after the
//! server is back, a durable consumer made before the kill receives every event exactly once,
//! in global-position order, and the relay's checkpoint reaches the head.

use crate::relay::stream_check::{assert_consumer_receives_exactly, connect, durable_consumer};
use crate::relay::support::{
    RunningRelay, TestDatabase, all_events, append_events, fast_relay_config, init_logging,
    relay_checkpoint, wait_until, wait_until_every,
};
use pep_messaging::relay::{JetStreamConfig, JetStreamPublisher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::{NatsServer, current_server_binary, system_server_binary};

const BEFORE_KILL: usize = 2000;
const DURING_OUTAGE: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_nats_server_loses_and_doubles_nothing_on_a_current_server() {
    publish_run_with_a_killed_server(current_server_binary()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_nats_server_loses_and_doubles_nothing_on_nats_2_9() {
    publish_run_with_a_killed_server(system_server_binary()).await;
}

async fn publish_run_with_a_killed_server(binary: PathBuf) {
    init_logging();
    let mut server = NatsServer::start_binary(binary).await;
    tracing::info!(version = %server.version, "publish run against this server");
    let database = TestDatabase::create().await;
    let store = database.store().await;
    append_events(store.as_ref(), BEFORE_KILL).await;

    let config = JetStreamConfig {
        ack_timeout: Duration::from_secs(1),
        ..JetStreamConfig::new(server.url())
    };
    let relay = RunningRelay::spawn(
        store.clone(),
        Arc::new(JetStreamPublisher::new(config)),
        fast_relay_config(),
    );
    let context = connect(&server.url()).await;
    let consumer = durable_consumer(&context, "verifier").await;

    // Kill the server while the run is under way: some events acknowledged, most not.
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
    server.kill();
    let acknowledged_at_kill = relay.metrics.status().acknowledged;
    assert!(
        acknowledged_at_kill < BEFORE_KILL as u64,
        "the run finished before the server was killed ({acknowledged_at_kill} acknowledged)"
    );
    // Events committed while NATS is down are published once it is back.
    let head = append_events(store.as_ref(), DURING_OUTAGE).await;
    server.restart().await;

    wait_until(
        Duration::from_secs(30),
        "the relay's checkpoint reaches the head",
        || {
            let metrics = metrics.clone();
            async move { metrics.status().checkpoint == head }
        },
    )
    .await;
    // Whether the relay saw the outage as failed acknowledgements or the client's reconnect
    // hid it (publishes buffered and flushed to the restarted server) depends on timing; both
    // must end with the same stream.
    let status = relay.metrics.status();
    tracing::info!(?status, "the relay after the outage");
    assert_eq!(status.lag(), 0);
    assert_eq!(relay_checkpoint(&database).await, Some(head));

    let expected = all_events(store.as_ref()).await;
    assert_eq!(expected.len(), BEFORE_KILL + DURING_OUTAGE);
    assert_consumer_receives_exactly(&context, &consumer, &expected).await;
    relay.stop().await;
}
