//! The vocabulary of Pupil Premium Plus: financial years, release conditions, and the view of a
//! PEP that a funding decision needs.

use crate::ids::{ChildId, PepId, TargetId};
use crate::pep::PepStatus;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// A financial year, April to March; `2024` means 2024-25. PP+ is paid per financial year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FinancialYear(u16);

/// A financial year that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("financial year must look like 2024-25 (consecutive years), got {0:?}")]
pub struct FinancialYearError(pub String);

impl FinancialYear {
    /// The year starting in April of `start_year`.
    pub const fn starting(start_year: u16) -> Self {
        Self(start_year)
    }

    /// The financial year a date falls in (1 April starts a new one).
    pub fn containing(date: NaiveDate) -> Self {
        let year = u16::try_from(date.year()).unwrap_or(0);
        if date.month() >= 4 {
            Self(year)
        } else {
            Self(year.saturating_sub(1))
        }
    }

    /// The calendar year it starts in.
    pub const fn start_year(&self) -> u16 {
        self.0
    }

    /// Parses `2024-25`.
    pub fn parse(text: &str) -> Result<Self, FinancialYearError> {
        let error = || FinancialYearError(text.to_owned());
        let (start, end) = text.split_once('-').ok_or_else(error)?;
        if start.len() != 4 || end.len() != 2 {
            return Err(error());
        }
        let start: u16 = start.parse().map_err(|_| error())?;
        let end: u16 = end.parse().map_err(|_| error())?;
        if (start + 1) % 100 != end {
            return Err(error());
        }
        Ok(Self(start))
    }

    /// The budget stream for one LA and this year: `ppp-<la>-<year>`.
    pub fn stream_id(&self, la: &crate::values::LaCode) -> String {
        format!("ppp-{}-{}", la.as_str(), self)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}-{:02}", self.0, (self.0 + 1) % 100)
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        FinancialYear::parse(&text).map_err(serde::de::Error::custom)
    }
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
