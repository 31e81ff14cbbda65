//! The notices model: one pending notice per request, addressed to the IRO assigned at that
//! point; repeats and refused requests add nothing.

use crate::fixtures::{child_command, child_in_care, person};
use crate::support::{TestEnv, as_role, date, on_both_back_ends, start_instant};
use chrono::Duration;
use domain::Role;
use domain::child::{AssignedRole, ChildCommand, NoticeReason};
use domain::ids::ChildId;
use projections::notices::{NoticesProjector, notice, notices_for_child, pending_notices};
use std::sync::Arc;
use uuid::Uuid;

async fn request_notice(env: &TestEnv, child_id: ChildId, about: Uuid, summary: &str) -> Uuid {
    let notice_id = Uuid::now_v7();
    child_command(
        env,
        child_id,
        ChildCommand::RequestIroNotice {
            notice_id,
            reason: NoticeReason::PlacementChange,
            about_event_id: about,
            occurred_on: date(2025, 3, 3),
            summary: summary.to_owned(),
        },
    )
    .await;
    notice_id
}

async fn assign_iro(env: &TestEnv, child_id: ChildId, iro: &str) {
    child_command(
        env,
        child_id,
        ChildCommand::AssignPerson {
            role: AssignedRole::Iro,
            person: person(iro),
            from: date(2025, 1, 6),
        },
    )
    .await;
}

async fn each_notice_is_addressed_to_the_iro_assigned_at_the_time(env: TestEnv) {
    let child = child_in_care(&env).await;
    let before_any_iro = request_notice(&env, child, Uuid::now_v7(), "Moved to foster care").await;
    assign_iro(&env, child, "iro-7").await;
    env.set_clock(start_instant() + Duration::hours(1));
    let to_first_iro = request_notice(&env, child, Uuid::now_v7(), "Moved again").await;
    assign_iro(&env, child, "iro-9").await;
    let about = Uuid::now_v7();
    let to_second_iro = request_notice(&env, child, about, "Moved a third time").await;

    // The same notice asked for again (a process manager retrying) adds no event; an empty
    // summary is refused.
    let head = env.store.head_position().await.unwrap();
    request_notice(&env, child, about, "Moved a third time").await;
    let refused = env
        .handler
        .child(
            child,
            ChildCommand::RequestIroNotice {
                notice_id: Uuid::now_v7(),
                reason: NoticeReason::Exclusion,
                about_event_id: Uuid::now_v7(),
                occurred_on: date(2025, 3, 3),
                summary: String::new(),
            },
            &as_role(Role::System),
        )
        .await;
    assert!(refused.is_err());
    assert_eq!(env.store.head_position().await.unwrap(), head);

    let other_child = child_in_care(&env).await;
    assign_iro(&env, other_child, "iro-7").await;
    let other = request_notice(&env, other_child, Uuid::now_v7(), "Excluded").await;

    let runner = env.runner(Arc::new(NoticesProjector)).await;
    runner.catch_up(&env.log).await.unwrap();

    let ids = |notices: Vec<projections::notices::IroNotice>| {
        notices
            .into_iter()
            .map(|notice| notice.notice_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(pending_notices(&env.read, "831", None).await.unwrap()),
        [before_any_iro, to_first_iro, to_second_iro, other].map(|id| id.to_string())
    );
    assert_eq!(
        ids(pending_notices(&env.read, "831", Some("iro-7"))
            .await
            .unwrap()),
        [to_first_iro, other].map(|id| id.to_string())
    );
    assert_eq!(
        ids(pending_notices(&env.read, "831", Some("iro-9"))
            .await
            .unwrap()),
        [to_second_iro.to_string()]
    );
    assert!(
        pending_notices(&env.read, "999", None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        notices_for_child(&env.read, &child.to_string())
            .await
            .unwrap()
            .len(),
        3
    );

    let first = notice(&env.read, &before_any_iro.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.iro_id, first.iro_name), (None, None));
    let second = notice(&env.read, &to_first_iro.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.child_id, child.to_string());
    assert_eq!(second.la, "831");
    assert_eq!(second.reason, "placement_change");
    assert_eq!(second.summary, "Moved again");
    assert_eq!(second.occurred_on, date(2025, 3, 3));
    assert_eq!(second.requested_at, start_instant() + Duration::hours(1));
    assert_eq!(second.iro_id.as_deref(), Some("iro-7"));
    assert_eq!(second.iro_name.as_deref(), Some("Person iro-7"));
    assert_eq!(second.delivery_state, "pending");
    let events = env.all_events().await;
    let requested = events
        .iter()
        .find(|event| event.payload["notice_id"] == to_first_iro.to_string())
        .unwrap();
    assert_eq!(second.created_position, requested.global_position);
    assert_eq!(second.about_event_id, requested.payload["about_event_id"]);
    assert!(
        notice(&env.read, &Uuid::now_v7().to_string())
            .await
            .unwrap()
            .is_none()
    );
}

on_both_back_ends!(each_notice_is_addressed_to_the_iro_assigned_at_the_time);
