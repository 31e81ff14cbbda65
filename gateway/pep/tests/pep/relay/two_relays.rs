//! Two relays on one database: only the leader publishes; when it dies (its task is aborted,
//! dropping its leadership connection as a killed process would) the other takes over and
//! finishes, and the stream still holds every event exactly once.

use crate::relay::stream_check::{assert_consumer_receives_exactly, connect, durable_consumer};
use crate::relay::support::{
    RunningRelay, TestDatabase, all_events, append_events, fast_relay_config, init_logging,
    relay_checkpoint, wait_until,
};
use pep_messaging::relay::{JetStreamConfig, JetStreamPublisher, RelayMetrics};
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::NatsServer;

fn publisher(url: &str) -> Arc<JetStreamPublisher> {
    Arc::new(JetStreamPublisher::new(JetStreamConfig {
        ack_timeout: Duration::from_secs(1),
        ..JetStreamConfig::new(url)
    }))
}

async fn wait_for_acknowledged(metrics: &Arc<RelayMetrics>, position: u64, who: &str) {
    wait_until(
        Duration::from_secs(30),
        &format!("{who} has acknowledged position {position}"),
        || {
            let metrics = metrics.clone();
            async move { metrics.status().acknowledged >= position }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_leader_publishes_and_the_other_takes_over_when_it_dies() {
    init_logging();
    let server = NatsServer::start().await;
    let database = TestDatabase::create().await;
    let store = database.store().await;

    // Each relay has its own store instance, as two processes would.
    let first = RunningRelay::spawn(
        database.store().await,
        publisher(&server.url()),
        fast_relay_config(),
    );
    let first_metrics = first.metrics.clone();
    wait_until(Duration::from_secs(10), "the first relay leads", || {
        let metrics = first_metrics.clone();
        async move { metrics.status().is_leader }
    })
    .await;
    let second = RunningRelay::spawn(
        database.store().await,
        publisher(&server.url()),
        fast_relay_config(),
    );
    let context = connect(&server.url()).await;
    let consumer = durable_consumer(&context, "verifier").await;

    let first_head = append_events(store.as_ref(), 1000).await;
    wait_for_acknowledged(&first.metrics, first_head, "the first relay").await;
    let waiting = second.metrics.status();
    assert!(!waiting.is_leader, "two relays lead at once");
    assert_eq!(waiting.published, 0, "the waiting relay published");

    // The leader dies without a word: no shutdown, no checkpoint save.
    first.task.abort();
    let _ = first.task.await;
    let head = append_events(store.as_ref(), 500).await;
    wait_for_acknowledged(&second.metrics, head, "the second relay").await;
    assert!(second.metrics.status().is_leader);

    let expected = all_events(store.as_ref()).await;
    assert_eq!(expected.len(), 1500);
    assert_consumer_receives_exactly(&context, &consumer, &expected).await;
    second.stop().await;
    assert_eq!(relay_checkpoint(&database).await, Some(head));
}
