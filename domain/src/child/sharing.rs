//! Sharing a child's record with another LA. A child placed out of area attends school in the
//! host LA, whose designated teacher, carers and officers need the record; the placing LA
//! stays responsible for it and decides, explicitly, who else may see it (docs/statutory-rules.md). Who may then do what is the gateway's authorisation; the record only says which LAs
//! it is shared with now.

use super::error::{ChildError, require_text};
use super::events::ChildEvent;
use super::state::ChildState;
use crate::values::LaCode;
use chrono::NaiveDate;

/// Shares the record with `with_la`. Sharing with an LA it is already shared with records
/// nothing (a repeat is a no-op); sharing with the child's own LA is refused.
pub(super) fn decide_share(
    state: &ChildState,
    with_la: LaCode,
    reason: String,
    shared_on: NaiveDate,
) -> Result<Vec<ChildEvent>, ChildError> {
    if let Some(registration) = &state.registration
        && registration.la == with_la
    {
        return Err(ChildError::ShareWithOwnLa {
            child_la: registration.la.clone(),
            with_la,
        });
    }
    require_text(&reason, "reason")?;
    if state.shared_with.contains(&with_la) {
        return Ok(vec![]);
    }
    Ok(vec![ChildEvent::RecordShared {
        with_la,
        reason,
        shared_on,
    }])
}

/// Stops sharing the record with `with_la`; refused when it is not shared with that LA.
pub(super) fn decide_end_sharing(
    state: &ChildState,
    with_la: LaCode,
    ended_on: NaiveDate,
) -> Result<Vec<ChildEvent>, ChildError> {
    if !state.shared_with.contains(&with_la) {
        return Err(ChildError::NotShared { with_la });
    }
    Ok(vec![ChildEvent::RecordSharingEnded { with_la, ended_on }])
}
