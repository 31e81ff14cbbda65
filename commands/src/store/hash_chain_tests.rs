//! Unit tests of the canonical encoding, the link hash and the chain verifier.

use super::*;
use chrono::TimeZone;
use domain::{Actor, Role};
use serde_json::json;

fn stored(position: u64, prev_hash: EventHash, payload: &Value) -> StoredEvent {
    let mut event = StoredEvent {
        event_id: Uuid::from_u128(u128::from(position)),
        stream_id: "child-1".to_owned(),
        stream_version: position,
        global_position: position,
        event_type: "ChildRegistered".to_owned(),
        schema_version: 1,
        la: "831".to_owned(),
        occurred_at: Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap(),
        recorded_at: Utc.with_ymd_and_hms(2024, 3, 2, 9, 0, 0).unwrap(),
        actor: Actor::new("sw-1", Role::SocialWorker),
        correlation_id: Uuid::from_u128(100),
        causation_id: Uuid::from_u128(200),
        source: "http".to_owned(),
        payload_json: canonical_json(payload),
        prev_hash,
        hash: EventHash::GENESIS,
    };
    event.hash = event.recompute_hash();
    event
}

fn chain(length: u64) -> Vec<StoredEvent> {
    let mut events = Vec::new();
    let mut prev_hash = EventHash::GENESIS;
    for position in 1..=length {
        let event = stored(position, prev_hash, &json!({ "n": position }));
        prev_hash = event.hash;
        events.push(event);
    }
    events
}

fn verify(events: &[StoredEvent]) -> ChainVerification {
    let mut verifier = ChainVerifier::new();
    for event in events {
        verifier.check(event);
    }
    verifier.finish()
}

#[test]
fn canonical_json_sorts_keys_at_every_depth_and_has_no_whitespace() {
    let value = json!({ "b": 1, "a": { "z": [true, null, "x\"y"], "é": 2.5, "A": -3 } });
    assert_eq!(
        canonical_json(&value),
        r#"{"a":{"A":-3,"z":[true,null,"x\"y"],"é":2.5},"b":1}"#
    );
}

#[test]
fn canonical_json_escapes_control_characters_including_nul() {
    assert_eq!(canonical_json(&json!("a\u{0}b\n")), r#""a\u0000b\n""#);
}

#[test]
fn canonical_bytes_follow_the_documented_layout() {
    let event = stored(1, EventHash::GENESIS, &json!({}));
    let bytes = canonical_bytes(&event.canonical_fields());
    // The tag, length-prefixed, then the position as 8 big-endian bytes, then the id.
    assert_eq!(&bytes[0..4], &19u32.to_be_bytes());
    assert_eq!(&bytes[4..23], CANONICAL_FORMAT_TAG.as_bytes());
    assert_eq!(&bytes[23..31], &1u64.to_be_bytes());
    assert_eq!(&bytes[31..47], event.event_id.as_bytes());
    assert!(bytes.ends_with(b"\x00\x00\x00\x02{}"));
}

#[test]
fn a_known_event_hashes_to_a_fixed_value() {
    // Pinning one hash guards the encoding against accidental change: any change to the
    // canonical bytes must come with a new format tag and a note in docs/event-store.md.
    let event = stored(1, EventHash::GENESIS, &json!({ "b": 1, "a": "x" }));
    assert_eq!(event.payload_json, r#"{"a":"x","b":1}"#);
    let expected = link_hash(
        &EventHash::GENESIS,
        &canonical_bytes(&event.canonical_fields()),
    );
    assert_eq!(event.hash, expected);
    assert_eq!(event.hash.to_hex().len(), 64);
    assert_eq!(
        event.hash.to_hex(),
        PINNED_HASH_OF_KNOWN_EVENT,
        "the canonical encoding changed"
    );
}

const PINNED_HASH_OF_KNOWN_EVENT: &str =
    "17d5f7b70a00a62a2a102695d92ffc8db4943ce3a641a6b3518938a1e94188ae";

#[test]
fn an_intact_chain_verifies() {
    let report = verify(&chain(5));
    assert!(report.is_intact());
    assert_eq!(report.events_checked, 5);
    assert_eq!(report.verified_up_to, 5);
}

#[test]
fn an_empty_log_verifies_with_the_genesis_hash() {
    let report = verify(&[]);
    assert!(report.is_intact());
    assert_eq!(report.verified_head_hash, EventHash::GENESIS);
}

#[test]
fn a_changed_field_is_reported_at_that_event() {
    let mut events = chain(5);
    events[2].payload_json = r#"{"n":99}"#.to_owned();
    let report = verify(&events);
    let broken = report.first_break.unwrap();
    assert_eq!(broken.position, 3);
    assert_eq!(broken.event_id, Some(events[2].event_id));
    assert!(matches!(broken.kind, ChainBreakKind::HashMismatch { .. }));
    assert_eq!(report.verified_up_to, 2);
}

#[test]
fn a_rehashed_row_is_reported_at_the_next_event() {
    let mut events = chain(5);
    events[2].la = "999".to_owned();
    events[2].hash = events[2].recompute_hash();
    let broken = verify(&events).first_break.unwrap();
    assert_eq!(broken.position, 4);
    assert!(matches!(
        broken.kind,
        ChainBreakKind::PrevHashMismatch { .. }
    ));
}

#[test]
fn a_deleted_row_is_reported_as_its_missing_position() {
    let mut events = chain(5);
    let after = events.remove(1);
    let broken = verify(&events).first_break.unwrap();
    assert_eq!(broken.position, 2);
    assert_eq!(broken.event_id, None);
    assert_eq!(
        broken.kind,
        ChainBreakKind::MissingPosition {
            next_stored_position: 3,
            next_stored_event_id: events[1].event_id
        }
    );
    assert_ne!(after.event_id, events[1].event_id);
    assert!(broken.to_string().contains("position 2 is missing"));
}
