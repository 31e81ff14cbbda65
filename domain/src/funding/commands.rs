//! What the Virtual School and schools ask of a PP+ budget.

use super::types::{FinancialYear, FundingPolicy, PepSnapshot, ReleaseCondition};
use crate::ids::{ChildId, FundingRequestId, TargetId};
use crate::values::{LaCode, Money, SchoolUrn};
use chrono::NaiveDate;

/// A request to change a PP+ budget.
#[derive(Debug, Clone, PartialEq)]
pub enum FundingCommand {
    /// Set or revise the year's budget and rules (from the LA policy).
    SetBudget {
        /// The LA.
        la: LaCode,
        /// The year.
        financial_year: FinancialYear,
        /// Money available.
        budget: Money,
        /// Per-child annual cap.
        per_child_cap: Money,
        /// PEP state a request needs.
        release_condition: ReleaseCondition,
        /// Impact before further funding.
        impact_required_before_further_funding: bool,
    },
    /// Ask for PP+ against a PEP's targets.
    Request {
        /// Id made at the edge.
        request_id: FundingRequestId,
        /// The child.
        child_id: ChildId,
        /// The PEP, as the handler read it.
        pep: PepSnapshot,
        /// The school asking.
        school_urn: Option<SchoolUrn>,
        /// Targets the money serves.
        target_ids: Vec<TargetId>,
        /// Amount.
        amount: Money,
        /// What it pays for.
        purpose: String,
        /// Intended outcome.
        intended_outcome: String,
        /// Date.
        requested_on: NaiveDate,
        /// The LA policy's rules for the year, as the handler read them.
        policy: FundingPolicy,
    },
    /// Allocate money to a request.
    Allocate {
        /// The request.
        request_id: FundingRequestId,
        /// Amount.
        amount: Money,
        /// Date.
        allocated_on: NaiveDate,
        /// The PEP the request was made against, as it stands now.
        pep: PepSnapshot,
        /// The LA policy's rules for the year, as the handler read them.
        policy: FundingPolicy,
    },
    /// Record that an instalment of an allocation was paid to the school.
    RecordPayment {
        /// The request.
        request_id: FundingRequestId,
        /// Which instalment (1, 2 or 3).
        instalment: u8,
        /// Date paid.
        paid_on: NaiveDate,
        /// The finance system's payment or remittance reference.
        reference: String,
    },
    /// Turn a request down.
    Reject {
        /// The request.
        request_id: FundingRequestId,
        /// Why.
        reason: String,
        /// Date.
        rejected_on: NaiveDate,
    },
    /// Record what an allocation achieved.
    RecordImpact {
        /// The request.
        request_id: FundingRequestId,
        /// The impact.
        impact: String,
        /// Date.
        recorded_on: NaiveDate,
    },
}
