//! NATS killed (SIGKILL) and restarted while feed messages are in flight: every message is
//! applied, none twice.

use crate::inbound::support::{
    Running, child_event_types, child_id, child_message, placement_message, publish, subject,
    wait_for_applied,
};
use std::time::Duration;

const CHILDREN: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_restarted_mid_feed_loses_nothing_and_doubles_nothing() {
    let mut running = Running::start().await;
    let url = running.nats.url();
    let publisher = tokio::spawn(async move {
        // A fresh connection per publish keeps the publisher going across the restart, as a
        // social care system's outbox that retries until acknowledged would.
        for index in 0..CHILDREN {
            let la_child_id = format!("R{index:04}");
            let child = child_message(&format!("c-{index}"), &la_child_id);
            let entered =
                placement_message(&format!("p-{index}"), &la_child_id, "2024-09-02", "S", None);
            for (feed, body) in [("child", child), ("placement", entered)] {
                loop {
                    match async_nats::connect(&url).await {
                        Ok(client) => {
                            let jetstream = async_nats::jetstream::new(client);
                            publish(&jetstream, &subject(feed), body.to_string().as_bytes()).await;
                            break;
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
            }
        }
    });
    // Let some messages through, then kill the server mid-stream and bring it back.
    crate::relay::support::wait_until(Duration::from_secs(60), "some messages applied", || async {
        crate::inbound::support::logged(&running.read, "c-5")
            .await
            .is_some()
    })
    .await;
    running.nats.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    running.nats.restart().await;
    tokio::time::timeout(Duration::from_secs(120), publisher)
        .await
        .expect("the publisher finishes")
        .unwrap();

    wait_for_applied(&running.read, (CHILDREN * 2) as i64).await;
    for index in 0..CHILDREN {
        let types = child_event_types(&running.store, &child_id(&format!("R{index:04}"))).await;
        let count = |name: &str| types.iter().filter(|event| *event == name).count();
        assert_eq!(count("ChildRegistered"), 1, "child {index}: {types:?}");
        assert_eq!(count("CareEpisodeStarted"), 1, "child {index}: {types:?}");
    }
    running.service.stop().await;
}
