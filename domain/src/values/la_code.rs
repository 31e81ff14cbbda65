//! A local authority's 3-digit LA number (e.g. `831`), the key that scopes every child and subject.
//!
//! Only the format is checked (exactly three ASCII digits). Whether a number belongs to a real
//! authority is reference data that changes as councils merge and split, so it is not built in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A 3-digit LA number, as used in UPNs, SSDA903 returns and NATS subjects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LaCode(String);

/// Why a piece of text is not an LA number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaCodeError {
    /// Not exactly three characters.
    #[error("an LA number has 3 digits, this one has {found} characters")]
    WrongLength {
        /// How many characters were found.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("character {position} of the LA number is {found:?}, not a digit")]
    NotADigit {
        /// The 1-based position of the character.
        position: usize,
        /// The character found there.
        found: char,
    },
}

impl LaCode {
    /// Parses an LA number: exactly three ASCII digits, nothing trimmed or padded.
    pub fn parse(text: &str) -> Result<Self, LaCodeError> {
        let length = text.chars().count();
        if length != 3 {
            return Err(LaCodeError::WrongLength { found: length });
        }
        if let Some((index, found)) = text
            .chars()
            .enumerate()
            .find(|(_, character)| !character.is_ascii_digit())
        {
            return Err(LaCodeError::NotADigit {
                position: index + 1,
                found,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The LA number as text, e.g. `"831"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LaCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for LaCode {
    type Err = LaCodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for LaCode {
    type Error = LaCodeError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<LaCode> for String {
    fn from(code: LaCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_digits_parse() {
        assert_eq!(LaCode::parse("831").unwrap().as_str(), "831");
        assert_eq!(LaCode::parse("001").unwrap().to_string(), "001");
    }

    #[test]
    fn wrong_lengths_are_rejected() {
        assert_eq!(
            LaCode::parse("83"),
            Err(LaCodeError::WrongLength { found: 2 })
        );
        assert_eq!(
            LaCode::parse("8310"),
            Err(LaCodeError::WrongLength { found: 4 })
        );
        assert_eq!(
            LaCode::parse(" 831"),
            Err(LaCodeError::WrongLength { found: 4 })
        );
    }

    #[test]
    fn non_digits_are_rejected_with_their_position() {
        assert_eq!(
            LaCode::parse("8A1"),
            Err(LaCodeError::NotADigit {
                position: 2,
                found: 'A'
            })
        );
        assert_eq!(
            LaCode::parse("８31"),
            Err(LaCodeError::NotADigit {
                position: 1,
                found: '８'
            })
        );
    }

    #[test]
    fn serde_is_a_string_checked_on_the_way_in() {
        let code = LaCode::parse("831").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"831\"");
        assert_eq!(serde_json::from_str::<LaCode>("\"831\"").unwrap(), code);
        assert!(serde_json::from_str::<LaCode>("\"83\"").is_err());
        assert!(serde_json::from_str::<LaCode>("831").is_err());
    }
}
