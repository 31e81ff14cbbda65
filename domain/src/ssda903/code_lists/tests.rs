//! Tests of reading, merging and looking up code lists, independent of the embedded data.

use super::*;

const NEWER_YEAR_FILE: &str = r#"
    # A list an operator might load for a new collection year.
    [[PLACE]]
    code = "Z1"
    description = "Other placements (must be listed on a schedule sent to DfE with annual submission)"
    last_year = "2024-25"

    [[PLACE]]
    code = "Z99"
    description = "A code added in a later year"
    first_year = "2026-27"

    [[RNE]]
    code = "S"
    description = "Started to be looked after"
"#;

#[test]
fn loads_lists_from_a_toml_string() {
    let code_lists = CodeLists::from_toml(NEWER_YEAR_FILE).unwrap();
    let z99 = code_lists
        .lookup(
            CodeListKind::PlacementType,
            "Z99",
            CollectionYear::new(2026),
        )
        .unwrap();
    assert_eq!(z99.first_year, Some(CollectionYear::new(2026)));
    assert_eq!(
        code_lists.describe(CodeListKind::ReasonNewEpisode, "S"),
        Some("Started to be looked after")
    );
    assert_eq!(code_lists.entries(CodeListKind::LegalStatus), &[]);
}

#[test]
fn a_newer_file_replaces_and_adds_codes_and_keeps_the_rest() {
    let base = CodeLists::from_toml(
        r#"
        [[PLACE]]
        code = "Z1"
        description = "Other placements (must be listed on a schedule sent to DfE with annual submission)"
        [[PLACE]]
        code = "K1"
        description = "Secure children’s homes"
        "#,
    )
    .unwrap();
    let merged = base.with_newer(CodeLists::from_toml(NEWER_YEAR_FILE).unwrap());
    let codes: Vec<&str> = merged
        .entries(CodeListKind::PlacementType)
        .iter()
        .map(|entry| entry.code.as_str())
        .collect();
    assert_eq!(codes, ["Z1", "K1", "Z99"]);
    assert!(
        merged
            .lookup(CodeListKind::PlacementType, "Z1", CollectionYear::new(2025))
            .is_err()
    );
    assert!(
        merged
            .lookup(CodeListKind::PlacementType, "K1", CollectionYear::new(2025))
            .is_ok()
    );
}

#[test]
fn rejects_files_with_problems() {
    let cases = [
        (
            "[[PLACEMENT]]\ncode = \"A3\"\ndescription = \"x\"\n",
            CodeListError::UnknownField(UnknownCodeListField {
                found: "PLACEMENT".to_owned(),
            }),
        ),
        (
            "[[LS]]\ncode = \"c1\"\ndescription = \"x\"\n",
            CodeListError::InvalidCode {
                kind: CodeListKind::LegalStatus,
                code: "c1".to_owned(),
            },
        ),
        (
            "[[LS]]\ncode = \"C1\"\ndescription = \"x\"\n[[LS]]\ncode = \"C1\"\ndescription = \"y\"\n",
            CodeListError::DuplicateCode {
                kind: CodeListKind::LegalStatus,
                code: "C1".to_owned(),
            },
        ),
        (
            "[[LS]]\ncode = \"C1\"\ndescription = \" \"\n",
            CodeListError::EmptyDescription {
                kind: CodeListKind::LegalStatus,
                code: "C1".to_owned(),
            },
        ),
        (
            "[[LS]]\ncode = \"C1\"\ndescription = \"x\"\nfirst_year = \"2025-26\"\nlast_year = \"2024-25\"\n",
            CodeListError::YearsOutOfOrder {
                kind: CodeListKind::LegalStatus,
                code: "C1".to_owned(),
                first_year: CollectionYear::new(2025),
                last_year: CollectionYear::new(2024),
            },
        ),
    ];
    for (text, error) in cases {
        assert_eq!(CodeLists::from_toml(text), Err(error), "{text}");
    }
}

#[test]
fn rejects_malformed_toml_and_unknown_keys_with_the_reader_s_message() {
    for text in [
        "[[LS]]\ncode = \"C1\"\n",
        "[[LS]]\ncode = \"C1\"\ndescription = \"x\"\nfirst_year = \"2025\"\n",
        "[[LS]]\ncode = \"C1\"\ndescription = \"x\"\nstarts = \"2025-26\"\n",
        "[[LS]\n",
    ] {
        let error = CodeLists::from_toml(text).unwrap_err();
        assert!(
            matches!(error, CodeListError::NotCodeListToml { .. }),
            "{text}: {error:?}"
        );
    }
}

#[test]
fn lookup_errors_say_which_years_a_code_is_valid_in() {
    let code_lists = CodeLists::from_toml(
        r#"
        [[PLACE]]
        code = "Q9"
        description = "A bounded code"
        first_year = "2019-20"
        last_year = "2024-25"
        "#,
    )
    .unwrap();
    let error = code_lists
        .lookup(CodeListKind::PlacementType, "Q9", CollectionYear::new(2025))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "PLACE code \"Q9\" is not valid in collection year 2025-26 (valid 2019-20 to 2024-25)"
    );
    let error = code_lists
        .lookup(CodeListKind::PlacementType, "Q8", CollectionYear::new(2025))
        .unwrap_err();
    assert_eq!(error.to_string(), "\"Q8\" is not a known PLACE code");
}

#[test]
fn validity_is_written_for_every_kind_of_bound() {
    let validity = |first_year, last_year| {
        Validity {
            first_year,
            last_year,
        }
        .to_string()
    };
    let year = CollectionYear::new;
    assert_eq!(validity(Some(year(2024)), None), "valid from 2024-25");
    assert_eq!(validity(None, Some(year(2024))), "valid up to 2024-25");
    assert_eq!(validity(None, None), "valid in every year");
}
