//! Unique reference numbers: a school's GIAS URN, and the Ofsted URN of a placement setting.
//!
//! The two are different identifiers that share a name, so they are different types: a school
//! URN is what a designated teacher is scoped by, a placement setting URN is what an SSDA903
//! episode reports for where the child lives.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A school's unique reference number in Get Information about Schools: six digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolUrn(String);

/// Why a piece of text is not a school URN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchoolUrnError {
    /// Not exactly six characters.
    #[error("a school URN has 6 digits, this one has {found} characters")]
    WrongLength {
        /// How many characters were found.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("character {position} of the school URN is {found:?}, not a digit")]
    NotADigit {
        /// The 1-based position of the character.
        position: usize,
        /// The character found there.
        found: char,
    },
}

impl SchoolUrn {
    /// Parses a school URN: exactly six ASCII digits, nothing trimmed or padded.
    pub fn parse(text: &str) -> Result<Self, SchoolUrnError> {
        let length = text.chars().count();
        if length != 6 {
            return Err(SchoolUrnError::WrongLength { found: length });
        }
        if let Some((index, found)) = first_non_digit(text) {
            return Err(SchoolUrnError::NotADigit {
                position: index + 1,
                found,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The URN as text, e.g. `"100000"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The sentinel SSDA903 accepts in the URN field when a setting has no Ofsted URN to report;
/// DfE validation rules (e.g. 219, 221, 230) treat it as "no URN given".
pub const PLACEMENT_URN_NOT_APPLICABLE: &str = "XXXXXXX";

/// The Ofsted URN of a placement setting, as reported in an SSDA903 episode.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlacementSettingUrn(String);

/// Which of the accepted shapes a placement setting URN has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlacementSettingUrnKind {
    /// `SC` and six digits: Ofsted's reference for a children's social care setting.
    SocialCare,
    /// Six or seven digits: an Ofsted (or, for a residential school, GIAS) URN.
    Numeric,
    /// `XXXXXXX`: the setting has no Ofsted URN to report.
    NotApplicable,
}

/// Why a piece of text is not a placement setting URN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlacementSettingUrnError {
    /// The text is empty; a missing URN is an absent field, not an empty one.
    #[error("the placement setting URN is empty")]
    Empty,
    /// The text has none of the accepted shapes.
    #[error(
        "{found:?} is not a placement setting URN: expected SC and 6 digits (SC123456), \
         6 or 7 digits (8969628), or XXXXXXX when the setting has no Ofsted URN"
    )]
    UnrecognisedFormat {
        /// The text that was given.
        found: String,
    },
}

impl PlacementSettingUrn {
    /// Parses a placement setting URN in one of the shapes SSDA903 reports; nothing is trimmed or
    /// upper-cased.
    pub fn parse(text: &str) -> Result<Self, PlacementSettingUrnError> {
        if text.is_empty() {
            return Err(PlacementSettingUrnError::Empty);
        }
        if kind_of(text).is_none() {
            return Err(PlacementSettingUrnError::UnrecognisedFormat {
                found: text.to_owned(),
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The sentinel value for a setting that has no Ofsted URN.
    pub fn not_applicable() -> Self {
        Self(PLACEMENT_URN_NOT_APPLICABLE.to_owned())
    }

    /// The URN as reported, e.g. `"SC123456"`, `"8969628"` or `"XXXXXXX"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Which shape this URN has.
    pub fn kind(&self) -> PlacementSettingUrnKind {
        // Parsing only accepts text with a kind, so the fallback is never taken.
        kind_of(&self.0).unwrap_or(PlacementSettingUrnKind::NotApplicable)
    }

    /// Whether this is the "no Ofsted URN" sentinel rather than a real reference.
    pub fn is_not_applicable(&self) -> bool {
        self.0 == PLACEMENT_URN_NOT_APPLICABLE
    }
}

/// The shape of a placement setting URN, if it has an accepted one.
fn kind_of(text: &str) -> Option<PlacementSettingUrnKind> {
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if text == PLACEMENT_URN_NOT_APPLICABLE {
        Some(PlacementSettingUrnKind::NotApplicable)
    } else if let Some(digits) = text.strip_prefix("SC") {
        (digits.len() == 6 && all_digits(digits)).then_some(PlacementSettingUrnKind::SocialCare)
    } else if (text.len() == 6 || text.len() == 7) && all_digits(text) {
        Some(PlacementSettingUrnKind::Numeric)
    } else {
        None
    }
}

fn first_non_digit(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, character)| !character.is_ascii_digit())
}

macro_rules! string_value_impls {
    ($name:ident, $error:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = $error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

string_value_impls!(SchoolUrn, SchoolUrnError);
string_value_impls!(PlacementSettingUrn, PlacementSettingUrnError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_urns_are_six_digits() {
        assert_eq!(SchoolUrn::parse("100000").unwrap().as_str(), "100000");
        assert_eq!(
            SchoolUrn::parse("10000"),
            Err(SchoolUrnError::WrongLength { found: 5 })
        );
        assert_eq!(
            SchoolUrn::parse("1000000"),
            Err(SchoolUrnError::WrongLength { found: 7 })
        );
        assert_eq!(
            SchoolUrn::parse("10O000"),
            Err(SchoolUrnError::NotADigit {
                position: 3,
                found: 'O'
            })
        );
    }

    #[test]
    fn school_urn_serde_is_a_checked_string() {
        let urn = SchoolUrn::parse("137263").unwrap();
        assert_eq!(serde_json::to_string(&urn).unwrap(), "\"137263\"");
        assert_eq!(
            serde_json::from_str::<SchoolUrn>("\"137263\"").unwrap(),
            urn
        );
        assert!(serde_json::from_str::<SchoolUrn>("\"13726\"").is_err());
    }

    #[test]
    fn placement_setting_urns_of_each_shape_parse() {
        let cases = [
            ("8969628", PlacementSettingUrnKind::Numeric),
            ("137263", PlacementSettingUrnKind::Numeric),
            ("SC123456", PlacementSettingUrnKind::SocialCare),
            ("XXXXXXX", PlacementSettingUrnKind::NotApplicable),
        ];
        for (text, kind) in cases {
            let urn = PlacementSettingUrn::parse(text).unwrap();
            assert_eq!(urn.as_str(), text);
            assert_eq!(urn.kind(), kind, "{text}");
            assert_eq!(
                urn.is_not_applicable(),
                kind == PlacementSettingUrnKind::NotApplicable
            );
        }
        assert_eq!(
            PlacementSettingUrn::not_applicable(),
            PlacementSettingUrn::parse("XXXXXXX").unwrap()
        );
    }

    #[test]
    fn placement_setting_urns_of_other_shapes_are_rejected() {
        assert_eq!(
            PlacementSettingUrn::parse(""),
            Err(PlacementSettingUrnError::Empty)
        );
        for text in [
            "sc123456",
            "SC12345",
            "SC1234567",
            "SCA23456",
            "12345",
            "12345678",
            "XXXXXX",
            "xxxxxxx",
            " 8969628",
            "EY123456",
            "８969628",
        ] {
            assert_eq!(
                PlacementSettingUrn::parse(text),
                Err(PlacementSettingUrnError::UnrecognisedFormat {
                    found: text.to_owned()
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn placement_setting_urn_serde_is_a_checked_string() {
        let urn = PlacementSettingUrn::parse("SC123456").unwrap();
        let json = serde_json::to_string(&urn).unwrap();
        assert_eq!(json, "\"SC123456\"");
        assert_eq!(
            serde_json::from_str::<PlacementSettingUrn>(&json).unwrap(),
            urn
        );
        let error = serde_json::from_str::<PlacementSettingUrn>("\"SC12\"").unwrap_err();
        assert!(
            error.to_string().contains("not a placement setting URN"),
            "{error}"
        );
    }
}
