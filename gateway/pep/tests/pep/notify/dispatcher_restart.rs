//! Restarts and repeats on PostgreSQL with a real `nats-server`: a dispatcher started again
//! from an older checkpoint (a crash before the save) adds no delivery row, the running
//! dispatcher wakes on new events without polling, and a NATS delivery repeated after a crash
//! between the publish and its record is stored once by JetStream (`Nats-Msg-Id`), on Debian's
//! nats-server 2.9. With NATS down, deliveries wait as failed attempts and go out once it is
//! back.

use crate::notify::support::fast_notices;
use crate::relay::support::{TestDatabase, wait_until};
use chrono::NaiveDate;
use commands::clock::{SystemClock, UuidV7Ids};
use commands::handlers::{CommandContext, CommandHandler};
use commands::store::{EventStore, PostgresEventStore};
use domain::child::{AssignedRole, ChildCommand, ChildDetails, NoticeReason, Sex};
use domain::ids::ChildId;
use domain::policy::NoticeRule;
use domain::values::LaCode;
use domain::{Actor, PersonRef, Role};
use pep_notify::NoticeMetrics;
use pep_notify::dispatcher::{DISPATCHER_NAME, NoticeDispatcher};
use pep_notify::nats::NoticePublisher;
use pep_notify::tables::NoticeTables;
use pep_notify::worker::DeliveryWorker;
use pep_records::RecordDatabase;
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::{NatsServer, system_server_binary};
use tokio::sync::Notify;
use uuid::Uuid;

fn day(month: u32, date: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, month, date).unwrap()
}

async fn count(records: &RecordDatabase, sql: &str) -> i64 {
    match records {
        RecordDatabase::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        RecordDatabase::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

/// A child with an IRO and a social worker, and one notice requested about it.
async fn child_with_notice(handler: &CommandHandler) -> (ChildId, Uuid) {
    let context = CommandContext::new(
        Actor::new("vs-1", Role::VirtualSchool),
        Uuid::now_v7(),
        "test",
    );
    let child_id = ChildId::from_uuid(Uuid::now_v7());
    let mut commands = vec![ChildCommand::Register {
        child_id,
        la: LaCode::parse("831").unwrap(),
        la_child_id: "R-1".to_owned(),
        details: ChildDetails {
            date_of_birth: NaiveDate::from_ymd_opt(2012, 5, 14).unwrap(),
            sex: Sex::Female,
            upn: None,
            given_name: None,
            family_name: None,
        },
    }];
    for (role, id) in [
        (AssignedRole::Iro, "iro-9"),
        (AssignedRole::SocialWorker, "sw-9"),
    ] {
        commands.push(ChildCommand::AssignPerson {
            role,
            person: PersonRef {
                id: id.to_owned(),
                name: "A Person".to_owned(),
            },
            from: day(1, 2),
        });
    }
    let notice_id = Uuid::now_v7();
    commands.push(ChildCommand::RequestIroNotice {
        notice_id,
        reason: NoticeReason::Exclusion,
        about_event_id: Uuid::now_v7(),
        occurred_on: day(1, 6),
        summary: "suspended for 2 school day(s) from 2025-01-06".to_owned(),
    });
    for command in commands {
        handler.child(child_id, command, &context).await.unwrap();
    }
    (child_id, notice_id)
}

#[tokio::test]
async fn a_restarted_dispatcher_adds_no_rows_and_a_repeated_publish_is_stored_once() {
    let database = TestDatabase::create().await;
    let postgres = PostgresEventStore::connect(&database.url).await.unwrap();
    postgres.migrate().await.unwrap();
    let records = RecordDatabase::Postgres(postgres.pool().clone());
    pep_records::migrations::migrate(&records).await.unwrap();
    let store: Arc<dyn EventStore> = Arc::new(postgres);
    let handler = CommandHandler::new(store.clone(), Arc::new(SystemClock), Arc::new(UuidV7Ids));
    let (_, notice_id) = child_with_notice(&handler).await;
    let wake = Arc::new(Notify::new());
    let dispatcher = NoticeDispatcher::new(
        store.clone(),
        records.clone(),
        NoticeRule::default(),
        true,
        wake.clone(),
        Arc::new(SystemClock),
    );
    // IRO and social worker, each on NATS and in the inbox.
    assert_eq!(dispatcher.catch_up().await.unwrap(), 4);

    // A crash before the checkpoint was saved: a new dispatcher replays from the start.
    store.save_checkpoint(DISPATCHER_NAME, 0).await.unwrap();
    let restarted = NoticeDispatcher::new(
        store.clone(),
        records.clone(),
        NoticeRule::default(),
        true,
        wake.clone(),
        Arc::new(SystemClock),
    );
    assert_eq!(restarted.catch_up().await.unwrap(), 0);
    assert_eq!(
        count(&records, "SELECT COUNT(*) FROM gateway_notice_deliveries").await,
        4
    );

    // Publish, then lose the record of it (a crash between the two) and publish again.
    // Debian's nats-server 2.9 here (the other tests use the current one): PEP_NOTICES must be
    // created and deduplicated on both.
    let nats = NatsServer::start_binary(system_server_binary()).await;
    let publisher = Arc::new(NoticePublisher::new(nats.url(), Duration::from_secs(3)));
    let worker = DeliveryWorker::new(
        records.clone(),
        fast_notices(5),
        Some(publisher),
        wake.clone(),
        Arc::new(NoticeMetrics::new()),
        Arc::new(SystemClock),
    )
    .unwrap();
    assert_eq!(worker.run_once().await.unwrap(), 2);
    let reset = "UPDATE gateway_notice_deliveries SET state = 'pending' WHERE channel = 'nats'";
    if let RecordDatabase::Postgres(pool) = &records {
        sqlx::query(reset).execute(pool).await.unwrap();
    }
    assert_eq!(worker.run_once().await.unwrap(), 2);
    let client = async_nats::connect(nats.url()).await.unwrap();
    let mut stream = async_nats::jetstream::new(client)
        .get_stream("PEP_NOTICES")
        .await
        .unwrap();
    assert_eq!(stream.info().await.unwrap().state.messages, 2);
    assert_eq!(
        count(
            &records,
            "SELECT COUNT(*) FROM gateway_notice_attempts WHERE outcome = 'delivered'"
        )
        .await,
        4,
        "both publishes of each delivery are logged"
    );

    // The running dispatcher follows the log: a second notice becomes rows without a poll.
    let stop = tokio_util::sync::CancellationToken::new();
    let running = {
        let dispatcher = dispatcher.clone();
        let stop = stop.clone();
        tokio::spawn(async move { dispatcher.run(stop.cancelled_owned()).await })
    };
    let (_, second) = child_with_notice(&handler).await;
    let records_for_wait = records.clone();
    wait_until(
        Duration::from_secs(10),
        "the second notice has rows",
        || {
            let records = records_for_wait.clone();
            async move {
                NoticeTables::from(&records)
                    .deliveries_of(second)
                    .await
                    .map(|rows| rows.len() == 4)
                    .unwrap_or(false)
            }
        },
    )
    .await;
    stop.cancel();
    running.await.unwrap().unwrap();
    assert!(
        store
            .load_checkpoint(DISPATCHER_NAME)
            .await
            .unwrap()
            .unwrap()
            >= 1
    );
    assert_eq!(
        NoticeTables::from(&records)
            .deliveries_of(notice_id)
            .await
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn with_nats_down_deliveries_wait_are_logged_as_failed_attempts_and_go_out_when_it_returns() {
    let database = TestDatabase::create().await;
    let postgres = PostgresEventStore::connect(&database.url).await.unwrap();
    postgres.migrate().await.unwrap();
    let records = RecordDatabase::Postgres(postgres.pool().clone());
    pep_records::migrations::migrate(&records).await.unwrap();
    let store: Arc<dyn EventStore> = Arc::new(postgres);
    let handler = CommandHandler::new(store.clone(), Arc::new(SystemClock), Arc::new(UuidV7Ids));
    let (_, notice_id) = child_with_notice(&handler).await;
    let wake = Arc::new(Notify::new());
    NoticeDispatcher::new(
        store.clone(),
        records.clone(),
        NoticeRule::default(),
        true,
        wake.clone(),
        Arc::new(SystemClock),
    )
    .catch_up()
    .await
    .unwrap();

    let mut nats = NatsServer::start().await;
    nats.kill();
    let publisher = Arc::new(NoticePublisher::new(nats.url(), Duration::from_millis(500)));
    let worker = DeliveryWorker::new(
        records.clone(),
        fast_notices(50),
        Some(publisher),
        wake,
        Arc::new(NoticeMetrics::new()),
        Arc::new(SystemClock),
    )
    .unwrap();
    assert_eq!(worker.run_once().await.unwrap(), 2);
    let nats_rows = |rows: Vec<pep_notify::tables::DeliveryView>| {
        rows.into_iter()
            .filter(|row| row.channel == "nats")
            .collect::<Vec<_>>()
    };
    let waiting = nats_rows(
        NoticeTables::from(&records)
            .deliveries_of(notice_id)
            .await
            .unwrap(),
    );
    assert!(waiting.iter().all(|row| row.state == "pending"
        && row.attempt_log.len() == 1
        && row.attempt_log[0].outcome == "failed"
        && row.last_error.is_some()));

    nats.restart().await;
    let (records_for_wait, worker_for_wait) = (records.clone(), worker.clone());
    wait_until(
        Duration::from_secs(20),
        "both NATS deliveries go out once NATS is back",
        || {
            let (records, worker) = (records_for_wait.clone(), worker_for_wait.clone());
            async move {
                worker.run_once().await.unwrap();
                NoticeTables::from(&records)
                    .deliveries_of(notice_id)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|row| row.channel == "nats")
                    .all(|row| row.state == "delivered")
            }
        },
    )
    .await;
    let delivered = nats_rows(
        NoticeTables::from(&records)
            .deliveries_of(notice_id)
            .await
            .unwrap(),
    );
    assert!(
        delivered.iter().all(|row| row.attempt_log.len() >= 2
            && row.attempt_log.last().unwrap().outcome == "delivered")
    );
}
