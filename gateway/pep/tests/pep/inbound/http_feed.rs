//! The feeds over HTTP, on both back ends: a retry answers as a duplicate, a placement before
//! its child waits for it, a malformed body is refused with its reason and recorded, a
//! corrected resubmission resolves the rejection, and the data-quality view shows the flag a
//! bad UPN check letter raised.

use crate::client::{send, send_bytes};
use crate::inbound::support::{LA, child_id, child_message, placement_message, token};
use crate::relay::support::TestDatabase;
use crate::service::{Service, test_config};
use pep::admin::DatabaseLocation;
use serde_json::{Value, json};
use std::net::SocketAddr;

async fn post(address: SocketAddr, feed: &str, body: &Value) -> crate::client::Answer {
    send(
        address,
        "POST",
        &format!("/api/v1/inbound/{feed}"),
        Some(&token("integration", LA)),
        Some(body),
    )
    .await
}

async fn the_http_feed(address: SocketAddr) {
    let vs = token("virtual_school", LA);

    // A placement before its child waits, and is applied when the child arrives.
    let placement = placement_message("p-1", "566910", "2024-09-02", "S", None);
    let waiting = post(address, "placement", &placement).await.expect(202);
    assert_eq!(waiting["status"], "waiting_for_child");
    let registered = post(address, "child", &child_message("c-1", "566910"))
        .await
        .expect(200);
    assert_eq!(registered["status"], "applied", "{registered}");
    assert_eq!(registered["registered"], true);
    assert_eq!(registered["released_placements"], 1);
    assert_eq!(registered["flags"], json!(["invalid_upn"]));
    assert_eq!(registered["child_id"], child_id("566910").as_str());

    // A retry answers as a duplicate and writes nothing.
    let again = post(address, "child", &child_message("c-1", "566910"))
        .await
        .expect(200);
    assert_eq!(again["status"], "duplicate");
    let again = post(address, "placement", &placement).await.expect(200);
    assert_eq!(again["status"], "duplicate");

    // The same message_id with other content is refused, not applied.
    let mut reused = child_message("c-1", "566910");
    reused["dob"] = json!("2013-01-01");
    let refused = post(address, "child", &reused).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["rule"], "inbound.message_id_reused");

    // A malformed body: 422 inbound-rejected naming the field, recorded with its bytes.
    let bad = br#"{"message_id":"p-2","source_system":"lcs","la":"831","la_child_id":"566910","start_date":"2025-01-13","reason_new_episode":"P","legal_status":"C2","placement_type":"Q9","placement_provider":"PR1"}"#;
    let refused = send_bytes(
        address,
        "POST",
        "/api/v1/inbound/placement",
        Some(&token("integration", LA)),
        bad,
    )
    .await;
    assert_eq!(refused.status, 422);
    let problem = refused.json();
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("/inbound-rejected")
    );
    assert_eq!(problem["rule"], "inbound.unknown_code");
    assert_eq!(problem["errors"][0]["path"], "body.placement_type");
    let listed = send(
        address,
        "GET",
        "/api/v1/inbound/rejections?feed=placement",
        Some(&vs),
        None,
    )
    .await
    .expect(200);
    let rejection = &listed["rejections"][0];
    assert_eq!(
        rejection["original_text"],
        std::str::from_utf8(bad).unwrap()
    );
    assert_eq!(rejection["state"], "open");
    let rejection_id = rejection["rejection_id"].as_str().unwrap().to_owned();

    // The original bytes again are refused again; a corrected body resolves it.
    let resubmit = format!("/api/v1/inbound/rejections/{rejection_id}/resubmit");
    assert_eq!(
        send(address, "POST", &resubmit, Some(&vs), None)
            .await
            .status,
        422
    );
    let corrected = placement_message("p-2", "566910", "2025-01-13", "P", None);
    let applied = send(address, "POST", &resubmit, Some(&vs), Some(&corrected))
        .await
        .expect(200);
    assert_eq!(applied["status"], "applied");
    let position = applied["position"].as_u64().unwrap();
    let resolved = send(
        address,
        "GET",
        &format!("/api/v1/inbound/rejections/{rejection_id}"),
        Some(&vs),
        None,
    )
    .await
    .expect(200);
    assert_eq!(resolved["state"], "resolved", "{resolved}");

    // The flag is in the data-quality view.
    let flagged = send(
        address,
        "GET",
        &format!("/api/v1/data-quality?kind=invalid_upn&min_position={position}"),
        Some(&vs),
        None,
    )
    .await
    .expect(200);
    assert_eq!(flagged["total"], 1, "{flagged}");
    assert_eq!(flagged["children"][0]["la_child_id"], "566910");
    // Showing the child is a read of their record, in the access log auditors query.
    let logged = send(
        address,
        "GET",
        &format!("/api/v1/audit/access-log?child_id={}", child_id("566910")),
        Some(&token("auditor", LA)),
        None,
    )
    .await
    .expect(200);
    assert!(
        logged["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["what"] == "GET /api/v1/data-quality"),
        "{logged}"
    );

    // Only integration accounts post feeds; a Virtual School token is refused.
    let forbidden = send(
        address,
        "POST",
        "/api/v1/inbound/child",
        Some(&vs),
        Some(&child_message("c-3", "566911")),
    )
    .await;
    assert_eq!(forbidden.status, 403);
    // The schemas are published without a token.
    let schema = send(
        address,
        "GET",
        "/api/v1/inbound/schemas/placement",
        None,
        None,
    )
    .await
    .expect(200);
    assert_eq!(schema["additionalProperties"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_feed_embedded() {
    let directory = tempfile::tempdir().unwrap();
    let service = Service::start(test_config(directory.path())).await;
    the_http_feed(service.address).await;
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_feed_on_postgres() {
    let database = TestDatabase::create().await;
    let directory = tempfile::tempdir().unwrap();
    let mut config = test_config(directory.path());
    config.database = DatabaseLocation::Postgres(database.url.clone());
    let service = Service::start(config).await;
    the_http_feed(service.address).await;
    service.stop().await;
}
