//! The two inbound message bodies (contracts.md §1) and the checks that decide whether a message
//! is malformed (refused, dead-lettered) or well formed (applied, perhaps flagged).
//!
//! A message passes four gates, in order, and the first that fails names the rejection:
//! it must be JSON; it must satisfy the feed's published JSON Schema (`docs/schemas/`), which is
//! the validator itself rather than a description of one; its dates must exist; and every
//! SSDA903 code must be in the code list of its collection year. The LA in the body must be the
//! LA of the subject (NATS) or of the token (HTTP).

use super::rejection::{RejectionKind, RejectionReason};
use super::schema::{Feed, feed_validator};
use chrono::NaiveDate;
use domain::child::{ChildDetails, EpisodeError, Sex, Ssda903Episode};
use domain::ssda903::CodeLists;
use domain::values::LaCode;
use serde::Deserialize;
use serde_json::Value;

/// The fields every inbound message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKey {
    /// The sending system.
    pub source_system: String,
    /// Unique per source system.
    pub message_id: String,
}

/// A well-formed inbound message, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// Its exactly-once key.
    pub key: MessageKey,
    /// The child's LA.
    pub la: LaCode,
    /// The child's id in the LA's social care system.
    pub la_child_id: String,
    /// What it says.
    pub body: MessageBody,
}

/// What an inbound message says about the child.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageBody {
    /// An SSDA903 header row: who the child is.
    Child(ChildDetails),
    /// An SSDA903 episode row.
    Placement(Ssda903Episode),
}

impl InboundMessage {
    /// The feed this message belongs to.
    pub fn feed(&self) -> Feed {
        match self.body {
            MessageBody::Child(_) => Feed::Child,
            MessageBody::Placement(_) => Feed::Placement,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ChildWire {
    message_id: String,
    source_system: String,
    la: String,
    la_child_id: String,
    sex: Value,
    dob: String,
    #[serde(default)]
    upn: Option<String>,
    #[serde(default)]
    given_name: Option<String>,
    #[serde(default)]
    family_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PlacementWire {
    message_id: String,
    source_system: String,
    la: String,
    la_child_id: String,
    start_date: String,
    reason_new_episode: String,
    legal_status: String,
    placement_type: String,
    placement_provider: String,
    #[serde(default)]
    reason_place_change: Option<String>,
    #[serde(default)]
    end_date: Option<String>,
    #[serde(default)]
    reason_ceased: Option<String>,
    #[serde(default)]
    placement_postcode: Option<String>,
    #[serde(default)]
    setting_urn: Option<String>,
}

/// The `message_id` and `source_system` of a body, when it has them, even if it is otherwise
/// malformed: they name the message in the rejections list.
pub fn key_of(value: &Value) -> Option<MessageKey> {
    let text = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    Some(MessageKey {
        source_system: text("source_system")?,
        message_id: text("message_id")?,
    })
}

/// Parses and checks one message of `feed` that arrived for `expected_la`.
pub fn parse_message(
    feed: Feed,
    bytes: &[u8],
    expected_la: &str,
    code_lists: &CodeLists,
) -> Result<InboundMessage, RejectionReason> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        RejectionReason::single(
            RejectionKind::NotJson,
            "",
            format!("the body is not JSON: {error}"),
        )
    })?;
    check_schema(feed, &value)?;
    let message = match feed {
        Feed::Child => parse_child(value)?,
        Feed::Placement => parse_placement(value, code_lists)?,
    };
    if message.la.as_str() != expected_la {
        return Err(RejectionReason::single(
            RejectionKind::LaMismatch,
            "/la",
            format!(
                "the message is about LA {} but arrived for LA {expected_la}",
                message.la.as_str()
            ),
        ));
    }
    Ok(message)
}

fn check_schema(feed: Feed, value: &Value) -> Result<(), RejectionReason> {
    let validator = feed_validator(feed);
    let mut problems: Vec<(RejectionKind, String, String)> = Vec::new();
    for error in validator.iter_errors(value) {
        let path = error.instance_path().as_str().to_owned();
        match error.kind() {
            // Named at the field itself, one problem each, so the sender sees exactly which.
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    problems.push((
                        RejectionKind::UnknownField,
                        format!("{path}/{name}"),
                        format!("{name} is not a field of this feed"),
                    ));
                }
            }
            jsonschema::error::ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned);
                problems.push((
                    RejectionKind::MissingField,
                    format!("{path}/{name}"),
                    format!("{name} is required"),
                ));
            }
            jsonschema::error::ValidationErrorKind::Format { format } if format == "date" => {
                problems.push((RejectionKind::InvalidDate, path, error.to_string()));
            }
            _ => problems.push((RejectionKind::InvalidValue, path, error.to_string())),
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    // The most telling problem names the rejection; every problem is listed.
    problems.sort_by_key(|(kind, path, _)| (kind.precedence(), path.clone()));
    Err(RejectionReason::many(problems))
}

fn date(path: &str, text: &str) -> Result<NaiveDate, RejectionReason> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        RejectionReason::single(
            RejectionKind::InvalidDate,
            path,
            format!("{text:?} is not a date that exists (YYYY-MM-DD)"),
        )
    })
}

fn la(text: &str) -> Result<LaCode, RejectionReason> {
    LaCode::parse(text).map_err(|error| {
        RejectionReason::single(RejectionKind::InvalidValue, "/la", error.to_string())
    })
}

fn from_wire<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, RejectionReason> {
    // The schema has already refused anything serde would; this is a second line of defence.
    serde_path_to_error::deserialize(value).map_err(|error| {
        RejectionReason::single(
            RejectionKind::InvalidValue,
            &format!("/{}", error.path()).replace('.', "/"),
            error.inner().to_string(),
        )
    })
}

fn sex(value: &Value) -> Sex {
    match value {
        Value::Number(number) if number.as_u64() == Some(1) => Sex::Male,
        Value::Number(number) if number.as_u64() == Some(2) => Sex::Female,
        Value::String(text) => match text.to_ascii_uppercase().as_str() {
            "1" | "M" => Sex::Male,
            "2" | "F" => Sex::Female,
            _ => Sex::Unknown,
        },
        _ => Sex::Unknown,
    }
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

fn parse_child(value: Value) -> Result<InboundMessage, RejectionReason> {
    let wire: ChildWire = from_wire(value)?;
    Ok(InboundMessage {
        key: MessageKey {
            source_system: wire.source_system.trim().to_owned(),
            message_id: wire.message_id.trim().to_owned(),
        },
        la: la(&wire.la)?,
        la_child_id: wire.la_child_id.trim().to_owned(),
        body: MessageBody::Child(ChildDetails {
            date_of_birth: date("/dob", &wire.dob)?,
            sex: sex(&wire.sex),
            // Kept exactly as reported (upper-cased, as UPNs are written): a failing check
            // letter is the record's data-quality flag, not a reason to refuse.
            upn: trimmed(wire.upn).map(|upn| upn.to_ascii_uppercase()),
            given_name: trimmed(wire.given_name),
            family_name: trimmed(wire.family_name),
        }),
    })
}

fn parse_placement(
    value: Value,
    code_lists: &CodeLists,
) -> Result<InboundMessage, RejectionReason> {
    let wire: PlacementWire = from_wire(value)?;
    let episode = Ssda903Episode {
        start_date: date("/start_date", &wire.start_date)?,
        reason_new_episode: wire.reason_new_episode,
        legal_status: wire.legal_status,
        placement_type: wire.placement_type,
        placement_provider: wire.placement_provider,
        reason_place_change: trimmed(wire.reason_place_change),
        end_date: wire
            .end_date
            .as_deref()
            .map(|text| date("/end_date", text))
            .transpose()?,
        reason_ceased: trimmed(wire.reason_ceased),
        placement_postcode: trimmed(wire.placement_postcode),
        setting_urn: trimmed(wire.setting_urn),
    };
    episode.check(code_lists).map_err(episode_rejection)?;
    Ok(InboundMessage {
        key: MessageKey {
            source_system: wire.source_system.trim().to_owned(),
            message_id: wire.message_id.trim().to_owned(),
        },
        la: la(&wire.la)?,
        la_child_id: wire.la_child_id.trim().to_owned(),
        body: MessageBody::Placement(episode),
    })
}

fn episode_rejection(error: EpisodeError) -> RejectionReason {
    match &error {
        EpisodeError::EndsBeforeStart { .. } => RejectionReason::single(
            RejectionKind::EndBeforeStart,
            "/end_date",
            error.to_string(),
        ),
        EpisodeError::EndWithoutReason => RejectionReason::single(
            RejectionKind::EndWithoutReason,
            "/reason_ceased",
            error.to_string(),
        ),
        EpisodeError::Code { field, .. } => RejectionReason::single(
            RejectionKind::UnknownCode,
            &format!("/{field}"),
            error.to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
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
}
