//! The vocabulary of Pupil Premium Plus: financial years, release conditions, and the view of a
//! PEP that a funding decision needs.

use crate::ids::{ChildId, PepId, TargetId};
use crate::pep::{PepStatus, QaRating};
use crate::policy::{PepReleaseState, PupilPremiumPlusRule};
use crate::values::Money;
use serde::{Deserialize, Serialize};

pub use crate::calendar::FinancialYear;

/// The budget stream for one LA and financial year: `ppp-<la>-<yyyy-yy>`.
pub fn budget_stream_id(la: &crate::values::LaCode, financial_year: FinancialYear) -> String {
    format!("ppp-{}-{financial_year}", la.as_str())
}

/// The PEP state an LA requires before PP+ can be requested against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseCondition {
    /// Submitted, quality assured or signed off.
    Submitted,
    /// Quality assured or signed off.
    QualityAssured,
    /// Signed off only.
    SignedOff,
}

impl ReleaseCondition {
    /// Whether a PEP in `status` satisfies the condition.
    pub fn is_met_by(&self, status: PepStatus) -> bool {
        match self {
            ReleaseCondition::Submitted => matches!(
                status,
                PepStatus::Submitted | PepStatus::QualityAssured | PepStatus::SignedOff
            ),
            ReleaseCondition::QualityAssured => {
                matches!(status, PepStatus::QualityAssured | PepStatus::SignedOff)
            }
            ReleaseCondition::SignedOff => status == PepStatus::SignedOff,
        }
    }
}

impl From<PepReleaseState> for ReleaseCondition {
    fn from(state: PepReleaseState) -> Self {
        match state {
            PepReleaseState::Submitted => ReleaseCondition::Submitted,
            PepReleaseState::QualityAssured => ReleaseCondition::QualityAssured,
            PepReleaseState::SignedOff => ReleaseCondition::SignedOff,
        }
    }
}

/// The LA policy's PP+ rules as they stand when a request or allocation is decided. The handler
/// reads them from the LA's policy for the financial year and puts them in the command, so the
/// cap, the PEP a release needs, the impact rule and the instalments never come from the
/// caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingPolicy {
    /// The policy's name, recorded on the events it decided.
    pub policy_name: String,
    /// The most one child may be allocated in the year.
    pub per_child_cap: Money,
    /// The PEP state money is released on.
    pub release_condition: ReleaseCondition,
    /// Whether earlier funding's impact must be recorded before a child gets more.
    pub impact_required_before_further_funding: bool,
    /// How many termly instalments an allocation is paid in (1 to 3).
    pub termly_instalments: u8,
}

impl FundingPolicy {
    /// The rules of `rule`, from the policy named `policy_name`.
    pub fn from_rule(policy_name: &str, rule: &PupilPremiumPlusRule) -> Self {
        Self {
            policy_name: policy_name.to_owned(),
            per_child_cap: Money::from_pence(rule.annual_cap_per_child_pence),
            release_condition: rule.release_requires.into(),
            impact_required_before_further_funding: rule.impact_required_before_further_funding,
            termly_instalments: rule.termly_instalments,
        }
    }
}

/// What the funding decision needs to know about the PEP a request is made against; the
/// handler reads it from the PEP's stream and puts it in the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PepSnapshot {
    /// The PEP.
    pub pep_id: PepId,
    /// Whose PEP it is.
    pub child_id: ChildId,
    /// Its status when the request is made.
    pub status: PepStatus,
    /// Its latest quality-assurance rating, if it has been rated.
    pub rating: Option<QaRating>,
    /// The targets set in it.
    pub target_ids: Vec<TargetId>,
}
