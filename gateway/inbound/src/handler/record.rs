//! The handler's reach into the child's record: reading the record as it stands and issuing a
//! command with the idempotency key that makes a redelivered message answer from the store
//! instead of writing twice. It knows the command handler and the store, not the inbound log, so
//! the exactly-once application and the parking of placements share it without sharing state.

use crate::identity::message_correlation_id;
use crate::message::InboundMessage;
use crate::outcome::InboundError;
use crate::rejection::{RejectionKind, RejectionReason};
use commands::handlers::{CommandContext, CommandHandler, CommandOutcome, HandleError};
use commands::store::ReadStreamOptions;
use domain::child::{ChildCommand, ChildDecider, ChildError, ChildEvent, ChildState};
use domain::event::{Decider, DomainEvent};
use domain::ids::ChildId;
use domain::{Actor, DomainError, Role};

/// A message the record refused, or a failure to handle it.
pub(super) enum Refusal {
    /// The child was registered already: the caller updates the details instead.
    AlreadyRegistered,
    /// A business rule of the record refused the message.
    Rule(RejectionReason),
    /// The message could not be handled now.
    Error(InboundError),
}

impl From<InboundError> for Refusal {
    fn from(error: InboundError) -> Self {
        Refusal::Error(error)
    }
}

/// Runs `command` on the child's record as step `step` of `message`, keyed so that the same
/// step of the same message runs once however often the message arrives.
pub(super) async fn run(
    commands: &CommandHandler,
    message: &InboundMessage,
    body_sha256: &str,
    step: &str,
    child_id: ChildId,
    command: ChildCommand,
) -> Result<CommandOutcome, Refusal> {
    let key = &message.key;
    let source = format!("feed:{}", key.source_system);
    let context = CommandContext::new(
        Actor::new(source.clone(), Role::Integration),
        message_correlation_id(&key.source_system, &key.message_id),
        source,
    )
    .with_idempotency(
        format!("feed:{}:{}:{step}", key.source_system, key.message_id),
        body_sha256,
    );
    commands
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
            HandleError::IdempotencyKeyReused { key } => Refusal::Rule(RejectionReason::single(
                RejectionKind::MessageIdReused,
                "/message_id",
                format!("{key} was already used for a different message"),
            )),
            HandleError::Unavailable(reason) => Refusal::Error(InboundError::Unavailable(reason)),
            HandleError::Conflict { stream_id, .. } => Refusal::Error(InboundError::Unavailable(
                format!("{stream_id} is too contended right now"),
            )),
            other => Refusal::Error(InboundError::Failed(other.to_string())),
        })
}

/// The child's record as its events say it stands now.
pub(super) async fn child_state(
    commands: &CommandHandler,
    child_id: ChildId,
) -> Result<ChildState, Refusal> {
    let recorded = commands
        .store()
        .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
        .await
        .map_err(|error| Refusal::Error(InboundError::Unavailable(error.to_string())))?;
    let events: Vec<ChildEvent> = recorded
        .iter()
        .map(|event| ChildEvent::decode(&event.event_type, event.schema_version, &event.payload))
        .collect::<Result<_, _>>()
        .map_err(|error| Refusal::Error(InboundError::Failed(error.to_string())))?;
    Ok(ChildDecider::replay(&events))
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
