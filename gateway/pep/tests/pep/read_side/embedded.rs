//! Embedded path: a SQLite store, the relay feeding the in-process bus, and every projector
//! following the bus. Events recorded before the feed starts come from the store catch-up, the
//! rest from the bus; the rows are what a rebuild from the log makes. With the relay stopped,
//! the idle check catches the projectors up from the store.

use crate::read_side::history::{record_child, record_children};
use crate::read_side::support::{
    World, assert_live_models_match_the_log, count_rows, fast_feed_config, projectors,
    wait_until_caught_up,
};
use crate::relay::support::{RunningRelay, fast_relay_config, init_logging};
use pep_messaging::bus::InProcessBus;
use pep_messaging::projection_feed::{FeedKind, FeedSource, FeedState, ProjectionFeed};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bus_fills_the_same_read_models_on_sqlite() {
    init_logging();
    let world = World::sqlite().await;
    record_children(&world, 2).await;
    let bus = InProcessBus::new(world.store.clone(), 64);
    let relay = RunningRelay::spawn(
        world.store.clone(),
        Arc::new(bus.publisher()),
        fast_relay_config(),
    );
    let shutdown = CancellationToken::new();
    let feed = ProjectionFeed::start(
        world.read.clone(),
        projectors(),
        world.log.clone(),
        FeedSource::Bus(bus.clone()),
        fast_feed_config(),
        shutdown.clone(),
    )
    .await
    .unwrap();
    let status = feed.status();
    let head = world.head().await;
    wait_until_caught_up(&status, head, "the store catch-up applies the history").await;

    record_child(&world).await;
    let head = world.head().await;
    wait_until_caught_up(&status, head, "the bus delivers what is recorded next").await;
    for projector in status.snapshot() {
        assert_eq!(projector.feed, FeedKind::Bus);
        assert_eq!(projector.state, FeedState::Following);
        assert!(projector.applied_from_store > 0, "{projector:?}");
        assert!(projector.applied_from_feed > 0, "{projector:?}");
    }
    assert_eq!(count_rows(&world, "compliance_children").await, 3);
    assert_eq!(count_rows(&world, "funding_requests").await, 3);
    assert_eq!(count_rows(&world, "iro_notices").await, 3);
    assert!(count_rows(&world, "chronology_entries").await > 60);
    assert_live_models_match_the_log(&world).await;

    // Without the relay nothing reaches the bus; the projectors notice the store is ahead.
    relay.stop().await;
    record_child(&world).await;
    let head = world.head().await;
    wait_until_caught_up(&status, head, "the idle check catches up from the store").await;
    assert_eq!(count_rows(&world, "compliance_children").await, 4);
    assert_live_models_match_the_log(&world).await;

    // Cancelling the token stops every task.
    shutdown.cancel();
    feed.wait().await;
    assert!(
        status
            .snapshot()
            .iter()
            .all(|projector| projector.state == FeedState::Stopped)
    );
}
