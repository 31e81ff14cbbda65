//! The conformance suite, appends: the behaviour both back ends must share, run against each.

use crate::support::{TestStore, event, events, key, on_both_back_ends, single};
use commands::store::{
    AppendError, AppendRequest, ExpectedVersion, ReadStreamOptions, StreamAppend,
};
use serde_json::json;

on_both_back_ends!(
    versions_and_positions_are_contiguous,
    an_idempotent_retry_returns_the_original_outcome_and_writes_nothing,
    a_reused_key_with_another_fingerprint_is_refused,
    a_stale_expected_version_is_a_conflict_carrying_the_actual_version,
    a_conflict_on_one_stream_writes_nothing_on_the_other,
    requests_no_back_end_can_store_are_invalid,
    a_reused_event_id_is_invalid_and_harms_nothing_else,
);

async fn versions_and_positions_are_contiguous(test: TestStore) {
    let store = &test.store;
    store
        .append(single("child-a", ExpectedVersion::NoStream, 2))
        .await
        .unwrap();
    store
        .append(single("child-b", ExpectedVersion::NoStream, 1))
        .await
        .unwrap();
    let third = store
        .append(single("child-a", ExpectedVersion::Exactly(2), 3))
        .await
        .unwrap();
    assert_eq!(third.streams, vec![("child-a".to_owned(), 5)]);
    assert_eq!((third.first_position, third.last_position), (4, 6));
    assert!(!third.duplicate);

    let all = store.read_all(0, 100).await.unwrap();
    let positions: Vec<u64> = all.iter().map(|e| e.global_position).collect();
    assert_eq!(positions, vec![1, 2, 3, 4, 5, 6]);
    let stream_a = store
        .read_stream("child-a", ReadStreamOptions::all())
        .await
        .unwrap();
    let versions: Vec<u64> = stream_a.iter().map(|e| e.stream_version).collect();
    assert_eq!(versions, vec![1, 2, 3, 4, 5]);
    assert_eq!(store.stream_version("child-a").await.unwrap(), 5);
    assert_eq!(store.stream_version("child-b").await.unwrap(), 1);
    assert_eq!(store.stream_version("child-none").await.unwrap(), 0);
    assert_eq!(store.head_position().await.unwrap(), 6);
}

async fn an_idempotent_retry_returns_the_original_outcome_and_writes_nothing(test: TestStore) {
    let store = &test.store;
    let request = AppendRequest::single(
        "pep-1",
        ExpectedVersion::NoStream,
        events(2),
        key("k1", "f1"),
    );
    let first = store.append(request.clone()).await.unwrap();
    assert!(!first.duplicate);
    let retry = store.append(request).await.unwrap();
    assert!(retry.duplicate);
    assert_eq!(retry.streams, first.streams);
    assert_eq!(
        (retry.first_position, retry.last_position),
        (first.first_position, first.last_position)
    );
    // A retry with fresh event ids (a command decided again) is answered the same way.
    let decided_again = AppendRequest::single(
        "pep-1",
        ExpectedVersion::NoStream,
        events(2),
        key("k1", "f1"),
    );
    assert!(store.append(decided_again).await.unwrap().duplicate);
    assert_eq!(store.head_position().await.unwrap(), 2);

    let record = store.lookup_idempotency("k1").await.unwrap().unwrap();
    assert_eq!(record.request_fingerprint, "f1");
    assert_eq!(record.outcome, retry);
    assert_eq!(store.lookup_idempotency("unknown").await.unwrap(), None);

    // Two concurrent retries of a new key: exactly one writes.
    let concurrent =
        AppendRequest::single("pep-2", ExpectedVersion::Any, events(1), key("k2", "f2"));
    let (left, right) = tokio::join!(store.append(concurrent.clone()), store.append(concurrent));
    let (left, right) = (left.unwrap(), right.unwrap());
    assert_ne!(left.duplicate, right.duplicate);
    assert_eq!(left.first_position, right.first_position);
    assert_eq!(store.head_position().await.unwrap(), 3);
}

async fn a_reused_key_with_another_fingerprint_is_refused(test: TestStore) {
    let store = &test.store;
    store
        .append(AppendRequest::single(
            "pep-1",
            ExpectedVersion::Any,
            events(1),
            key("k", "f1"),
        ))
        .await
        .unwrap();
    let reused = store
        .append(AppendRequest::single(
            "pep-1",
            ExpectedVersion::Any,
            events(1),
            key("k", "f2"),
        ))
        .await;
    assert_eq!(
        reused,
        Err(AppendError::IdempotencyKeyReused {
            key: "k".to_owned()
        })
    );
    assert_eq!(store.head_position().await.unwrap(), 1);
}

async fn a_stale_expected_version_is_a_conflict_carrying_the_actual_version(test: TestStore) {
    let store = &test.store;
    store
        .append(single("child-a", ExpectedVersion::NoStream, 3))
        .await
        .unwrap();
    let stale = store
        .append(single("child-a", ExpectedVersion::Exactly(2), 1))
        .await;
    assert_eq!(
        stale,
        Err(AppendError::Conflict {
            stream_id: "child-a".to_owned(),
            expected: ExpectedVersion::Exactly(2),
            actual: 3
        })
    );
    let exists = store
        .append(single("child-a", ExpectedVersion::NoStream, 1))
        .await;
    assert!(matches!(
        exists,
        Err(AppendError::Conflict { actual: 3, .. })
    ));
    let missing = store
        .append(single("child-new", ExpectedVersion::Exactly(1), 1))
        .await;
    assert!(matches!(
        missing,
        Err(AppendError::Conflict { actual: 0, .. })
    ));
    assert_eq!(store.head_position().await.unwrap(), 3);
    // Any never conflicts.
    store
        .append(single("child-a", ExpectedVersion::Any, 1))
        .await
        .unwrap();
    assert_eq!(store.stream_version("child-a").await.unwrap(), 4);
}

async fn a_conflict_on_one_stream_writes_nothing_on_the_other(test: TestStore) {
    let store = &test.store;
    store
        .append(single("pep-x", ExpectedVersion::NoStream, 1))
        .await
        .unwrap();
    let both = |pep_expected| AppendRequest {
        streams: vec![
            StreamAppend {
                stream_id: "child-a".to_owned(),
                expected: ExpectedVersion::Any,
                events: events(2),
            },
            StreamAppend {
                stream_id: "pep-x".to_owned(),
                expected: pep_expected,
                events: events(1),
            },
        ],
        idempotency: None,
    };
    let refused = store.append(both(ExpectedVersion::NoStream)).await;
    assert!(
        matches!(refused, Err(AppendError::Conflict { ref stream_id, actual: 1, .. }) if stream_id == "pep-x")
    );
    assert_eq!(store.stream_version("child-a").await.unwrap(), 0);
    assert_eq!(store.head_position().await.unwrap(), 1);

    let written = store
        .append(both(ExpectedVersion::Exactly(1)))
        .await
        .unwrap();
    assert_eq!(
        written.streams,
        vec![("child-a".to_owned(), 2), ("pep-x".to_owned(), 2)]
    );
    assert_eq!((written.first_position, written.last_position), (2, 4));
    assert_eq!(written.version_of("pep-x"), Some(2));

    // A stream with no events is checked but not written.
    let check_only = AppendRequest {
        streams: vec![
            StreamAppend {
                stream_id: "child-a".to_owned(),
                expected: ExpectedVersion::Exactly(1),
                events: vec![],
            },
            StreamAppend {
                stream_id: "pep-x".to_owned(),
                expected: ExpectedVersion::Any,
                events: events(1),
            },
        ],
        idempotency: None,
    };
    assert!(matches!(
        store.append(check_only).await,
        Err(AppendError::Conflict { actual: 2, .. })
    ));
}

async fn requests_no_back_end_can_store_are_invalid(test: TestStore) {
    let store = &test.store;
    let empty = AppendRequest {
        streams: vec![],
        idempotency: None,
    };
    assert!(matches!(
        store.append(empty).await,
        Err(AppendError::Invalid(_))
    ));
    let no_events = single("child-a", ExpectedVersion::Any, 0);
    assert!(matches!(
        store.append(no_events).await,
        Err(AppendError::Invalid(_))
    ));
    let nul_stream = single("child-\0", ExpectedVersion::Any, 1);
    assert!(matches!(
        store.append(nul_stream).await,
        Err(AppendError::Invalid(_))
    ));
    let mut bad_la = event(json!({}));
    bad_la.la = "E09".to_owned();
    let bad_la = AppendRequest::single("child-a", ExpectedVersion::Any, vec![bad_la], None);
    assert!(matches!(
        store.append(bad_la).await,
        Err(AppendError::Invalid(_))
    ));
    assert_eq!(store.head_position().await.unwrap(), 0);
}

async fn a_reused_event_id_is_invalid_and_harms_nothing_else(test: TestStore) {
    let store = &test.store;
    let first = event(json!({}));
    store
        .append(AppendRequest::single(
            "child-a",
            ExpectedVersion::Any,
            vec![first.clone()],
            None,
        ))
        .await
        .unwrap();
    // Send the bad request together with good ones so that they share a batch.
    let bad = store.append(AppendRequest::single(
        "child-b",
        ExpectedVersion::Any,
        vec![first],
        None,
    ));
    let good = store.append(single("child-c", ExpectedVersion::Any, 1));
    let also_good = store.append(single("child-d", ExpectedVersion::Any, 1));
    let (bad, good, also_good) = tokio::join!(bad, good, also_good);
    assert!(
        matches!(bad, Err(AppendError::Invalid(ref message)) if message.contains("refused")),
        "{bad:?}"
    );
    good.unwrap();
    also_good.unwrap();
    assert_eq!(store.head_position().await.unwrap(), 3);
    assert!(store.verify_chain().await.unwrap().is_intact());
}
