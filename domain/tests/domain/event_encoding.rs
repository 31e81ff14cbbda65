//! Every event type survives the trip to the store's (type, version, payload) form and back,
//! and its type string is stable. A variant added without an example in `examples` fails the
//! coverage check, so nothing reaches the store untested.

mod examples;

use domain::child::ChildEvent;
use domain::event::DomainEvent;
use domain::funding::FundingEvent;
use domain::pep::PepEvent;
use examples::{child_examples, funding_examples, pep_examples};
use std::collections::BTreeSet;

fn check_round_trip<E: DomainEvent + PartialEq>(examples: Vec<E>) {
    let mut seen = BTreeSet::new();
    for event in examples {
        let encoded = event.encode();
        assert_eq!(encoded.event_type, event.event_type());
        assert_eq!(encoded.schema_version, 1);
        assert!(
            encoded.payload.is_object(),
            "{} payload is an object",
            encoded.event_type
        );
        assert!(
            encoded.payload.get("event_type").is_none(),
            "the type tag is not repeated inside the payload"
        );
        // Through text, as the store keeps it.
        let text = serde_json::to_string(&encoded.payload).unwrap();
        let payload: serde_json::Value = serde_json::from_str(&text).unwrap();
        let decoded = E::decode(&encoded.event_type, encoded.schema_version, &payload).unwrap();
        assert_eq!(decoded, event);
        seen.insert(encoded.event_type);
    }
    let declared: BTreeSet<String> = E::EVENT_TYPES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    assert_eq!(
        seen,
        declared,
        "every {} event type has an example",
        E::CATEGORY
    );
    assert_eq!(
        declared.len(),
        E::EVENT_TYPES.len(),
        "type strings are unique"
    );
}

#[test]
fn child_events_round_trip() {
    check_round_trip(child_examples());
}

#[test]
fn pep_events_round_trip() {
    check_round_trip(pep_examples());
}

#[test]
fn funding_events_round_trip() {
    check_round_trip(funding_examples());
}

#[test]
fn type_strings_are_unique_across_aggregates() {
    let mut all: Vec<&str> = Vec::new();
    all.extend(ChildEvent::EVENT_TYPES);
    all.extend(PepEvent::EVENT_TYPES);
    all.extend(FundingEvent::EVENT_TYPES);
    let unique: BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len());
}

#[test]
fn the_stored_shape_of_sharing_events_is_stable() {
    let examples = child_examples();
    let shared = examples[examples.len() - 2].encode();
    assert_eq!(shared.event_type, "ChildRecordShared");
    assert_eq!(
        shared.payload,
        serde_json::json!({
            "with_la": "830",
            "reason": "placed out of area in Derbyshire",
            "shared_on": "2018-01-09"
        })
    );
    let ended = examples[examples.len() - 1].encode();
    assert_eq!(ended.event_type, "ChildRecordSharingEnded");
    assert_eq!(
        ended.payload,
        serde_json::json!({"with_la": "830", "ended_on": "2018-07-20"})
    );
}

#[test]
fn an_allocation_stores_its_instalments_and_the_policy_it_was_decided_under() {
    let encoded = funding_examples()[3].encode();
    assert_eq!(encoded.event_type, "PupilPremiumPlusAllocated");
    assert_eq!(
        encoded.payload,
        serde_json::json!({
            "request_id": "00000000-0000-0000-0000-000000000003",
            "amount": 60050,
            "allocated_on": "2024-10-02",
            "instalments": [
                {"number": 1, "term": "autumn", "year": 2024, "due_on": "2024-10-02", "amount": 30025},
                {"number": 2, "term": "spring", "year": 2025, "due_on": "2025-01-01", "amount": 30025}
            ],
            "policy_name": "Statutory defaults"
        })
    );
}

#[test]
fn the_stored_shape_of_an_event_is_stable() {
    // What outside readers of the log (auditors, NATS consumers) see. Changing this breaks them.
    let encoded = funding_examples()[2].encode();
    assert_eq!(encoded.event_type, "PupilPremiumPlusAllocated");
    assert_eq!(
        encoded.payload,
        serde_json::json!({
            "request_id": "00000000-0000-0000-0000-000000000003",
            "amount": 60050,
            "allocated_on": "2024-10-02"
        })
    );
}

#[test]
fn decoding_refuses_unknown_types_future_versions_and_bad_payloads() {
    use domain::event::DecodeError;
    let payload = serde_json::json!({});
    assert!(matches!(
        PepEvent::decode("PepTeleported", 1, &payload),
        Err(DecodeError::UnknownType { .. })
    ));
    assert!(matches!(
        PepEvent::decode("PepSubmitted", 2, &payload),
        Err(DecodeError::FutureVersion {
            found: 2,
            supported: 1,
            ..
        })
    ));
    assert!(matches!(
        PepEvent::decode("PepSubmitted", 1, &payload),
        Err(DecodeError::BadPayload { .. })
    ));
}
