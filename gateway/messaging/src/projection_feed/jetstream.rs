//! Production mode: each projector is a durable JetStream pull consumer (`projector-<name>`) on
//! the stream the relay fills, with one `filter_subject` capturing every event subject (NATS 2.9
//! silently ignores `filter_subjects`) and explicit acknowledgement.
//!
//! A delivery is decoded into envelopes, applied by the runner in one transaction with the
//! checkpoint, and only then acknowledged. A crash (or a lost acknowledgement) in between makes
//! JetStream redeliver after `ack_wait`, and the checkpoint skips what was already applied. A
//! consumer created now starts with new messages (`DeliverPolicy::New`): whatever was published
//! before is already in the read model from the store catch-up, or arrives as a gap that the
//! runner fills from the store. Any NATS failure ends the run: the task backs off, catches up
//! from the store meanwhile, and binds the consumer again.

use super::{FeedState, ProjectorTask};
use crate::backoff::Backoff;
use crate::relay::{GLOBAL_POSITION_HEADER, all_events_filter};
use async_nats::jetstream::{self, AckKind, consumer};
use domain::envelope::RecordedEvent;
use futures::StreamExt as _;
use projections::runtime::ProjectionError;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use thiserror::Error;
use tokio::sync::Mutex;

/// How to reach JetStream and how the projectors' consumers behave.
#[derive(Debug, Clone)]
pub struct JetStreamFeedConfig {
    /// The NATS server URL (`nats://127.0.0.1:4222`).
    pub url: String,
    /// The stream the relay publishes to.
    pub stream: String,
    /// At most this many messages are applied in one transaction.
    pub batch_size: usize,
    /// How long one pull waits for a message before the task checks the store instead.
    pub fetch_wait: Duration,
    /// How long JetStream waits for an acknowledgement before redelivering (set when the
    /// consumer is created; an existing consumer keeps its own).
    pub ack_wait: Duration,
    /// How long one connection attempt may take.
    pub connect_timeout: Duration,
    /// How long a JetStream API request (binding, fetching) may take.
    pub request_timeout: Duration,
    /// Whether deliveries are acknowledged: always, except in fault-injection tests.
    pub acknowledgements: AckSwitch,
}

impl JetStreamFeedConfig {
    /// The production settings for the server at `url` and the stream `PEP_EVENTS`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            stream: "PEP_EVENTS".to_owned(),
            batch_size: 256,
            fetch_wait: Duration::from_secs(1),
            ack_wait: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(5),
            acknowledgements: AckSwitch::default(),
        }
    }
}

/// A switch over acknowledgements, shared by clones. On by default; a test turns it off to
/// stand for a consumer that dies after committing and before acknowledging.
#[derive(Debug, Clone)]
pub struct AckSwitch(Arc<AtomicBool>);

impl Default for AckSwitch {
    fn default() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl AckSwitch {
    /// Stops acknowledging (deliveries are still applied and committed).
    pub fn suppress(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    /// Acknowledges again.
    pub fn resume(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// True when deliveries are acknowledged.
    pub fn is_enabled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The durable consumer name of a projector.
pub fn consumer_name(projector: &str) -> String {
    format!("projector-{projector}")
}

/// Why a consumer run ended.
#[derive(Debug, Error)]
enum FeedError {
    #[error("NATS: {what}: {reason}")]
    Nats { what: &'static str, reason: String },
    #[error(transparent)]
    Projection(#[from] ProjectionError),
}

fn nats_error(what: &'static str) -> impl FnOnce(String) -> FeedError {
    move |reason| FeedError::Nats { what, reason }
}

/// One NATS connection shared by every projector's consumer; made on first use, after which
/// the client reconnects by itself.
pub(super) struct JetStreamConnection {
    config: JetStreamFeedConfig,
    context: Mutex<Option<jetstream::Context>>,
}

impl fmt::Debug for JetStreamConnection {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("JetStreamConnection")
            .field("url", &self.config.url)
            .finish()
    }
}

impl JetStreamConnection {
    pub(super) fn new(config: JetStreamFeedConfig) -> Self {
        Self {
            config,
            context: Mutex::new(None),
        }
    }

    async fn context(&self) -> Result<jetstream::Context, FeedError> {
        let mut slot = self.context.lock().await;
        if let Some(context) = slot.as_ref() {
            return Ok(context.clone());
        }
        let client = async_nats::ConnectOptions::new()
            .name("pep-projectors")
            .connection_timeout(self.config.connect_timeout)
            .request_timeout(Some(self.config.request_timeout))
            .reconnect_delay_callback(|attempts| {
                let exponent = u32::try_from(attempts.min(16)).unwrap_or(16);
                Duration::from_millis(10u64.saturating_mul(2u64.saturating_pow(exponent)))
                    .min(Duration::from_secs(1))
            })
            .connect(self.config.url.as_str())
            .await
            .map_err(|error| nats_error("connecting")(error.to_string()))?;
        let context = jetstream::context::ContextBuilder::new()
            .timeout(self.config.request_timeout)
            .build(client);
        *slot = Some(context.clone());
        Ok(context)
    }

    /// Creates the projector's durable consumer, or binds to it when it exists.
    async fn bind(&self, projector: &str) -> Result<consumer::PullConsumer, FeedError> {
        let context = self.context().await?;
        let stream = context
            .get_stream(&self.config.stream)
            .await
            .map_err(|error| nats_error("finding the stream")(error.to_string()))?;
        let name = consumer_name(projector);
        let wanted = consumer::pull::Config {
            durable_name: Some(name.clone()),
            description: Some(format!("PEP Ledger read model {projector}")),
            filter_subject: all_events_filter(),
            deliver_policy: consumer::DeliverPolicy::New,
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: self.config.ack_wait,
            max_ack_pending: i64::try_from(self.config.batch_size.saturating_mul(4))
                .unwrap_or(i64::MAX),
            ..Default::default()
        };
        let consumer: consumer::PullConsumer =
            stream
                .get_or_create_consumer(&name, wanted)
                .await
                .map_err(|error| nats_error("binding the consumer")(error.to_string()))?;
        let bound = &consumer.cached_info().config;
        if bound.filter_subject != all_events_filter()
            || bound.ack_policy != consumer::AckPolicy::Explicit
        {
            // Applying stays correct (gaps are filled from the store), but every event would
            // come from the store: say so rather than run slowly in silence.
            tracing::warn!(
                consumer = %name,
                filter_subject = %bound.filter_subject,
                "the existing consumer does not filter on every event with explicit acks; \
                 delete it to have it recreated"
            );
        }
        Ok(consumer)
    }
}

/// Follows the projector's consumer until shutdown, rebinding after failures.
pub(super) async fn follow(task: &ProjectorTask, connection: &JetStreamConnection) {
    let mut backoff = task.backoff();
    loop {
        match consume(task, connection, &mut backoff).await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(projector = task.name(), %error, "the JetStream feed failed; catching up from the store and retrying");
                task.status.failed(task.name(), &error);
                // Keep the read model moving while NATS is away.
                if let Err(error) = task.catch_up_from_store().await {
                    tracing::warn!(projector = task.name(), %error, "catching up from the store failed");
                    task.status.failed(task.name(), &error);
                }
                if !task.pause(backoff.next_delay()).await {
                    return;
                }
            }
        }
    }
}

/// One run: bind, then fetch, apply, acknowledge until shutdown (`Ok`) or a failure.
async fn consume(
    task: &ProjectorTask,
    connection: &JetStreamConnection,
    backoff: &mut Backoff,
) -> Result<(), FeedError> {
    let config = &connection.config;
    let consumer = connection.bind(task.name()).await?;
    task.set_state(FeedState::Following);
    let mut idle_since = Instant::now();
    loop {
        let messages = tokio::select! {
            () = task.shutdown.cancelled() => return Ok(()),
            messages = next_messages(&consumer, config) => messages?,
        };
        if messages.is_empty() {
            if idle_since.elapsed() >= task.config.idle_check_interval {
                task.catch_up_if_behind().await?;
                idle_since = Instant::now();
            }
            continue;
        }
        idle_since = Instant::now();
        let mut events = Vec::with_capacity(messages.len());
        let mut ignored = Vec::new();
        for message in messages {
            match decode(&message) {
                Ok(event) => events.push((event, message)),
                Err(reason) => {
                    tracing::warn!(projector = task.name(), subject = %message.subject, %reason, "ignoring a message that is not an event");
                    ignored.push(message);
                }
            }
        }
        let envelopes: Vec<RecordedEvent> = events.iter().map(|(event, _)| event.clone()).collect();
        if !envelopes.is_empty() {
            task.deliver(&envelopes).await?;
        }
        backoff.reset();
        // Committed: only now may JetStream forget these messages.
        if config.acknowledgements.is_enabled() {
            for (_, message) in &events {
                message
                    .ack()
                    .await
                    .map_err(|error| nats_error("acknowledging")(error.to_string()))?;
            }
            for message in &ignored {
                message
                    .ack_with(AckKind::Term)
                    .await
                    .map_err(|error| nats_error("acknowledging")(error.to_string()))?;
            }
        }
        if !ignored.is_empty() {
            let count = ignored.len() as u64;
            task.status
                .update(task.name(), |status| status.ignored_messages += count);
        }
    }
}

/// What is ready, up to a batch; when nothing is, waits up to `fetch_wait` for one message and
/// then takes whatever else is ready with it. Empty when nothing came.
async fn next_messages(
    consumer: &consumer::PullConsumer,
    config: &JetStreamFeedConfig,
) -> Result<Vec<jetstream::Message>, FeedError> {
    let batch_size = config.batch_size.max(1);
    let mut messages = fetch_ready(consumer, batch_size, config).await?;
    if !messages.is_empty() {
        return Ok(messages);
    }
    let waiting = consumer
        .batch()
        .max_messages(1)
        .expires(config.fetch_wait)
        .messages()
        .await
        .map_err(|error| nats_error("pulling")(error.to_string()))?;
    messages = collect(waiting, config.fetch_wait + config.request_timeout).await?;
    if !messages.is_empty() && batch_size > 1 {
        messages.extend(fetch_ready(consumer, batch_size - 1, config).await?);
    }
    Ok(messages)
}

/// Up to `count` messages that are ready now, without waiting for more.
async fn fetch_ready(
    consumer: &consumer::PullConsumer,
    count: usize,
    config: &JetStreamFeedConfig,
) -> Result<Vec<jetstream::Message>, FeedError> {
    let ready = consumer
        .fetch()
        .max_messages(count)
        .messages()
        .await
        .map_err(|error| nats_error("fetching")(error.to_string()))?;
    collect(ready, config.request_timeout).await
}

/// Reads a pull's messages until it ends, failing if it takes longer than `limit` (a server
/// that died mid-pull never ends it).
async fn collect(
    mut batch: consumer::pull::Batch,
    limit: Duration,
) -> Result<Vec<jetstream::Message>, FeedError> {
    let reading = async {
        let mut messages = Vec::new();
        while let Some(message) = batch.next().await {
            messages.push(message.map_err(|error| nats_error("pulling")(error.to_string()))?);
        }
        Ok(messages)
    };
    tokio::time::timeout(limit, reading)
        .await
        .map_err(|_| nats_error("pulling")(format!("no answer within {limit:?}")))?
}

/// The envelope a message carries, checked against its position header.
fn decode(message: &jetstream::Message) -> Result<RecordedEvent, String> {
    let event: RecordedEvent = serde_json::from_slice(&message.payload)
        .map_err(|error| format!("the body is not an event envelope: {error}"))?;
    let header = message
        .headers
        .as_ref()
        .and_then(|headers| headers.get(GLOBAL_POSITION_HEADER))
        .map(|value| value.as_str().to_owned());
    match header {
        Some(position) if position == event.global_position.to_string() => Ok(event),
        Some(position) => Err(format!(
            "its {GLOBAL_POSITION_HEADER} header says {position} but the envelope says {}",
            event.global_position
        )),
        None => Err(format!("it has no {GLOBAL_POSITION_HEADER} header")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumers_are_named_after_their_projector() {
        assert_eq!(consumer_name("compliance"), "projector-compliance");
    }

    #[test]
    fn the_ack_switch_is_shared_by_clones() {
        let switch = AckSwitch::default();
        let clone = switch.clone();
        assert!(clone.is_enabled());
        switch.suppress();
        assert!(!clone.is_enabled());
        switch.resume();
        assert!(clone.is_enabled());
    }
}
