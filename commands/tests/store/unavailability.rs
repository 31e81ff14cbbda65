//! PostgreSQL going away under load: callers get `Unavailable` or success, never a lost
//! acknowledged event, and the store recovers without a restart.
//!
//! The shared server is not stopped; the test cuts this test database off instead, by
//! terminating its backends and for a while refusing new connections to it.

use crate::concurrency::{Acknowledged, assert_log_is_whole, run_load};
use crate::support::{Backend, TestStore, single};
use commands::store::ExpectedVersion;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backends_terminated_mid_load_lose_no_acknowledged_event() {
    let test = TestStore::open(Backend::Postgres).await;
    let database = test.database.as_ref().unwrap();
    let name = database.name.clone();
    let chaos_running = Arc::new(AtomicBool::new(true));
    let chaos = {
        let running = chaos_running.clone();
        let terminate = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        );
        let refuse = format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false");
        let allow = format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true");
        let admin_url = crate::support::admin_url();
        tokio::spawn(async move {
            use sqlx::Connection;
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
            let mut round = 0;
            while running.load(Ordering::Relaxed) {
                round += 1;
                // Every fourth round the database stays unreachable for a while; the others
                // only cut the current connections, which the pool replaces.
                let outage = round % 4 == 0;
                if outage {
                    sqlx::query(&refuse).execute(&mut admin).await.unwrap();
                }
                sqlx::query(&terminate).execute(&mut admin).await.unwrap();
                tokio::time::sleep(Duration::from_millis(if outage { 800 } else { 250 })).await;
                if outage {
                    sqlx::query(&allow).execute(&mut admin).await.unwrap();
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            sqlx::query(&allow).execute(&mut admin).await.unwrap();
            round
        })
    };
    let report = run_load(
        std::slice::from_ref(&test.store),
        32,
        Duration::from_secs(5),
        16,
    )
    .await;
    chaos_running.store(false, Ordering::Relaxed);
    let rounds = chaos.await.unwrap();
    assert!(rounds >= 4, "the fault injection ran {rounds} rounds");
    assert!(
        report.unavailable > 0,
        "cutting the database off should have made some calls unavailable"
    );
    assert!(
        report.acknowledged.len() > 20,
        "too little got through: {}",
        report.acknowledged.len()
    );

    // The same store (no restart) works again and the log is whole.
    let request = single("child-after", ExpectedVersion::NoStream, 1);
    let event_ids = request.streams[0]
        .events
        .iter()
        .map(|e| e.event_id)
        .collect();
    let outcome = test.store.append(request).await.unwrap();
    let mut report = report;
    report
        .acknowledged
        .push(Acknowledged { event_ids, outcome });
    assert_log_is_whole(test.store.as_ref(), &report).await;
}
