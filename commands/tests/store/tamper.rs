//! Tampering with the log by SQL is evident: verification names the first broken link.

use crate::support::{TestStore, on_both_back_ends, single};
use commands::store::{ChainBreakKind, ExpectedVersion, StoreError};

on_both_back_ends!(
    the_log_refuses_updates_and_deletes,
    an_edited_payload_is_reported_at_exactly_that_event,
    a_deleted_row_is_reported_at_exactly_its_position,
);

async fn append_five(test: &TestStore) {
    for stream in ["child-a", "child-b", "child-a", "child-c", "child-a"] {
        test.store
            .append(single(stream, ExpectedVersion::Any, 1))
            .await
            .unwrap();
    }
}

/// What an administrator would do first: switch off the append-only guard.
async fn disable_guard(test: &TestStore) {
    test.raw
        .execute(
            "ALTER TABLE events DISABLE TRIGGER USER",
            "DROP TRIGGER events_refuse_update",
        )
        .await;
    test.raw
        .execute("SELECT 1", "DROP TRIGGER events_refuse_delete")
        .await;
}

async fn the_log_refuses_updates_and_deletes(test: TestStore) {
    append_five(&test).await;
    let update = "UPDATE events SET payload = '{}' WHERE global_position = 1";
    assert!(
        test.raw
            .execute_expecting_error(update, update)
            .await
            .contains("append-only")
    );
    let delete = "DELETE FROM events WHERE global_position = 1";
    assert!(
        test.raw
            .execute_expecting_error(delete, delete)
            .await
            .contains("append-only")
    );
    assert!(test.store.verify_chain().await.unwrap().is_intact());
}

async fn an_edited_payload_is_reported_at_exactly_that_event(test: TestStore) {
    append_five(&test).await;
    let target = test.store.read_all(2, 1).await.unwrap().remove(0);
    disable_guard(&test).await;
    let edit = r#"UPDATE events SET payload = '{"n":99}' WHERE global_position = 3"#;
    test.raw.execute(edit, edit).await;

    let report = test.store.verify_chain().await.unwrap();
    let broken = report.first_break.expect("the edit is detected");
    assert_eq!(broken.position, 3);
    assert_eq!(broken.event_id, Some(target.event_id));
    assert!(
        matches!(broken.kind, ChainBreakKind::HashMismatch { stored_hash, .. } if stored_hash == target.hash)
    );
    assert_eq!(report.verified_up_to, 2);
    assert!(
        broken
            .to_string()
            .contains("a field of this event was changed")
    );
}

async fn a_deleted_row_is_reported_at_exactly_its_position(test: TestStore) {
    append_five(&test).await;
    let next = test.store.read_all(2, 1).await.unwrap().remove(0);
    disable_guard(&test).await;
    let delete = "DELETE FROM events WHERE global_position = 2";
    test.raw.execute(delete, delete).await;

    let broken = test
        .store
        .verify_chain()
        .await
        .unwrap()
        .first_break
        .unwrap();
    assert_eq!(broken.position, 2);
    assert_eq!(broken.event_id, None);
    assert_eq!(
        broken.kind,
        ChainBreakKind::MissingPosition {
            next_stored_position: 3,
            next_stored_event_id: next.event_id
        }
    );
    // A reader following positions notices the gap instead of skipping it.
    let mut subscription = test.store.subscribe(0);
    assert_eq!(subscription.next().await.unwrap().global_position, 1);
    assert_eq!(
        subscription.next().await,
        Err(StoreError::PositionGap {
            expected: 2,
            found: 3
        })
    );
}
