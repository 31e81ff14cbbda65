//! Unit tests of the batch planner: ordering, versions, conflicts, idempotency, hashing.

use super::*;
use crate::store::append::StreamAppend;
use crate::store::hash_chain::ChainVerifier;
use chrono::{Duration, TimeZone};
use domain::Role;
use domain::envelope::{EventMetadata, NewEvent};
use serde_json::json;

fn metadata() -> EventMetadata {
    EventMetadata {
        la: "831".to_owned(),
        occurred_at: Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap(),
        actor: Actor::new("sw-1", Role::SocialWorker),
        correlation_id: Uuid::from_u128(1),
        causation_id: Uuid::from_u128(2),
        source: "test".to_owned(),
    }
}

fn event(id: u128) -> NewEvent {
    NewEvent::new(
        Uuid::from_u128(id),
        "Noted",
        1,
        json!({ "n": id }),
        &metadata(),
    )
}

fn request(stream: &str, expected: ExpectedVersion, ids: &[u128]) -> PreparedRequest {
    prepared(AppendRequest::single(
        stream,
        expected,
        ids.iter().map(|id| event(*id)).collect(),
        None,
    ))
}

fn keyed(mut request: PreparedRequest, key: &str, fingerprint: &str) -> PreparedRequest {
    request.idempotency = Some(IdempotencyKey {
        key: key.to_owned(),
        request_fingerprint: fingerprint.to_owned(),
    });
    request
}

fn prepared(request: AppendRequest) -> PreparedRequest {
    PreparedRequest::prepare(request).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 2, 9, 0, 0).unwrap()
}

fn plan(head: &ChainHead, state: &BatchState, requests: &[PreparedRequest]) -> BatchPlan {
    let borrowed: Vec<&PreparedRequest> = requests.iter().collect();
    plan_batch(head, state, &borrowed, now())
}

#[test]
fn two_requests_on_one_stream_in_one_batch_get_consecutive_versions() {
    let requests = [
        request("child-a", ExpectedVersion::NoStream, &[1, 2]),
        request("child-a", ExpectedVersion::Exactly(2), &[3]),
        request("child-b", ExpectedVersion::Any, &[4]),
    ];
    let plan = plan(&ChainHead::EMPTY, &BatchState::default(), &requests);
    let positions: Vec<(u64, &str, u64)> = plan
        .events
        .iter()
        .map(|e| (e.global_position, e.stream_id.as_str(), e.stream_version))
        .collect();
    assert_eq!(
        positions,
        vec![
            (1, "child-a", 1),
            (2, "child-a", 2),
            (3, "child-a", 3),
            (4, "child-b", 1)
        ]
    );
    assert_eq!(plan.answers[1].as_ref().unwrap().first_position, 3);
    assert_eq!(
        plan.answers[2].as_ref().unwrap().streams,
        vec![("child-b".to_owned(), 1)]
    );
}

#[test]
fn a_conflict_is_answered_without_affecting_the_others() {
    let state = BatchState {
        stream_versions: HashMap::from([("child-a".to_owned(), 5)]),
        ..BatchState::default()
    };
    let requests = [
        request("child-a", ExpectedVersion::Exactly(4), &[1]),
        request("child-a", ExpectedVersion::Exactly(5), &[2]),
    ];
    let plan = plan(&ChainHead::EMPTY, &state, &requests);
    assert_eq!(
        plan.answers[0],
        Err(AppendError::Conflict {
            stream_id: "child-a".to_owned(),
            expected: ExpectedVersion::Exactly(4),
            actual: 5
        })
    );
    assert_eq!(plan.answers[1].as_ref().unwrap().streams[0].1, 6);
    assert_eq!(plan.events.len(), 1);
}

#[test]
fn a_multi_stream_conflict_writes_nothing_on_either_stream() {
    let state = BatchState {
        stream_versions: HashMap::from([("pep-x".to_owned(), 1)]),
        ..BatchState::default()
    };
    let request = prepared(AppendRequest {
        streams: vec![
            StreamAppend {
                stream_id: "child-a".to_owned(),
                expected: ExpectedVersion::Any,
                events: vec![event(1)],
            },
            StreamAppend {
                stream_id: "pep-x".to_owned(),
                expected: ExpectedVersion::NoStream,
                events: vec![event(2)],
            },
        ],
        idempotency: None,
    });
    let plan = plan(&ChainHead::EMPTY, &state, &[request]);
    assert!(plan.events.is_empty());
    assert!(matches!(
        plan.answers[0],
        Err(AppendError::Conflict { actual: 1, .. })
    ));
}

#[test]
fn a_key_seen_earlier_in_the_batch_or_stored_answers_the_original_outcome() {
    let stored_outcome = AppendOutcome {
        streams: vec![("child-z".to_owned(), 1)],
        first_position: 1,
        last_position: 1,
        duplicate: true,
    };
    let state = BatchState {
        stored_keys: HashMap::from([(
            "old".to_owned(),
            IdempotencyRecord {
                request_fingerprint: "f-old".to_owned(),
                outcome: stored_outcome.clone(),
            },
        )]),
        ..BatchState::default()
    };
    let head = ChainHead {
        position: 1,
        hash: EventHash([7; 32]),
        recorded_at: None,
    };
    let requests = [
        keyed(request("child-a", ExpectedVersion::Any, &[1]), "new", "f1"),
        keyed(request("child-a", ExpectedVersion::Any, &[2]), "new", "f1"),
        keyed(request("child-a", ExpectedVersion::Any, &[3]), "new", "f2"),
        keyed(
            request("child-a", ExpectedVersion::Any, &[4]),
            "old",
            "f-old",
        ),
        keyed(
            request("child-a", ExpectedVersion::Any, &[5]),
            "old",
            "other",
        ),
    ];
    let plan = plan(&head, &state, &requests);
    let first = plan.answers[0].clone().unwrap();
    assert!(!first.duplicate);
    assert_eq!(
        plan.answers[1],
        Ok(AppendOutcome {
            duplicate: true,
            ..first
        })
    );
    assert_eq!(
        plan.answers[2],
        Err(AppendError::IdempotencyKeyReused {
            key: "new".to_owned()
        })
    );
    assert_eq!(plan.answers[3], Ok(stored_outcome));
    assert!(matches!(
        plan.answers[4],
        Err(AppendError::IdempotencyKeyReused { .. })
    ));
    assert_eq!(plan.events.len(), 1);
    assert_eq!(plan.idempotency.len(), 1);
    assert_eq!(plan.events[0].prev_hash, EventHash([7; 32]));
}

#[test]
fn recorded_at_never_goes_back_along_positions() {
    let later = now() + Duration::hours(1);
    let head = ChainHead {
        position: 0,
        hash: EventHash::GENESIS,
        recorded_at: Some(later),
    };
    let plan = plan(
        &head,
        &BatchState::default(),
        &[request("child-a", ExpectedVersion::Any, &[1])],
    );
    assert_eq!(plan.events[0].recorded_at, later);
}

#[test]
fn planned_events_form_a_chain_the_verifier_accepts() {
    let requests = [
        request("child-a", ExpectedVersion::Any, &[1, 2]),
        request("child-b", ExpectedVersion::Any, &[3]),
    ];
    let plan = plan(&ChainHead::EMPTY, &BatchState::default(), &requests);
    let mut verifier = ChainVerifier::new();
    for event in &plan.events {
        verifier.check(event);
    }
    let report = verifier.finish();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.verified_up_to, 3);
}

#[test]
fn prepare_refuses_what_no_back_end_could_store() {
    let bad = |request: AppendRequest| PreparedRequest::prepare(request).unwrap_err();
    let mut nul = event(1);
    nul.source = "a\0b".to_owned();
    assert!(matches!(
        bad(AppendRequest::single("s", ExpectedVersion::Any, vec![nul], None)),
        AppendError::Invalid(message) if message.contains("NUL")
    ));
    let mut bad_la = event(1);
    bad_la.la = "83".to_owned();
    assert!(matches!(
        bad(AppendRequest::single(
            "s",
            ExpectedVersion::Any,
            vec![bad_la],
            None
        )),
        AppendError::Invalid(_)
    ));
    assert!(matches!(
        bad(AppendRequest::single(
            "s",
            ExpectedVersion::Any,
            vec![],
            None
        )),
        AppendError::Invalid(_)
    ));
    assert!(matches!(
        bad(AppendRequest::single(
            "s",
            ExpectedVersion::Any,
            vec![event(1), event(1)],
            None
        )),
        AppendError::Invalid(_)
    ));
    // A NUL inside the payload is fine: canonical JSON escapes it.
    let mut payload_nul = event(1);
    payload_nul.payload = json!({ "note": "a\u{0}b" });
    assert!(
        PreparedRequest::prepare(AppendRequest::single(
            "s",
            ExpectedVersion::Any,
            vec![payload_nul],
            None
        ))
        .is_ok()
    );
}
