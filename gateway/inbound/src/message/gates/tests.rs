//! The gates' tests: each gate names its own kind of rejection, and the contract's own
//! examples pass every gate.

use super::*;
use serde_json::json;

fn placement() -> Value {
    json!({"message_id": "lcs-000124", "source_system": "liquidlogic-lcs", "la": "831",
           "la_child_id": "566910", "start_date": "2017-08-14", "reason_new_episode": "T",
           "legal_status": "C2", "placement_type": "A3", "placement_provider": "PR3",
           "reason_place_change": null, "end_date": null, "reason_ceased": null,
           "placement_postcode": "WV27 9FW", "setting_urn": "8969628"})
}

fn parse(feed: Feed, body: &Value) -> Result<InboundMessage, RejectionReason> {
    parse_message(
        feed,
        body.to_string().as_bytes(),
        "831",
        CodeLists::embedded(),
    )
}

fn kind_of(feed: Feed, body: &Value) -> Result<InboundMessage, RejectionKind> {
    parse(feed, body).map_err(|reason| reason.kind)
}

#[test]
fn unknown_and_missing_fields_are_named_at_their_own_path() {
    let mut body = placement();
    body["colour"] = json!("blue");
    body.as_object_mut().unwrap().remove("legal_status");
    let reason = parse(Feed::Placement, &body).unwrap_err();
    assert_eq!(reason.kind, RejectionKind::UnknownField);
    let paths: Vec<&str> = reason.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["/colour", "/legal_status"]);
}

#[test]
fn the_contract_examples_are_well_formed() {
    let child = json!({"message_id": "lcs-000123", "source_system": "liquidlogic-lcs",
        "la": "831", "la_child_id": "566910", "sex": "F", "dob": "2008-03-27",
        "upn": "D051910639385", "given_name": "A", "family_name": "B"});
    let message = kind_of(Feed::Child, &child).unwrap();
    let MessageBody::Child(details) = message.body else {
        panic!("a child message");
    };
    assert_eq!(details.sex, Sex::Female);
    // The example's check letter fails; it is kept as sent, to be flagged.
    assert_eq!(details.upn.as_deref(), Some("D051910639385"));
    let message = kind_of(Feed::Placement, &placement()).unwrap();
    assert_eq!(message.key.message_id, "lcs-000124");
    assert!(
        matches!(message.body, MessageBody::Placement(ref episode) if episode.placement_type == "A3")
    );
}

#[test]
fn each_gate_names_its_kind() {
    let mut unknown = placement();
    unknown["colour"] = json!("blue");
    assert_eq!(
        kind_of(Feed::Placement, &unknown).unwrap_err(),
        RejectionKind::UnknownField
    );
    let mut missing = placement();
    missing.as_object_mut().unwrap().remove("legal_status");
    assert_eq!(
        kind_of(Feed::Placement, &missing).unwrap_err(),
        RejectionKind::MissingField
    );
    let mut impossible = placement();
    impossible["start_date"] = json!("2017-02-30");
    assert_eq!(
        kind_of(Feed::Placement, &impossible).unwrap_err(),
        RejectionKind::InvalidDate
    );
    let mut before = placement();
    before["end_date"] = json!("2017-08-01");
    before["reason_ceased"] = json!("E11");
    assert_eq!(
        kind_of(Feed::Placement, &before).unwrap_err(),
        RejectionKind::EndBeforeStart
    );
    let mut no_reason = placement();
    no_reason["end_date"] = json!("2018-08-01");
    assert_eq!(
        kind_of(Feed::Placement, &no_reason).unwrap_err(),
        RejectionKind::EndWithoutReason
    );
    let mut other_la = placement();
    other_la["la"] = json!("830");
    assert_eq!(
        kind_of(Feed::Placement, &other_la).unwrap_err(),
        RejectionKind::LaMismatch
    );
    let mut wrong_type = placement();
    wrong_type["la_child_id"] = json!(566910);
    assert_eq!(
        kind_of(Feed::Placement, &wrong_type).unwrap_err(),
        RejectionKind::InvalidValue
    );
    assert_eq!(
        parse_message(
            Feed::Child,
            b"{\"message_id\":",
            "831",
            CodeLists::embedded()
        )
        .unwrap_err()
        .kind,
        RejectionKind::NotJson
    );
}

#[test]
fn codes_are_judged_by_the_collection_year_of_their_dates() {
    // Z11 is a placement type from the 2025-26 collection year.
    let mut early = placement();
    early["placement_type"] = json!("Z11");
    assert_eq!(
        kind_of(Feed::Placement, &early).unwrap_err(),
        RejectionKind::UnknownCode
    );
    let mut late = placement();
    late["placement_type"] = json!("Z11");
    late["start_date"] = json!("2025-06-02");
    assert!(kind_of(Feed::Placement, &late).is_ok());
}

#[test]
fn sex_takes_numbers_and_letters() {
    for (given, expected) in [
        (json!(1), Sex::Male),
        (json!("2"), Sex::Female),
        (json!("m"), Sex::Male),
        (json!("U"), Sex::Unknown),
    ] {
        assert_eq!(sex(&given), expected, "{given}");
    }
}
