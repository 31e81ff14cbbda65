//! The relay process is killed (SIGKILL) between commit and publish: its checkpoint is behind
//! what it published, and events committed after the kill were never published. Started again,
//! it publishes what was missed, once, and the stream holds every event exactly once in order;
//! SIGTERM then stops it gracefully.

use crate::relay::stream_check::{
    assert_consumer_receives_exactly, connect, durable_consumer, stream_message_count,
};
use crate::relay::support::{
    TestDatabase, all_events, append_events, init_logging, relay_checkpoint, wait_until,
    wait_until_every,
};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tests::nats_server::NatsServer;

const BEFORE_KILL: usize = 3000;
const AFTER_KILL: usize = 500;

/// `pep relay` as a child process, with a long checkpoint interval so that a kill lands
/// between publishing and saving.
fn spawn_relay_process(database_url: &str, nats_url: &str) -> Child {
    let log = if std::env::var_os("TEST_LOG").is_some() {
        Stdio::inherit()
    } else {
        Stdio::null()
    };
    Command::new(env!("CARGO_BIN_EXE_pep"))
        .args([
            "relay",
            "--ack-timeout-ms",
            "1000",
            "--checkpoint-interval-ms",
            "2000",
        ])
        .env("DATABASE_URL", database_url)
        .env("NATS_URL", nats_url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the pep binary starts")
}

/// Kills the child on drop, so a failing test leaves no relay behind.
struct KillOnDrop(Child);

impl KillOnDrop {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_between_commit_and_publish_publishes_what_it_missed_once() {
    init_logging();
    let server = NatsServer::start().await;
    let database = TestDatabase::create().await;
    let store = database.store().await;
    append_events(store.as_ref(), BEFORE_KILL).await;

    let mut relay = KillOnDrop(spawn_relay_process(&database.url, &server.url()));
    let context = connect(&server.url()).await;
    let consumer = durable_consumer(&context, "verifier").await;
    wait_until_every(
        Duration::from_millis(2),
        Duration::from_secs(30),
        "the relay process has published some events",
        || {
            let context = context.clone();
            async move { stream_message_count(&context).await >= 300 }
        },
    )
    .await;
    relay.kill();

    let published = stream_message_count(&context).await;
    let checkpoint = relay_checkpoint(&database).await.unwrap_or(0);
    assert!(
        checkpoint < published,
        "the kill should land after publishing and before the checkpoint caught up \
         (checkpoint {checkpoint}, published {published})"
    );
    assert!(
        published < BEFORE_KILL as u64,
        "the relay published everything before it was killed"
    );
    // Committed after the kill: nobody publishes these until the relay is back.
    let head = append_events(store.as_ref(), AFTER_KILL).await;

    let mut restarted = KillOnDrop(spawn_relay_process(&database.url, &server.url()));
    wait_until(
        Duration::from_secs(30),
        "the restarted relay's checkpoint reaches the head",
        || {
            let database = &database;
            async move { relay_checkpoint(database).await == Some(head) }
        },
    )
    .await;
    let expected = all_events(store.as_ref()).await;
    assert_eq!(expected.len(), BEFORE_KILL + AFTER_KILL);
    assert_consumer_receives_exactly(&context, &consumer, &expected).await;

    // SIGTERM is a graceful stop: the process exits by itself, successfully.
    let status = Command::new("kill")
        .args(["-TERM", &restarted.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = restarted.0.try_wait().unwrap() {
            break exit;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "pep relay did not exit within 10 s of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(exit.success(), "pep relay exited with {exit} after SIGTERM");
}
