//! A projector consumer that dies after committing a delivery but before acknowledging it: the
//! feed runs with acknowledgements suppressed until everything is applied, and is then stopped.
//! A new feed gets every message again from JetStream; the checkpoint skips them all, and the
//! rows are exactly what they were (and what a rebuild from the log makes).

use crate::read_side::history::record_children;
use crate::read_side::jetstream_feed::{
    fast_jetstream_config, jetstream_context, spawn_relay, wait_for_consumers,
    wait_until_all_acknowledged,
};
use crate::read_side::support::{
    World, assert_live_models_match_the_log, fast_feed_config, projectors, wait_until_caught_up,
};
use crate::relay::support::{init_logging, wait_until};
use pep_messaging::projection_feed::{
    AckSwitch, FeedSource, JetStreamFeedConfig, ProjectionFeed, READ_MODEL_NAMES, consumer_name,
};
use std::time::Duration;
use tests::nats_server::NatsServer;
use tokio_util::sync::CancellationToken;

async fn start_feed(world: &World, config: JetStreamFeedConfig) -> ProjectionFeed {
    ProjectionFeed::start(
        world.read.clone(),
        projectors(),
        world.log.clone(),
        FeedSource::JetStream(config),
        fast_feed_config(),
        CancellationToken::new(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_applied_but_never_acknowledged_is_redelivered_and_changes_nothing() {
    init_logging();
    let server = NatsServer::start().await;
    let world = World::postgres().await;
    let relay = spawn_relay(&world, &server);
    let context = jetstream_context(&server).await;

    // The consumer that will die: it commits every delivery and acknowledges none.
    let acknowledgements = AckSwitch::default();
    acknowledgements.suppress();
    let dying = start_feed(
        &world,
        JetStreamFeedConfig {
            acknowledgements,
            ..fast_jetstream_config(server.url())
        },
    )
    .await;
    let dying_status = dying.status();
    wait_for_consumers(&context).await;
    record_children(&world, 2).await;
    let head = world.head().await;
    wait_until_caught_up(&dying_status, head, "the dying feed applies everything").await;
    for projector in dying_status.snapshot() {
        assert!(projector.applied_from_feed > 0, "{projector:?}");
    }
    dying.stop().await;
    let stream = context.get_stream("PEP_EVENTS").await.unwrap();
    for name in READ_MODEL_NAMES {
        let info = stream.consumer_info(consumer_name(name)).await.unwrap();
        assert_eq!(
            info.ack_floor.stream_sequence, 0,
            "{name} acknowledged something although acknowledgements were suppressed"
        );
    }
    let before = assert_live_models_match_the_log(&world).await;

    // A new consumer process binds the same durable consumers and gets everything again.
    let revived = start_feed(&world, fast_jetstream_config(server.url())).await;
    let status = revived.status();
    wait_until_all_acknowledged(&context).await;
    wait_until(
        Duration::from_secs(15),
        "every projector has skipped the redelivered events",
        || {
            let status = status.clone();
            async move {
                status
                    .snapshot()
                    .iter()
                    .all(|projector| projector.skipped_redeliveries >= head)
            }
        },
    )
    .await;
    wait_until_caught_up(&status, head, "the revived feed is at the head").await;
    for projector in status.snapshot() {
        assert_eq!(
            projector.applied_from_feed + projector.applied_from_store,
            0,
            "{} applied events again: {projector:?}",
            projector.projector
        );
    }
    let after = assert_live_models_match_the_log(&world).await;
    assert_eq!(after, before, "the rows are exactly what they were");

    revived.stop().await;
    relay.stop().await;
}
