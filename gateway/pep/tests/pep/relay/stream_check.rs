//! Reads the `PEP_EVENTS` stream as a consumer would and checks it against the store: every
//! event exactly once, in global-position order, on the right subject, with the right headers
//! and body.

use async_nats::jetstream::{self, consumer::AckPolicy, consumer::pull};
use commands::store::RecordedEvent;
use futures::StreamExt;
use pep_messaging::relay::{
    EVENT_TYPE_HEADER, EventSubject, GLOBAL_POSITION_HEADER, STREAM_ID_HEADER, all_events_filter,
};
use std::time::Duration;

pub const STREAM: &str = "PEP_EVENTS";

/// A JetStream context on `url`, waiting (bounded) for the server to answer JetStream requests.
pub async fn connect(url: &str) -> jetstream::Context {
    let client = async_nats::connect(url).await.unwrap();
    jetstream::new(client)
}

/// Waits (bounded) until the relay has created the stream, then returns a durable pull
/// consumer on it with the single filter `pep.v1.events.>` (NATS 2.9 ignores the plural
/// `filter_subjects`, so the test checks the server kept the one it was given).
pub async fn durable_consumer(
    context: &jetstream::Context,
    name: &str,
) -> jetstream::consumer::Consumer<pull::Config> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let stream = loop {
        match context.get_stream(STREAM).await {
            Ok(stream) => break stream,
            Err(error) => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the relay did not create the stream within 20 s: {error}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let consumer = stream
        .create_consumer(pull::Config {
            durable_name: Some(name.to_owned()),
            filter_subject: all_events_filter(),
            ack_policy: AckPolicy::Explicit,
            ..pull::Config::default()
        })
        .await
        .unwrap();
    assert_eq!(
        consumer.cached_info().config.filter_subject,
        all_events_filter()
    );
    consumer
}

/// The number of messages the stream holds (0 before it exists).
pub async fn stream_message_count(context: &jetstream::Context) -> u64 {
    match context.get_stream(STREAM).await {
        Ok(stream) => stream.cached_info().state.messages,
        Err(_) => 0,
    }
}

/// Fetches from `consumer` until it has `expected.len()` messages (bounded), and checks they
/// are exactly `expected`, in order, and that the stream holds nothing else.
pub async fn assert_consumer_receives_exactly(
    context: &jetstream::Context,
    consumer: &jetstream::consumer::Consumer<pull::Config>,
    expected: &[RecordedEvent],
) {
    assert_consumer_receives(context, consumer, expected, 0).await;
}

/// As [`assert_consumer_receives_exactly`], for a stream that also holds `foreign` messages
/// someone else published on event subjects (they have no `Pep-Global-Position` header).
pub async fn assert_consumer_receives(
    context: &jetstream::Context,
    consumer: &jetstream::consumer::Consumer<pull::Config>,
    expected: &[RecordedEvent],
    foreign: u64,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut received: Vec<(u64, async_nats::jetstream::Message)> = Vec::new();
    let mut foreign_received = 0;
    while received.len() < expected.len() || foreign_received < foreign {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the consumer got {} of {} events and {foreign_received} of {foreign} foreign \
             messages within 30 s",
            received.len(),
            expected.len()
        );
        let mut batch = consumer
            .fetch()
            .max_messages(1000)
            .expires(Duration::from_millis(500))
            .messages()
            .await
            .unwrap();
        while let Some(message) = batch.next().await {
            let message = message.unwrap();
            let sequence = message.info().unwrap().stream_sequence;
            message.ack().await.unwrap();
            let ours = message
                .headers
                .as_ref()
                .is_some_and(|headers| headers.get(GLOBAL_POSITION_HEADER).is_some());
            if ours {
                received.push((sequence, message));
            } else {
                foreign_received += 1;
            }
        }
    }
    assert_eq!(
        received.len(),
        expected.len(),
        "the consumer got more messages than events"
    );
    assert_eq!(foreign_received, foreign, "foreign messages");
    for (index, ((sequence, message), event)) in received.iter().zip(expected).enumerate() {
        let headers = message.headers.as_ref().expect("every message has headers");
        let header = |name: &str| headers.get(name).map(|value| value.as_str().to_owned());
        let position = header(GLOBAL_POSITION_HEADER);
        assert_eq!(
            position,
            Some(event.global_position.to_string()),
            "message {index} (stream sequence {sequence}) is not the event at position {}",
            event.global_position
        );
        assert_eq!(header("Nats-Msg-Id"), Some(event.event_id.to_string()));
        assert_eq!(header(STREAM_ID_HEADER), Some(event.stream_id.clone()));
        assert_eq!(header(EVENT_TYPE_HEADER), Some(event.event_type.clone()));
        assert_eq!(
            message.subject.as_str(),
            EventSubject::for_event(event).unwrap().as_str()
        );
        let body: RecordedEvent = serde_json::from_slice(&message.payload).unwrap();
        assert_eq!(&body, event);
    }
    // Nothing else was stored: no duplicate slipped past de-duplication, nothing is missing.
    let info = context
        .get_stream(STREAM)
        .await
        .unwrap()
        .cached_info()
        .clone();
    let total = expected.len() as u64 + foreign;
    assert_eq!(info.state.messages, total, "stream message count");
    assert_eq!(info.state.last_sequence, total, "stream last sequence");
}
