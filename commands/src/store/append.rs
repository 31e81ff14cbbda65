//! What an append asks for and what it answers: requests, expected versions, outcomes, errors.
//!
//! An [`AppendRequest`] is one command's effect: one or more streams, all or nothing, with an
//! optional idempotency key so that a retried command is answered from the first attempt.

use domain::envelope::NewEvent;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use thiserror::Error;

/// The version a stream must be at for an append to go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExpectedVersion {
    /// Append whatever the stream's version (no concurrency check).
    Any,
    /// The stream must not exist yet (version 0).
    NoStream,
    /// The stream must be at exactly this version (the number of events in it).
    Exactly(u64),
}

impl ExpectedVersion {
    /// Whether a stream at `actual` satisfies this expectation.
    pub fn is_satisfied_by(&self, actual: u64) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual == 0,
            ExpectedVersion::Exactly(expected) => *expected == actual,
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedVersion::Any => formatter.write_str("any version"),
            ExpectedVersion::NoStream => formatter.write_str("no stream"),
            ExpectedVersion::Exactly(version) => write!(formatter, "version {version}"),
        }
    }
}

/// Events for one stream within an [`AppendRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct StreamAppend {
    /// `child-<uuid>`, `pep-<uuid>`, `ppp-<la>-<year>`.
    pub stream_id: String,
    /// The version the caller decided against.
    pub expected: ExpectedVersion,
    /// The events, in order. May be empty: the stream is then only checked, not written, which
    /// lets a command depend on one stream while writing another.
    pub events: Vec<NewEvent>,
}

/// A client-chosen key that makes a command safe to retry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdempotencyKey {
    /// The key (e.g. the `Idempotency-Key` header, or `source_system:message_id`).
    pub key: String,
    /// A digest of the request the key was first used with; a different request under the same
    /// key is refused rather than answered with the first one's outcome.
    pub request_fingerprint: String,
}

/// One command's effect: every stream is appended or none is.
#[derive(Debug, Clone, PartialEq)]
pub struct AppendRequest {
    /// The streams to append to (each at most once).
    pub streams: Vec<StreamAppend>,
    /// Makes a retry return the original outcome and write nothing.
    pub idempotency: Option<IdempotencyKey>,
}

impl AppendRequest {
    /// A request for a single stream.
    pub fn single(
        stream_id: impl Into<String>,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
        idempotency: Option<IdempotencyKey>,
    ) -> Self {
        Self {
            streams: vec![StreamAppend {
                stream_id: stream_id.into(),
                expected,
                events,
            }],
            idempotency,
        }
    }

    /// How many events the request writes.
    pub fn event_count(&self) -> usize {
        self.streams.iter().map(|stream| stream.events.len()).sum()
    }

    /// Refuses what no back end could store, so both back ends answer alike and a bad request
    /// never reaches (or fails) a batch.
    pub(crate) fn check(&self) -> Result<(), AppendError> {
        let invalid = |message: String| Err(AppendError::Invalid(message));
        if self.streams.is_empty() {
            return invalid("an append request names no stream".to_owned());
        }
        if self.event_count() == 0 {
            return invalid("an append request has no event".to_owned());
        }
        let mut stream_ids = HashSet::new();
        let mut event_ids = HashSet::new();
        for stream in &self.streams {
            check_text("stream id", &stream.stream_id, MAX_NAME_BYTES)?;
            if !stream_ids.insert(stream.stream_id.as_str()) {
                return invalid(format!("stream {} appears twice", stream.stream_id));
            }
            for event in &stream.events {
                if !event_ids.insert(event.event_id) {
                    return invalid(format!("event id {} appears twice", event.event_id));
                }
                check_event(event)?;
            }
        }
        if let Some(idempotency) = &self.idempotency {
            check_text("idempotency key", &idempotency.key, MAX_NAME_BYTES)?;
            check_text(
                "request fingerprint",
                &idempotency.request_fingerprint,
                MAX_NAME_BYTES,
            )?;
        }
        Ok(())
    }
}

/// Bound on ids, names and keys; generous, but keeps rows and index entries small.
const MAX_NAME_BYTES: usize = 512;
/// Bound on one payload's canonical JSON; keeps the hash's 32-bit length prefix far away.
pub(crate) const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;

fn check_event(event: &NewEvent) -> Result<(), AppendError> {
    check_text("event type", &event.event_type, MAX_NAME_BYTES)?;
    check_text("source", &event.source, MAX_NAME_BYTES)?;
    check_text("actor id", &event.actor.id, MAX_NAME_BYTES)?;
    if event.schema_version == 0 {
        return Err(AppendError::Invalid(format!(
            "event {} has schema version 0; versions start at 1",
            event.event_id
        )));
    }
    if event.la.len() != 3 || !event.la.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(AppendError::Invalid(format!(
            "event {} has LA code {:?}; an LA code is 3 digits",
            event.event_id, event.la
        )));
    }
    Ok(())
}

fn check_text(what: &str, text: &str, max_bytes: usize) -> Result<(), AppendError> {
    if text.is_empty() {
        return Err(AppendError::Invalid(format!("the {what} is empty")));
    }
    if text.len() > max_bytes {
        return Err(AppendError::Invalid(format!(
            "the {what} is longer than {max_bytes} bytes"
        )));
    }
    // PostgreSQL text cannot hold NUL; refusing it on both back ends keeps them alike.
    if text.contains('\0') {
        return Err(AppendError::Invalid(format!(
            "the {what} contains a NUL character"
        )));
    }
    Ok(())
}

/// What a successful append did (or, with `duplicate`, what the original append did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendOutcome {
    /// Each stream of the request with its version after the append, in request order.
    pub streams: Vec<(String, u64)>,
    /// The global position of the first event written.
    pub first_position: u64,
    /// The global position of the last event written.
    pub last_position: u64,
    /// True when this answers a retry from the stored outcome; nothing was written this time.
    pub duplicate: bool,
}

impl AppendOutcome {
    /// The new version of `stream_id`, if the request named it.
    pub fn version_of(&self, stream_id: &str) -> Option<u64> {
        self.streams
            .iter()
            .find(|(id, _)| id == stream_id)
            .map(|(_, version)| *version)
    }
}

/// What a stored idempotency key says about the request that first used it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The fingerprint the key was first used with.
    pub request_fingerprint: String,
    /// The original outcome, with `duplicate: true`.
    pub outcome: AppendOutcome,
}

/// Why an append did not happen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppendError {
    /// The stream moved on since the caller read it; reload, decide again, retry.
    #[error("stream {stream_id} is at version {actual}, the request expected {expected}")]
    Conflict {
        /// The stream whose version did not match (the first one, in request order).
        stream_id: String,
        /// What the request expected.
        expected: ExpectedVersion,
        /// The stream's actual version.
        actual: u64,
    },
    /// The key was first used with a different request.
    #[error("idempotency key {key:?} was already used for a different request")]
    IdempotencyKeyReused {
        /// The key.
        key: String,
    },
    /// The request can never succeed as it is.
    #[error("invalid append: {0}")]
    Invalid(String),
    /// The database could not be reached or failed, and the append is not acknowledged.
    ///
    /// Nothing was written, with one exception the message then states: the connection broke
    /// during COMMIT and the store could not find out whether it went through. Retrying with the
    /// same idempotency key is safe in every case (it answers the original outcome if it did).
    #[error("event store unavailable: {0}")]
    Unavailable(String),
}
