//! The process manager: what one event on a child record implies elsewhere. Entering care
//! opens the initial PEP; a placement or school change opens a review PEP (when none is open)
//! and asks for the IRO to be told; an exclusion asks for the IRO to be told. (A PEP becoming
//! overdue depends on the day, not on an event: the gateway's overdue sweeper asks for those
//! notices. Delivering notices is the gateway's `notify` module.)
//!
//! It follows the log like any reader and turns each reaction into an ordinary command whose
//! idempotency key is derived from the triggering event's id, so:
//! - **a crash** after acting but before saving the checkpoint replays the event, and the
//!   stored idempotency keys make the repeated commands no-ops;
//! - **a duplicate** event delivery is the same case;
//! - **the database going away** stops the loop with an error; the caller restarts it and it
//!   resumes from the checkpoint;
//! - **a refused reaction** (for example, a PEP is already open) is logged and skipped: the
//!   rule that refused it is the answer, and blocking the log behind it would stall every child.
//!
//! Only one instance runs per database (leadership `process-manager`), so two processes never
//! race to open the same PEP.
//!
//! The rules are business rules about a child, so they are pure and live in `domain`
//! ([`domain::child::reactions_to`]), tested without a database; this module follows the log,
//! carries them out and keeps the checkpoint. They are re-exported here for callers that name
//! them through the process manager.

pub use domain::child::{Reaction, reactions_to};

use crate::clock::{Clock, IdSource};
use crate::handlers::{CommandContext, CommandHandler, HandleError};
use crate::store::{EventStore, RecordedEvent, StoreError};
use domain::child::{ChildCommand, ChildEvent, ChildState};
use domain::event::DomainEvent;
use domain::ids::{ChildId, PepId};
use domain::{Actor, Role};
use std::sync::Arc;
use thiserror::Error;

/// The name of the process manager's checkpoint and leadership.
pub const PROCESS_MANAGER_NAME: &str = "process-manager";

/// Why the process manager stopped.
#[derive(Debug, Error)]
pub enum ProcessManagerError {
    /// The store failed; restart from the checkpoint.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A reaction could not be carried out for a reason that is not a business rule.
    #[error("reaction to event {event_id} failed: {source}")]
    Reaction {
        /// The triggering event.
        event_id: uuid::Uuid,
        /// Why.
        source: HandleError,
    },
}

/// Follows the log and carries out reactions.
#[derive(Debug, Clone)]
pub struct ProcessManager {
    handler: CommandHandler,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
}

impl ProcessManager {
    /// A process manager acting through `handler`.
    pub fn new(handler: CommandHandler, clock: Arc<dyn Clock>, ids: Arc<dyn IdSource>) -> Self {
        Self {
            handler,
            clock,
            ids,
        }
    }

    fn store(&self) -> &Arc<dyn EventStore> {
        self.handler.store()
    }

    /// Handles one recorded event; returns how many commands it carried out.
    pub async fn handle(&self, recorded: &RecordedEvent) -> Result<usize, ProcessManagerError> {
        if !recorded.stream_id.starts_with("child-") {
            return Ok(0);
        }
        let Ok(event) = ChildEvent::decode(
            &recorded.event_type,
            recorded.schema_version,
            &recorded.payload,
        ) else {
            // Unreadable events are reported by audit verification, not here.
            tracing::warn!(
                position = recorded.global_position,
                "process manager skipped an undecodable event"
            );
            return Ok(0);
        };
        let Some(child_id) = recorded
            .stream_id
            .strip_prefix("child-")
            .and_then(|id| id.parse::<ChildId>().ok())
        else {
            return Ok(0);
        };
        let child = self.current_child(child_id).await?;
        let mut carried_out = 0;
        for (index, reaction) in reactions_to(&event, &child).into_iter().enumerate() {
            let key = format!("{PROCESS_MANAGER_NAME}:{}:{index}", recorded.event_id);
            let context = CommandContext {
                actor: Actor::new(PROCESS_MANAGER_NAME, Role::System),
                correlation_id: recorded.correlation_id,
                causation_id: recorded.event_id,
                source: PROCESS_MANAGER_NAME.to_owned(),
                idempotency: None,
                expected_version: None,
            }
            .with_idempotency(key.clone(), key);
            let today = self.clock.now().date_naive();
            let result = match reaction {
                Reaction::OpenPep { kind, trigger } => {
                    self.handler
                        .initiate_pep(
                            child_id,
                            PepId::from_uuid(self.ids.new_id()),
                            kind,
                            trigger,
                            today,
                            &context,
                        )
                        .await
                }
                Reaction::NotifyIro { reason, summary } => {
                    self.handler
                        .child(
                            child_id,
                            ChildCommand::RequestIroNotice {
                                notice_id: self.ids.new_id(),
                                reason,
                                about_event_id: recorded.event_id,
                                occurred_on: event.occurred_on().unwrap_or(today),
                                summary,
                            },
                            &context,
                        )
                        .await
                }
            };
            match result {
                Ok(outcome) => carried_out += usize::from(outcome.events_written > 0),
                Err(HandleError::Rejected(rule)) => {
                    tracing::info!(event_id = %recorded.event_id, %rule, "process manager reaction refused by a rule");
                }
                Err(source) => {
                    return Err(ProcessManagerError::Reaction {
                        event_id: recorded.event_id,
                        source,
                    });
                }
            }
        }
        Ok(carried_out)
    }

    async fn current_child(&self, child_id: ChildId) -> Result<ChildState, ProcessManagerError> {
        let recorded = self
            .store()
            .read_stream(
                &child_id.stream_id(),
                crate::store::ReadStreamOptions::all(),
            )
            .await?;
        Ok(recorded
            .iter()
            .filter_map(|event| {
                ChildEvent::decode(&event.event_type, event.schema_version, &event.payload).ok()
            })
            .fold(ChildState::default(), |state, event| state.evolve(&event)))
    }

    /// Follows the log from the saved checkpoint until `shutdown` resolves, saving the
    /// checkpoint after each event. Returns when shut down or on a store error.
    pub async fn run(
        &self,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), ProcessManagerError> {
        let start = self
            .store()
            .load_checkpoint(PROCESS_MANAGER_NAME)
            .await?
            .unwrap_or(0);
        let mut subscription = self.store().subscribe(start);
        tokio::pin!(shutdown);
        loop {
            let next = tokio::select! {
                () = &mut shutdown => return Ok(()),
                next = subscription.next() => next,
            };
            let recorded = next?;
            self.handle(&recorded).await?;
            self.store()
                .save_checkpoint(PROCESS_MANAGER_NAME, recorded.global_position)
                .await?;
        }
    }
}
