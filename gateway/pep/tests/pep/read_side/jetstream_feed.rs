//! Production path: store → relay → JetStream → one durable pull consumer per projector → rows.
//! Runs on Debian's NATS 2.9, which the consumers' single `filter_subject` must work with. Also:
//! with the NATS server killed, the read models keep up from the store, and the consumers carry
//! on once it is back.

use crate::read_side::history::{record_child, record_children};
use crate::read_side::support::{
    World, assert_live_models_match_the_log, count_rows, fast_feed_config, projectors,
    wait_until_caught_up,
};
use crate::relay::support::{RunningRelay, fast_relay_config, init_logging, wait_until};
use async_nats::jetstream;
use pep_messaging::projection_feed::{
    FeedSource, FeedState, JetStreamFeedConfig, ProjectionFeed, READ_MODEL_NAMES, consumer_name,
};
use pep_messaging::relay::{JetStreamConfig, JetStreamPublisher};
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::{NatsServer, system_server_binary};
use tokio_util::sync::CancellationToken;

/// The feed's JetStream settings for tests: short waits, so idle checks and redeliveries happen
/// within a second.
pub fn fast_jetstream_config(url: String) -> JetStreamFeedConfig {
    JetStreamFeedConfig {
        fetch_wait: Duration::from_millis(200),
        ack_wait: Duration::from_secs(1),
        request_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        ..JetStreamFeedConfig::new(url)
    }
}

/// A relay publishing the world's store to `server`.
pub fn spawn_relay(world: &World, server: &NatsServer) -> RunningRelay {
    let config = JetStreamConfig {
        ack_timeout: Duration::from_secs(1),
        ..JetStreamConfig::new(server.url())
    };
    RunningRelay::spawn(
        world.store.clone(),
        Arc::new(JetStreamPublisher::new(config)),
        fast_relay_config(),
    )
}

pub async fn jetstream_context(server: &NatsServer) -> jetstream::Context {
    jetstream::new(async_nats::connect(server.url()).await.unwrap())
}

/// Waits until the relay has made the stream and every projector's consumer is bound to it.
pub async fn wait_for_consumers(context: &jetstream::Context) {
    wait_until(
        Duration::from_secs(15),
        "every projector's durable consumer exists",
        || async {
            let Ok(stream) = context.get_stream("PEP_EVENTS").await else {
                return false;
            };
            for name in READ_MODEL_NAMES {
                if stream.consumer_info(consumer_name(name)).await.is_err() {
                    return false;
                }
            }
            true
        },
    )
    .await;
}

/// Waits until every consumer has acknowledged everything in the stream.
pub async fn wait_until_all_acknowledged(context: &jetstream::Context) {
    wait_until(
        Duration::from_secs(15),
        "every consumer has acknowledged the whole stream",
        || async {
            let Ok(stream) = context.get_stream("PEP_EVENTS").await else {
                return false;
            };
            let last_sequence = stream.cached_info().state.last_sequence;
            for name in READ_MODEL_NAMES {
                let Ok(info) = stream.consumer_info(consumer_name(name)).await else {
                    return false;
                };
                if info.num_ack_pending != 0
                    || info.num_pending != 0
                    || info.ack_floor.stream_sequence != last_sequence
                {
                    return false;
                }
            }
            true
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relayed_events_reach_every_read_model_through_durable_consumers_on_nats_2_9() {
    init_logging();
    let mut server = NatsServer::start_binary(system_server_binary()).await;
    tracing::info!(version = %server.version, "projector consumers against this server");
    let world = World::postgres().await;
    let relay = spawn_relay(&world, &server);
    let feed = ProjectionFeed::start(
        world.read.clone(),
        projectors(),
        world.log.clone(),
        FeedSource::JetStream(fast_jetstream_config(server.url())),
        fast_feed_config(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    let status = feed.status();
    let context = jetstream_context(&server).await;
    wait_for_consumers(&context).await;

    let children = record_children(&world, 3).await;
    let head = world.head().await;
    wait_until_caught_up(&status, head, "the consumers apply the relayed events").await;
    wait_until_all_acknowledged(&context).await;
    for projector in status.snapshot() {
        assert!(
            projector.applied_from_feed > 0,
            "{} applied nothing from JetStream: {projector:?}",
            projector.projector
        );
        assert_eq!(projector.state, FeedState::Following);
        assert_eq!(projector.last_error, None);
    }
    assert_eq!(count_rows(&world, "compliance_children").await, 3);
    assert_eq!(count_rows(&world, "funding_requests").await, 3);
    assert_eq!(count_rows(&world, "iro_notices").await, 3);
    let timeline: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM chronology_entries WHERE child_id = $1")
            .bind(children[0].to_string())
            .fetch_one(world.read.pool())
            .await
            .unwrap();
    assert!(timeline > 20, "the child's timeline has {timeline} entries");
    assert_live_models_match_the_log(&world).await;

    // NATS dies: the projectors keep up from the store, and follow JetStream again once the
    // server is back (it keeps the stream and the consumers on disk).
    server.kill();
    record_child(&world).await;
    let head = world.head().await;
    wait_until_caught_up(&status, head, "the store catch-up covers the NATS outage").await;
    wait_until(
        Duration::from_secs(15),
        "every projector has noticed that NATS is down",
        || {
            let status = status.clone();
            async move {
                status
                    .snapshot()
                    .iter()
                    .all(|projector| projector.failures > 0)
            }
        },
    )
    .await;
    server.restart().await;
    record_child(&world).await;
    let head = world.head().await;
    wait_until_caught_up(&status, head, "the projectors catch up after NATS is back").await;
    wait_until(
        Duration::from_secs(15),
        "every projector follows its consumer again",
        || {
            let status = status.clone();
            async move {
                status
                    .snapshot()
                    .iter()
                    .all(|projector| projector.state == FeedState::Following)
            }
        },
    )
    .await;
    assert_eq!(count_rows(&world, "compliance_children").await, 5);
    assert_live_models_match_the_log(&world).await;

    feed.stop().await;
    assert!(
        status
            .snapshot()
            .iter()
            .all(|projector| projector.state == FeedState::Stopped)
    );
    relay.stop().await;
}
