//! PP+ rules: only against an eligible PEP and its own targets, within the per-child cap and
//! the LA's budget for the year, and (where the LA says so) only after earlier impact is known.

use super::commands::FundingCommand;
use super::events::FundingEvent;
use super::state::{FundingState, RequestStatus};
use super::types::{FinancialYear, ReleaseCondition};
use crate::ids::{FundingRequestId, PepId, TargetId};
use crate::pep::PepStatus;
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
        } => {
            if state.requests.contains_key(&request_id) {
                return Err(FundingError::DuplicateRequest(request_id));
            }
            require_positive(amount, "amount")?;
            if pep.child_id != child_id {
                return Err(FundingError::PepNotForChild(pep.pep_id));
            }
            if !rules.release_condition.is_met_by(pep.status) {
                return Err(FundingError::PepNotEligible {
                    status: pep.status,
                    required: rules.release_condition,
                });
            }
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
            if rules.impact_required_before_further_funding
                && let Some((earlier, _)) = state.requests.iter().find(|(_, request)| {
                    request.child_id == child_id
                        && matches!(request.status, RequestStatus::Allocated(_))
                        && !request.impact_recorded
                })
            {
                return Err(FundingError::ImpactNotRecorded(*earlier));
            }
            check_cap(state, rules.per_child_cap, child_id, amount)?;
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
            check_cap(state, rules.per_child_cap, request.child_id, amount)?;
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

fn check_cap(
    state: &FundingState,
    cap: Money,
    child_id: crate::ids::ChildId,
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
