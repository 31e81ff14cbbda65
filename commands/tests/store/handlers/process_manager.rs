//! The process manager over a real store: reactions happen once however often an event is
//! handled, history opens nothing, and the running loop follows new events.

use super::fixtures::*;
use crate::support::on_both_back_ends;
use crate::support::{TestStore, wait_until};
use commands::clock::{ManualClock, UuidV7Ids};
use commands::process_manager::{PROCESS_MANAGER_NAME, ProcessManager};
use commands::store::{ReadStreamOptions, RecordedEvent};
use domain::Role;
use domain::child::{ChildCommand, ChildEvent, LeavingReason, NoticeReason, Ssda903Episode};
use domain::event::DomainEvent;
use domain::ids::ChildId;
use std::sync::Arc;
use std::time::Duration;

on_both_back_ends!(
    entering_care_opens_the_initial_pep_once,
    a_placement_change_notifies_the_iro_once_however_often_it_is_handled,
    a_backfilled_closed_episode_opens_nothing_and_notifies_no_one,
    a_school_breakdown_is_a_breakdown_notice,
    the_running_process_manager_follows_new_events_and_saves_its_checkpoint,
);

fn manager(store: &TestStore) -> ProcessManager {
    let clock = Arc::new(ManualClock::new(
        date(2025, 3, 10).and_hms_opt(9, 0, 0).unwrap().and_utc(),
    ));
    ProcessManager::new(handler(store), clock, Arc::new(UuidV7Ids))
}

async fn all_events(store: &TestStore) -> Vec<RecordedEvent> {
    store.store.read_all(0, 100_000).await.unwrap()
}

async fn child_events(store: &TestStore, child_id: ChildId) -> Vec<ChildEvent> {
    store
        .store
        .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
        .await
        .unwrap()
        .iter()
        .map(|event| {
            ChildEvent::decode(&event.event_type, event.schema_version, &event.payload).unwrap()
        })
        .collect()
}

fn notices(events: &[ChildEvent]) -> Vec<NoticeReason> {
    events
        .iter()
        .filter_map(|event| match event {
            ChildEvent::IroNoticeRequested { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect()
}

async fn handle_everything(store: &TestStore, manager: &ProcessManager) {
    for event in all_events(store).await {
        manager.handle(&event).await.unwrap();
    }
}

async fn entering_care_opens_the_initial_pep_once(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let manager = manager(&store);
    handle_everything(&store, &manager).await;
    handle_everything(&store, &manager).await;
    let opened: Vec<_> = child_events(&store, child_id)
        .await
        .into_iter()
        .filter(|event| matches!(event, ChildEvent::PepOpened { .. }))
        .collect();
    assert_eq!(opened.len(), 1);
    assert!(matches!(
        opened[0],
        ChildEvent::PepOpened {
            kind: domain::pep::PepKind::Initial,
            trigger: domain::pep::PepTrigger::EnteredCare,
            ..
        }
    ));
}

async fn a_placement_change_notifies_the_iro_once_however_often_it_is_handled(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    handler
        .child(
            child_id,
            ChildCommand::RecordEpisode {
                episode: episode(date(2025, 2, 3), "P"),
            },
            &as_role(Role::Integration),
        )
        .await
        .unwrap();
    let manager = manager(&store);
    for _ in 0..3 {
        handle_everything(&store, &manager).await;
    }
    assert_eq!(
        notices(&child_events(&store, child_id).await),
        vec![NoticeReason::PlacementChange]
    );
}

async fn a_backfilled_closed_episode_opens_nothing_and_notifies_no_one(store: TestStore) {
    let handler = handler(&store);
    let child_id = new_child();
    handler
        .child(child_id, register(child_id), &as_role(Role::Integration))
        .await
        .unwrap();
    let closed = Ssda903Episode {
        end_date: Some(date(2019, 6, 1)),
        reason_ceased: Some("X1".to_owned()),
        ..episode(date(2018, 1, 1), "P")
    };
    handler
        .child(
            child_id,
            ChildCommand::RecordEpisode { episode: closed },
            &as_role(Role::Integration),
        )
        .await
        .unwrap();
    let head = store.store.head_position().await.unwrap();
    handle_everything(&store, &manager(&store)).await;
    assert_eq!(store.store.head_position().await.unwrap(), head);
}

async fn a_school_breakdown_is_a_breakdown_notice(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let context = as_role(Role::SocialWorker);
    handler
        .child(
            child_id,
            ChildCommand::ChangeEducationSetting {
                setting: school("104567", "Oakfield Primary"),
                started_on: date(2024, 11, 4),
                leaving_reason: None,
                leaving_detail: None,
            },
            &context,
        )
        .await
        .unwrap();
    handler
        .child(
            child_id,
            ChildCommand::ChangeEducationSetting {
                setting: school("137001", "Riverside Academy"),
                started_on: date(2025, 2, 24),
                leaving_reason: Some(LeavingReason::Breakdown),
                leaving_detail: None,
            },
            &context,
        )
        .await
        .unwrap();
    handle_everything(&store, &manager(&store)).await;
    assert_eq!(
        notices(&child_events(&store, child_id).await),
        vec![NoticeReason::EducationBreakdown],
        "the first school recorded is not a change"
    );
}

async fn the_running_process_manager_follows_new_events_and_saves_its_checkpoint(store: TestStore) {
    let handler = handler(&store);
    let manager = manager(&store);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        manager
            .run(async {
                let _ = stopped.await;
            })
            .await
    });
    let child_id = child_in_care(&handler).await;
    let check = store.store.clone();
    wait_until(Duration::from_secs(10), "the initial PEP is opened", || {
        let check = check.clone();
        async move {
            check
                .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
                .await
                .unwrap()
                .iter()
                .any(|event| event.event_type == "PepOpened")
        }
    })
    .await;
    let head = store.store.head_position().await.unwrap();
    wait_until(
        Duration::from_secs(10),
        "the checkpoint reaches the head",
        || {
            let check = check.clone();
            async move { check.load_checkpoint(PROCESS_MANAGER_NAME).await.unwrap() == Some(head) }
        },
    )
    .await;
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
}
