//! The webhook cases, on PostgreSQL with NATS and embedded: a receiver that fails
//! twice then succeeds gets the notice on its third attempt with a signature the test checks
//! itself; one that never succeeds ends `failed` after the bound, visible in the deliveries
//! listing, and a manual retry delivers once it is fixed. On PostgreSQL the same placement
//! change is also on `pep.v1.notify.831.iro.<iro_id>`.

use crate::client::send;
use crate::notify::receiver::{Received, Receiver};
use crate::notify::support::{
    IRO, LA, Mode, assert_valid, change_placement, child_with_iro, delivery, register_webhook,
    start, virtual_school, wait_for_state,
};
use crate::relay::support::wait_until;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::time::Duration;

/// Recomputes `Pep-Signature` independently of the service's code and checks it.
fn assert_signed(secret: &str, request: &Received) {
    let header = request.header("pep-signature");
    let (timestamp, signature) = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
        .unwrap_or_else(|| panic!("malformed Pep-Signature {header:?}"));
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
    assert!((0..300).contains(&age), "signature time is {age} s old");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&request.body);
    assert_eq!(hex::encode(mac.finalize().into_bytes()), signature);
}

async fn fails_twice_then_succeeds(mode: Mode) {
    let running = start(mode, 8).await;
    let address = running.address();
    let receiver = Receiver::start(&[500, 500, 200]).await;
    let (webhook_id, secret) = register_webhook(address, &receiver.url()).await;
    let child_id = child_with_iro(address).await;
    change_placement(address, &child_id).await;

    wait_until(
        Duration::from_secs(30),
        "the receiver accepts a notice",
        || {
            let receiver = receiver.clone();
            async move {
                receiver
                    .received()
                    .iter()
                    .any(|request| request.answered == 200)
            }
        },
    )
    .await;
    let received = receiver.received();
    assert_eq!(received.len(), 3, "exactly three attempts");
    let statuses: Vec<u16> = received.iter().map(|request| request.answered).collect();
    assert_eq!(statuses, vec![500, 500, 200]);
    let attempts: Vec<String> = received
        .iter()
        .map(|request| request.header("pep-delivery-attempt"))
        .collect();
    assert_eq!(attempts, vec!["1", "2", "3"]);
    let delivery_ids: Vec<String> = received
        .iter()
        .map(|request| request.header("pep-delivery-id"))
        .collect();
    assert!(delivery_ids.iter().all(|id| *id == delivery_ids[0]));
    let success = &received[2];
    assert_signed(&secret, success);
    let body: Value = serde_json::from_slice(&success.body).unwrap();
    assert_valid(&body);
    let notice_id = body["notice_id"].as_str().unwrap().to_owned();
    assert_eq!(success.header("pep-notice-id"), notice_id);
    assert_eq!(body["reason"], "placement_change");
    assert_eq!(body["child_id"], child_id.as_str());
    assert_eq!(body["iro"]["id"], IRO);
    assert_eq!(body["occurred_on"], "2025-01-06");

    let listing = wait_for_state(address, &notice_id, "webhook", "delivered").await;
    let webhook = delivery(&listing, "webhook");
    assert_eq!(webhook["target"], webhook_id.as_str());
    assert_eq!(webhook["delivery_id"], delivery_ids[0].as_str());
    let log = webhook["attempt_log"].as_array().unwrap();
    let logged: Vec<(u64, &str)> = log
        .iter()
        .map(|attempt| {
            (
                attempt["http_status"].as_u64().unwrap(),
                attempt["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        logged,
        vec![(500, "failed"), (500, "failed"), (200, "delivered")]
    );
    assert_eq!(listing["state"], "addressed");

    if let Some(nats) = &running.nats {
        // The same notice on the IRO's subject, once, with the delivery id as Nats-Msg-Id.
        let listing = wait_for_state(address, &notice_id, "nats", "delivered").await;
        let client = async_nats::connect(nats.url()).await.unwrap();
        let jetstream = async_nats::jetstream::new(client);
        let stream = jetstream.get_stream("PEP_NOTICES").await.unwrap();
        let subject = format!("pep.v1.notify.{LA}.iro.{IRO}");
        let message = stream
            .get_last_raw_message_by_subject(&subject)
            .await
            .unwrap();
        let published: Value = serde_json::from_slice(&message.payload).unwrap();
        assert_valid(&published);
        assert_eq!(published["notice_id"], notice_id.as_str());
        let iro_delivery = listing["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|delivery| delivery["target"] == subject.as_str())
            .unwrap();
        assert_eq!(
            message.headers.get("Nats-Msg-Id").unwrap().as_str(),
            iro_delivery["delivery_id"].as_str().unwrap()
        );
    }
    running.service.stop().await;
}

#[tokio::test]
async fn a_receiver_failing_twice_gets_the_notice_on_the_third_attempt_postgres_and_nats() {
    fails_twice_then_succeeds(Mode::PostgresNats).await;
}

#[tokio::test]
async fn a_receiver_failing_twice_gets_the_notice_on_the_third_attempt_embedded() {
    fails_twice_then_succeeds(Mode::Embedded).await;
}

async fn never_succeeds_then_manual_retry(mode: Mode) {
    let running = start(mode, 3).await;
    let address = running.address();
    let receiver = Receiver::start(&[503]).await;
    register_webhook(address, &receiver.url()).await;
    let child_id = child_with_iro(address).await;
    change_placement(address, &child_id).await;

    wait_until(Duration::from_secs(30), "a first attempt", || {
        let receiver = receiver.clone();
        async move { !receiver.received().is_empty() }
    })
    .await;
    let body: Value = serde_json::from_slice(&receiver.received()[0].body).unwrap();
    let notice_id = body["notice_id"].as_str().unwrap().to_owned();
    let listing = wait_for_state(address, &notice_id, "webhook", "failed").await;
    let webhook = delivery(&listing, "webhook");
    assert_eq!(webhook["attempts"], 3);
    assert_eq!(webhook["attempt_log"].as_array().unwrap().len(), 3);
    assert!(
        webhook["last_error"].as_str().unwrap().contains("503"),
        "{webhook}"
    );
    assert_eq!(receiver.received().len(), 3, "no attempt after the bound");
    let delivery_id = webhook["delivery_id"].as_str().unwrap().to_owned();
    let retry_path = format!("/api/v1/notices/{notice_id}/deliveries/{delivery_id}/retry");

    // A social worker may not retry; the Virtual School may, once the receiver is fixed.
    let refused = send(
        address,
        "POST",
        &retry_path,
        Some(&crate::notify::support::token(
            "social_worker",
            "sw-3",
            None,
        )),
        None,
    )
    .await;
    assert_eq!(refused.status, 403);
    receiver.answer_from_now_on(204);
    let accepted = send(address, "POST", &retry_path, Some(&virtual_school()), None).await;
    assert_eq!(
        accepted.status,
        202,
        "{}",
        String::from_utf8_lossy(&accepted.body)
    );
    let listing = wait_for_state(address, &notice_id, "webhook", "delivered").await;
    let webhook = delivery(&listing, "webhook");
    let log = webhook["attempt_log"].as_array().unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(log[3]["http_status"], 204);
    assert_eq!(log[3]["attempt"], 4);
    let received = receiver.received();
    assert_eq!(received.len(), 4);
    assert_eq!(received[3].header("pep-delivery-attempt"), "4");

    // A delivered delivery is not retried.
    let again = send(address, "POST", &retry_path, Some(&virtual_school()), None).await;
    assert_eq!(again.status, 409);
    running.service.stop().await;
}

#[tokio::test]
async fn a_receiver_that_never_succeeds_ends_failed_and_a_manual_retry_delivers_postgres() {
    never_succeeds_then_manual_retry(Mode::PostgresNats).await;
}

#[tokio::test]
async fn a_receiver_that_never_succeeds_ends_failed_and_a_manual_retry_delivers_embedded() {
    never_succeeds_then_manual_retry(Mode::Embedded).await;
}
