//! The NATS channel: JetStream stream `PEP_NOTICES` over `pep.v1.notify.>`, created when
//! missing (with the settings nats-server 2.9 and later accept) and published to with
//! `Nats-Msg-Id` = the delivery id, so a re-publish inside the duplicate window is stored once.

use async_nats::jetstream::{self, context::GetStreamErrorKind, stream};
use std::fmt;
use std::time::Duration;
use tokio::sync::Mutex;
use uuid::Uuid;

/// The stream notices are kept in.
pub const NOTICE_STREAM: &str = "PEP_NOTICES";
/// Our header naming the notice (the body says it too).
pub const NOTICE_ID_HEADER: &str = "Pep-Notice-Id";

/// How long JetStream remembers message ids: longer than any retry gap after a crash.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(2 * 60 * 60);

/// Publishes notices; connects on first use and keeps the connection (the client reconnects).
pub struct NoticePublisher {
    url: String,
    timeout: Duration,
    context: Mutex<Option<jetstream::Context>>,
}

impl fmt::Debug for NoticePublisher {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("NoticePublisher")
            .field("url", &pep_messaging::redact_url(&self.url))
            .finish()
    }
}

/// Whether a publish was stored, or was a duplicate of one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// JetStream already had this message id.
    pub duplicate: bool,
}

impl NoticePublisher {
    /// A publisher for the server at `url`; `timeout` bounds connecting and each publish.
    pub fn new(url: impl Into<String>, timeout: Duration) -> Self {
        Self {
            url: url.into(),
            timeout,
            context: Mutex::new(None),
        }
    }

    async fn context(&self) -> Result<jetstream::Context, String> {
        let mut slot = self.context.lock().await;
        if let Some(context) = slot.as_ref() {
            return Ok(context.clone());
        }
        let client = async_nats::ConnectOptions::new()
            .name("pep-notices")
            .connection_timeout(self.timeout)
            .request_timeout(Some(self.timeout))
            .reconnect_delay_callback(|attempts| {
                Duration::from_millis(50u64.saturating_mul(attempts.min(20) as u64))
            })
            .connect(self.url.as_str())
            .await
            .map_err(|error| format!("cannot connect to NATS: {error}"))?;
        let context = jetstream::context::ContextBuilder::new()
            .timeout(self.timeout)
            .ack_timeout(self.timeout)
            .build(client);
        ensure_stream(&context).await?;
        *slot = Some(context.clone());
        Ok(context)
    }

    /// Publishes one delivery and waits for JetStream's acknowledgement.
    pub async fn publish(
        &self,
        subject: &str,
        delivery_id: Uuid,
        notice_id: Uuid,
        payload: &str,
    ) -> Result<Published, String> {
        let context = self.context().await?;
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(async_nats::header::NATS_MESSAGE_ID, delivery_id.to_string());
        headers.insert(NOTICE_ID_HEADER, notice_id.to_string());
        headers.insert("Content-Type", "application/json");
        let sent = context
            .publish_with_headers(subject.to_owned(), headers, payload.to_owned().into())
            .await
            .map_err(|error| format!("publish failed: {error}"))?;
        let ack = sent
            .await
            .map_err(|error| format!("no acknowledgement from JetStream: {error}"))?;
        Ok(Published {
            duplicate: ack.duplicate,
        })
    }
}

/// The stream's configuration when created.
pub fn stream_config() -> stream::Config {
    stream::Config {
        name: NOTICE_STREAM.to_owned(),
        subjects: vec![format!("{}.>", super::message::NOTIFY_SUBJECT_PREFIX)],
        storage: stream::StorageType::File,
        duplicate_window: DUPLICATE_WINDOW,
        ..stream::Config::default()
    }
}

/// Creates `PEP_NOTICES` when missing; an existing stream is used as the operator left it.
/// Two processes creating it at once is fine: the loser finds it on its next call.
pub async fn ensure_stream(context: &jetstream::Context) -> Result<(), String> {
    match context.get_stream(NOTICE_STREAM).await {
        Ok(_) => Ok(()),
        Err(error)
            if matches!(error.kind(), GetStreamErrorKind::JetStream(ref inner)
                if inner.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND) =>
        {
            tracing::info!(stream = NOTICE_STREAM, "creating the notice stream");
            context
                .create_stream(stream_config())
                .await
                .map(|_| ())
                .map_err(|error| format!("cannot create {NOTICE_STREAM}: {error}"))
        }
        Err(error) => Err(format!("cannot read {NOTICE_STREAM}: {error}")),
    }
}
