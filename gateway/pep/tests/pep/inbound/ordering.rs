//! An extract replayed out of date order (a backfill) gives the same chronology and the same
//! due dates as the same extract in date order. Two children get the same rows: one in date
//! order, one with the rows reversed and the child's header last, so its placements first wait
//! for it.

use crate::client::send;
use crate::inbound::support::{
    LA, Running, child_id, child_message, placement_message, publish, subject, token,
    wait_for_applied,
};
use crate::relay::support::wait_until;
use serde_json::Value;
use std::time::Duration;

fn rows(la_child_id: &str) -> (Value, Vec<Value>) {
    let id = |name: &str| format!("{la_child_id}-{name}");
    (
        child_message(&id("header"), la_child_id),
        vec![
            placement_message(
                &id("e1"),
                la_child_id,
                "2023-09-04",
                "S",
                Some("2024-01-15"),
            ),
            placement_message(
                &id("e2"),
                la_child_id,
                "2024-01-15",
                "P",
                Some("2024-06-03"),
            ),
            placement_message(&id("e3"), la_child_id, "2024-06-03", "T", None),
        ],
    )
}

/// The timeline without what differs by construction (ids, positions, recording times).
fn comparable_timeline(timeline: &Value, la_child_id: &str) -> Vec<(String, String, String)> {
    let mut entries: Vec<(String, String, String)> = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let event_type = entry["event_type"].as_str().unwrap().to_owned();
            // PEP and notice summaries name generated ids.
            let summary = if event_type.starts_with("Pep") || event_type.starts_with("IroNotice") {
                String::new()
            } else {
                // The registration names the social care id, which differs by construction.
                entry["summary"]
                    .as_str()
                    .unwrap()
                    .replace(la_child_id, "<social care id>")
            };
            (
                entry["occurred_at"].as_str().unwrap()[..10].to_owned(),
                event_type,
                summary,
            )
        })
        .collect();
    entries.sort();
    entries
}

fn due_dates(child: &Value) -> Vec<(String, String, String)> {
    let mut items: Vec<(String, String, String)> = child["compliance"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["kind"].to_string(),
                item["due_date"].as_str().unwrap().to_owned(),
                item["basis"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    items.sort();
    items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extract_out_of_order_gives_the_same_timeline_and_due_dates() {
    let running = Running::start().await;
    let jetstream = running.jetstream().await;
    let (header, episodes) = rows("IN-ORDER");
    publish(&jetstream, &subject("child"), header.to_string().as_bytes()).await;
    for episode in &episodes {
        publish(
            &jetstream,
            &subject("placement"),
            episode.to_string().as_bytes(),
        )
        .await;
    }
    let (header, episodes) = rows("BACKFILL");
    for episode in episodes.iter().rev() {
        publish(
            &jetstream,
            &subject("placement"),
            episode.to_string().as_bytes(),
        )
        .await;
    }
    publish(&jetstream, &subject("child"), header.to_string().as_bytes()).await;
    wait_for_applied(&running.read, 8).await;

    // Both records are complete once the process manager has reacted to every event.
    let store = running.store.clone();
    wait_until(
        Duration::from_secs(30),
        "the process manager caught up",
        || {
            let store = store.clone();
            async move {
                let head = store.head_position().await.unwrap();
                store.load_checkpoint("process-manager").await.unwrap() == Some(head)
            }
        },
    )
    .await;
    let head = running.store.head_position().await.unwrap();
    let token = token("virtual_school", LA);
    let read = |path: String| {
        let token = token.clone();
        let address = running.service.address;
        async move {
            send(address, "GET", &path, Some(&token), None)
                .await
                .expect(200)
        }
    };
    let mut timelines = Vec::new();
    let mut schedules = Vec::new();
    for la_child_id in ["IN-ORDER", "BACKFILL"] {
        let child = child_id(la_child_id);
        timelines.push(comparable_timeline(
            &read(format!(
                "/api/v1/children/{child}/timeline?min_position={head}"
            ))
            .await,
            la_child_id,
        ));
        schedules.push(due_dates(
            &read(format!(
                "/api/v1/children/{child}?min_position={head}&today=2024-06-20"
            ))
            .await,
        ));
    }
    assert!(
        timelines[0]
            .iter()
            .any(|(_, event_type, _)| event_type == "PlacementChanged"),
        "{:?}",
        timelines[0]
    );
    assert_eq!(timelines[0], timelines[1]);
    assert!(!schedules[0].is_empty());
    assert_eq!(schedules[0], schedules[1]);
    running.service.stop().await;
}
