//! A malformed message of each kind lands on `pep.v1.dlq.<la>.<feed>` with its reason and its
//! original bytes, is listed by `GET /api/v1/inbound/rejections`, and changes nothing else.

use crate::client::send;
use crate::inbound::support::{
    LA, Running, child_message, placement_message, publish, subject, token,
};
use crate::relay::support::wait_until;
use base64::Engine as _;
use futures::StreamExt as _;
use serde_json::Value;
use std::time::Duration;

fn with(mut body: Value, field: &str, value: Value) -> Vec<u8> {
    if value.is_null() {
        body.as_object_mut().unwrap().remove(field);
    } else {
        body[field] = value;
    }
    serde_json::to_vec(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_messages_of_each_kind_are_dead_lettered_with_reason_and_original_bytes() {
    let running = Running::start().await;
    let jetstream = running.jetstream().await;
    let child = child_message("c-1", "566910");
    let placement = placement_message("p-1", "566910", "2024-09-02", "S", None);
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("child", "not_json", b"{\"message_id\": \"c-9\", ".to_vec()),
        (
            "child",
            "unknown_field",
            with(child.clone(), "favourite_colour", "blue".into()),
        ),
        (
            "child",
            "missing_field",
            with(child.clone(), "dob", Value::Null),
        ),
        (
            "child",
            "invalid_date",
            with(child.clone(), "dob", "2023-02-30".into()),
        ),
        (
            "child",
            "la_mismatch",
            with(child.clone(), "la", "830".into()),
        ),
        // Z11 is a placement type only from the 2025-26 collection year.
        (
            "placement",
            "unknown_code",
            with(placement.clone(), "placement_type", "Z11".into()),
        ),
        (
            "placement",
            "end_before_start",
            with(
                with(placement.clone(), "end_date", "2024-08-01".into()).then_json(),
                "reason_ceased",
                "X1".into(),
            ),
        ),
        (
            "placement",
            "missing_field",
            with(placement.clone(), "legal_status", Value::Null),
        ),
    ];
    let head_before = running.store.head_position().await.unwrap();
    for (feed, _, bytes) in &cases {
        publish(&jetstream, &subject(feed), bytes).await;
    }

    // Each reaches its dead-letter subject with the original bytes and its reason.
    let dead_letters = jetstream.get_stream("PEP_DLQ").await.unwrap();
    wait_until(
        Duration::from_secs(30),
        "every rejection dead-lettered",
        || {
            let mut dead_letters = dead_letters.clone();
            let expected = cases.len() as u64;
            async move { dead_letters.info().await.unwrap().state.messages == expected }
        },
    )
    .await;
    let consumer = dead_letters
        .create_consumer(async_nats::jetstream::consumer::pull::Config::default())
        .await
        .unwrap();
    let mut messages = consumer
        .fetch()
        .max_messages(cases.len())
        .messages()
        .await
        .unwrap();
    let mut received = Vec::new();
    while let Some(message) = messages.next().await {
        let message = message.unwrap();
        let body: Value = serde_json::from_slice(&message.payload).unwrap();
        received.push((message.subject.to_string(), body));
    }
    assert_eq!(received.len(), cases.len());
    for (feed, kind, bytes) in &cases {
        let original = base64::engine::general_purpose::STANDARD.encode(bytes);
        let found = received
            .iter()
            .find(|(_, body)| body["original_base64"] == original.as_str())
            .unwrap_or_else(|| panic!("no dead letter for the {kind} {feed} message"));
        assert_eq!(found.0, format!("pep.v1.dlq.{LA}.{feed}"));
        assert_eq!(found.1["kind"], *kind, "{}", found.1);
        assert!(!found.1["reason"].as_str().unwrap().is_empty());
        assert!(found.1["received_at"].is_string());
    }

    // Listed for the Virtual School, each marked dead-lettered once its publish was
    // acknowledged (just after it reached the stream).
    let address = running.service.address;
    wait_until(
        Duration::from_secs(30),
        "every rejection marked dead-lettered",
        || async move {
            let listed = send(
                address,
                "GET",
                "/api/v1/inbound/rejections?limit=100",
                Some(&token("virtual_school", LA)),
                None,
            )
            .await
            .expect(200);
            listed["rejections"]
                .as_array()
                .unwrap()
                .iter()
                .all(|rejection| rejection["dead_lettered_at"].is_string())
        },
    )
    .await;
    let listed = send(
        running.service.address,
        "GET",
        "/api/v1/inbound/rejections?limit=100",
        Some(&token("virtual_school", LA)),
        None,
    )
    .await
    .expect(200);
    let rejections = listed["rejections"].as_array().unwrap();
    assert_eq!(rejections.len(), cases.len());
    assert!(rejections.iter().all(|rejection| {
        rejection["original_base64"].is_string()
            && rejection["reason"]["problems"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
    }));
    let only_codes = send(
        running.service.address,
        "GET",
        "/api/v1/inbound/rejections?kind=unknown_code",
        Some(&token("virtual_school", LA)),
        None,
    )
    .await
    .expect(200);
    assert_eq!(only_codes["rejections"].as_array().unwrap().len(), 1);

    // Nothing else changed: no event was written.
    assert_eq!(running.store.head_position().await.unwrap(), head_before);
    // And they were counted.
    let metrics = send(running.service.address, "GET", "/metrics", None, None).await;
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.contains("pep_inbound_rejections_total{feed=\"child\",kind=\"not_json\"} 1"),
        "{text}"
    );
    running.service.stop().await;
}

trait ThenJson {
    fn then_json(self) -> Value;
}

impl ThenJson for Vec<u8> {
    fn then_json(self) -> Value {
        serde_json::from_slice(&self).unwrap()
    }
}
