//! `/metrics` shows how far the relay and every projector trail the event log, as `pep serve`
//! wires them: the relay's lag from its counters, each projector's lag (events and seconds
//! behind), checkpoint and catch-up from the projection feed's status.

use crate::fixtures::child_in_care;
use crate::support::{Backend, SECRET, TestApp, on_both_back_ends};
use axum::body::Body;
use axum::http::Request;
use pep_auth::TokenVerifier;
use pep_http::{AppState, router};
use pep_messaging::bus::InProcessBus;
use pep_messaging::event_log::StoreEventLog;
use pep_messaging::projection_feed::{FeedConfig, FeedSource, ProjectionFeed, ProjectionStatus};
use pep_messaging::relay::{Relay, RelayConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

on_both_back_ends!(metrics_show_relay_and_projector_lag);

async fn scrape(app: &axum::Router) -> String {
    let response = app
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(body.to_vec()).unwrap()
}

/// Every projector has measured itself caught up at `head`.
fn caught_up(status: &ProjectionStatus, head: u64) -> bool {
    status.snapshot().iter().all(|projector| {
        projector.caught_up_once
            && projector
                .lag
                .as_ref()
                .is_some_and(|lag| lag.checkpoint == head && lag.positions_behind == 0)
    })
}

async fn metrics_show_relay_and_projector_lag(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let head = app.head().await;
    assert!(head > 0);

    let stop = CancellationToken::new();
    let bus = InProcessBus::new(app.store.clone(), 64);
    let relay = Relay::new(
        app.store.clone(),
        Arc::new(bus.publisher()),
        RelayConfig {
            checkpoint_interval: Duration::from_millis(20),
            ..RelayConfig::default()
        },
    );
    let relay_metrics = relay.metrics();
    let relay_task = tokio::spawn(relay.run(stop.clone()));
    let feed = ProjectionFeed::start(
        app.read.clone(),
        app.projectors.clone(),
        StoreEventLog::new(app.store.clone()),
        FeedSource::Bus(bus.clone()),
        FeedConfig {
            idle_check_interval: Duration::from_millis(200),
            lag_interval: Duration::from_millis(50),
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(500),
            ..FeedConfig::default()
        },
        stop.clone(),
    )
    .await
    .unwrap();
    let status = feed.status();
    // The API as `pep serve` builds it over the same store, with both hooks.
    let state = AppState::builder(
        app.store.clone(),
        app.records.clone(),
        TokenVerifier::hs256(SECRET.as_bytes()).unwrap(),
    )
    .relay_metrics(relay_metrics.clone())
    .projection_status(status.clone())
    .build();
    let api = router(state);

    let deadline = Instant::now() + Duration::from_secs(20);
    while !(caught_up(&status, head) && relay_metrics.status().checkpoint == head) {
        assert!(
            Instant::now() < deadline,
            "not caught up in 20 s: relay {:?}, projectors {:?}",
            relay_metrics.status(),
            status.snapshot()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let text = scrape(&api).await;
    let names: Vec<&str> = status
        .snapshot()
        .iter()
        .map(|projector| projector.projector)
        .collect();
    assert!(names.len() >= 3, "the service's projectors: {names:?}");
    for name in names {
        for line in [
            format!("pep_projector_lag_events{{projector=\"{name}\"}} 0"),
            format!("pep_projector_lag_seconds{{projector=\"{name}\"}} 0"),
            format!("pep_projector_checkpoint_position{{projector=\"{name}\"}} {head}"),
            format!("pep_projector_caught_up{{projector=\"{name}\"}} 1"),
            format!("pep_projector_failures_total{{projector=\"{name}\"}} 0"),
        ] {
            assert!(text.contains(&line), "{line} missing from:\n{text}");
        }
    }
    for line in [
        "pep_relay_lag_events 0".to_owned(),
        format!("pep_relay_checkpoint_position {head}"),
        "pep_relay_is_leader 1".to_owned(),
    ] {
        assert!(text.contains(&line), "{line} missing from:\n{text}");
    }

    stop.cancel();
    relay_task.await.unwrap().unwrap();
    feed.wait().await;
}
