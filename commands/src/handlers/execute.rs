//! The load → decide → append loop shared by every handler.

use super::context::{CommandContext, CommandOutcome, HandleError};
use crate::clock::{Clock, IdSource};
use crate::store::{
    AppendError, AppendRequest, EventStore, ExpectedVersion, NewEvent, ReadStreamOptions,
    StreamAppend,
};
use chrono::{DateTime, NaiveTime, Utc};
use domain::DomainError;
use domain::child::{ChildCommand, ChildDecider};
use domain::event::{Decider, DomainEvent};
use domain::funding::{
    FinancialYear, FundingCommand, FundingDecider, FundingPolicy, budget_stream_id,
};
use domain::ids::ChildId;
use domain::policy::LaPolicy;
use domain::values::LaCode;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// One planning attempt: load, decide, and say what to append. Boxed so that every handler's
/// future is `Send` and can run on any runtime thread (an HTTP server needs that).
pub(super) type PlanFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<StreamAppend>, HandleError>> + Send + 'a>>;

/// Runs commands against the event store.
#[derive(Debug, Clone)]
pub struct CommandHandler {
    pub(super) store: Arc<dyn EventStore>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) ids: Arc<dyn IdSource>,
    /// The LA policy's PP+ rules, put into every request and allocation so they never come
    /// from the caller ([`CommandHandler::with_policy`]; the statutory defaults otherwise).
    pub(super) funding_policy: FundingPolicy,
    /// How many times a command is decided at most before a conflict is returned. Every round
    /// of a race has a winner, so N writers contending for one stream all land within N
    /// attempts; real contention on one child is a handful of people at once.
    pub max_attempts: u32,
}

/// A stream as loaded: its state and version.
#[derive(Debug)]
pub(super) struct Loaded<State> {
    pub state: State,
    pub version: u64,
}

impl<State> Loaded<State> {
    /// The expected version to append with.
    pub fn expected(&self) -> ExpectedVersion {
        if self.version == 0 {
            ExpectedVersion::NoStream
        } else {
            ExpectedVersion::Exactly(self.version)
        }
    }
}

impl CommandHandler {
    /// A handler over `store`, taking time and ids from the edge.
    pub fn new(store: Arc<dyn EventStore>, clock: Arc<dyn Clock>, ids: Arc<dyn IdSource>) -> Self {
        Self {
            store,
            clock,
            ids,
            funding_policy: default_funding_policy(),
            max_attempts: 10,
        }
    }

    /// Decides PP+ requests and allocations under `policy`'s rules.
    pub fn with_policy(mut self, policy: &LaPolicy) -> Self {
        self.funding_policy = FundingPolicy::from_rule(&policy.name, &policy.pupil_premium_plus);
        self
    }

    /// The PP+ rules requests and allocations are decided under.
    pub fn funding_policy(&self) -> &FundingPolicy {
        &self.funding_policy
    }

    /// The store this handler writes to.
    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.store
    }

    /// Folds a stream into its decider's state.
    pub(super) async fn load<D: Decider>(
        &self,
        stream_id: &str,
    ) -> Result<Loaded<D::State>, HandleError> {
        let recorded = self
            .store
            .read_stream(stream_id, ReadStreamOptions::all())
            .await?;
        let mut state = D::State::default();
        let mut version = 0;
        for event in &recorded {
            let event = D::Event::decode(&event.event_type, event.schema_version, &event.payload)?;
            state = D::evolve(state, &event);
        }
        if let Some(last) = recorded.last() {
            version = last.stream_version;
        }
        Ok(Loaded { state, version })
    }

    /// Checks the caller's `If-Match` against the main stream.
    pub(super) fn check_expected(
        context: &CommandContext,
        stream_id: &str,
        version: u64,
    ) -> Result<(), HandleError> {
        match context.expected_version {
            Some(expected) if expected != version => Err(HandleError::Conflict {
                stream_id: stream_id.to_owned(),
                expected,
                actual: version,
            }),
            _ => Ok(()),
        }
    }

    /// Wraps domain events in envelopes for one stream.
    pub(super) fn envelopes<E: DomainEvent>(
        &self,
        events: &[E],
        la: &LaCode,
        context: &CommandContext,
    ) -> Vec<NewEvent> {
        let now = self.clock.now();
        events
            .iter()
            .map(|event| {
                let encoded = event.encode();
                NewEvent {
                    event_id: self.ids.new_id(),
                    event_type: encoded.event_type,
                    schema_version: encoded.schema_version,
                    la: la.as_str().to_owned(),
                    occurred_at: occurred_at(event.occurred_on(), now),
                    actor: context.actor.clone(),
                    correlation_id: context.correlation_id,
                    causation_id: context.causation_id,
                    source: context.source.clone(),
                    payload: encoded.payload,
                }
            })
            .collect()
    }

    /// Answers a retried command from its stored outcome, before anything is decided again.
    async fn replayed_outcome(
        &self,
        context: &CommandContext,
    ) -> Result<Option<CommandOutcome>, HandleError> {
        let Some(idempotency) = &context.idempotency else {
            return Ok(None);
        };
        let Some(record) = self.store.lookup_idempotency(&idempotency.key).await? else {
            return Ok(None);
        };
        if record.request_fingerprint != idempotency.request_fingerprint {
            return Err(HandleError::IdempotencyKeyReused {
                key: idempotency.key.clone(),
            });
        }
        Ok(Some(CommandOutcome {
            streams: record.outcome.streams,
            last_position: Some(record.outcome.last_position),
            events_written: 0,
            duplicate: true,
        }))
    }

    /// Plans and appends, planning again after a lost race. `plan` loads what it needs, decides,
    /// and returns the appends (with their expected versions) and the versions of the streams it
    /// read, for the answer when nothing needs writing.
    pub(super) async fn execute<'a>(
        &'a self,
        context: &'a CommandContext,
        mut plan: impl FnMut() -> PlanFuture<'a> + Send + 'a,
    ) -> Result<CommandOutcome, HandleError> {
        if let Some(outcome) = self.replayed_outcome(context).await? {
            return Ok(outcome);
        }
        let mut attempt = 1;
        loop {
            let appends = plan().await?;
            let events_written: usize = appends.iter().map(|append| append.events.len()).sum();
            if events_written == 0 {
                return Ok(CommandOutcome {
                    streams: appends
                        .iter()
                        .map(|append| (append.stream_id.clone(), expected_number(append.expected)))
                        .collect(),
                    last_position: None,
                    events_written: 0,
                    duplicate: false,
                });
            }
            let request = AppendRequest {
                streams: appends,
                idempotency: context.idempotency.clone(),
            };
            match self.store.append(request).await {
                Ok(outcome) => {
                    return Ok(CommandOutcome {
                        streams: outcome.streams,
                        last_position: Some(outcome.last_position),
                        events_written: if outcome.duplicate { 0 } else { events_written },
                        duplicate: outcome.duplicate,
                    });
                }
                Err(AppendError::Conflict { .. })
                    if context.expected_version.is_none() && attempt < self.max_attempts =>
                {
                    tracing::debug!(attempt, "append lost a race; deciding again");
                    // A short, growing, jittered pause spreads the losers of one round apart.
                    let jitter = u64::from(self.ids.new_id().as_bytes()[15] % 4);
                    tokio::time::sleep(std::time::Duration::from_millis(
                        u64::from(attempt) + jitter,
                    ))
                    .await;
                    attempt += 1;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Runs a command on a child record.
    pub async fn child(
        &self,
        child_id: ChildId,
        command: ChildCommand,
        context: &CommandContext,
    ) -> Result<CommandOutcome, HandleError> {
        let stream_id = &child_id.stream_id();
        let command = &command;
        let registering = matches!(command, ChildCommand::Register { .. });
        self.execute(context, move || {
            Box::pin(async move {
                let loaded = self.load::<ChildDecider>(stream_id).await?;
                if loaded.version == 0 && !registering {
                    return Err(HandleError::NotFound {
                        stream_id: stream_id.clone(),
                    });
                }
                Self::check_expected(context, stream_id, loaded.version)?;
                let events = ChildDecider::decide(&loaded.state, command.clone())
                    .map_err(DomainError::from)?;
                let la = match (&loaded.state.registration, command) {
                    (Some(registration), _) => registration.la.clone(),
                    (None, ChildCommand::Register { la, .. }) => la.clone(),
                    (None, _) => {
                        return Err(HandleError::Corrupt(format!(
                            "{stream_id} has events but no registration"
                        )));
                    }
                };
                Ok(vec![StreamAppend {
                    stream_id: stream_id.clone(),
                    expected: loaded.expected(),
                    events: self.envelopes(&events, &la, context),
                }])
            })
        })
        .await
    }

    /// Runs a command on an LA's PP+ budget for a financial year. Requests and allocations go
    /// through [`CommandHandler::request_funding`] and [`CommandHandler::allocate_funding`],
    /// which read the PEP first and add the policy's rules.
    pub async fn funding(
        &self,
        la: &LaCode,
        financial_year: FinancialYear,
        command: FundingCommand,
        context: &CommandContext,
    ) -> Result<CommandOutcome, HandleError> {
        let stream_id = &budget_stream_id(la, financial_year);
        let command = &command;
        self.execute(context, move || {
            Box::pin(async move {
                let loaded = self.load::<FundingDecider>(stream_id).await?;
                Self::check_expected(context, stream_id, loaded.version)?;
                let events = FundingDecider::decide(&loaded.state, command.clone())
                    .map_err(DomainError::from)?;
                Ok(vec![StreamAppend {
                    stream_id: stream_id.clone(),
                    expected: loaded.expected(),
                    events: self.envelopes(&events, la, context),
                }])
            })
        })
        .await
    }
}

fn default_funding_policy() -> FundingPolicy {
    let policy = LaPolicy::default();
    FundingPolicy::from_rule(&policy.name, &policy.pupil_premium_plus)
}

fn expected_number(expected: ExpectedVersion) -> u64 {
    match expected {
        ExpectedVersion::Exactly(version) => version,
        _ => 0,
    }
}

/// A business date becomes midnight UTC of that day; events without one happened when recorded.
fn occurred_at(day: Option<chrono::NaiveDate>, now: DateTime<Utc>) -> DateTime<Utc> {
    day.map(|day| day.and_time(NaiveTime::MIN).and_utc())
        .unwrap_or(now)
}
