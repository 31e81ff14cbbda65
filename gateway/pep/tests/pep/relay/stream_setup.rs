//! The relay creates `PEP_EVENTS` when it is missing and updates it when its subjects or
//! duplicate window differ, keeping what an operator set; on NATS 2.9 and a current server.

use crate::relay::stream_check::{STREAM, connect};
use crate::relay::support::{
    RunningRelay, TestDatabase, append_events, fast_relay_config, init_logging, wait_until,
};
use async_nats::jetstream::stream::{Config, StorageType};
use pep_messaging::relay::{JetStreamConfig, JetStreamPublisher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::{NatsServer, current_server_binary, system_server_binary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outdated_stream_is_updated_on_a_current_server() {
    outdated_stream_is_updated(current_server_binary()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outdated_stream_is_updated_on_nats_2_9() {
    outdated_stream_is_updated(system_server_binary()).await;
}

async fn outdated_stream_is_updated(binary: PathBuf) {
    init_logging();
    let server = NatsServer::start_binary(binary).await;
    let context = connect(&server.url()).await;
    context
        .create_stream(Config {
            name: STREAM.to_owned(),
            subjects: vec!["pep.v1.events.831.>".to_owned()],
            storage: StorageType::File,
            duplicate_window: Duration::from_secs(60),
            max_messages: 1_000_000,
            ..Config::default()
        })
        .await
        .unwrap();

    let database = TestDatabase::create().await;
    let store = database.store().await;
    let head = append_events(store.as_ref(), 30).await;
    let relay = RunningRelay::spawn(
        store.clone(),
        Arc::new(JetStreamPublisher::new(JetStreamConfig::new(server.url()))),
        fast_relay_config(),
    );
    let metrics = relay.metrics.clone();
    wait_until(
        Duration::from_secs(20),
        "the relay publishes every event",
        || {
            let metrics = metrics.clone();
            async move { metrics.status().acknowledged == head }
        },
    )
    .await;
    let config = context
        .get_stream(STREAM)
        .await
        .unwrap()
        .cached_info()
        .config
        .clone();
    assert_eq!(config.subjects, vec!["pep.v1.events.>".to_owned()]);
    assert_eq!(config.duplicate_window, Duration::from_secs(2 * 60 * 60));
    assert_eq!(
        config.max_messages, 1_000_000,
        "the operator's limit was kept"
    );
    relay.stop().await;
}
