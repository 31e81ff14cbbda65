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
//!   child message registers the child.

use super::identity::{child_id_for, message_correlation_id};
use super::log::{InboundLog, MessageStatus, NewMessage, NewRejection};
use super::message::{InboundMessage, MessageBody, key_of, parse_message};
use super::metrics::InboundMetrics;
use super::rejection::{RejectionKind, RejectionReason};
use super::schema::Feed;
use commands::clock::Clock;
use commands::handlers::{CommandContext, CommandHandler, CommandOutcome, HandleError};
use commands::store::ReadStreamOptions;
use domain::child::{ChildCommand, ChildDecider, ChildError, ChildEvent, ChildState};
use domain::event::{Decider, DomainEvent};
use domain::ids::ChildId;
use domain::ssda903::CodeLists;
use domain::{Actor, DomainError, Role};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::sync::Notify;

// The handler's words and ids keep their old paths here, so callers need not know they moved.
pub use super::arrival::Received;
pub use super::identity::rejection_id;
pub use super::outcome::{InboundError, InboundOutcome};

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
        match self.child_state(child_id).await {
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
        let key = &message.key;
        match &message.body {
            MessageBody::Child(details) => {
                let state = self.child_state(child_id).await?;
                let update = || {
                    self.run(
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
                    let register = self
                        .run(
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
                let mut state = self.child_state(child_id).await?;
                if state.registration.is_none() {
                    self.log
                        .set_status(
                            &key.source_system,
                            &key.message_id,
                            MessageStatus::WaitingForChild,
                            None,
                            &[],
                            self.clock.now(),
                        )
                        .await
                        .map_err(|error| Refusal::Error(error.into()))?;
                    // A child message may have registered the child while this one was being
                    // parked; look again so the placement is not left waiting for nothing.
                    state = self.child_state(child_id).await?;
                    if state.registration.is_none() {
                        return Ok(InboundOutcome::WaitingForChild {
                            child_id: child_id.as_uuid(),
                        });
                    }
                }
                let outcome = self
                    .run(
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

    /// Applies the placements that were waiting for this child, oldest first.
    async fn release_waiting(
        &self,
        message: &InboundMessage,
        child_id: ChildId,
    ) -> Result<usize, Refusal> {
        let waiting = self
            .log
            .waiting_for_child(message.la.as_str(), &message.la_child_id)
            .await
            .map_err(|error| Refusal::Error(error.into()))?;
        let mut released = 0;
        for (_, _, body) in waiting {
            let Ok(placement) = parse_message(
                Feed::Placement,
                body.as_bytes(),
                message.la.as_str(),
                &self.code_lists,
            ) else {
                // It parsed when it arrived; only a change of code lists could refuse it now.
                // Leave it waiting and visible rather than drop it.
                continue;
            };
            let sha = hex::encode(Sha256::digest(body.as_bytes()));
            match Box::pin(self.apply(&placement, child_id, &sha)).await {
                Ok(_) => released += 1,
                Err(Refusal::Rule(reason)) => {
                    tracing::warn!(
                        source_system = %placement.key.source_system,
                        message_id = %placement.key.message_id,
                        reason = %reason.summary(),
                        "a placement that waited for its child was refused by the record"
                    );
                }
                Err(Refusal::Error(error)) => return Err(Refusal::Error(error)),
                Err(Refusal::AlreadyRegistered) => {}
            }
        }
        Ok(released)
    }

    async fn finish(
        &self,
        message: &InboundMessage,
        child_id: ChildId,
        outcome: CommandOutcome,
        registered: bool,
        released_placements: usize,
    ) -> Result<InboundOutcome, Refusal> {
        let state = self.child_state(child_id).await?;
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

    async fn run(
        &self,
        message: &InboundMessage,
        body_sha256: &str,
        step: &str,
        child_id: ChildId,
        command: ChildCommand,
    ) -> Result<CommandOutcome, Refusal> {
        let key = &message.key;
        let source = format!("feed:{}", key.source_system);
        let message_uuid = message_correlation_id(&key.source_system, &key.message_id);
        let context = CommandContext::new(
            Actor::new(source.clone(), Role::Integration),
            message_uuid,
            source,
        )
        .with_idempotency(
            format!("feed:{}:{}:{step}", key.source_system, key.message_id),
            body_sha256,
        );
        self.commands
            .child(child_id, command, &context)
            .await
            .map_err(|error| match error {
                HandleError::Rejected(DomainError::Child(ChildError::AlreadyRegistered)) => {
                    Refusal::AlreadyRegistered
                }
                HandleError::Rejected(rule) => Refusal::Rule(RejectionReason::single(
                    RejectionKind::RuleViolation,
                    "",
                    rule.to_string(),
                )),
                HandleError::IdempotencyKeyReused { key } => {
                    Refusal::Rule(RejectionReason::single(
                        RejectionKind::MessageIdReused,
                        "/message_id",
                        format!("{key} was already used for a different message"),
                    ))
                }
                HandleError::Unavailable(reason) => {
                    Refusal::Error(InboundError::Unavailable(reason))
                }
                HandleError::Conflict { stream_id, .. } => Refusal::Error(
                    InboundError::Unavailable(format!("{stream_id} is too contended right now")),
                ),
                other => Refusal::Error(InboundError::Failed(other.to_string())),
            })
    }

    async fn child_state(&self, child_id: ChildId) -> Result<ChildState, Refusal> {
        let recorded = self
            .commands
            .store()
            .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
            .await
            .map_err(|error| Refusal::Error(InboundError::Unavailable(error.to_string())))?;
        let events: Vec<ChildEvent> = recorded
            .iter()
            .map(|event| {
                ChildEvent::decode(&event.event_type, event.schema_version, &event.payload)
            })
            .collect::<Result<_, _>>()
            .map_err(|error| Refusal::Error(InboundError::Failed(error.to_string())))?;
        Ok(ChildDecider::replay(&events))
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

/// A message the record refused, or a failure to handle it.
enum Refusal {
    AlreadyRegistered,
    Rule(RejectionReason),
    Error(InboundError),
}

impl From<InboundError> for Refusal {
    fn from(error: InboundError) -> Self {
        Refusal::Error(error)
    }
}

/// The kinds of data-quality problem a child's record has.
pub fn flag_kinds(state: &ChildState) -> Vec<String> {
    let mut kinds: Vec<String> = state
        .data_quality_issues()
        .iter()
        .filter_map(|issue| {
            serde_json::to_value(issue).ok().and_then(|value| {
                value
                    .get("kind")
                    .and_then(|kind| kind.as_str().map(str::to_owned))
            })
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}
