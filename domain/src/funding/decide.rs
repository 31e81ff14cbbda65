//! PP+ rules: only against an eligible PEP and its own targets, within the per-child cap and
//! the LA's budget for the year, and (where the LA says so) only after earlier impact is known.

use super::commands::FundingCommand;
use super::events::FundingEvent;
use super::state::{FundingState, RequestStatus};
use super::types::{FinancialYear, FundingPolicy, PepSnapshot, ReleaseCondition};
use crate::ids::{ChildId, FundingRequestId, PepId, TargetId};
use crate::pep::{PepStatus, QaRating};
use crate::values::{LaCode, Money};
use thiserror::Error;

/// Why a funding command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FundingError {
    /// A request before the year's budget exists.
    #[error("no PP+ budget has been set for this LA and financial year")]
    BudgetNotSet,
    /// Setting the budget of another LA or year on this stream.
    #[error("this budget is for LA {la} in {financial_year}")]
    WrongBudget {
        /// The stream's LA.
        la: LaCode,
        /// The stream's year.
        financial_year: FinancialYear,
    },
    /// A budget smaller than what is already allocated.
    #[error("the budget {budget} is below the {allocated} already allocated")]
    BudgetBelowAllocated {
        /// Proposed budget.
        budget: Money,
        /// Already allocated.
        allocated: Money,
    },
    /// A zero or negative amount where money must be positive.
    #[error("{field} must be more than £0.00")]
    NotPositive {
        /// The field.
        field: &'static str,
    },
    /// A request id used twice.
    #[error("request {0} already exists")]
    DuplicateRequest(FundingRequestId),
    /// A request or decision about a request that does not exist.
    #[error("request {0} does not exist")]
    UnknownRequest(FundingRequestId),
    /// The PEP belongs to another child.
    #[error("PEP {0} is not this child's PEP")]
    PepNotForChild(PepId),
    /// The PEP is not far enough through its workflow.
    #[error(
        "the PEP is {status:?}; this LA releases PP+ only on a PEP that is at least {required:?}"
    )]
    PepNotEligible {
        /// Its status.
        status: PepStatus,
        /// What the LA requires.
        required: ReleaseCondition,
    },
    /// The PEP was rated red by quality assurance: no money is released on it.
    #[error(
        "the PEP was rated red when it was quality assured; PP+ is never released on a PEP rated red"
    )]
    PepRatedRed(PepId),
    /// A payment of an instalment the allocation does not have.
    #[error("request {request_id} has no instalment {instalment}")]
    UnknownInstalment {
        /// The request.
        request_id: FundingRequestId,
        /// The instalment asked for.
        instalment: u8,
    },
    /// An instalment paid twice.
    #[error("instalment {instalment} of request {request_id} has already been paid")]
    AlreadyPaid {
        /// The request.
        request_id: FundingRequestId,
        /// The instalment.
        instalment: u8,
    },
    /// A request linked to no target.
    #[error("a PP+ request must be linked to at least one target of the PEP")]
    NoTargetsLinked,
    /// A linked target that is not in the PEP.
    #[error("target {0} is not a target of this PEP")]
    TargetNotInPep(TargetId),
    /// A required text field was empty.
    #[error("{field} must not be empty")]
    EmptyField {
        /// The field.
        field: &'static str,
    },
    /// Earlier funding's impact is not yet recorded.
    #[error("the impact of earlier PP+ ({0}) must be recorded before more is requested")]
    ImpactNotRecorded(FundingRequestId),
    /// Over the per-child cap.
    #[error("{requested} would take the child over the {cap} cap ({allocated} already allocated)")]
    CapExceeded {
        /// The cap.
        cap: Money,
        /// Already allocated to the child.
        allocated: Money,
        /// Asked for now.
        requested: Money,
    },
    /// Over the LA's budget.
    #[error("{requested} exceeds the {remaining} left in the budget")]
    BudgetExceeded {
        /// Left in the budget.
        remaining: Money,
        /// Asked for now.
        requested: Money,
    },
    /// Allocating more than was asked for.
    #[error("cannot allocate {amount}: the request was for {requested}")]
    MoreThanRequested {
        /// Proposed allocation.
        amount: Money,
        /// Asked for.
        requested: Money,
    },
    /// A decision on a request already decided.
    #[error("request {0} has already been decided")]
    AlreadyDecided(FundingRequestId),
    /// Impact on a request that was never allocated.
    #[error("request {0} has no allocation to record impact against")]
    NotAllocated(FundingRequestId),
    /// Impact recorded twice.
    #[error("impact for request {0} has already been recorded")]
    ImpactAlreadyRecorded(FundingRequestId),
}

fn require_text(value: &str, field: &'static str) -> Result<(), FundingError> {
    if value.trim().is_empty() {
        return Err(FundingError::EmptyField { field });
    }
    Ok(())
}

fn require_positive(amount: Money, field: &'static str) -> Result<(), FundingError> {
    if amount <= Money::ZERO {
        return Err(FundingError::NotPositive { field });
    }
    Ok(())
}

/// Decides a funding command.
pub fn decide(
    state: &FundingState,
    command: FundingCommand,
) -> Result<Vec<FundingEvent>, FundingError> {
    if let FundingCommand::SetBudget {
        la,
        financial_year,
        budget,
        per_child_cap,
        release_condition,
        impact_required_before_further_funding,
    } = command
    {
        if let Some(rules) = &state.rules
            && (rules.la != la || rules.financial_year != financial_year)
        {
            return Err(FundingError::WrongBudget {
                la: rules.la.clone(),
                financial_year: rules.financial_year,
            });
        }
        if budget.is_negative() {
            return Err(FundingError::NotPositive { field: "budget" });
        }
        require_positive(per_child_cap, "per_child_cap")?;
        let allocated = state.total_allocated();
        if budget < allocated {
            return Err(FundingError::BudgetBelowAllocated { budget, allocated });
        }
        return Ok(vec![FundingEvent::BudgetSet {
            la,
            financial_year,
            budget,
            per_child_cap,
            release_condition,
            impact_required_before_further_funding,
        }]);
    }
    let rules = state.rules.as_ref().ok_or(FundingError::BudgetNotSet)?;
    match command {
        FundingCommand::SetBudget { .. } => Err(FundingError::BudgetNotSet),
        FundingCommand::Request {
            request_id,
            child_id,
            pep,
            school_urn,
            target_ids,
            amount,
            purpose,
            intended_outcome,
            requested_on,
            policy,
        } => {
            if state.requests.contains_key(&request_id) {
                return Err(FundingError::DuplicateRequest(request_id));
            }
            require_positive(amount, "amount")?;
            if pep.child_id != child_id {
                return Err(FundingError::PepNotForChild(pep.pep_id));
            }
            check_release(&pep, &policy)?;
            if target_ids.is_empty() {
                return Err(FundingError::NoTargetsLinked);
            }
            if let Some(stray) = target_ids
                .iter()
                .find(|target| !pep.target_ids.contains(target))
            {
                return Err(FundingError::TargetNotInPep(*stray));
            }
            require_text(&purpose, "purpose")?;
            require_text(&intended_outcome, "intended_outcome")?;
            check_impact(state, &policy, child_id)?;
            check_cap(state, policy.per_child_cap, child_id, amount)?;
            Ok(vec![FundingEvent::Requested {
                request_id,
                child_id,
                pep_id: pep.pep_id,
                school_urn,
                target_ids,
                amount,
                purpose,
                intended_outcome,
                requested_on,
            }])
        }
        FundingCommand::Allocate {
            request_id,
            amount,
            allocated_on,
            pep,
            policy,
        } => {
            let request = state
                .requests
                .get(&request_id)
                .ok_or(FundingError::UnknownRequest(request_id))?;
            if request.status != RequestStatus::Pending {
                return Err(FundingError::AlreadyDecided(request_id));
            }
            require_positive(amount, "amount")?;
            if amount > request.requested {
                return Err(FundingError::MoreThanRequested {
                    amount,
                    requested: request.requested,
                });
            }
            if pep.pep_id != request.pep_id {
                return Err(FundingError::PepNotForChild(pep.pep_id));
            }
            check_release(&pep, &policy)?;
            check_impact(state, &policy, request.child_id)?;
            check_cap(state, policy.per_child_cap, request.child_id, amount)?;
            let remaining = rules
                .budget
                .checked_sub(state.total_allocated())
                .unwrap_or(Money::ZERO);
            if amount > remaining {
                return Err(FundingError::BudgetExceeded {
                    remaining,
                    requested: amount,
                });
            }
            Ok(vec![FundingEvent::Allocated {
                request_id,
                amount,
                allocated_on,
                instalments: super::instalments::schedule(
                    amount,
                    allocated_on,
                    rules.financial_year,
                    policy.termly_instalments,
                ),
                policy_name: Some(policy.policy_name),
            }])
        }
        FundingCommand::Reject {
            request_id,
            reason,
            rejected_on,
        } => {
            let request = state
                .requests
                .get(&request_id)
                .ok_or(FundingError::UnknownRequest(request_id))?;
            if request.status != RequestStatus::Pending {
                return Err(FundingError::AlreadyDecided(request_id));
            }
            require_text(&reason, "reason")?;
            Ok(vec![FundingEvent::Rejected {
                request_id,
                reason,
                rejected_on,
            }])
        }
        FundingCommand::RecordPayment {
            request_id,
            instalment,
            paid_on,
            reference,
        } => {
            let request = state
                .requests
                .get(&request_id)
                .ok_or(FundingError::UnknownRequest(request_id))?;
            if !matches!(request.status, RequestStatus::Allocated(_)) {
                return Err(FundingError::NotAllocated(request_id));
            }
            let payment = request
                .payments
                .iter()
                .find(|payment| payment.instalment.number == instalment)
                .ok_or(FundingError::UnknownInstalment {
                    request_id,
                    instalment,
                })?;
            if payment.paid_on.is_some() {
                return Err(FundingError::AlreadyPaid {
                    request_id,
                    instalment,
                });
            }
            require_text(&reference, "reference")?;
            Ok(vec![FundingEvent::Paid {
                request_id,
                instalment,
                term: payment.instalment.term,
                year: payment.instalment.year,
                amount: payment.instalment.amount,
                paid_on,
                reference,
            }])
        }
        FundingCommand::RecordImpact {
            request_id,
            impact,
            recorded_on,
        } => {
            let request = state
                .requests
                .get(&request_id)
                .ok_or(FundingError::UnknownRequest(request_id))?;
            if !matches!(request.status, RequestStatus::Allocated(_)) {
                return Err(FundingError::NotAllocated(request_id));
            }
            if request.impact_recorded {
                return Err(FundingError::ImpactAlreadyRecorded(request_id));
            }
            require_text(&impact, "impact")?;
            Ok(vec![FundingEvent::ImpactRecorded {
                request_id,
                impact,
                recorded_on,
            }])
        }
    }
}

/// Money is released only on a PEP far enough through its workflow, and never on one whose
/// latest quality-assurance rating is red.
fn check_release(pep: &PepSnapshot, policy: &FundingPolicy) -> Result<(), FundingError> {
    if pep.rating == Some(QaRating::Red) {
        return Err(FundingError::PepRatedRed(pep.pep_id));
    }
    if !policy.release_condition.is_met_by(pep.status) {
        return Err(FundingError::PepNotEligible {
            status: pep.status,
            required: policy.release_condition,
        });
    }
    Ok(())
}

/// Where the policy says so, a child's earlier allocations need their impact recorded before
/// more money is asked for or allocated.
fn check_impact(
    state: &FundingState,
    policy: &FundingPolicy,
    child_id: ChildId,
) -> Result<(), FundingError> {
    if !policy.impact_required_before_further_funding {
        return Ok(());
    }
    match state.requests.iter().find(|(_, request)| {
        request.child_id == child_id
            && matches!(request.status, RequestStatus::Allocated(_))
            && !request.impact_recorded
    }) {
        Some((earlier, _)) => Err(FundingError::ImpactNotRecorded(*earlier)),
        None => Ok(()),
    }
}

fn check_cap(
    state: &FundingState,
    cap: Money,
    child_id: ChildId,
    amount: Money,
) -> Result<(), FundingError> {
    let allocated = state.allocated_to(child_id);
    let within = allocated
        .checked_add(amount)
        .is_some_and(|total| total <= cap);
    if !within {
        return Err(FundingError::CapExceeded {
            cap,
            allocated,
            requested: amount,
        });
    }
    Ok(())
}
