//! Single-stream commands: refusals write nothing, retries are answered once, stale versions
//! conflict, and concurrent writers all land through bounded retries.

use super::fixtures::*;
use crate::support::TestStore;
use crate::support::on_both_back_ends;
use commands::handlers::HandleError;
use commands::store::ReadStreamOptions;
use domain::DomainError;
use domain::child::{AssignedRole, ChildCommand, ChildError};
use domain::{Actor, Role};
use uuid::Uuid;

on_both_back_ends!(
    a_refused_command_writes_nothing,
    a_command_on_an_unknown_child_is_not_found,
    a_retried_command_is_answered_from_its_first_attempt,
    a_reused_idempotency_key_for_another_request_is_refused,
    a_stale_if_match_version_conflicts_and_writes_nothing,
    concurrent_commands_on_one_child_all_land,
    occurred_at_is_the_business_date_or_else_the_command_time,
);

async fn a_refused_command_writes_nothing(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let head = store.store.head_position().await.unwrap();
    let error = handler
        .child(
            child_id,
            ChildCommand::RecordAttendance {
                period_start: date(2025, 1, 6),
                period_end: date(2025, 1, 31),
                possible_sessions: 10,
                attended_sessions: 11,
                unauthorised_absence_sessions: 0,
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        HandleError::Rejected(DomainError::Child(ChildError::InconsistentAttendance(_)))
    ));
    assert_eq!(store.store.head_position().await.unwrap(), head);
}

async fn a_command_on_an_unknown_child_is_not_found(store: TestStore) {
    let handler = handler(&store);
    let child_id = new_child();
    let error = handler
        .child(
            child_id,
            ChildCommand::RecordSenStatus {
                provision: domain::child::SenProvision::SenSupport,
                effective_from: date(2025, 1, 1),
                detail: None,
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        HandleError::NotFound {
            stream_id: child_id.stream_id()
        }
    );
}

fn assign(person_id: &str) -> ChildCommand {
    ChildCommand::AssignPerson {
        role: AssignedRole::DesignatedTeacher,
        person: person(person_id),
        from: date(2025, 1, 6),
    }
}

async fn a_retried_command_is_answered_from_its_first_attempt(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let context = as_role(Role::SocialWorker).with_idempotency("request-1", "body-hash-1");
    let first = handler
        .child(child_id, assign("dt-7"), &context)
        .await
        .unwrap();
    assert_eq!(first.events_written, 1);
    assert!(!first.duplicate);
    // The same request again, even after the record moved on, is answered as before.
    handler
        .child(child_id, assign("dt-8"), &as_role(Role::SocialWorker))
        .await
        .unwrap();
    let head = store.store.head_position().await.unwrap();
    let retry = handler
        .child(child_id, assign("dt-7"), &context)
        .await
        .unwrap();
    assert!(retry.duplicate);
    assert_eq!(retry.events_written, 0);
    assert_eq!(retry.streams, first.streams);
    assert_eq!(retry.last_position, first.last_position);
    assert_eq!(store.store.head_position().await.unwrap(), head);
}

async fn a_reused_idempotency_key_for_another_request_is_refused(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    handler
        .child(
            child_id,
            assign("dt-7"),
            &as_role(Role::SocialWorker).with_idempotency("request-2", "body-a"),
        )
        .await
        .unwrap();
    let error = handler
        .child(
            child_id,
            assign("dt-9"),
            &as_role(Role::SocialWorker).with_idempotency("request-2", "body-b"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        HandleError::IdempotencyKeyReused {
            key: "request-2".to_owned()
        }
    );
}

async fn a_stale_if_match_version_conflicts_and_writes_nothing(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let version = store
        .store
        .stream_version(&child_id.stream_id())
        .await
        .unwrap();
    handler
        .child(
            child_id,
            assign("dt-1"),
            &as_role(Role::SocialWorker).expecting_version(version),
        )
        .await
        .unwrap();
    let error = handler
        .child(
            child_id,
            assign("dt-2"),
            &as_role(Role::SocialWorker).expecting_version(version),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        HandleError::Conflict {
            stream_id: child_id.stream_id(),
            expected: version,
            actual: version + 1,
        }
    );
    assert_eq!(
        store
            .store
            .stream_version(&child_id.stream_id())
            .await
            .unwrap(),
        version + 1
    );
}

async fn concurrent_commands_on_one_child_all_land(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let before = store
        .store
        .stream_version(&child_id.stream_id())
        .await
        .unwrap();
    let writers = 8;
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let handler = handler.clone();
            tokio::spawn(async move {
                handler
                    .child(
                        child_id,
                        ChildCommand::RecordAttainment {
                            subject: format!("subject {writer}"),
                            assessment: "spring data drop".to_owned(),
                            result: "expected".to_owned(),
                            assessed_on: date(2025, 3, 1),
                            on_track: Some(true),
                        },
                        &as_role(Role::DesignatedTeacher),
                    )
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        store
            .store
            .stream_version(&child_id.stream_id())
            .await
            .unwrap(),
        before + writers
    );
}

async fn occurred_at_is_the_business_date_or_else_the_command_time(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let events = store
        .store
        .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
        .await
        .unwrap();
    let episode = events
        .iter()
        .find(|event| event.event_type == "CareEpisodeStarted")
        .unwrap();
    assert_eq!(episode.occurred_at.date_naive(), date(2024, 11, 1));
    let registered = events
        .iter()
        .find(|event| event.event_type == "ChildRegistered")
        .unwrap();
    assert_eq!(
        registered.occurred_at.date_naive(),
        date(2025, 3, 10),
        "from the fixed clock"
    );
    assert_eq!(
        episode.actor,
        Actor::new("social_worker-1", Role::SocialWorker)
    );
    assert_eq!(episode.la, "831");
    assert_ne!(episode.correlation_id, Uuid::nil());
}
