//! The worker's sense of time, on a manual clock: a delivery is not attempted before it falls
//! due, is attempted once the clock reaches that time, and a failed attempt waits for its retry.
//! An SQLite file stands in for the gateway's database, so no server is needed.

use super::*;
use crate::tables::{NewDelivery, NoticeRow};
use chrono::{DateTime, TimeZone, Utc};
use commands::clock::ManualClock;

/// The instant the delivery row is written, and so when it first falls due.
fn written_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap()
}

async fn database_with_one_nats_delivery(directory: &tempfile::TempDir) -> RecordDatabase {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(directory.path().join("pep.db"))
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let database = RecordDatabase::Sqlite(pool);
    pep_records::migrations::migrate(&database).await.unwrap();
    let notice = NoticeRow {
        notice_id: uuid::Uuid::from_u128(7),
        la: "831".to_owned(),
        child_id: uuid::Uuid::from_u128(8),
        reason: "placement_change".to_owned(),
        summary: "moved".to_owned(),
        occurred_on: written_at().date_naive(),
        about_event_id: uuid::Uuid::from_u128(9),
        position: 12,
        requested_at: written_at(),
        iro: None,
        state: "addressed".to_owned(),
    };
    let delivery = NewDelivery {
        delivery_id: uuid::Uuid::from_u128(10),
        channel: "nats",
        target: "pep.v1.notify.831.iro.iro-1".to_owned(),
        payload: "{}".to_owned(),
    };
    NoticeTables::new(database.clone())
        .record_notice(&notice, &[delivery], written_at())
        .await
        .unwrap();
    database
}

/// A worker without NATS, so every attempt at the NATS row fails and is retried.
fn worker_on(database: &RecordDatabase, clock: Arc<ManualClock>) -> DeliveryWorker {
    let config = NoticeConfig {
        backoff_base: Duration::from_secs(60),
        backoff_cap: Duration::from_secs(60),
        ..NoticeConfig::default()
    };
    DeliveryWorker::new(
        database.clone(),
        config,
        None,
        Arc::new(Notify::new()),
        Arc::new(NoticeMetrics::new()),
        clock,
    )
    .unwrap()
}

#[tokio::test]
async fn a_delivery_waits_for_its_time_on_the_clock_and_a_failure_for_its_retry() {
    let directory = tempfile::tempdir().unwrap();
    let database = database_with_one_nats_delivery(&directory).await;
    let clock = Arc::new(ManualClock::new(
        written_at() - chrono::Duration::seconds(1),
    ));
    let worker = worker_on(&database, clock.clone());

    assert_eq!(
        worker.run_once().await.unwrap(),
        0,
        "a second before the row falls due, nothing is attempted"
    );

    clock.set(written_at());
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let tables = NoticeTables::new(database.clone());
    let retry_at = tables.next_due_at().await.unwrap().unwrap();
    assert!(
        retry_at >= written_at() && retry_at <= written_at() + chrono::Duration::seconds(60),
        "the retry is scheduled from the clock's now, within the backoff cap: {retry_at}"
    );
    let attempts = tables
        .deliveries_of(uuid::Uuid::from_u128(7))
        .await
        .unwrap();
    assert_eq!(attempts[0].attempt_log.len(), 1);
    assert_eq!(attempts[0].attempt_log[0].started_at, written_at());

    if retry_at > written_at() {
        clock.set(retry_at - chrono::Duration::milliseconds(1));
        assert_eq!(
            worker.run_once().await.unwrap(),
            0,
            "the failed delivery is not attempted before its retry falls due"
        );
    }
    clock.set(retry_at);
    assert_eq!(worker.run_once().await.unwrap(), 1);
}
