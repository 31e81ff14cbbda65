//! The unique pupil number (UPN), parsed once with its DfE check letter verified and never corrected.
//!
//! A UPN is 13 characters: a check letter, the 3-digit LA number, the 4-digit establishment
//! number, 2 digits of the year of issue and 3 serial digits. A temporary UPN (given while a
//! pupil's real UPN is not yet known) ends in a letter instead of the last serial digit.
//!
//! The check letter follows the DfE formula (Government Data Standards Catalogue, "Unique Pupil
//! Number" v2.0, and the school census validation rule 1510): multiply characters 2 to 13 by
//! weights 2 to 13, sum, take the remainder modulo 23 and map it through the alphabet
//! `ABCDEFGHJKLMNPQRTUVWXYZ` (I, O and S are never used). A letter in position 13 counts as its
//! index in that same alphabet.
//!
//! Case: UPNs are written in upper case and a lower-case letter is rejected with its own error
//! rather than upper-cased, because this type never corrects what the system of record sent.
//! Likewise the LA number is not checked against a list of LA codes: that list changes over time
//! and is reference data, not part of the UPN's format.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The 23 letters a check letter (and the last letter of a temporary UPN) can be, in the order
/// of their numeric value: `A` is 0 and `Z` is 22.
pub const UPN_CHECK_LETTERS: &str = "ABCDEFGHJKLMNPQRTUVWXYZ";

/// How many characters a UPN has.
pub const UPN_LENGTH: usize = 13;

/// A unique pupil number whose format and check letter are known to be right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn(String);

/// Why a piece of text is not a UPN. Positions count from 1, as the DfE guidance does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpnError {
    /// The text does not have the expected number of characters.
    #[error("a UPN has {expected} characters, this one has {found}")]
    WrongLength {
        /// How many characters were expected (13 for a whole UPN).
        expected: usize,
        /// How many characters were found.
        found: usize,
    },
    /// A character that is neither an ASCII digit nor an ASCII letter.
    #[error("character {position} of the UPN is {found:?}, which is neither a digit nor a letter")]
    InvalidCharacter {
        /// The 1-based position of the character.
        position: usize,
        /// The character found there.
        found: char,
    },
    /// A lower-case letter: UPNs are upper case and this type does not change what it was given.
    #[error(
        "character {position} of the UPN is the lower-case letter {found:?}; UPNs are upper case"
    )]
    LowerCaseLetter {
        /// The 1-based position of the letter.
        position: usize,
        /// The letter found there.
        found: char,
    },
    /// I, O or S where a letter is allowed: the DfE alphabet leaves them out.
    #[error(
        "character {position} of the UPN is {found:?}, a letter UPNs never use (I, O and S are left out)"
    )]
    ExcludedLetter {
        /// The 1-based position of the letter.
        position: usize,
        /// The letter found there.
        found: char,
    },
    /// A letter in positions 2 to 12, which hold the LA, establishment, year and serial digits.
    #[error("character {position} of the UPN must be a digit, found the letter {found:?}")]
    LetterWhereDigitRequired {
        /// The 1-based position of the letter.
        position: usize,
        /// The letter found there.
        found: char,
    },
    /// A digit in position 1, which must be the check letter.
    #[error("character {position} of the UPN must be the check letter, found the digit {found:?}")]
    DigitWhereLetterRequired {
        /// The 1-based position of the digit.
        position: usize,
        /// The digit found there.
        found: char,
    },
    /// The check letter does not match characters 2 to 13.
    #[error("the UPN's check letter is {found:?} but characters 2-13 give {expected:?}")]
    WrongCheckLetter {
        /// The check letter characters 2 to 13 call for.
        expected: char,
        /// The check letter the UPN has.
        found: char,
    },
}

impl Upn {
    /// Parses a UPN, rejecting anything that is not exactly a valid UPN (no trimming, no
    /// upper-casing, no guessing of a check letter).
    pub fn parse(text: &str) -> Result<Self, UpnError> {
        let characters: Vec<char> = text.chars().collect();
        if characters.len() != UPN_LENGTH {
            return Err(UpnError::WrongLength {
                expected: UPN_LENGTH,
                found: characters.len(),
            });
        }
        let found_check_letter = characters[0];
        check_letter_position(found_check_letter)?;
        let expected_check_letter = check_letter_of(&characters[1..], 2)?;
        if expected_check_letter != found_check_letter {
            return Err(UpnError::WrongCheckLetter {
                expected: expected_check_letter,
                found: found_check_letter,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The check letter that characters 2 to 13 call for, so tools (the demo cohort, tests) can
    /// build valid UPNs. `characters_2_to_13` must be 11 digits then a digit or an allowed letter.
    pub fn check_letter_for(characters_2_to_13: &str) -> Result<char, UpnError> {
        let characters: Vec<char> = characters_2_to_13.chars().collect();
        if characters.len() != UPN_LENGTH - 1 {
            return Err(UpnError::WrongLength {
                expected: UPN_LENGTH - 1,
                found: characters.len(),
            });
        }
        check_letter_of(&characters, 2)
    }

    /// The UPN as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a temporary UPN (its 13th character is a letter). A temporary UPN should
    /// be replaced by the pupil's permanent one once it is known.
    pub fn is_temporary(&self) -> bool {
        self.0
            .as_bytes()
            .get(UPN_LENGTH - 1)
            .is_some_and(u8::is_ascii_uppercase)
    }

    /// Characters 2 to 4: the LA number of the school that issued the UPN.
    pub fn issuing_la_number(&self) -> &str {
        // The characters are ASCII once parsed, so byte offsets are character offsets.
        &self.0[1..4]
    }
}

/// Checks the check-letter position and returns the letter's value in the DfE alphabet.
fn check_letter_position(character: char) -> Result<usize, UpnError> {
    if character.is_ascii_digit() {
        return Err(UpnError::DigitWhereLetterRequired {
            position: 1,
            found: character,
        });
    }
    letter_value(character, 1)
}

/// Validates characters 2 to 13 (given starting at `first_position`) and computes their check
/// letter.
fn check_letter_of(characters: &[char], first_position: usize) -> Result<char, UpnError> {
    let mut weighted_sum: usize = 0;
    let last_index = characters.len().saturating_sub(1);
    for (index, &character) in characters.iter().enumerate() {
        let position = first_position + index;
        // Position 13 is a digit in a permanent UPN and a letter in a temporary one.
        let value = if index == last_index && !character.is_ascii_digit() {
            letter_value(character, position)?
        } else {
            digit_value(character, position)?
        };
        // Each character is weighted by its position in the UPN.
        weighted_sum += value * position;
    }
    let remainder = weighted_sum % 23;
    Ok(char::from(UPN_CHECK_LETTERS.as_bytes()[remainder]))
}

/// The value of a character that must be a digit.
fn digit_value(character: char, position: usize) -> Result<usize, UpnError> {
    if let Some(digit) = character.to_digit(10) {
        return Ok(digit as usize);
    }
    if character.is_ascii_alphabetic() {
        return Err(UpnError::LetterWhereDigitRequired {
            position,
            found: character,
        });
    }
    Err(UpnError::InvalidCharacter {
        position,
        found: character,
    })
}

/// The value of a character that must be a letter of the DfE alphabet.
fn letter_value(character: char, position: usize) -> Result<usize, UpnError> {
    if !character.is_ascii_alphanumeric() {
        return Err(UpnError::InvalidCharacter {
            position,
            found: character,
        });
    }
    if character.is_ascii_lowercase() {
        return Err(UpnError::LowerCaseLetter {
            position,
            found: character,
        });
    }
    match UPN_CHECK_LETTERS.find(character) {
        Some(index) => Ok(index),
        None => Err(UpnError::ExcludedLetter {
            position,
            found: character,
        }),
    }
}

impl fmt::Display for Upn {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for Upn {
    type Err = UpnError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Upn {
    type Error = UpnError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Upn> for String {
    fn from(upn: Upn) -> Self {
        upn.0
    }
}

#[cfg(test)]
mod tests;
