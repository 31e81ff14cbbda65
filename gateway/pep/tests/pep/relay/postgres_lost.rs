//! The relay's PostgreSQL sessions are terminated while it relays (the server is shared, so it
//! is not restarted; `pg_terminate_backend` cuts every session of the test database instead,
//! the leadership connection included). The relay steps down, takes leadership again,
//! resumes, and nothing is lost or doubled.

use crate::relay::stream_check::{assert_consumer_receives_exactly, connect, durable_consumer};
use crate::relay::support::{
    RunningRelay, TestDatabase, all_events, append_events, fast_relay_config, init_logging,
    relay_checkpoint, wait_until, wait_until_every,
};
use pep_messaging::relay::{JetStreamConfig, JetStreamPublisher};
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::NatsServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminated_database_sessions_lose_and_double_nothing() {
    init_logging();
    let server = NatsServer::start().await;
    let database = TestDatabase::create().await;
    let store = database.store().await;
    append_events(store.as_ref(), 2000).await;

    let relay = RunningRelay::spawn(
        database.store().await,
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
    let ended = database.terminate_sessions().await;
    assert!(
        ended >= 2,
        "expected the relay's sessions to be terminated, ended {ended}"
    );
    wait_until(
        Duration::from_secs(20),
        "the relay notices it lost leadership",
        || {
            let metrics = metrics.clone();
            async move {
                let status = metrics.status();
                status.leadership_losses >= 1 || status.restarts >= 1
            }
        },
    )
    .await;

    // The store the test appends through lost its sessions too; its pool reconnects.
    let head = append_events(store.as_ref(), 500).await;
    wait_until(
        Duration::from_secs(30),
        "the relay's checkpoint reaches the head",
        || {
            let metrics = metrics.clone();
            async move { metrics.status().checkpoint == head }
        },
    )
    .await;
    assert!(relay.metrics.status().is_leader);
    assert_eq!(relay_checkpoint(&database).await, Some(head));

    let expected = all_events(store.as_ref()).await;
    assert_eq!(expected.len(), 2500);
    assert_consumer_receives_exactly(&context, &consumer, &expected).await;
    relay.stop().await;
}
