//! The vocabulary of Pupil Premium Plus: financial years, release conditions, and the view of a
//! PEP that a funding decision needs.

use crate::ids::{ChildId, PepId, TargetId};
use crate::pep::PepStatus;
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
    /// The targets set in it.
    pub target_ids: Vec<TargetId>,
}
