//! Tests of UPN parsing: published examples, each kind of error, and the check-letter property.

use super::*;
use proptest::prelude::*;

/// Published examples: the DfE UPN guidance (H801200001001, G80120000101A, as quoted in the
/// DfE multiplication tables check tests), python-stdnum (B801200005001), the CIN census
/// validator rule 1510 tests (A950000178301, H243278544154) and school MIS help pages
/// (X00180001701A).
#[test]
fn published_valid_upns_parse() {
    for text in [
        "H801200001001",
        "B801200005001",
        "A950000178301",
        "H243278544154",
    ] {
        let upn = Upn::parse(text).unwrap();
        assert_eq!(upn.as_str(), text);
        assert!(!upn.is_temporary(), "{text}");
    }
}

#[test]
fn published_temporary_upns_parse() {
    for text in ["G80120000101A", "X00180001701A"] {
        let upn = Upn::parse(text).unwrap();
        assert!(upn.is_temporary(), "{text}");
    }
}

/// Published examples of wrong check letters, with the letter the formula gives.
#[test]
fn published_wrong_check_letters_are_rejected_with_the_expected_letter() {
    for (text, expected, found) in [
        ("Z801200001001", 'H', 'Z'),
        ("A801200005001", 'B', 'A'),
        ("R247962919251", 'Q', 'R'),
        ("X428558133462", 'W', 'X'),
    ] {
        assert_eq!(
            Upn::parse(text),
            Err(UpnError::WrongCheckLetter { expected, found }),
            "{text}"
        );
    }
}

/// The UPN the feed fixtures use is not a valid one: characters 2-13 give R, not D. It stands for
/// a social care system's UPN with a failing check letter, which is applied and flagged
/// (docs/statutory-rules.md §7.2).
#[test]
fn the_fixtures_upn_has_a_wrong_check_letter() {
    assert_eq!(
        Upn::parse("D051910639385"),
        Err(UpnError::WrongCheckLetter {
            expected: 'R',
            found: 'D'
        })
    );
    assert!(Upn::parse("R051910639385").is_ok());
}

#[test]
fn wrong_lengths_are_rejected() {
    assert_eq!(
        Upn::parse("H80120000100"),
        Err(UpnError::WrongLength {
            expected: 13,
            found: 12
        })
    );
    assert_eq!(
        Upn::parse("H8012000010011"),
        Err(UpnError::WrongLength {
            expected: 13,
            found: 14
        })
    );
    assert_eq!(
        Upn::parse(""),
        Err(UpnError::WrongLength {
            expected: 13,
            found: 0
        })
    );
    // Surrounding spaces are not trimmed away.
    assert_eq!(
        Upn::parse(" H801200001001"),
        Err(UpnError::WrongLength {
            expected: 13,
            found: 14
        })
    );
}

#[test]
fn invalid_characters_are_rejected_with_their_position() {
    assert_eq!(
        Upn::parse("H8012-0001001"),
        Err(UpnError::InvalidCharacter {
            position: 6,
            found: '-'
        })
    );
    assert_eq!(
        Upn::parse("H80120000100é"),
        Err(UpnError::InvalidCharacter {
            position: 13,
            found: 'é'
        })
    );
    assert_eq!(
        Upn::parse("#801200001001"),
        Err(UpnError::InvalidCharacter {
            position: 1,
            found: '#'
        })
    );
}

#[test]
fn letters_where_digits_are_required_are_rejected() {
    assert_eq!(
        Upn::parse("X80120000A001"),
        Err(UpnError::LetterWhereDigitRequired {
            position: 10,
            found: 'A'
        })
    );
    assert_eq!(
        Upn::parse("HA01200001001"),
        Err(UpnError::LetterWhereDigitRequired {
            position: 2,
            found: 'A'
        })
    );
    assert_eq!(
        Upn::parse("G8012000010AA"),
        Err(UpnError::LetterWhereDigitRequired {
            position: 12,
            found: 'A'
        })
    );
}

#[test]
fn a_digit_in_place_of_the_check_letter_is_rejected() {
    assert_eq!(
        Upn::parse("1801200001001"),
        Err(UpnError::DigitWhereLetterRequired {
            position: 1,
            found: '1'
        })
    );
}

#[test]
fn lower_case_is_rejected_not_corrected() {
    assert_eq!(
        Upn::parse("h801200001001"),
        Err(UpnError::LowerCaseLetter {
            position: 1,
            found: 'h'
        })
    );
    assert_eq!(
        Upn::parse("G80120000101a"),
        Err(UpnError::LowerCaseLetter {
            position: 13,
            found: 'a'
        })
    );
}

#[test]
fn excluded_letters_are_rejected_in_both_letter_positions() {
    assert_eq!(
        Upn::parse("I801200001001"),
        Err(UpnError::ExcludedLetter {
            position: 1,
            found: 'I'
        })
    );
    assert_eq!(
        Upn::parse("G80120000101O"),
        Err(UpnError::ExcludedLetter {
            position: 13,
            found: 'O'
        })
    );
}

#[test]
fn temporary_upn_with_a_wrong_check_letter_is_rejected() {
    assert_eq!(
        Upn::parse("H80120000101A"),
        Err(UpnError::WrongCheckLetter {
            expected: 'G',
            found: 'H'
        })
    );
    // Changing only the final letter changes the check letter: B is worth 1, so 13 more.
    assert_eq!(
        Upn::parse("G80120000101B"),
        Err(UpnError::WrongCheckLetter {
            expected: 'W',
            found: 'G'
        })
    );
}

#[test]
fn issuing_la_number_is_characters_two_to_four() {
    assert_eq!(
        Upn::parse("H801200001001").unwrap().issuing_la_number(),
        "801"
    );
}

#[test]
fn serde_round_trips_and_rejects_invalid_upns() {
    let upn = Upn::parse("G80120000101A").unwrap();
    let json = serde_json::to_string(&upn).unwrap();
    assert_eq!(json, "\"G80120000101A\"");
    assert_eq!(serde_json::from_str::<Upn>(&json).unwrap(), upn);
    let error = serde_json::from_str::<Upn>("\"D051910639385\"").unwrap_err();
    assert!(error.to_string().contains("check letter"), "{error}");
}

#[test]
fn error_messages_say_what_was_expected_and_found() {
    let message = Upn::parse("D051910639385").unwrap_err().to_string();
    assert_eq!(
        message,
        "the UPN's check letter is 'D' but characters 2-13 give 'R'"
    );
}

fn trailing_twelve_characters() -> impl Strategy<Value = String> {
    let last = prop_oneof![
        proptest::char::range('0', '9'),
        proptest::sample::select(UPN_CHECK_LETTERS.chars().collect::<Vec<_>>()),
    ];
    ("[0-9]{11}", last).prop_map(|(digits, last)| format!("{digits}{last}"))
}

proptest! {
    #[test]
    fn the_computed_check_letter_is_the_only_one_accepted(trailing in trailing_twelve_characters()) {
        let expected = Upn::check_letter_for(&trailing).unwrap();
        let upn = Upn::parse(&format!("{expected}{trailing}")).unwrap();
        prop_assert_eq!(upn.is_temporary(), trailing.ends_with(|c: char| c.is_ascii_uppercase()));
        for other in UPN_CHECK_LETTERS.chars().filter(|&letter| letter != expected) {
            prop_assert_eq!(
                Upn::parse(&format!("{other}{trailing}")),
                Err(UpnError::WrongCheckLetter { expected, found: other })
            );
        }
    }
}
