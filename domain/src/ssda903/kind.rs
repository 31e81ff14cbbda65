//! Which SSDA903 episode field a code list belongs to.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An SSDA903 episode field whose values come from a code list. Serialised (and written in the
/// code list files) as the 903 field name, e.g. `"PLACE"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CodeListKind {
    /// RNE: why a new episode started (S, L, P, T, B, U).
    #[serde(rename = "RNE")]
    ReasonNewEpisode,
    /// LS: the legal status under which the child is looked after.
    #[serde(rename = "LS")]
    LegalStatus,
    /// PLACE: the type of placement.
    #[serde(rename = "PLACE")]
    PlacementType,
    /// PLACE_PROVIDER: who provides the placement.
    #[serde(rename = "PLACE_PROVIDER")]
    PlacementProvider,
    /// REASON_PLACE_CHANGE: why the placement changed.
    #[serde(rename = "REASON_PLACE_CHANGE")]
    ReasonPlaceChange,
    /// REC: why the episode ceased.
    #[serde(rename = "REC")]
    ReasonCeased,
}

/// The text is not the name of a 903 field with a code list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{found:?} is not an SSDA903 field with a code list \
     (expected RNE, LS, PLACE, PLACE_PROVIDER, REASON_PLACE_CHANGE or REC)"
)]
pub struct UnknownCodeListField {
    /// The text that was given.
    pub found: String,
}

impl CodeListKind {
    /// Every kind, in the order the fields appear in an episode row.
    pub const ALL: [Self; 6] = [
        Self::ReasonNewEpisode,
        Self::LegalStatus,
        Self::PlacementType,
        Self::PlacementProvider,
        Self::ReasonPlaceChange,
        Self::ReasonCeased,
    ];

    /// The SSDA903 field name, as in the return's episode table and the code list files.
    pub const fn field_name(self) -> &'static str {
        match self {
            Self::ReasonNewEpisode => "RNE",
            Self::LegalStatus => "LS",
            Self::PlacementType => "PLACE",
            Self::PlacementProvider => "PLACE_PROVIDER",
            Self::ReasonPlaceChange => "REASON_PLACE_CHANGE",
            Self::ReasonCeased => "REC",
        }
    }

    /// The kind whose 903 field name is `field_name` (exact, upper case).
    pub fn from_field_name(field_name: &str) -> Result<Self, UnknownCodeListField> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.field_name() == field_name)
            .ok_or_else(|| UnknownCodeListField {
                found: field_name.to_owned(),
            })
    }
}

impl fmt::Display for CodeListKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.field_name())
    }
}

impl FromStr for CodeListKind {
    type Err = UnknownCodeListField;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_field_name(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_round_trip_through_text_and_serde() {
        for kind in CodeListKind::ALL {
            assert_eq!(CodeListKind::from_field_name(kind.field_name()), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.field_name()));
            assert_eq!(serde_json::from_str::<CodeListKind>(&json).unwrap(), kind);
        }
        assert_eq!(CodeListKind::PlacementType.to_string(), "PLACE");
    }

    #[test]
    fn unknown_field_names_are_rejected() {
        assert_eq!(
            CodeListKind::from_field_name("place"),
            Err(UnknownCodeListField {
                found: "place".to_owned()
            })
        );
    }
}
