//! A PP+ budget folded from its events, with the running totals the rules check.

use super::events::FundingEvent;
use super::instalments::Instalment;
use super::types::{FinancialYear, ReleaseCondition};
use crate::ids::{ChildId, FundingRequestId, PepId};
use crate::values::{LaCode, Money};
use std::collections::BTreeMap;

/// The year's budget and rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetRules {
    /// The LA.
    pub la: LaCode,
    /// The year.
    pub financial_year: FinancialYear,
    /// Money available.
    pub budget: Money,
    /// Per-child cap.
    pub per_child_cap: Money,
    /// PEP state a request needs.
    pub release_condition: ReleaseCondition,
    /// Impact before further funding.
    pub impact_required_before_further_funding: bool,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waiting for a decision.
    Pending,
    /// Money allocated.
    Allocated(Money),
    /// Turned down.
    Rejected,
}

/// One instalment of an allocation and whether it has been paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentState {
    /// The instalment as scheduled.
    pub instalment: Instalment,
    /// Set when paid: the date.
    pub paid_on: Option<chrono::NaiveDate>,
}

/// One request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestState {
    /// The child.
    pub child_id: ChildId,
    /// The PEP.
    pub pep_id: PepId,
    /// Amount asked for.
    pub requested: Money,
    /// Status.
    pub status: RequestStatus,
    /// Whether impact has been recorded.
    pub impact_recorded: bool,
    /// The allocation's instalments, once allocated.
    pub payments: Vec<PaymentState>,
}

/// A PP+ budget for one LA and year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FundingState {
    /// Set once the budget is set.
    pub rules: Option<BudgetRules>,
    /// Requests by id.
    pub requests: BTreeMap<FundingRequestId, RequestState>,
}

impl FundingState {
    /// Money allocated across all children.
    pub fn total_allocated(&self) -> Money {
        self.allocated_where(|_| true)
    }

    /// Money allocated to one child.
    pub fn allocated_to(&self, child_id: ChildId) -> Money {
        self.allocated_where(|request| request.child_id == child_id)
    }

    /// Money paid out across all children.
    pub fn total_paid(&self) -> Money {
        self.requests
            .values()
            .flat_map(|request| &request.payments)
            .filter(|payment| payment.paid_on.is_some())
            .fold(Money::ZERO, |total, payment| {
                total
                    .checked_add(payment.instalment.amount)
                    .unwrap_or(total)
            })
    }

    fn allocated_where(&self, include: impl Fn(&RequestState) -> bool) -> Money {
        // Each allocation was checked against the budget when made, so the sum fits in i64.
        self.requests
            .values()
            .filter(|request| include(request))
            .filter_map(|request| match request.status {
                RequestStatus::Allocated(amount) => Some(amount),
                _ => None,
            })
            .fold(Money::ZERO, |total, amount| {
                total.checked_add(amount).unwrap_or(total)
            })
    }

    /// Folds one event.
    pub fn evolve(mut self, event: &FundingEvent) -> Self {
        match event {
            FundingEvent::BudgetSet {
                la,
                financial_year,
                budget,
                per_child_cap,
                release_condition,
                impact_required_before_further_funding,
            } => {
                self.rules = Some(BudgetRules {
                    la: la.clone(),
                    financial_year: *financial_year,
                    budget: *budget,
                    per_child_cap: *per_child_cap,
                    release_condition: *release_condition,
                    impact_required_before_further_funding: *impact_required_before_further_funding,
                });
            }
            FundingEvent::Requested {
                request_id,
                child_id,
                pep_id,
                amount,
                ..
            } => {
                self.requests.insert(
                    *request_id,
                    RequestState {
                        child_id: *child_id,
                        pep_id: *pep_id,
                        requested: *amount,
                        status: RequestStatus::Pending,
                        impact_recorded: false,
                        payments: Vec::new(),
                    },
                );
            }
            FundingEvent::Allocated {
                request_id,
                amount,
                allocated_on,
                instalments,
                ..
            } => {
                let financial_year = self.rules.as_ref().map(|rules| rules.financial_year);
                if let Some(request) = self.requests.get_mut(request_id) {
                    request.status = RequestStatus::Allocated(*amount);
                    // An allocation recorded before instalments were is one payment.
                    let instalments = match (instalments.is_empty(), financial_year) {
                        (true, Some(year)) => {
                            super::instalments::schedule(*amount, *allocated_on, year, 1)
                        }
                        _ => instalments.clone(),
                    };
                    request.payments = instalments
                        .into_iter()
                        .map(|instalment| PaymentState {
                            instalment,
                            paid_on: None,
                        })
                        .collect();
                }
            }
            FundingEvent::Paid {
                request_id,
                instalment,
                paid_on,
                ..
            } => {
                if let Some(payment) = self.requests.get_mut(request_id).and_then(|request| {
                    request
                        .payments
                        .iter_mut()
                        .find(|payment| payment.instalment.number == *instalment)
                }) {
                    payment.paid_on = Some(*paid_on);
                }
            }
            FundingEvent::Rejected { request_id, .. } => {
                if let Some(request) = self.requests.get_mut(request_id) {
                    request.status = RequestStatus::Rejected;
                }
            }
            FundingEvent::ImpactRecorded { request_id, .. } => {
                if let Some(request) = self.requests.get_mut(request_id) {
                    request.impact_recorded = true;
                }
            }
        }
        self
    }
}
