//! What every domain event has in common: a stable type string, a schema version and a JSON
//! payload, so the store can keep events without knowing their Rust types.
//!
//! Each aggregate's event enum is serialised adjacently tagged
//! (`{"event_type": "...", "payload": {...}}`) and every variant carries an explicit
//! `#[serde(rename = "...")]`, so renaming a Rust variant can never change what is stored.
//! Variants are never removed or renamed; a breaking payload change gets a new schema version
//! and an upcaster in the store.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use thiserror::Error;

/// An event as the store keeps it: the type string, its schema version and the payload.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedEvent {
    /// Stable type string such as `PlacementChanged`.
    pub event_type: String,
    /// The payload schema version this encoding was written with.
    pub schema_version: u32,
    /// The payload without the type tag.
    pub payload: Value,
}

/// Why stored bytes could not be turned back into a domain event.
#[derive(Debug, Error, PartialEq)]
pub enum DecodeError {
    /// The event type is not one this aggregate knows.
    #[error("unknown event type {event_type:?} for {category} events")]
    UnknownType {
        /// The category that was asked to decode it.
        category: &'static str,
        /// The stored type string.
        event_type: String,
    },
    /// The payload is not what the current schema version expects (an upcaster is missing).
    #[error("payload of {event_type} does not match schema version {schema_version}: {reason}")]
    BadPayload {
        /// The stored type string.
        event_type: String,
        /// The stored schema version.
        schema_version: u32,
        /// What serde reported.
        reason: String,
    },
    /// The stored schema version is newer than this code understands.
    #[error("{event_type} has schema version {found}; this build understands up to {supported}")]
    FutureVersion {
        /// The stored type string.
        event_type: String,
        /// The stored schema version.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
}

/// Implemented by each aggregate's event enum.
pub trait DomainEvent: Serialize + DeserializeOwned + Clone + std::fmt::Debug {
    /// The category used in stream ids and NATS subjects (`child`, `pep`, `funding`).
    const CATEGORY: &'static str;

    /// Every type string this enum can produce, used to check uniqueness and coverage.
    const EVENT_TYPES: &'static [&'static str];

    /// The stable type string of this event.
    fn event_type(&self) -> &'static str;

    /// The day this happened in the world, when the event says (a placement's start date, a
    /// meeting's date). The envelope's `occurred_at` comes from it; `None` means "when it was
    /// recorded".
    fn occurred_on(&self) -> Option<chrono::NaiveDate> {
        None
    }

    /// The current schema version of the payload for `event_type`. Every type starts at 1.
    fn schema_version(_event_type: &str) -> u32 {
        1
    }

    /// Splits the event into its type string and payload.
    fn encode(&self) -> EncodedEvent {
        let event_type = self.event_type();
        // Serialising plain data structs to a `Value` cannot fail: they hold no maps with
        // non-string keys and no types whose `Serialize` can error.
        let payload = match serde_json::to_value(self) {
            Ok(Value::Object(mut tagged)) => tagged.remove("payload").unwrap_or(Value::Null),
            _ => Value::Null,
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema_version: Self::schema_version(event_type),
            payload,
        }
    }

    /// Rebuilds an event from its stored parts (after any upcasting to the current version).
    fn decode(event_type: &str, schema_version: u32, payload: &Value) -> Result<Self, DecodeError> {
        if !Self::EVENT_TYPES.contains(&event_type) {
            return Err(DecodeError::UnknownType {
                category: Self::CATEGORY,
                event_type: event_type.to_owned(),
            });
        }
        let supported = Self::schema_version(event_type);
        if schema_version > supported {
            return Err(DecodeError::FutureVersion {
                event_type: event_type.to_owned(),
                found: schema_version,
                supported,
            });
        }
        let mut tagged = Map::new();
        tagged.insert(
            "event_type".to_owned(),
            Value::String(event_type.to_owned()),
        );
        tagged.insert("payload".to_owned(), payload.clone());
        serde_json::from_value(Value::Object(tagged)).map_err(|error| DecodeError::BadPayload {
            event_type: event_type.to_owned(),
            schema_version,
            reason: error.to_string(),
        })
    }
}

/// A decider: the pure heart of one aggregate (the decider pattern of the `esrs` crate).
///
/// `decide` answers a command with the events it causes or a business-rule error; `evolve`
/// folds one event into the state. Both are total and deterministic.
pub trait Decider {
    /// The state folded from the stream's events; `Default` is the state of an empty stream.
    type State: Default + Clone + std::fmt::Debug;
    /// What a user or process asks for.
    type Command: Clone + std::fmt::Debug;
    /// What happened.
    type Event: DomainEvent;
    /// Why a command was refused.
    type Error: std::error::Error + PartialEq + Clone;

    /// Decides what a command causes, given the current state.
    fn decide(state: &Self::State, command: Self::Command)
    -> Result<Vec<Self::Event>, Self::Error>;

    /// Folds one event into the state.
    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// Folds a whole history.
    fn replay<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self::State
    where
        Self::Event: 'a,
    {
        events
            .into_iter()
            .fold(Self::State::default(), Self::evolve)
    }
}
