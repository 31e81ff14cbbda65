//! The NATS side of the inbound feeds: the JetStream streams `PEP_INBOUND`
//! (`pep.v1.inbound.>`, what social care systems publish) and `PEP_DLQ` (`pep.v1.dlq.>`,
//! refused messages), both created idempotently; a durable pull consumer that hands every
//! inbound message to the [`InboundHandler`]; and the publisher that moves recorded rejections
//! onto their dead-letter subject.
//!
//! What happens on each failure:
//! - **A message is acknowledged only after the handler has recorded its outcome** (applied,
//!   duplicate, waiting for its child, or refused). A crash before the acknowledgement makes
//!   JetStream redeliver it after `ack_wait`, and the handler answers it as a duplicate.
//! - **Postgres unavailable**: the handler says so, the message is negatively acknowledged with
//!   a delay and comes back; nothing is lost and nothing is applied twice.
//! - **NATS restarted or unreachable**: pulls fail, the consumer backs off and binds again; the
//!   durable consumer remembers what was acknowledged, so unacknowledged messages are delivered
//!   again. Rejections wait in the database until the dead-letter publisher can reach NATS; their
//!   `Nats-Msg-Id` (the rejection id) makes a re-publish a no-op.
//! - **A message on a subject that names no feed** (`pep.v1.inbound.831.other`) cannot be
//!   checked against any schema: it is terminated with a warning and counted.

use super::handler::{InboundError, InboundHandler, Received};
use super::log::{LoggedRejection, Transport};
use super::schema::parse_inbound_subject;
use async_nats::jetstream::{self, AckKind, consumer, stream};
use futures::StreamExt as _;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Where and how the inbound feeds meet NATS.
#[derive(Debug, Clone)]
pub struct InboundNatsConfig {
    /// The server.
    pub url: String,
    /// Stream capturing `pep.v1.inbound.>`.
    pub inbound_stream: String,
    /// Stream capturing `pep.v1.dlq.>`.
    pub dead_letter_stream: String,
    /// The durable consumer's name.
    pub consumer: String,
    /// Messages pulled at once.
    pub batch_size: usize,
    /// How long the server waits for an acknowledgement before redelivering.
    pub ack_wait: Duration,
    /// The delay asked for when the database is unavailable.
    pub retry_delay: Duration,
    /// The longest pause between attempts to reach NATS.
    pub max_backoff: Duration,
    /// How often the dead-letter publisher looks for rejections without a signal.
    pub dead_letter_interval: Duration,
}

impl InboundNatsConfig {
    /// Production defaults for the server at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            inbound_stream: "PEP_INBOUND".to_owned(),
            dead_letter_stream: "PEP_DLQ".to_owned(),
            consumer: "pep-inbound".to_owned(),
            batch_size: 64,
            ack_wait: Duration::from_secs(30),
            retry_delay: Duration::from_secs(2),
            max_backoff: Duration::from_secs(5),
            dead_letter_interval: Duration::from_secs(5),
        }
    }
}

async fn connect(config: &InboundNatsConfig, name: &str) -> Result<jetstream::Context, String> {
    let client = async_nats::ConnectOptions::new()
        .name(name)
        .connection_timeout(Duration::from_secs(5))
        .request_timeout(Some(Duration::from_secs(5)))
        .reconnect_delay_callback(|attempts| {
            let exponent = u32::try_from(attempts.min(16)).unwrap_or(16);
            Duration::from_millis(10u64.saturating_mul(2u64.saturating_pow(exponent)))
                .min(Duration::from_secs(1))
        })
        .connect(config.url.as_str())
        .await
        .map_err(|error| format!("connecting to NATS: {error}"))?;
    Ok(jetstream::context::ContextBuilder::new()
        .timeout(Duration::from_secs(5))
        .build(client))
}

/// Creates both streams when missing (an existing stream is used as it is).
pub async fn ensure_streams(
    context: &jetstream::Context,
    config: &InboundNatsConfig,
) -> Result<(stream::Stream, stream::Stream), String> {
    let inbound = context
        .get_or_create_stream(stream::Config {
            name: config.inbound_stream.clone(),
            description: Some("PEP Ledger inbound feeds from social care systems".to_owned()),
            subjects: vec!["pep.v1.inbound.>".to_owned()],
            storage: stream::StorageType::File,
            retention: stream::RetentionPolicy::Limits,
            max_age: Duration::from_secs(30 * 24 * 3600),
            ..Default::default()
        })
        .await
        .map_err(|error| format!("creating the stream {}: {error}", config.inbound_stream))?;
    let dead_letters = context
        .get_or_create_stream(stream::Config {
            name: config.dead_letter_stream.clone(),
            description: Some("PEP Ledger refused inbound messages".to_owned()),
            subjects: vec!["pep.v1.dlq.>".to_owned()],
            storage: stream::StorageType::File,
            retention: stream::RetentionPolicy::Limits,
            ..Default::default()
        })
        .await
        .map_err(|error| format!("creating the stream {}: {error}", config.dead_letter_stream))?;
    Ok((inbound, dead_letters))
}

/// Consumes `pep.v1.inbound.>` until `shutdown`, reconnecting with backoff after any failure.
pub async fn run_consumer(
    handler: InboundHandler,
    config: InboundNatsConfig,
    shutdown: CancellationToken,
) {
    let mut delay = Duration::from_millis(50);
    loop {
        match consume(&handler, &config, &shutdown).await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, "the inbound feed consumer failed; retrying");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(config.max_backoff);
    }
}

async fn consume(
    handler: &InboundHandler,
    config: &InboundNatsConfig,
    shutdown: &CancellationToken,
) -> Result<(), String> {
    let context = connect(config, "pep-inbound").await?;
    let (inbound, _) = ensure_streams(&context, config).await?;
    let consumer: consumer::PullConsumer = inbound
        .get_or_create_consumer(
            &config.consumer,
            consumer::pull::Config {
                durable_name: Some(config.consumer.clone()),
                description: Some("PEP Ledger inbound feed handler".to_owned()),
                filter_subject: "pep.v1.inbound.>".to_owned(),
                // Everything the stream holds: a feed published before the first start is
                // applied too, and duplicates are answered by the log.
                deliver_policy: consumer::DeliverPolicy::All,
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: config.ack_wait,
                max_ack_pending: i64::try_from(config.batch_size.saturating_mul(4))
                    .unwrap_or(i64::MAX),
                ..Default::default()
            },
        )
        .await
        .map_err(|error| format!("binding the consumer {}: {error}", config.consumer))?;
    tracing::info!(consumer = %config.consumer, "consuming the inbound feeds");
    loop {
        let mut batch = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            batch = consumer
                .batch()
                .max_messages(config.batch_size.max(1))
                .expires(Duration::from_secs(1))
                .messages() => batch.map_err(|error| format!("pulling: {error}"))?,
        };
        loop {
            let next = tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                next = tokio::time::timeout(Duration::from_secs(10), batch.next()) => next,
            };
            let message = match next {
                Ok(Some(message)) => message.map_err(|error| format!("pulling: {error}"))?,
                Ok(None) => break,
                Err(_) => return Err("a pull got no answer within 10 s".to_owned()),
            };
            handle_one(handler, config, &message).await?;
        }
    }
}

async fn handle_one(
    handler: &InboundHandler,
    config: &InboundNatsConfig,
    message: &jetstream::Message,
) -> Result<(), String> {
    let Some((la, feed)) = parse_inbound_subject(&message.subject) else {
        tracing::warn!(subject = %message.subject, "terminating an inbound message on a subject that names no feed");
        return message
            .ack_with(AckKind::Term)
            .await
            .map_err(|error| format!("acknowledging: {error}"));
    };
    let received = Received {
        feed,
        la: &la,
        bytes: &message.payload,
        transport: Transport::Nats,
    };
    match handler.handle(received).await {
        Ok(outcome) => {
            tracing::debug!(subject = %message.subject, outcome = outcome.name(), "inbound message handled");
            message
                .ack()
                .await
                .map_err(|error| format!("acknowledging: {error}"))
        }
        Err(error) => {
            let delay = match &error {
                InboundError::Unavailable(_) => config.retry_delay,
                InboundError::Failed(_) => config.retry_delay * 10,
            };
            tracing::warn!(subject = %message.subject, %error, "inbound message not handled; it will be delivered again");
            message
                .ack_with(AckKind::Nak(Some(delay)))
                .await
                .map_err(|error| format!("asking for redelivery: {error}"))
        }
    }
}

/// The message a rejection becomes on its dead-letter subject.
pub fn dead_letter_body(rejection: &LoggedRejection) -> serde_json::Value {
    serde_json::json!({
        "rejection_id": rejection.rejection_id,
        "la": rejection.la,
        "feed": rejection.feed,
        "subject": rejection.subject,
        "received_at": rejection.first_received_at,
        "kind": rejection.kind,
        "reason": rejection.reason.summary(),
        "problems": rejection.reason.problems,
        "source_system": rejection.source_system,
        "message_id": rejection.message_id,
        "original_base64": rejection.original_base64,
        "original_text": rejection.original_text,
    })
}

/// Publishes recorded rejections to `pep.v1.dlq.<la>.<feed>` until `shutdown`.
pub async fn run_dead_letter_publisher(
    handler: InboundHandler,
    config: InboundNatsConfig,
    shutdown: CancellationToken,
) {
    let signal = handler.dead_letter_signal();
    let mut context = None;
    let mut delay = Duration::from_millis(50);
    loop {
        let result = async {
            if context.is_none() {
                let connected = connect(&config, "pep-dead-letters").await?;
                ensure_streams(&connected, &config).await?;
                context = Some(connected);
            }
            let Some(context) = context.as_ref() else {
                return Err("not connected".to_owned());
            };
            publish_pending(&handler, context).await
        }
        .await;
        let wait = match result {
            Ok(()) => {
                delay = Duration::from_millis(50);
                config.dead_letter_interval
            }
            Err(error) => {
                tracing::warn!(%error, "publishing dead letters failed; retrying");
                context = None;
                delay = (delay * 2).min(config.max_backoff);
                delay
            }
        };
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = signal.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

async fn publish_pending(
    handler: &InboundHandler,
    context: &jetstream::Context,
) -> Result<(), String> {
    loop {
        let pending = handler
            .log()
            .not_dead_lettered(100)
            .await
            .map_err(|error| format!("reading rejections: {error}"))?;
        if pending.is_empty() {
            return Ok(());
        }
        for rejection in pending {
            let feed = super::schema::Feed::parse(&rejection.feed)
                .unwrap_or(super::schema::Feed::Placement);
            let subject = feed.dead_letter_subject(&subject_token(&rejection.la));
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(
                async_nats::header::NATS_MESSAGE_ID,
                rejection.rejection_id.as_str(),
            );
            headers.insert("Pep-Rejection-Kind", rejection.kind.as_str());
            let body = serde_json::to_vec(&dead_letter_body(&rejection))
                .map_err(|error| error.to_string())?;
            context
                .publish_with_headers(subject, headers, body.into())
                .await
                .map_err(|error| format!("publishing a dead letter: {error}"))?
                .await
                .map_err(|error| format!("publishing a dead letter: {error}"))?;
            handler
                .log()
                .mark_dead_lettered(&rejection.rejection_id, chrono::Utc::now())
                .await
                .map_err(|error| format!("recording a dead letter: {error}"))?;
            handler.metrics().count_dead_lettered();
        }
    }
}

/// An LA as one subject token: anything that is not a plain token becomes `invalid`.
fn subject_token(la: &str) -> String {
    if !la.is_empty()
        && la.chars().all(|character| {
            character.is_ascii_alphanumeric() || character == '-' || character == '_'
        })
    {
        la.to_owned()
    } else {
        "invalid".to_owned()
    }
}
