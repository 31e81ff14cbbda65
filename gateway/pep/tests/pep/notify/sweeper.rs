//! The overdue sweeper on PostgreSQL: a child in care since September 2024 with no PEP has
//! overdue items today; sweeping twice (and on a second sweeper, as another node would) asks
//! for exactly one `pep_overdue` notice per overdue item.

use crate::relay::support::TestDatabase;
use chrono::NaiveDate;
use commands::clock::{SystemClock, UuidV7Ids};
use commands::handlers::{CommandContext, CommandHandler};
use commands::store::{EventStore, PostgresEventStore, ReadStreamOptions};
use domain::child::{
    AssignedRole, ChildCommand, ChildDetails, ChildEvent, NoticeReason, Sex, Ssda903Episode,
};
use domain::event::DomainEvent;
use domain::ids::ChildId;
use domain::values::LaCode;
use domain::{Actor, PersonRef, Role};
use pep_messaging::event_log::StoreEventLog;
use pep_messaging::projection_feed::read_model_projectors;
use pep_notify::sweeper::OverdueSweeper;
use pep_reference::{ReferenceData, ReferenceDataArgs};
use projections::compliance::ComplianceProjector;
use projections::db::ReadDatabase;
use projections::runtime::ProjectorRunner;
use std::sync::Arc;
use uuid::Uuid;

async fn child_in_care_without_a_pep(handler: &CommandHandler) -> ChildId {
    let context = CommandContext::new(
        Actor::new("vs-1", Role::VirtualSchool),
        Uuid::now_v7(),
        "test",
    );
    let child_id = ChildId::from_uuid(Uuid::now_v7());
    let start = NaiveDate::from_ymd_opt(2024, 9, 2).unwrap();
    for command in [
        ChildCommand::Register {
            child_id,
            la: LaCode::parse("831").unwrap(),
            la_child_id: "O-1".to_owned(),
            details: ChildDetails {
                date_of_birth: NaiveDate::from_ymd_opt(2012, 5, 14).unwrap(),
                sex: Sex::Female,
                upn: None,
                given_name: None,
                family_name: None,
            },
        },
        ChildCommand::RecordEpisode {
            episode: Ssda903Episode {
                start_date: start,
                reason_new_episode: "S".to_owned(),
                legal_status: "C2".to_owned(),
                placement_type: "U4".to_owned(),
                placement_provider: "PR1".to_owned(),
                reason_place_change: None,
                end_date: None,
                reason_ceased: None,
                placement_postcode: None,
                setting_urn: None,
            },
        },
        ChildCommand::AssignPerson {
            role: AssignedRole::Iro,
            person: PersonRef {
                id: "iro-5".to_owned(),
                name: "A Person".to_owned(),
            },
            from: start,
        },
    ] {
        handler.child(child_id, command, &context).await.unwrap();
    }
    child_id
}

async fn overdue_notices(store: &dyn EventStore, child_id: ChildId) -> Vec<Uuid> {
    store
        .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
        .await
        .unwrap()
        .iter()
        .filter_map(|recorded| {
            match ChildEvent::decode(
                &recorded.event_type,
                recorded.schema_version,
                &recorded.payload,
            )
            .unwrap()
            {
                ChildEvent::IroNoticeRequested {
                    notice_id,
                    reason: NoticeReason::PepOverdue,
                    ..
                } => Some(notice_id),
                _ => None,
            }
        })
        .collect()
}

#[tokio::test]
async fn sweeping_twice_or_on_two_nodes_makes_one_notice_per_overdue_item() {
    let database = TestDatabase::create().await;
    let postgres = PostgresEventStore::connect(&database.url).await.unwrap();
    postgres.migrate().await.unwrap();
    let store: Arc<dyn EventStore> = Arc::new(postgres);
    let handler = CommandHandler::new(store.clone(), Arc::new(SystemClock), Arc::new(UuidV7Ids));
    let child_id = child_in_care_without_a_pep(&handler).await;

    let reference = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
    let read = ReadDatabase::connect(&database.url).await.unwrap();
    let log = StoreEventLog::new(store.clone());
    for projector in read_model_projectors(&reference) {
        let runner = ProjectorRunner::new(read.clone(), projector);
        runner.ensure_schema().await.unwrap();
        runner.catch_up(&log).await.unwrap();
    }
    let sweeper = || {
        OverdueSweeper::new(
            read.clone(),
            ComplianceProjector::new(reference.policy.clone(), reference.calendar.clone()),
            handler.clone(),
            Arc::new(SystemClock),
        )
    };
    let first = sweeper().sweep().await.unwrap();
    assert!(first.overdue_items > 0, "the child has overdue items today");
    assert_eq!(first.notices_requested, first.overdue_items);
    let again = sweeper().sweep().await.unwrap();
    assert_eq!(again.overdue_items, first.overdue_items);
    assert_eq!(again.notices_requested, 0);
    let (node_a, node_b) = (sweeper(), sweeper());
    let (one, other) = tokio::join!(node_a.sweep(), node_b.sweep());
    assert_eq!(
        one.unwrap().notices_requested + other.unwrap().notices_requested,
        0
    );

    let notices = overdue_notices(store.as_ref(), child_id).await;
    assert_eq!(notices.len(), first.overdue_items);
    let distinct: std::collections::BTreeSet<_> = notices.iter().collect();
    assert_eq!(distinct.len(), notices.len());
}
