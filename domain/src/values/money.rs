//! Sums of money as whole pence in an `i64`, so PP+ budgets add up exactly; never floats.
//!
//! Amounts are shown as `£1,900.00` (negative `-£12.50`) and read back from text by
//! [`Money::parse_pounds`] with exact decimal arithmetic: a third decimal place is an error,
//! not something to round away.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in pence. Serialised as the integer number of pence.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a piece of text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing but (at most) a sign and a pound sign.
    #[error("no amount given: expected digits such as 1900 or £1,900.00")]
    NoDigits,
    /// A character that has no place in an amount.
    #[error("character {position} of the amount is {found:?}, which is not allowed there")]
    UnexpectedCharacter {
        /// The 1-based position of the character.
        position: usize,
        /// The character found there.
        found: char,
    },
    /// More than one decimal point.
    #[error("an amount has at most one decimal point")]
    MoreThanOneDecimalPoint,
    /// A decimal point with no pounds before it.
    #[error("an amount needs pounds before the decimal point (write 0.50, not .50)")]
    NoPoundsBeforeDecimalPoint,
    /// A decimal point with no pence after it.
    #[error("a decimal point must be followed by one or two digits of pence")]
    NoPenceAfterDecimalPoint,
    /// More than two decimal places: the amount is not a whole number of pence.
    #[error("an amount has at most 2 decimal places (whole pence), this one has {found}")]
    TooManyDecimalPlaces {
        /// How many decimal places were given.
        found: usize,
    },
    /// Commas that do not separate groups of three digits.
    #[error(
        "commas must separate the pounds into groups of three digits, as in 1,900 or 12,345,678"
    )]
    MisplacedThousandsSeparator,
    /// An amount too large to hold.
    #[error("the amount is too large: at most £92,233,720,368,547,758.07 can be held")]
    TooLarge,
}

impl Money {
    /// No money.
    pub const ZERO: Self = Self(0);

    /// An amount of `pence` pence.
    pub const fn from_pence(pence: i64) -> Self {
        Self(pence)
    }

    /// The amount in pence.
    pub const fn pence(self) -> i64 {
        self.0
    }

    /// The sum, or `None` if it would overflow.
    pub const fn checked_add(self, other: Self) -> Option<Self> {
        match self.0.checked_add(other.0) {
            Some(pence) => Some(Self(pence)),
            None => None,
        }
    }

    /// The difference, or `None` if it would overflow.
    pub const fn checked_sub(self, other: Self) -> Option<Self> {
        match self.0.checked_sub(other.0) {
            Some(pence) => Some(Self(pence)),
            None => None,
        }
    }

    /// Whether the amount is below zero (an overspend, a refund owed).
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Reads an amount in pounds: an optional `-`, an optional `£`, pounds (optionally with
    /// commas between groups of three digits) and optionally a decimal point followed by one or
    /// two digits of pence. `"£1,900.00"`, `"1900"` and `"1900.5"` (£1,900.50) are accepted;
    /// spaces, a third decimal place and misplaced commas are errors.
    pub fn parse_pounds(text: &str) -> Result<Self, MoneyError> {
        let mut characters = text.char_indices().peekable();
        let negative = characters
            .next_if(|&(_, character)| character == '-')
            .is_some();
        characters.next_if(|&(_, character)| character == '£');

        let mut pounds_groups: Vec<String> = vec![String::new()];
        let mut pence_digits: Option<String> = None;
        for (position, character) in characters
            .map(|(byte_offset, character)| (text[..byte_offset].chars().count() + 1, character))
        {
            match (character, pence_digits.as_mut()) {
                ('0'..='9', Some(pence)) => pence.push(character),
                ('0'..='9', None) => {
                    if let Some(group) = pounds_groups.last_mut() {
                        group.push(character);
                    }
                }
                (',', None) => pounds_groups.push(String::new()),
                ('.', None) => pence_digits = Some(String::new()),
                ('.', Some(_)) => return Err(MoneyError::MoreThanOneDecimalPoint),
                (found, _) => {
                    return Err(MoneyError::UnexpectedCharacter { position, found });
                }
            }
        }

        let pounds_text = whole_pounds(&pounds_groups, pence_digits.is_some())?;
        let pence_in_pounds_part = pounds_text
            .bytes()
            .try_fold(0_u64, |total, digit| {
                total.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
            })
            .and_then(|pounds| pounds.checked_mul(100))
            .ok_or(MoneyError::TooLarge)?;
        let extra_pence = match pence_digits {
            None => 0,
            Some(digits) => pence_from_decimal_places(&digits)?,
        };
        let magnitude = pence_in_pounds_part
            .checked_add(extra_pence)
            .ok_or(MoneyError::TooLarge)?;
        let pence = if negative {
            0_i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        };
        pence.map(Self).ok_or(MoneyError::TooLarge)
    }
}

/// Joins the comma-separated groups of the pounds part, checking the commas are thousands
/// separators.
fn whole_pounds(groups: &[String], has_decimal_point: bool) -> Result<String, MoneyError> {
    let (first, rest) = groups.split_first().ok_or(MoneyError::NoDigits)?;
    if first.is_empty() && rest.is_empty() {
        return Err(if has_decimal_point {
            MoneyError::NoPoundsBeforeDecimalPoint
        } else {
            MoneyError::NoDigits
        });
    }
    if !rest.is_empty() {
        let first_group_fits = (1..=3).contains(&first.len());
        if !first_group_fits || rest.iter().any(|group| group.len() != 3) {
            return Err(MoneyError::MisplacedThousandsSeparator);
        }
    }
    Ok(groups.concat())
}

/// The pence given by the digits after a decimal point: `"5"` is 50p, `"05"` is 5p.
fn pence_from_decimal_places(digits: &str) -> Result<u64, MoneyError> {
    let value_of = |byte: u8| u64::from(byte - b'0');
    match digits.as_bytes() {
        [] => Err(MoneyError::NoPenceAfterDecimalPoint),
        [tenths] => Ok(value_of(*tenths) * 10),
        [tenths, hundredths] => Ok(value_of(*tenths) * 10 + value_of(*hundredths)),
        more => Err(MoneyError::TooManyDecimalPlaces { found: more.len() }),
    }
}

impl fmt::Display for Money {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `unsigned_abs` keeps i64::MIN printable.
        let magnitude = self.0.unsigned_abs();
        let pounds = (magnitude / 100).to_string();
        let pence = magnitude % 100;
        let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
        for (index, digit) in pounds.chars().enumerate() {
            if index > 0 && (pounds.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        write!(formatter, "{sign}£{grouped}.{pence:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_pounds_with_thousands_separators() {
        assert_eq!(Money::from_pence(190_000).to_string(), "£1,900.00");
        assert_eq!(Money::from_pence(-1_250).to_string(), "-£12.50");
        assert_eq!(Money::ZERO.to_string(), "£0.00");
        assert_eq!(Money::from_pence(5).to_string(), "£0.05");
        assert_eq!(Money::from_pence(-5).to_string(), "-£0.05");
        assert_eq!(Money::from_pence(99_999).to_string(), "£999.99");
        assert_eq!(Money::from_pence(100_000).to_string(), "£1,000.00");
        assert_eq!(Money::from_pence(25_700_000).to_string(), "£257,000.00");
        assert_eq!(Money::from_pence(123_456_789).to_string(), "£1,234,567.89");
        assert_eq!(
            Money::from_pence(i64::MIN).to_string(),
            "-£92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(
            Money::parse_pounds("£1,900.00"),
            Ok(Money::from_pence(190_000))
        );
        assert_eq!(Money::parse_pounds("1900"), Ok(Money::from_pence(190_000)));
        assert_eq!(
            Money::parse_pounds("1900.5"),
            Ok(Money::from_pence(190_050))
        );
        assert_eq!(
            Money::parse_pounds("1900.05"),
            Ok(Money::from_pence(190_005))
        );
        assert_eq!(
            Money::parse_pounds("-£12.50"),
            Ok(Money::from_pence(-1_250))
        );
        assert_eq!(Money::parse_pounds("-12.5"), Ok(Money::from_pence(-1_250)));
        assert_eq!(Money::parse_pounds("0.01"), Ok(Money::from_pence(1)));
        assert_eq!(
            Money::parse_pounds("£2,570"),
            Ok(Money::from_pence(257_000))
        );
        assert_eq!(
            Money::parse_pounds("-£92,233,720,368,547,758.08"),
            Ok(Money::from_pence(i64::MIN))
        );
    }

    #[test]
    fn rejects_more_than_two_decimal_places() {
        assert_eq!(
            Money::parse_pounds("1900.505"),
            Err(MoneyError::TooManyDecimalPlaces { found: 3 })
        );
        assert_eq!(
            Money::parse_pounds("0.001").unwrap_err().to_string(),
            "an amount has at most 2 decimal places (whole pence), this one has 3"
        );
    }

    #[test]
    fn rejects_malformed_amounts_with_a_reason() {
        let cases = [
            ("", MoneyError::NoDigits),
            ("£", MoneyError::NoDigits),
            ("-", MoneyError::NoDigits),
            (".50", MoneyError::NoPoundsBeforeDecimalPoint),
            ("12.", MoneyError::NoPenceAfterDecimalPoint),
            ("1.2.3", MoneyError::MoreThanOneDecimalPoint),
            ("19,00", MoneyError::MisplacedThousandsSeparator),
            ("1,9000", MoneyError::MisplacedThousandsSeparator),
            (",900", MoneyError::MisplacedThousandsSeparator),
            ("1900,", MoneyError::MisplacedThousandsSeparator),
            (
                "1,900.0,0",
                MoneyError::UnexpectedCharacter {
                    position: 8,
                    found: ',',
                },
            ),
            (
                "£-12",
                MoneyError::UnexpectedCharacter {
                    position: 2,
                    found: '-',
                },
            ),
            (
                "£ 12",
                MoneyError::UnexpectedCharacter {
                    position: 2,
                    found: ' ',
                },
            ),
            (
                "12 ",
                MoneyError::UnexpectedCharacter {
                    position: 3,
                    found: ' ',
                },
            ),
            (
                "1e3",
                MoneyError::UnexpectedCharacter {
                    position: 2,
                    found: 'e',
                },
            ),
            (
                "$12",
                MoneyError::UnexpectedCharacter {
                    position: 1,
                    found: '$',
                },
            ),
            ("92233720368547758.08", MoneyError::TooLarge),
            ("99999999999999999999", MoneyError::TooLarge),
        ];
        for (text, error) in cases {
            assert_eq!(Money::parse_pounds(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn arithmetic_is_checked_and_ordered() {
        let cap = Money::from_pence(190_000);
        let spent = Money::from_pence(200_000);
        assert_eq!(cap.checked_sub(spent), Some(Money::from_pence(-10_000)));
        assert!(cap.checked_sub(spent).unwrap().is_negative());
        assert!(!Money::ZERO.is_negative());
        assert_eq!(cap.checked_add(spent), Some(Money::from_pence(390_000)));
        assert_eq!(
            Money::from_pence(i64::MAX).checked_add(Money::from_pence(1)),
            None
        );
        assert_eq!(
            Money::from_pence(i64::MIN).checked_sub(Money::from_pence(1)),
            None
        );
        assert!(spent > cap);
    }

    #[test]
    fn serde_is_integer_pence() {
        let amount = Money::from_pence(190_050);
        assert_eq!(serde_json::to_string(&amount).unwrap(), "190050");
        assert_eq!(
            serde_json::from_str::<Money>("-1250").unwrap(),
            Money::from_pence(-1_250)
        );
        assert!(serde_json::from_str::<Money>("12.5").is_err());
        assert!(serde_json::from_str::<Money>("\"£12.50\"").is_err());
    }

    proptest! {
        #[test]
        fn display_then_parse_pounds_round_trips(pence in any::<i64>()) {
            let amount = Money::from_pence(pence);
            prop_assert_eq!(Money::parse_pounds(&amount.to_string()), Ok(amount));
        }
    }
}
