//! Where projectors read events from when they catch up or rebuild: the event store behind a
//! small trait, so the read side does not depend on the write side (`commands`).

use super::error::EventLogError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::envelope::RecordedEvent;

/// The event log as the read side needs it. The gateway implements it over the event store;
/// tests implement it over `commands::store` in a few lines.
#[async_trait]
pub trait EventLog: Send + Sync {
    /// Up to `max` events with a position greater than `after_position`, in position order.
    async fn read_after(
        &self,
        after_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, EventLogError>;

    /// The position of the last committed event (0 for an empty log).
    async fn head_position(&self) -> Result<u64, EventLogError>;

    /// One stream in version order, optionally only what was recorded at or before an instant.
    async fn read_stream(
        &self,
        stream_id: &str,
        recorded_at_or_before: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedEvent>, EventLogError>;
}

/// A log held in memory, for unit tests of projectors and for tools that replay an export.
#[derive(Debug, Clone, Default)]
pub struct InMemoryEventLog {
    /// Kept in position order.
    events: Vec<RecordedEvent>,
}

impl InMemoryEventLog {
    /// A log of `events`, which are sorted into position order.
    pub fn new(mut events: Vec<RecordedEvent>) -> Self {
        events.sort_by_key(|event| event.global_position);
        Self { events }
    }

    /// Adds an event (keeping position order).
    pub fn push(&mut self, event: RecordedEvent) {
        self.events.push(event);
        self.events.sort_by_key(|event| event.global_position);
    }

    /// Every event, in position order.
    pub fn events(&self) -> &[RecordedEvent] {
        &self.events
    }
}

#[async_trait]
impl EventLog for InMemoryEventLog {
    async fn read_after(
        &self,
        after_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        Ok(self
            .events
            .iter()
            .filter(|event| event.global_position > after_position)
            .take(max)
            .cloned()
            .collect())
    }

    async fn head_position(&self) -> Result<u64, EventLogError> {
        Ok(self
            .events
            .last()
            .map(|event| event.global_position)
            .unwrap_or(0))
    }

    async fn read_stream(
        &self,
        stream_id: &str,
        recorded_at_or_before: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        let mut stream: Vec<RecordedEvent> = self
            .events
            .iter()
            .filter(|event| event.stream_id == stream_id)
            .filter(|event| recorded_at_or_before.is_none_or(|limit| event.recorded_at <= limit))
            .cloned()
            .collect();
        stream.sort_by_key(|event| event.stream_version);
        Ok(stream)
    }
}
