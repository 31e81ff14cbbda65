//! Value types that parse, not validate: once constructed they are known to be valid.
//!
//! Each type has a `parse` that rejects bad input with a specific error (never a corrected or
//! guessed value) and serde that goes through the same `parse`, so a stored or received value
//! can never bypass the checks.

mod la_code;
mod money;
mod upn;
mod urn;

pub use la_code::{LaCode, LaCodeError};
pub use money::{Money, MoneyError};
pub use upn::{UPN_CHECK_LETTERS, UPN_LENGTH, Upn, UpnError};
pub use urn::{
    PLACEMENT_URN_NOT_APPLICABLE, PlacementSettingUrn, PlacementSettingUrnError,
    PlacementSettingUrnKind, SchoolUrn, SchoolUrnError,
};
