//! The event store seen as the read side's [`EventLog`], so projectors, rebuilds and audits read
//! the store directly (never through NATS) without the `projections` crate depending on
//! `commands`; and the store's hash-chain verification in the shape the audit reports.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use commands::store::{ChainVerification, EventStore, ReadStreamOptions, RecordedEvent};
use projections::audit::ChainCheck;
use projections::runtime::{EventLog, EventLogError};
use std::sync::Arc;

/// [`EventLog`] over any event store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct StoreEventLog {
    store: Arc<dyn EventStore>,
}

impl StoreEventLog {
    /// The log of `store`.
    pub fn new(store: Arc<dyn EventStore>) -> Self {
        Self { store }
    }

    /// The store behind the log.
    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    /// Walks the whole hash chain (see `docs/event-store.md`) and reports it as the audit's
    /// [`ChainCheck`].
    pub async fn chain_check(&self) -> Result<ChainCheck, EventLogError> {
        let verification = self
            .store
            .verify_chain()
            .await
            .map_err(EventLogError::new)?;
        chain_check_from(verification)
    }
}

/// The store's verification in the audit's terms. The first break is kept as the store
/// describes it (position, event id, what differs), as JSON.
pub fn chain_check_from(verification: ChainVerification) -> Result<ChainCheck, EventLogError> {
    let first_break = verification
        .first_break
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(EventLogError::new)?;
    Ok(ChainCheck {
        intact: verification.is_intact(),
        events_checked: verification.events_checked,
        verified_up_to: verification.verified_up_to,
        verified_head_hash: verification.verified_head_hash.to_hex(),
        first_break,
    })
}

#[async_trait]
impl EventLog for StoreEventLog {
    async fn read_after(
        &self,
        after_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        self.store
            .read_all(after_position, max)
            .await
            .map_err(EventLogError::new)
    }

    async fn head_position(&self) -> Result<u64, EventLogError> {
        self.store.head_position().await.map_err(EventLogError::new)
    }

    async fn read_stream(
        &self,
        stream_id: &str,
        recorded_at_or_before: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        let options = ReadStreamOptions {
            up_to_version: None,
            recorded_at_or_before,
        };
        self.store
            .read_stream(stream_id, options)
            .await
            .map_err(EventLogError::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use commands::store::{
        AppendRequest, EventMetadata, ExpectedVersion, NewEvent, SqliteEventStore,
    };
    use domain::{Actor, Role};
    use uuid::Uuid;

    async fn store_with_two_streams(directory: &tempfile::TempDir) -> Arc<dyn EventStore> {
        let store = SqliteEventStore::open(directory.path().join("events.db"))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let metadata = EventMetadata {
            la: "831".to_owned(),
            occurred_at: Utc::now(),
            actor: Actor::new("sw-1", Role::SocialWorker),
            correlation_id: Uuid::now_v7(),
            causation_id: Uuid::now_v7(),
            source: "test".to_owned(),
        };
        for stream_id in ["child-a", "child-b", "child-a"] {
            let event = NewEvent::new(Uuid::now_v7(), "Noted", 1, serde_json::json!({}), &metadata);
            store
                .append(AppendRequest::single(
                    stream_id,
                    ExpectedVersion::Any,
                    vec![event],
                    None,
                ))
                .await
                .unwrap();
        }
        Arc::new(store)
    }

    #[tokio::test]
    async fn the_log_reads_the_store_by_position_and_by_stream() {
        let directory = tempfile::tempdir().unwrap();
        let log = StoreEventLog::new(store_with_two_streams(&directory).await);
        assert_eq!(log.head_position().await.unwrap(), 3);
        let after_one = log.read_after(1, 10).await.unwrap();
        let positions: Vec<u64> = after_one.iter().map(|e| e.global_position).collect();
        assert_eq!(positions, vec![2, 3]);
        let stream = log.read_stream("child-a", None).await.unwrap();
        let versions: Vec<u64> = stream.iter().map(|e| e.stream_version).collect();
        assert_eq!(versions, vec![1, 2]);
        let before_everything = log
            .read_stream(
                "child-a",
                Some(stream[0].recorded_at - chrono::Duration::seconds(1)),
            )
            .await
            .unwrap();
        assert!(before_everything.is_empty());
    }

    #[tokio::test]
    async fn an_intact_chain_is_reported_with_its_head_hash() {
        let directory = tempfile::tempdir().unwrap();
        let store = store_with_two_streams(&directory).await;
        let head_hash = store.read_all(2, 1).await.unwrap()[0].hash.to_hex();
        let check = StoreEventLog::new(store).chain_check().await.unwrap();
        assert!(check.intact);
        assert_eq!(check.events_checked, 3);
        assert_eq!(check.verified_up_to, 3);
        assert_eq!(check.verified_head_hash, head_hash);
        assert_eq!(check.first_break, None);
    }
}
