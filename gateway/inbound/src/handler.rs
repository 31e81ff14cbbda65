//! The one handler both inbound paths share (JetStream consumer, `POST /api/v1/inbound/*`, and
//! `pep import 903`): check the message, apply it exactly once to the child's record, or refuse
//! it into the rejections log and the dead-letter subject.
//!
//! What happens on each failure:
//! - **Malformed message**: refused, recorded with its original bytes and reason (the same
//!   bytes again only count another arrival), and handed to the dead-letter publisher. Nothing
//!   is written to the event store.
//! - **Duplicate** (NATS redelivery, HTTP retry, a whole extract replayed): a message already
//!   applied answers `Duplicate` from the log; one that was interrupted runs again and every
//!   command it issues answers from the store's idempotency record (keys
//!   `feed:<source>:<message_id>:<step>`), so nothing is written twice.
//! - **Crash** between the append and the log update: the same as a redelivery.
//! - **Postgres down or restarted**: [`InboundError::Unavailable`]; nothing was acknowledged,
//!   the NATS consumer asks for redelivery later and HTTP answers 503.
//! - **A placement before its child**: kept (`waiting_for_child`) and applied as soon as a
//!   child message registers the child (see `handler/parking.rs`).
//!
//! The commands on the child's record, with their idempotency keys, are in `handler/record.rs`;
//! the words of an arrival and of its outcome are in [`crate::arrival`] and [`crate::outcome`].

mod parking;
mod record;

use crate::identity::child_id_for;
use crate::log::{InboundLog, MessageStatus, NewMessage, NewRejection};
use crate::message::{InboundMessage, MessageBody, key_of, parse_message};
use crate::metrics::InboundMetrics;
use crate::rejection::{RejectionKind, RejectionReason};
use commands::clock::Clock;
use commands::handlers::{CommandHandler, CommandOutcome};
use domain::child::ChildCommand;
use domain::ids::ChildId;
use domain::ssda903::CodeLists;
use record::{Refusal, child_state, run};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::sync::Notify;

// The handler's words and ids keep their old paths here, so callers need not know they moved.
pub use crate::arrival::Received;
pub use crate::identity::rejection_id;
pub use crate::outcome::{InboundError, InboundOutcome};
pub use record::flag_kinds;

/// Checks and applies inbound messages.
#[derive(Debug, Clone)]
pub struct InboundHandler {
    commands: CommandHandler,
    log: InboundLog,
    code_lists: Arc<CodeLists>,
    clock: Arc<dyn Clock>,
    metrics: InboundMetrics,
    dead_letters: Arc<Notify>,
}

impl InboundHandler {
    /// A handler applying through `commands`, logging in `log`.
    pub fn new(
        commands: CommandHandler,
        log: InboundLog,
        code_lists: Arc<CodeLists>,
        clock: Arc<dyn Clock>,
        metrics: InboundMetrics,
    ) -> Self {
        Self {
            commands,
            log,
            code_lists,
            clock,
            metrics,
            dead_letters: Arc::new(Notify::new()),
        }
    }

    /// The inbound log.
    pub fn log(&self) -> &InboundLog {
        &self.log
    }

    /// The counters.
    pub fn metrics(&self) -> &InboundMetrics {
        &self.metrics
    }

    /// Notified whenever a new rejection is recorded, so the dead-letter publisher wakes.
    pub fn dead_letter_signal(&self) -> Arc<Notify> {
        self.dead_letters.clone()
    }

    /// The data-quality flags (kinds) of a child's record as it stands.
    pub async fn flags_of(&self, child_id: ChildId) -> Result<Vec<String>, InboundError> {
        match child_state(&self.commands, child_id).await {
            Ok(state) => Ok(flag_kinds(&state)),
            Err(Refusal::Error(error)) => Err(error),
            Err(_) => Ok(Vec::new()),
        }
    }

    /// Handles one arrival.
    pub async fn handle(&self, received: Received<'_>) -> Result<InboundOutcome, InboundError> {
        let outcome = self.handle_uncounted(received).await?;
        self.metrics.count(received.feed, &outcome);
        Ok(outcome)
    }

    async fn handle_uncounted(
        &self,
        received: Received<'_>,
    ) -> Result<InboundOutcome, InboundError> {
        let message =
            match parse_message(received.feed, received.bytes, received.la, &self.code_lists) {
                Ok(message) => message,
                Err(reason) => return self.reject(received, reason).await,
            };
        let body_sha256 = hex::encode(Sha256::digest(received.bytes));
        let child_id = child_id_for(&message.la, &message.la_child_id);
        let key = &message.key;
        let logged = self
            .log
            .message(&key.source_system, &key.message_id)
            .await?;
        let previous = logged.as_ref().map(|logged| logged.status);
        if let Some(logged) = logged
            && logged.body_sha256 != body_sha256
        {
            let reason = RejectionReason::single(
                RejectionKind::MessageIdReused,
                "/message_id",
                format!(
                    "{} already sent a different message with message_id {:?}; \
                     a corrected message needs a new message_id",
                    key.source_system, key.message_id
                ),
            );
            return self.reject(received, reason).await;
        }
        // serde_json accepted the bytes, so they are UTF-8.
        let body = String::from_utf8_lossy(received.bytes);
        // Every arrival is counted, a repeat too: the log shows how often a sender retried.
        self.log
            .record_received(&NewMessage {
                source_system: &key.source_system,
                message_id: &key.message_id,
                feed: received.feed,
                la: message.la.as_str(),
                la_child_id: &message.la_child_id,
                child_id: &child_id.as_uuid().to_string(),
                body_sha256: &body_sha256,
                body: &body,
                transport: received.transport,
                at: self.clock.now(),
            })
            .await?;
        if previous == Some(MessageStatus::Applied) {
            return Ok(InboundOutcome::Duplicate {
                child_id: child_id.as_uuid(),
            });
        }
        match self.apply(&message, child_id, &body_sha256).await {
            Ok(outcome) => Ok(outcome),
            Err(Refusal::Rule(reason)) => {
                self.log
                    .set_status(
                        &key.source_system,
                        &key.message_id,
                        MessageStatus::Rejected,
                        None,
                        &[],
                        self.clock.now(),
                    )
                    .await?;
                self.reject(received, reason).await
            }
            Err(Refusal::Error(error)) => Err(error),
            Err(Refusal::AlreadyRegistered) => Err(InboundError::Failed(
                "the child was registered twice at once".to_owned(),
            )),
        }
    }

    async fn apply(
        &self,
        message: &InboundMessage,
        child_id: ChildId,
        body_sha256: &str,
    ) -> Result<InboundOutcome, Refusal> {
        match &message.body {
            MessageBody::Child(details) => {
                let state = child_state(&self.commands, child_id).await?;
                let update = || {
                    run(
                        &self.commands,
                        message,
                        body_sha256,
                        "details",
                        child_id,
                        ChildCommand::UpdateDetails {
                            details: details.clone(),
                        },
                    )
                };
                let (result, registered) = if state.registration.is_none() {
                    let register = run(
                        &self.commands,
                        message,
                        body_sha256,
                        "register",
                        child_id,
                        ChildCommand::Register {
                            child_id,
                            la: message.la.clone(),
                            la_child_id: message.la_child_id.clone(),
                            details: details.clone(),
                        },
                    )
                    .await;
                    match register {
                        // Another message registered the child a moment ago.
                        Err(Refusal::AlreadyRegistered) => (update().await, false),
                        other => (other, true),
                    }
                } else {
                    (update().await, false)
                };
                let outcome = result?;
                let released = self.release_waiting(message, child_id).await?;
                self.finish(message, child_id, outcome, registered, released)
                    .await
            }
            MessageBody::Placement(episode) => {
                if let Some(waiting) = self.park_until_child(message, child_id).await? {
                    return Ok(waiting);
                }
                let outcome = run(
                    &self.commands,
                    message,
                    body_sha256,
                    "episode",
                    child_id,
                    ChildCommand::RecordEpisode {
                        episode: episode.clone(),
                    },
                )
                .await?;
                self.finish(message, child_id, outcome, false, 0).await
            }
        }
    }

    async fn finish(
        &self,
        message: &InboundMessage,
        child_id: ChildId,
        outcome: CommandOutcome,
        registered: bool,
        released_placements: usize,
    ) -> Result<InboundOutcome, Refusal> {
        let state = child_state(&self.commands, child_id).await?;
        let flags = flag_kinds(&state);
        self.log
            .set_status(
                &message.key.source_system,
                &message.key.message_id,
                MessageStatus::Applied,
                outcome.last_position,
                &flags,
                self.clock.now(),
            )
            .await
            .map_err(|error| Refusal::Error(error.into()))?;
        Ok(InboundOutcome::Applied {
            child_id: child_id.as_uuid(),
            registered,
            events_written: outcome.events_written,
            position: outcome.last_position,
            flags,
            released_placements,
        })
    }

    async fn reject(
        &self,
        received: Received<'_>,
        reason: RejectionReason,
    ) -> Result<InboundOutcome, InboundError> {
        let rejection_id = rejection_id(received.feed, received.la, received.bytes, reason.kind);
        let key = serde_json::from_slice(received.bytes)
            .ok()
            .and_then(|value| key_of(&value));
        let new = self
            .log
            .record_rejection(&NewRejection {
                rejection_id: &rejection_id,
                feed: received.feed,
                la: received.la,
                key: key
                    .as_ref()
                    .map(|key| (key.source_system.as_str(), key.message_id.as_str())),
                reason: &reason,
                original: received.bytes,
                transport: received.transport,
                at: self.clock.now(),
            })
            .await?;
        if new {
            tracing::info!(
                feed = received.feed.as_str(),
                la = received.la,
                %rejection_id,
                reason = %reason.summary(),
                "inbound message refused"
            );
            self.dead_letters.notify_one();
        }
        Ok(InboundOutcome::Rejected {
            rejection_id,
            reason,
        })
    }
}
