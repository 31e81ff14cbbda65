//! The same placement message published three times (a social care system's retries, or a
//! redelivery) is one event on the child's record and one IRO notice, delivered once on the
//! IRO's NATS subject.

use crate::client::send;
use crate::inbound::support::{
    LA, Running, child_event_types, child_id, child_message, logged, placement_message, publish,
    subject, token, wait_for_applied,
};
use crate::relay::support::wait_until;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_placement_three_times_is_one_event_and_one_notice() {
    let running = Running::start().await;
    let jetstream = running.jetstream().await;
    let child = serde_json::to_vec(&child_message("c-1", "566910")).unwrap();
    let entered = serde_json::to_vec(&placement_message(
        "p-1",
        "566910",
        "2024-09-02",
        "S",
        Some("2025-01-13"),
    ))
    .unwrap();
    let moved =
        serde_json::to_vec(&placement_message("p-2", "566910", "2025-01-13", "P", None)).unwrap();
    publish(&jetstream, &subject("child"), &child).await;
    publish(&jetstream, &subject("placement"), &entered).await;
    wait_for_applied(&running.read, 2).await;
    // The child's IRO, so the notice has someone to go to.
    send(
        running.service.address,
        "POST",
        &format!("/api/v1/children/{}/assignments", child_id("566910")),
        Some(&token("virtual_school", LA)),
        Some(
            &json!({"role": "iro", "person": {"id": "iro-7", "name": "Ira Reviewer"},
                     "from": "2024-09-02"}),
        ),
    )
    .await
    .expect(200);
    for _ in 0..3 {
        publish(&jetstream, &subject("placement"), &moved).await;
    }
    wait_for_applied(&running.read, 3).await;
    wait_until(
        Duration::from_secs(30),
        "the move arrived three times",
        || async {
            logged(&running.read, "p-2")
                .await
                .is_some_and(|(_, times)| times == 3)
        },
    )
    .await;
    let child_id = child_id("566910");
    // The process manager's notice follows the move; wait for it, then for anything more.
    wait_until(Duration::from_secs(30), "the IRO notice", || async {
        child_event_types(&running.store, &child_id)
            .await
            .contains(&"IroNoticeRequested".to_owned())
    })
    .await;
    let head = running.store.head_position().await.unwrap();
    wait_until(
        Duration::from_secs(30),
        "the process manager has caught up",
        || async {
            running
                .store
                .load_checkpoint("process-manager")
                .await
                .unwrap()
                == Some(head)
        },
    )
    .await;

    let types = child_event_types(&running.store, &child_id).await;
    let count = |name: &str| types.iter().filter(|event| *event == name).count();
    assert_eq!(count("ChildRegistered"), 1, "{types:?}");
    assert_eq!(count("CareEpisodeStarted"), 1, "{types:?}");
    assert_eq!(count("PlacementChanged"), 1, "{types:?}");
    assert_eq!(count("IroNoticeRequested"), 1, "{types:?}");
    assert_eq!(
        logged(&running.read, "p-2").await,
        Some(("applied".to_owned(), 3))
    );
    // One notice on the IRO's subject.
    let subject = format!("pep.v1.notify.{LA}.iro.iro-7");
    wait_until(Duration::from_secs(30), "the notice on NATS", || {
        let jetstream = jetstream.clone();
        async move {
            match jetstream.get_stream("PEP_NOTICES").await {
                Ok(mut notices) => notices.info().await.unwrap().state.messages >= 1,
                Err(_) => false,
            }
        }
    })
    .await;
    let notices = jetstream.get_stream("PEP_NOTICES").await.unwrap();
    let message = notices
        .get_last_raw_message_by_subject(&subject)
        .await
        .unwrap();
    let notice: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
    assert_eq!(notice["reason"], "placement_change", "{notice}");
    let mut notices = notices.clone();
    assert_eq!(notices.info().await.unwrap().state.messages, 1);
    running.service.stop().await;
}
