//! Commands that touch more than one stream, appended atomically: opening a PEP (the child
//! record and the new PEP), closing one (the PEP and the child record), and asking for PP+ (the
//! budget, with the PEP's version asserted so a PEP returned meanwhile cannot slip through the
//! LA's release condition).

use super::context::{CommandContext, CommandOutcome, HandleError};
use super::execute::CommandHandler;
use crate::store::{ExpectedVersion, StreamAppend};
use chrono::NaiveDate;
use domain::DomainError;
use domain::child::{ChildCommand, ChildDecider};
use domain::event::Decider;
use domain::funding::{
    FinancialYear, FundingCommand, FundingDecider, PepSnapshot, budget_stream_id,
};
use domain::ids::{ChildId, FundingRequestId, PepId, TargetId};
use domain::pep::{PepCommand, PepDecider, PepEvent, PepKind, PepTrigger};
use domain::values::{LaCode, Money, SchoolUrn};

/// A PP+ allocation as the Virtual School makes it; the handler adds what the PEP says now.
#[derive(Debug, Clone, PartialEq)]
pub struct FundingAllocation {
    /// The request.
    pub request_id: FundingRequestId,
    /// Amount allocated.
    pub amount: Money,
    /// Date allocated.
    pub allocated_on: NaiveDate,
}

/// A PP+ request as a school makes it; the handler adds what the PEP says.
#[derive(Debug, Clone, PartialEq)]
pub struct FundingRequest {
    /// Id made at the edge.
    pub request_id: FundingRequestId,
    /// The PEP the request is made against.
    pub pep_id: PepId,
    /// The school asking.
    pub school_urn: Option<SchoolUrn>,
    /// Targets of that PEP the money serves.
    pub target_ids: Vec<TargetId>,
    /// Amount asked for.
    pub amount: Money,
    /// What it pays for.
    pub purpose: String,
    /// Intended outcome.
    pub intended_outcome: String,
    /// Date asked.
    pub requested_on: NaiveDate,
}

impl CommandHandler {
    /// Opens a new PEP for a child: `PepOpened` on the child record and `PepInitiated` on the
    /// new PEP, in one append. Targets of the previous PEP not yet reviewed are carried in.
    pub async fn initiate_pep(
        &self,
        child_id: ChildId,
        pep_id: PepId,
        kind: PepKind,
        trigger: PepTrigger,
        initiated_on: NaiveDate,
        context: &CommandContext,
    ) -> Result<CommandOutcome, HandleError> {
        let child_stream = &child_id.stream_id();
        let pep_stream = &pep_id.stream_id();
        self.execute(context, move || {
            Box::pin(async move {
                let child = self.load::<ChildDecider>(child_stream).await?;
                let Some(registration) = child.state.registration.clone() else {
                    return Err(HandleError::NotFound {
                        stream_id: child_stream.clone(),
                    });
                };
                Self::check_expected(context, child_stream, child.version)?;
                let previous_pep_id = child.state.peps.last().copied();
                let child_events = ChildDecider::decide(
                    &child.state,
                    ChildCommand::OpenPep {
                        pep_id,
                        kind,
                        trigger,
                        opened_on: initiated_on,
                    },
                )
                .map_err(DomainError::from)?;
                let targets_to_review = match previous_pep_id {
                    Some(previous) => self
                        .load::<PepDecider>(&previous.stream_id())
                        .await?
                        .state
                        .targets_to_carry(),
                    None => Vec::new(),
                };
                let pep = self.load::<PepDecider>(pep_stream).await?;
                let pep_events = PepDecider::decide(
                    &pep.state,
                    PepCommand::Initiate {
                        pep_id,
                        child_id,
                        la: registration.la.clone(),
                        kind,
                        trigger,
                        initiated_on,
                        previous_pep_id,
                        targets_to_review,
                    },
                )
                .map_err(DomainError::from)?;
                Ok(vec![
                    StreamAppend {
                        stream_id: child_stream.clone(),
                        expected: child.expected(),
                        events: self.envelopes(&child_events, &registration.la, context),
                    },
                    StreamAppend {
                        stream_id: pep_stream.clone(),
                        expected: pep.expected(),
                        events: self.envelopes(&pep_events, &registration.la, context),
                    },
                ])
            })
        })
        .await
    }

    /// Runs a command on a PEP. Signing off or withdrawing also closes the PEP on the child
    /// record in the same append, so the child can never be left with a finished PEP "open".
    pub async fn pep(
        &self,
        pep_id: PepId,
        command: PepCommand,
        context: &CommandContext,
    ) -> Result<CommandOutcome, HandleError> {
        let pep_stream = &pep_id.stream_id();
        let command = &command;
        self.execute(context, move || {
            Box::pin(async move {
                let pep = self.load::<PepDecider>(pep_stream).await?;
                let Some(header) = pep.state.header.clone() else {
                    return Err(HandleError::NotFound {
                        stream_id: pep_stream.clone(),
                    });
                };
                Self::check_expected(context, pep_stream, pep.version)?;
                let pep_events =
                    PepDecider::decide(&pep.state, command.clone()).map_err(DomainError::from)?;
                let mut appends = vec![StreamAppend {
                    stream_id: pep_stream.clone(),
                    expected: pep.expected(),
                    events: self.envelopes(&pep_events, &header.la, context),
                }];
                let closing = pep_events.iter().find_map(|event| match event {
                    PepEvent::SignedOff { signed_off_on, .. } => Some((*signed_off_on, true)),
                    PepEvent::Withdrawn { withdrawn_on, .. } => Some((*withdrawn_on, false)),
                    _ => None,
                });
                if let Some((closed_on, completed)) = closing {
                    let child_stream = header.child_id.stream_id();
                    let child = self.load::<ChildDecider>(&child_stream).await?;
                    let child_events = ChildDecider::decide(
                        &child.state,
                        ChildCommand::ClosePep {
                            pep_id,
                            closed_on,
                            completed,
                        },
                    )
                    .map_err(DomainError::from)?;
                    appends.push(StreamAppend {
                        stream_id: child_stream,
                        expected: child.expected(),
                        events: self.envelopes(&child_events, &header.la, context),
                    });
                }
                Ok(appends)
            })
        })
        .await
    }

    /// Asks for PP+ against a PEP's targets. The PEP's status and targets are read here and the
    /// append asserts the PEP's version, so the decision is made on the PEP as it stands.
    pub async fn request_funding(
        &self,
        la: &LaCode,
        financial_year: FinancialYear,
        request: FundingRequest,
        context: &CommandContext,
    ) -> Result<CommandOutcome, HandleError> {
        let budget_stream = &budget_stream_id(la, financial_year);
        let pep_stream = &request.pep_id.stream_id();
        let request = &request;
        self.execute(context, move || {
            Box::pin(async move {
                let pep = self.load::<PepDecider>(pep_stream).await?;
                let Some(header) = pep.state.header.clone() else {
                    return Err(HandleError::NotFound {
                        stream_id: pep_stream.clone(),
                    });
                };
                let budget = self.load::<FundingDecider>(budget_stream).await?;
                Self::check_expected(context, budget_stream, budget.version)?;
                let command = FundingCommand::Request {
                    request_id: request.request_id,
                    child_id: header.child_id,
                    pep: snapshot(request.pep_id, header.child_id, &pep.state),
                    policy: self.funding_policy.clone(),
                    school_urn: request.school_urn.clone(),
                    target_ids: request.target_ids.clone(),
                    amount: request.amount,
                    purpose: request.purpose.clone(),
                    intended_outcome: request.intended_outcome.clone(),
                    requested_on: request.requested_on,
                };
                let events =
                    FundingDecider::decide(&budget.state, command).map_err(DomainError::from)?;
                Ok(vec![
                    StreamAppend {
                        stream_id: budget_stream.clone(),
                        expected: budget.expected(),
                        events: self.envelopes(&events, la, context),
                    },
                    StreamAppend {
                        stream_id: pep_stream.clone(),
                        expected: ExpectedVersion::Exactly(pep.version),
                        events: Vec::new(),
                    },
                ])
            })
        })
        .await
    }

    /// Allocates money to a request. The PEP the request was made against is read as it stands
    /// now (a PEP returned or rated red since the request releases nothing) and its version is
    /// asserted by the append.
    pub async fn allocate_funding(
        &self,
        la: &LaCode,
        financial_year: FinancialYear,
        allocation: FundingAllocation,
        context: &CommandContext,
    ) -> Result<CommandOutcome, HandleError> {
        let budget_stream = &budget_stream_id(la, financial_year);
        let allocation = &allocation;
        self.execute(context, move || {
            Box::pin(async move {
                let budget = self.load::<FundingDecider>(budget_stream).await?;
                Self::check_expected(context, budget_stream, budget.version)?;
                let Some(request) = budget.state.requests.get(&allocation.request_id) else {
                    return Err(
                        DomainError::from(domain::funding::FundingError::UnknownRequest(
                            allocation.request_id,
                        ))
                        .into(),
                    );
                };
                let pep_stream = request.pep_id.stream_id();
                let pep = self.load::<PepDecider>(&pep_stream).await?;
                let command = FundingCommand::Allocate {
                    request_id: allocation.request_id,
                    amount: allocation.amount,
                    allocated_on: allocation.allocated_on,
                    pep: snapshot(request.pep_id, request.child_id, &pep.state),
                    policy: self.funding_policy.clone(),
                };
                let events =
                    FundingDecider::decide(&budget.state, command).map_err(DomainError::from)?;
                Ok(vec![
                    StreamAppend {
                        stream_id: budget_stream.clone(),
                        expected: budget.expected(),
                        events: self.envelopes(&events, la, context),
                    },
                    StreamAppend {
                        stream_id: pep_stream,
                        expected: ExpectedVersion::Exactly(pep.version),
                        events: Vec::new(),
                    },
                ])
            })
        })
        .await
    }
}

/// What a funding decision needs to know about a PEP as it stands.
fn snapshot(pep_id: PepId, child_id: ChildId, pep: &domain::pep::PepState) -> PepSnapshot {
    PepSnapshot {
        pep_id,
        child_id: pep
            .header
            .as_ref()
            .map_or(child_id, |header| header.child_id),
        status: pep.status(),
        rating: pep.rating,
        target_ids: pep.own_target_ids(),
    }
}
