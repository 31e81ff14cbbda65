//! The NATS subject an event is published on, parsed from the event so that a bad one is refused
//! before anything is sent.
//!
//! Subjects are `pep.v1.events.<la>.<category>.<event_type>` (architecture brief §4), where the
//! category is the part of the stream id before its first `-` (`child`, `pep`, `ppp`). Consumers
//! filter on these tokens, so a token that contained a `.` or a wildcard would silently route an
//! event to the wrong consumers; the relay stops rather than publish or skip such an event.

use commands::store::RecordedEvent;
use std::fmt;
use thiserror::Error;

/// The prefix every event subject starts with; the stream `PEP_EVENTS` captures `<prefix>.>`.
pub const EVENT_SUBJECT_PREFIX: &str = "pep.v1.events";

/// A subject built from valid tokens only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSubject(String);

/// Why an event cannot be given a subject.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "the event {event_id} at position {global_position} cannot be published: its {part} {value:?} \
     is not a valid NATS subject token ({reason})"
)]
pub struct InvalidSubjectToken {
    /// The event's id.
    pub event_id: uuid::Uuid,
    /// The event's global position.
    pub global_position: u64,
    /// Which part of the subject was bad: `LA code`, `stream category` or `event type`.
    pub part: &'static str,
    /// The offending text.
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl EventSubject {
    /// The subject for `event`, or why it has none.
    pub fn for_event(event: &RecordedEvent) -> Result<Self, InvalidSubjectToken> {
        let category = stream_category(&event.stream_id);
        let invalid = |part: &'static str, value: &str, reason: &'static str| InvalidSubjectToken {
            event_id: event.event_id,
            global_position: event.global_position,
            part,
            value: value.to_owned(),
            reason,
        };
        for (part, value) in [
            ("LA code", event.la.as_str()),
            ("stream category", category),
            ("event type", event.event_type.as_str()),
        ] {
            if let Some(reason) = token_problem(value) {
                return Err(invalid(part, value, reason));
            }
        }
        Ok(Self(format!(
            "{EVENT_SUBJECT_PREFIX}.{}.{category}.{}",
            event.la, event.event_type
        )))
    }

    /// The subject text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The subject text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EventSubject {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// The category of a stream: `child-<uuid>` is `child`, `ppp-831-2024-25` is `ppp`. A stream id
/// without a `-` is its own category.
pub fn stream_category(stream_id: &str) -> &str {
    stream_id
        .split_once('-')
        .map_or(stream_id, |(category, _)| category)
}

/// Why `token` cannot be one token of a NATS subject, if it cannot.
fn token_problem(token: &str) -> Option<&'static str> {
    if token.is_empty() {
        return Some("it is empty");
    }
    if token.contains('.') {
        return Some("it contains '.', the token separator");
    }
    if token.contains('*') || token.contains('>') {
        return Some("it contains a wildcard ('*' or '>')");
    }
    if token.chars().any(|character| character.is_whitespace()) {
        return Some("it contains whitespace");
    }
    if token.chars().any(|character| character.is_control()) {
        return Some("it contains a control character");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use commands::store::EventHash;
    use domain::{Actor, Role};
    use uuid::Uuid;

    fn event(stream_id: &str, la: &str, event_type: &str) -> RecordedEvent {
        let instant = Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap();
        RecordedEvent {
            event_id: Uuid::nil(),
            stream_id: stream_id.to_owned(),
            stream_version: 1,
            global_position: 7,
            event_type: event_type.to_owned(),
            schema_version: 1,
            la: la.to_owned(),
            occurred_at: instant,
            recorded_at: instant,
            actor: Actor::new("sw-1", Role::SocialWorker),
            correlation_id: Uuid::nil(),
            causation_id: Uuid::nil(),
            source: "test".to_owned(),
            payload: serde_json::json!({}),
            prev_hash: EventHash::GENESIS,
            hash: EventHash::GENESIS,
        }
    }

    #[test]
    fn the_category_is_the_stream_id_up_to_its_first_dash() {
        assert_eq!(stream_category("child-0190-abcd"), "child");
        assert_eq!(stream_category("ppp-831-2024-25"), "ppp");
        assert_eq!(stream_category("pep-x"), "pep");
        assert_eq!(stream_category("orphan"), "orphan");
    }

    #[test]
    fn a_subject_names_the_la_the_category_and_the_event_type() {
        let subject =
            EventSubject::for_event(&event("ppp-831-2024-25", "831", "BudgetAllocated")).unwrap();
        assert_eq!(subject.as_str(), "pep.v1.events.831.ppp.BudgetAllocated");
    }

    #[test]
    fn tokens_that_would_change_routing_are_refused() {
        for (stream_id, la, event_type, part) in [
            ("child-1", "831", "Placement.Changed", "event type"),
            ("child-1", "831", "Placement*", "event type"),
            ("child-1", "831", "Placement>", "event type"),
            ("child-1", "831", "Placement Changed", "event type"),
            ("child-1", "831", "Placement\tChanged", "event type"),
            ("child-1", "8.1", "PlacementChanged", "LA code"),
            ("child-1", "", "PlacementChanged", "LA code"),
            ("ch ild-1", "831", "PlacementChanged", "stream category"),
            ("-1", "831", "PlacementChanged", "stream category"),
            ("a.b-1", "831", "PlacementChanged", "stream category"),
        ] {
            let error = EventSubject::for_event(&event(stream_id, la, event_type)).unwrap_err();
            assert_eq!(error.part, part, "{stream_id} {la} {event_type}");
            assert_eq!(error.global_position, 7);
        }
    }
}
