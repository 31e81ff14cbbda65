//! Events of one LA's PP+ budget for one financial year (`ppp-<la>-<year>` stream). Keeping
//! every request of the year in one stream makes "within the cap and the budget" a single
//! invariant checked in one place.

use super::instalments::Instalment;
use super::types::{FinancialYear, ReleaseCondition};
use crate::calendar::TermName;
use crate::event::DomainEvent;
use crate::ids::{ChildId, FundingRequestId, PepId, TargetId};
use crate::values::{LaCode, Money, SchoolUrn};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Everything that can happen to a PP+ budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event_type", content = "payload")]
pub enum FundingEvent {
    /// The budget and the LA's rules for the year were set (or revised).
    #[serde(rename = "PupilPremiumPlusBudgetSet")]
    BudgetSet {
        /// The LA.
        la: LaCode,
        /// The year.
        financial_year: FinancialYear,
        /// Money the Virtual School may allocate this year.
        budget: Money,
        /// Most any one child may be allocated this year.
        per_child_cap: Money,
        /// PEP state a request needs.
        release_condition: ReleaseCondition,
        /// Whether earlier allocations' impact must be recorded before a child gets more.
        impact_required_before_further_funding: bool,
    },
    /// A school asked for PP+ against PEP targets.
    #[serde(rename = "PupilPremiumPlusRequested")]
    Requested {
        /// The request.
        request_id: FundingRequestId,
        /// The child.
        child_id: ChildId,
        /// The PEP it is made against.
        pep_id: PepId,
        /// The school asking.
        school_urn: Option<SchoolUrn>,
        /// Targets the money serves.
        target_ids: Vec<TargetId>,
        /// Amount asked for.
        amount: Money,
        /// What it pays for.
        purpose: String,
        /// The outcome intended.
        intended_outcome: String,
        /// Date asked.
        requested_on: NaiveDate,
    },
    /// The Virtual School allocated money to a request.
    #[serde(rename = "PupilPremiumPlusAllocated")]
    Allocated {
        /// The request.
        request_id: FundingRequestId,
        /// Amount allocated (may be less than asked).
        amount: Money,
        /// Date allocated.
        allocated_on: NaiveDate,
        /// How it is to be paid, term by term (empty on allocations recorded before payments
        /// were: those are paid in one amount).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        instalments: Vec<Instalment>,
        /// The LA policy whose rules the allocation was decided under.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        policy_name: Option<String>,
    },
    /// The Virtual School turned a request down.
    #[serde(rename = "PupilPremiumPlusRejected")]
    Rejected {
        /// The request.
        request_id: FundingRequestId,
        /// Why.
        reason: String,
        /// Date rejected.
        rejected_on: NaiveDate,
    },
    /// An instalment was paid to the school.
    #[serde(rename = "PupilPremiumPlusPaid")]
    Paid {
        /// The request.
        request_id: FundingRequestId,
        /// Which instalment.
        instalment: u8,
        /// Its term.
        term: TermName,
        /// The calendar year of that term.
        year: i32,
        /// Amount paid.
        amount: Money,
        /// Date paid.
        paid_on: NaiveDate,
        /// The finance system's reference.
        reference: String,
    },
    /// What the money achieved.
    #[serde(rename = "PupilPremiumPlusImpactRecorded")]
    ImpactRecorded {
        /// The request.
        request_id: FundingRequestId,
        /// The impact, in words.
        impact: String,
        /// Date recorded.
        recorded_on: NaiveDate,
    },
}

impl FundingEvent {
    /// Every stable type string, in declaration order.
    pub const TYPES: &'static [&'static str] = &[
        "PupilPremiumPlusBudgetSet",
        "PupilPremiumPlusRequested",
        "PupilPremiumPlusAllocated",
        "PupilPremiumPlusRejected",
        "PupilPremiumPlusImpactRecorded",
        "PupilPremiumPlusPaid",
    ];
}

impl DomainEvent for FundingEvent {
    const CATEGORY: &'static str = "funding";
    const EVENT_TYPES: &'static [&'static str] = Self::TYPES;

    fn event_type(&self) -> &'static str {
        match self {
            FundingEvent::BudgetSet { .. } => "PupilPremiumPlusBudgetSet",
            FundingEvent::Requested { .. } => "PupilPremiumPlusRequested",
            FundingEvent::Allocated { .. } => "PupilPremiumPlusAllocated",
            FundingEvent::Rejected { .. } => "PupilPremiumPlusRejected",
            FundingEvent::ImpactRecorded { .. } => "PupilPremiumPlusImpactRecorded",
            FundingEvent::Paid { .. } => "PupilPremiumPlusPaid",
        }
    }

    fn occurred_on(&self) -> Option<NaiveDate> {
        match self {
            FundingEvent::BudgetSet { .. } => None,
            FundingEvent::Requested { requested_on, .. } => Some(*requested_on),
            FundingEvent::Allocated { allocated_on, .. } => Some(*allocated_on),
            FundingEvent::Rejected { rejected_on, .. } => Some(*rejected_on),
            FundingEvent::ImpactRecorded { recorded_on, .. } => Some(*recorded_on),
            FundingEvent::Paid { paid_on, .. } => Some(*paid_on),
        }
    }
}
