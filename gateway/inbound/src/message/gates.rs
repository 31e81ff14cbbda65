//! The gates a message passes before it is applied, in order, and the first that fails names
//! the rejection: it must be JSON; it must satisfy the feed's published JSON Schema
//! (`docs/schemas/`), which is the validator itself rather than a description of one; its dates
//! must exist; and every SSDA903 code must be in the code list of its collection year. The LA in
//! the body must be the LA of the subject (NATS) or of the token (HTTP).

use super::body::{InboundMessage, MessageBody, MessageKey};
use crate::rejection::{RejectionKind, RejectionReason};
use crate::schema::{Feed, feed_validator};
use chrono::NaiveDate;
use domain::child::{ChildDetails, EpisodeError, Sex, Ssda903Episode};
use domain::ssda903::CodeLists;
use domain::values::LaCode;
use serde::Deserialize;
use serde_json::Value;

#[cfg(test)]
mod tests;

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
