//! Why a child command was refused, and the small checks every part of the record's rules
//! shares; in a module of its own so the deciders (`decide.rs`, `sharing.rs`) depend on it
//! rather than on each other.

use super::episode::EpisodeError;
use crate::ids::PepId;
use crate::values::LaCode;
use chrono::NaiveDate;
use thiserror::Error;

/// Why a child command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChildError {
    /// Register on a record that exists.
    #[error("the child is already registered")]
    AlreadyRegistered,
    /// Any other command on a record that does not exist.
    #[error("the child is not registered")]
    NotRegistered,
    /// A required text field was empty.
    #[error("{field} must not be empty")]
    EmptyField {
        /// The field.
        field: &'static str,
    },
    /// The episode row is malformed.
    #[error("invalid episode: {0}")]
    InvalidEpisode(EpisodeError),
    /// A change of setting without saying why the current one is left.
    #[error("a reason for leaving the current setting is required")]
    MissingLeavingReason,
    /// A new setting starting before the current one did.
    #[error(
        "the new setting starts on {started_on}, before the current setting started on {current_started_on}"
    )]
    StartsBeforeCurrentSetting {
        /// Requested start.
        started_on: NaiveDate,
        /// Current setting's start.
        current_started_on: NaiveDate,
    },
    /// A period that ends before it starts.
    #[error("the period ends on {end} before it starts on {start}")]
    PeriodEndsBeforeStart {
        /// Start.
        start: NaiveDate,
        /// End.
        end: NaiveDate,
    },
    /// Attendance figures that cannot all be true.
    #[error("attendance figures are inconsistent: {0}")]
    InconsistentAttendance(&'static str),
    /// A suspension without a length, or a permanent exclusion with one.
    #[error("a suspension needs a length in days of at least 1; a permanent exclusion has none")]
    InvalidExclusionLength,
    /// Opening a PEP while another is open.
    #[error("PEP {open} is still open; complete or withdraw it before opening another")]
    PepAlreadyOpen {
        /// The open PEP.
        open: PepId,
    },
    /// Opening a PEP for a child who is not looked after.
    #[error("the child is not looked after, so no PEP can be opened")]
    NotInCare,
    /// Reusing a PEP id.
    #[error("PEP id {0} is already used for this child")]
    DuplicatePepId(PepId),
    /// Closing a PEP that is not the open one.
    #[error("PEP {0} is not the child's open PEP")]
    PepNotOpen(PepId),
    /// Sharing the record with the LA it already belongs to.
    #[error(
        "the record belongs to LA {child_la}, so it cannot be shared with LA {with_la}: share it with the LA the child is placed in"
    )]
    ShareWithOwnLa {
        /// The child's (placing) LA.
        child_la: LaCode,
        /// The LA asked for.
        with_la: LaCode,
    },
    /// Ending a share the record does not have.
    #[error("the record is not shared with LA {with_la}")]
    NotShared {
        /// The LA asked for.
        with_la: LaCode,
    },
}

pub(super) fn require_text(value: &str, field: &'static str) -> Result<(), ChildError> {
    if value.trim().is_empty() {
        Err(ChildError::EmptyField { field })
    } else {
        Ok(())
    }
}
