//! The production destination: the JetStream stream `PEP_EVENTS`, written so that it holds each
//! event exactly once and in global-position order, whatever fails.
//!
//! Two server-side checks make that hold (`docs/relay.md` explains why both):
//!
//! - `Nats-Msg-Id = event_id`: a re-published event inside the duplicate window is dropped and
//!   acknowledged as a duplicate.
//! - Each publish names the message it must directly follow (the first of a run by stream
//!   sequence, the others by the previous event's id), so the server refuses any message that
//!   would not follow the previous event. This catches what de-duplication cannot: after a
//!   NATS restart the client may flush publishes it had buffered while earlier ones were lost,
//!   and a relay that lost leadership may still be sending. A refused publish ends the run; the
//!   next run resumes after the stream's real tail.

use super::publisher::{
    Acknowledgement, PendingAcknowledgement, PublishError, PublishRun, Publisher,
};
use super::stream_config::{PublishedTail, StreamSettings, reconcile, resume_point};
use super::subject::{EVENT_SUBJECT_PREFIX, EventSubject};
use async_nats::jetstream::{self, context::GetStreamErrorKind, stream};
use async_trait::async_trait;
use commands::store::{EventStore, RecordedEvent};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use uuid::Uuid;

/// Our header carrying the event's global position (our own headers never start `Nats-`).
pub const GLOBAL_POSITION_HEADER: &str = "Pep-Global-Position";
/// Our header carrying the event's stream id.
pub const STREAM_ID_HEADER: &str = "Pep-Stream-Id";
/// Our header carrying the event's type.
pub const EVENT_TYPE_HEADER: &str = "Pep-Event-Type";

/// How to reach JetStream and what the stream should look like.
#[derive(Debug, Clone)]
pub struct JetStreamConfig {
    /// The NATS server URL (`nats://127.0.0.1:4222`).
    pub url: String,
    /// The stream's settings: name, duplicate window, replicas.
    pub stream: StreamSettings,
    /// How long one publish waits for its acknowledgement (and API requests for answers).
    pub ack_timeout: Duration,
    /// How long one connection attempt may take.
    pub connect_timeout: Duration,
    /// The longest pause between reconnection attempts; short, so a restarted server is
    /// back in use quickly.
    pub max_reconnect_delay: Duration,
}

impl JetStreamConfig {
    /// The production settings for the server at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            stream: StreamSettings::default(),
            ack_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            max_reconnect_delay: Duration::from_secs(1),
        }
    }
}

/// Publishes to JetStream. Connects on the first run and keeps the connection (the client
/// reconnects by itself) for the runs after it.
pub struct JetStreamPublisher {
    config: JetStreamConfig,
    context: Mutex<Option<jetstream::Context>>,
}

impl fmt::Debug for JetStreamPublisher {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("JetStreamPublisher")
            .field("url", &self.config.url)
            .field("stream", &self.config.stream.name)
            .finish()
    }
}

impl JetStreamPublisher {
    /// A publisher that connects when the relay first begins a run.
    pub fn new(config: JetStreamConfig) -> Self {
        Self {
            config,
            context: Mutex::new(None),
        }
    }

    async fn context(&self) -> Result<jetstream::Context, PublishError> {
        let mut slot = self.context.lock().await;
        if let Some(context) = slot.as_ref() {
            return Ok(context.clone());
        }
        let max_delay = self.config.max_reconnect_delay;
        let client = async_nats::ConnectOptions::new()
            .name("pep-relay")
            .connection_timeout(self.config.connect_timeout)
            .request_timeout(Some(self.config.ack_timeout))
            .reconnect_delay_callback(move |attempts| {
                let exponent = u32::try_from(attempts.min(16)).unwrap_or(16);
                Duration::from_millis(10u64.saturating_mul(2u64.saturating_pow(exponent)))
                    .min(max_delay)
            })
            .event_callback(|event| async move {
                tracing::info!(%event, "NATS connection event");
            })
            .connect(self.config.url.as_str())
            .await
            .map_err(|error| PublishError::Connect {
                url: self.config.url.clone(),
                reason: error.to_string(),
            })?;
        // `ack_timeout` also bounds the acknowledgements of publishes a failed run dropped,
        // which otherwise hold the client's in-flight permits for 30 s.
        let context = jetstream::context::ContextBuilder::new()
            .timeout(self.config.ack_timeout)
            .ack_timeout(self.config.ack_timeout)
            .build(client);
        *slot = Some(context.clone());
        Ok(context)
    }

    fn stream_error(&self, error: impl fmt::Display) -> PublishError {
        PublishError::Stream {
            stream: self.config.stream.name.clone(),
            reason: error.to_string(),
        }
    }

    /// Creates the stream if it is missing and updates it if its settings differ.
    async fn ensure_stream(
        &self,
        context: &jetstream::Context,
    ) -> Result<stream::Stream, PublishError> {
        let settings = &self.config.stream;
        match context.get_stream(&settings.name).await {
            Ok(existing) => {
                let current = &existing.cached_info().config;
                let Some(updated) = reconcile(current, settings) else {
                    return Ok(existing);
                };
                tracing::info!(
                    stream = %settings.name,
                    "updating the stream's subjects or duplicate window"
                );
                context
                    .update_stream(updated)
                    .await
                    .map_err(|error| self.stream_error(error))?;
                context
                    .get_stream(&settings.name)
                    .await
                    .map_err(|error| self.stream_error(error))
            }
            Err(error) if is_stream_not_found(error.kind()) => {
                tracing::info!(stream = %settings.name, "creating the stream");
                context
                    .create_stream(settings.new_stream_config())
                    .await
                    .map_err(|error| self.stream_error(error))
            }
            Err(error) => Err(self.stream_error(error)),
        }
    }

    /// The stream's last message, if it is an event this relay published from `store`.
    async fn published_tail(
        &self,
        stream: &stream::Stream,
        store: &dyn EventStore,
    ) -> Result<Option<PublishedTail>, PublishError> {
        let last_sequence = stream.cached_info().state.last_sequence;
        if last_sequence == 0 {
            return Ok(None);
        }
        let message = match stream.get_raw_message(last_sequence).await {
            Ok(message) => message,
            Err(error) => {
                // A deleted last message leaves nothing to prove; resume from the checkpoint.
                tracing::warn!(%error, last_sequence, "could not read the stream's last message");
                return Ok(None);
            }
        };
        let header = |name: &str| {
            message
                .headers
                .get(name)
                .map(|value| value.as_str().to_owned())
        };
        let position = header(GLOBAL_POSITION_HEADER).and_then(|text| text.parse::<u64>().ok());
        let event_id = header("Nats-Msg-Id").and_then(|text| Uuid::parse_str(&text).ok());
        let (Some(position), Some(event_id)) = (position, event_id) else {
            tracing::warn!(
                last_sequence,
                "the stream's last message was not published by a relay"
            );
            return Ok(None);
        };
        let stored = store
            .read_all(position.saturating_sub(1), 1)
            .await?
            .into_iter()
            .next();
        match stored {
            Some(event) if event.global_position == position && event.event_id == event_id => {
                Ok(Some(PublishedTail {
                    position,
                    sequence: last_sequence,
                }))
            }
            _ => {
                tracing::warn!(
                    position,
                    %event_id,
                    "the stream's last message is not this database's event at that position; \
                     is another database's relay publishing to the same stream?"
                );
                Ok(None)
            }
        }
    }
}

fn is_stream_not_found(kind: GetStreamErrorKind) -> bool {
    matches!(
        kind,
        GetStreamErrorKind::JetStream(error)
            if error.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND
    )
}

#[async_trait]
impl Publisher for JetStreamPublisher {
    async fn begin(
        &self,
        store: &dyn EventStore,
        checkpoint: u64,
    ) -> Result<Box<dyn PublishRun>, PublishError> {
        let context = self.context().await?;
        let stream = self.ensure_stream(&context).await?;
        let last_sequence = stream.cached_info().state.last_sequence;
        let tail = self.published_tail(&stream, store).await?;
        let resume = resume_point(checkpoint, last_sequence, tail);
        if resume.resume_after != checkpoint {
            tracing::info!(
                checkpoint,
                resume_after = resume.resume_after,
                "the stream's last event differs from the checkpoint; resuming after the stream's"
            );
        }
        if resume.expected_last_sequence.is_none() {
            tracing::warn!(
                last_sequence,
                "publishing without the expected-sequence check until the stream ends with one \
                 of this database's events; only de-duplication guards this run"
            );
        }
        Ok(Box::new(JetStreamRun {
            context,
            resume_after: resume.resume_after,
            predecessor: resume
                .expected_last_sequence
                .map_or(Predecessor::Unchecked, Predecessor::StreamSequence),
        }))
    }
}

/// What a publish names as the message it must directly follow, so the server refuses it if
/// anything else (or nothing) is the stream's last message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predecessor {
    /// The first publish of a run follows the stream's last message as read at the start:
    /// `Nats-Expected-Last-Sequence`. (The server only remembers the last message id within
    /// the duplicate window after a restart, so the id cannot be used for this one.)
    StreamSequence(u64),
    /// Every later publish follows the previous event of the run:
    /// `Nats-Expected-Last-Msg-Id`. A sequence would not do: it can be matched by accident
    /// after a message the run did not send took a slot.
    Event(Uuid),
    /// The stream's tail is not ours, so re-published events may already be in it and are
    /// answered as duplicates: nothing can be predicted, de-duplication alone guards the run.
    Unchecked,
}

/// One run: publishes in order, each message naming its predecessor.
struct JetStreamRun {
    context: jetstream::Context,
    resume_after: u64,
    predecessor: Predecessor,
}

impl fmt::Debug for JetStreamRun {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("JetStreamRun")
            .field("resume_after", &self.resume_after)
            .field("predecessor", &self.predecessor)
            .finish()
    }
}

#[async_trait]
impl PublishRun for JetStreamRun {
    fn resume_after(&self) -> u64 {
        self.resume_after
    }

    async fn publish(
        &mut self,
        event: Arc<RecordedEvent>,
        subject: &EventSubject,
    ) -> Result<PendingAcknowledgement, PublishError> {
        let position = event.global_position;
        let body = serde_json::to_vec(event.as_ref()).map_err(|error| PublishError::Send {
            position,
            reason: format!("the envelope could not be serialised: {error}"),
        })?;
        let headers = event_headers(&event, self.predecessor);
        let sent = self
            .context
            .publish_with_headers(subject.as_str().to_owned(), headers, body.into())
            .await
            .map_err(|error| PublishError::Send {
                position,
                reason: error.to_string(),
            })?;
        if self.predecessor != Predecessor::Unchecked {
            self.predecessor = Predecessor::Event(event.event_id);
        }
        Ok(Box::pin(async move {
            match sent.await {
                Ok(ack) => Ok(Acknowledgement {
                    duplicate: ack.duplicate,
                }),
                Err(error) => Err(PublishError::Acknowledgement {
                    position,
                    reason: error.to_string(),
                }),
            }
        }))
    }
}

/// The headers of one event's message.
fn event_headers(event: &RecordedEvent, predecessor: Predecessor) -> async_nats::HeaderMap {
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(
        async_nats::header::NATS_MESSAGE_ID,
        event.event_id.to_string(),
    );
    match predecessor {
        Predecessor::StreamSequence(sequence) => headers.insert(
            async_nats::header::NATS_EXPECTED_LAST_SEQUENCE,
            sequence.to_string(),
        ),
        Predecessor::Event(event_id) => headers.insert(
            async_nats::header::NATS_EXPECTED_LAST_MESSAGE_ID,
            event_id.to_string(),
        ),
        Predecessor::Unchecked => {}
    }
    headers.insert(GLOBAL_POSITION_HEADER, event.global_position.to_string());
    headers.insert(STREAM_ID_HEADER, event.stream_id.as_str());
    headers.insert(EVENT_TYPE_HEADER, event.event_type.as_str());
    headers
}

/// The filter that captures every event subject.
pub fn all_events_filter() -> String {
    format!("{EVENT_SUBJECT_PREFIX}.>")
}
