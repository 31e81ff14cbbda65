//! The dispatcher: follows the event log from its own checkpoint and turns every
//! `IroNoticeRequested` into delivery rows (and every IRO assignment into the rows of the
//! child's notices that were waiting for one), then wakes the worker.
//!
//! Recipients are read from the child record as it stood at the event (the stream folded up to
//! the event's version), so a replay makes the same rows. Rows are unique on (notice, channel,
//! target): a crash before the checkpoint is saved replays events and adds nothing. The
//! checkpoint is saved after each event that wrote rows and every [`SAVE_EVERY`] other events;
//! replaying skipped events costs a decode each.

use super::recipients::{deliveries_for, recipients_of};
use super::tables::NoticeRow;
use crate::tables::NoticeTables;
use commands::clock::Clock;
use commands::store::{EventStore, ReadStreamOptions, RecordedEvent, StoreError};
use domain::child::{AssignedRole, ChildEvent, ChildState};
use domain::event::DomainEvent;
use domain::policy::NoticeRule;
use pep_records::RecordDatabase;
use pep_records::RecordError;
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::Notify;
use uuid::Uuid;

/// The dispatcher's checkpoint and leadership name.
pub const DISPATCHER_NAME: &str = "notice-dispatcher";

/// Events between checkpoint saves when none of them wrote rows.
pub const SAVE_EVERY: u64 = 500;

/// Why the dispatcher stopped; it is restarted from its checkpoint.
#[derive(Debug, Error)]
pub enum DispatchError {
    /// The event store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The gateway's tables failed.
    #[error("notice tables: {0}")]
    Records(#[from] RecordError),
}

/// Turns notice requests into delivery rows.
#[derive(Debug, Clone)]
pub struct NoticeDispatcher {
    store: Arc<dyn EventStore>,
    records: NoticeTables,
    rule: NoticeRule,
    nats_enabled: bool,
    wake: Arc<Notify>,
    /// Stamps the delivery rows' creation and first due time; tests fix it.
    clock: Arc<dyn Clock>,
}

impl NoticeDispatcher {
    /// A dispatcher writing NATS rows only when `nats_enabled` (not in embedded mode), stamping
    /// rows from `clock`. The clock is required so the time a delivery falls due is always the
    /// caller's to decide (`pep serve` passes its own, tests a manual one); no path reads the
    /// machine's clock behind the caller's back.
    pub fn new(
        store: Arc<dyn EventStore>,
        records: RecordDatabase,
        rule: NoticeRule,
        nats_enabled: bool,
        wake: Arc<Notify>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            records: NoticeTables::new(records),
            rule,
            nats_enabled,
            wake,
            clock,
        }
    }

    /// Handles one event; returns how many delivery rows it added.
    pub async fn handle(&self, recorded: &RecordedEvent) -> Result<u64, DispatchError> {
        let Some(child_id) = recorded
            .stream_id
            .strip_prefix("child-")
            .and_then(|id| Uuid::parse_str(id).ok())
        else {
            return Ok(0);
        };
        let relevant = matches!(
            recorded.event_type.as_str(),
            "IroNoticeRequested" | "PersonAssigned"
        );
        if !relevant {
            return Ok(0);
        }
        let Ok(event) = ChildEvent::decode(
            &recorded.event_type,
            recorded.schema_version,
            &recorded.payload,
        ) else {
            tracing::warn!(
                position = recorded.global_position,
                "the notice dispatcher skipped an undecodable event"
            );
            return Ok(0);
        };
        let notices = match event {
            ChildEvent::IroNoticeRequested {
                notice_id,
                reason,
                about_event_id,
                occurred_on,
                summary,
            } => vec![NoticeRow {
                notice_id,
                la: recorded.la.clone(),
                child_id,
                reason: serde_json::to_value(reason)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                summary,
                occurred_on,
                about_event_id,
                position: recorded.global_position,
                requested_at: recorded.recorded_at,
                iro: None,
                state: String::new(),
            }],
            ChildEvent::PersonAssigned {
                role: AssignedRole::Iro,
                ..
            } => self.records.unaddressed_notices(child_id).await?,
            _ => return Ok(0),
        };
        if notices.is_empty() {
            return Ok(0);
        }
        let child = self
            .child_at(&recorded.stream_id, recorded.stream_version)
            .await?;
        let (iro, recipients) = recipients_of(&child, &recorded.la, self.rule);
        let webhooks = if iro.is_some() {
            self.records.active_webhooks(&recorded.la).await?
        } else {
            Vec::new()
        };
        let now = self.clock.now();
        let mut added = 0;
        for mut notice in notices {
            notice.state = if iro.is_some() {
                "addressed"
            } else {
                "unaddressed"
            }
            .to_owned();
            notice.iro = iro.clone();
            let rows = deliveries_for(&notice, &recipients, &webhooks, self.nats_enabled);
            added += self.records.record_notice(&notice, &rows, now).await?;
        }
        if added > 0 {
            self.wake.notify_one();
        }
        Ok(added)
    }

    async fn child_at(&self, stream_id: &str, version: u64) -> Result<ChildState, StoreError> {
        let events = self
            .store
            .read_stream(stream_id, ReadStreamOptions::up_to_version(version))
            .await?;
        Ok(events
            .iter()
            .filter_map(|event| {
                ChildEvent::decode(&event.event_type, event.schema_version, &event.payload).ok()
            })
            .fold(ChildState::default(), |state, event| state.evolve(&event)))
    }

    /// Handles every event after the checkpoint up to the head, saving the checkpoint; returns
    /// how many delivery rows were added. Tests and a clean stop use it.
    pub async fn catch_up(&self) -> Result<u64, DispatchError> {
        let mut position = self
            .store
            .load_checkpoint(DISPATCHER_NAME)
            .await?
            .unwrap_or(0);
        let mut added = 0;
        loop {
            let batch = self.store.read_all(position, 500).await?;
            let Some(last) = batch.last().map(|event| event.global_position) else {
                return Ok(added);
            };
            for event in &batch {
                added += self.handle(event).await?;
            }
            position = last;
            self.store
                .save_checkpoint(DISPATCHER_NAME, position)
                .await?;
        }
    }

    /// Follows the log from the checkpoint until `stop` resolves.
    pub async fn run(
        &self,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), DispatchError> {
        let mut saved = self
            .store
            .load_checkpoint(DISPATCHER_NAME)
            .await?
            .unwrap_or(0);
        let mut subscription = self.store.subscribe(saved);
        tokio::pin!(stop);
        loop {
            let next = tokio::select! {
                () = &mut stop => break,
                next = subscription.next() => next,
            };
            let recorded = next?;
            let added = self.handle(&recorded).await?;
            if added > 0 || recorded.global_position >= saved + SAVE_EVERY {
                self.store
                    .save_checkpoint(DISPATCHER_NAME, recorded.global_position)
                    .await?;
                saved = recorded.global_position;
            }
        }
        let last = subscription.last_position();
        if last > saved {
            self.store.save_checkpoint(DISPATCHER_NAME, last).await?;
        }
        Ok(())
    }
}
