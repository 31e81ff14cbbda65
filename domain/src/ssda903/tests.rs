//! Tests of the embedded code list data: it parses, it agrees with the shared reference files,
//! and the year-by-year changes the brief names are encoded.

use super::*;

fn year(start_year: i32) -> CollectionYear {
    CollectionYear::new(start_year)
}

fn embedded() -> &'static CodeLists {
    CodeLists::embedded()
}

#[test]
fn embedded_data_parses_and_every_list_has_codes() {
    for kind in CodeListKind::ALL {
        assert!(!embedded().entries(kind).is_empty(), "{kind} is empty");
    }
}

#[test]
fn embedded_lists_hold_exactly_the_expected_codes() {
    let codes = |kind| -> Vec<&str> {
        embedded()
            .entries(kind)
            .iter()
            .map(|entry| entry.code.as_str())
            .collect()
    };
    assert_eq!(
        codes(CodeListKind::ReasonNewEpisode),
        ["S", "L", "P", "T", "B", "U"]
    );
    assert_eq!(
        codes(CodeListKind::ReasonCeased),
        [
            "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5",
            "E6", "E7", "E8", "E9", "E14", "E15", "E16", "E17", "X1"
        ]
    );
    assert_eq!(
        codes(CodeListKind::PlacementType),
        [
            "A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3",
            "R5", "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
            "Z11", "Z12", "Z13", "Z14"
        ]
    );
}

#[test]
fn k3_is_rejected_for_2023_24_and_accepted_for_2024_25() {
    let error = embedded()
        .lookup(CodeListKind::PlacementType, "K3", year(2023))
        .unwrap_err();
    assert_eq!(
        error,
        CodeError::NotValidInYear {
            kind: CodeListKind::PlacementType,
            code: "K3".to_owned(),
            year: year(2023),
            first_year: Some(year(2024)),
            last_year: None,
        }
    );
    assert_eq!(
        error.to_string(),
        "PLACE code \"K3\" is not valid in collection year 2023-24 (valid from 2024-25)"
    );
    assert!(
        embedded()
            .lookup(CodeListKind::PlacementType, "K3", year(2024))
            .is_ok()
    );
}

#[test]
fn z1_is_accepted_in_2024_25_and_rejected_in_2025_26() {
    assert!(
        embedded()
            .lookup(CodeListKind::PlacementType, "Z1", year(2024))
            .is_ok()
    );
    assert_eq!(
        embedded()
            .lookup(CodeListKind::PlacementType, "Z1", year(2025))
            .unwrap_err()
            .to_string(),
        "PLACE code \"Z1\" is not valid in collection year 2025-26 (valid up to 2024-25)"
    );
}

#[test]
fn the_2025_26_placement_list_swaps_h5_p2_and_z1_for_z11_to_z14() {
    let codes_in = |start_year| -> Vec<&str> {
        embedded()
            .codes(CodeListKind::PlacementType, year(start_year))
            .map(|entry| entry.code.as_str())
            .collect()
    };
    let in_2024 = codes_in(2024);
    let in_2025 = codes_in(2025);
    for code in ["H5", "P2", "Z1"] {
        assert!(
            in_2024.contains(&code) && !in_2025.contains(&code),
            "{code}"
        );
    }
    for code in ["Z11", "Z12", "Z13", "Z14"] {
        assert!(
            !in_2024.contains(&code) && in_2025.contains(&code),
            "{code}"
        );
    }
    for code in ["U3", "U4", "U5", "U6", "K3"] {
        assert!(in_2024.contains(&code) && in_2025.contains(&code), "{code}");
    }
    assert!(!codes_in(2023).contains(&"K3"));
}

#[test]
fn an_unknown_code_is_reported_as_unknown() {
    assert_eq!(
        embedded().lookup(CodeListKind::LegalStatus, "C9", year(2024)),
        Err(CodeError::UnknownCode {
            kind: CodeListKind::LegalStatus,
            code: "C9".to_owned(),
        })
    );
    // Codes are matched exactly, never upper-cased.
    assert!(matches!(
        embedded().lookup(CodeListKind::PlacementType, "t3", year(2024)),
        Err(CodeError::UnknownCode { .. })
    ));
}

#[test]
fn describe_labels_withdrawn_codes_too() {
    assert_eq!(
        embedded().describe(CodeListKind::PlacementType, "Z1"),
        Some("Other placements (must be listed on a schedule sent to DfE with annual submission)")
    );
    assert_eq!(
        embedded().describe(CodeListKind::ReasonNewEpisode, "S"),
        Some("Started to be looked after")
    );
    assert_eq!(embedded().describe(CodeListKind::ReasonCeased, "E99"), None);
}

#[test]
fn only_the_known_unconfirmed_codes_lack_an_official_description() {
    let unconfirmed: Vec<String> = CodeListKind::ALL
        .into_iter()
        .flat_map(|kind| embedded().entries(kind))
        .filter(|entry| !entry.is_description_confirmed())
        .map(|entry| entry.code.clone())
        .collect();
    assert_eq!(unconfirmed, ["K3", "Z11", "Z12", "Z13", "Z14"]);
}

/// One `- value:` item of a shared reference file.
#[derive(Debug)]
struct SharedEntry {
    code: String,
    description: String,
    explanation: Option<String>,
    /// The file ends inside this entry's description, so only a prefix of it is known.
    description_truncated: bool,
}

/// Reads the small YAML subset the shared files use: `- value: 'X'` items with single-quoted
/// `description` and `explanation` on one line each. A YAML library cannot be used because the
/// published files are not valid YAML (see `data/ssda903/source/README.md`).
fn read_shared_file(text: &str) -> Vec<SharedEntry> {
    let unquote = |value: &str| -> (String, bool) {
        let inner = value.strip_prefix('\'').unwrap_or(value);
        let (inner, closed) = match inner.strip_suffix('\'') {
            Some(inner) => (inner, true),
            None => (inner, false),
        };
        (inner.replace("\\'", "'").replace("''", "'"), !closed)
    };
    let mut entries: Vec<SharedEntry> = Vec::new();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("- value: ") {
            entries.push(SharedEntry {
                code: unquote(value).0,
                description: String::new(),
                explanation: None,
                description_truncated: false,
            });
        } else if let Some(value) = line.strip_prefix("  description: ") {
            let entry = entries.last_mut().unwrap();
            (entry.description, entry.description_truncated) = unquote(value);
        } else if let Some(value) = line.strip_prefix("  explanation: ") {
            entries.last_mut().unwrap().explanation = Some(unquote(value).0);
        } else {
            assert!(
                line.starts_with('#') || line.trim().is_empty(),
                "unexpected line {line:?}"
            );
        }
    }
    entries
}

#[test]
fn every_shared_code_is_embedded_with_the_same_description() {
    let shared_files = [
        (
            CodeListKind::LegalStatus,
            include_str!("../../data/ssda903/source/legal_status.yml"),
        ),
        (
            CodeListKind::ReasonPlaceChange,
            include_str!("../../data/ssda903/source/placement_change_reason.yml"),
        ),
        (
            CodeListKind::PlacementProvider,
            include_str!("../../data/ssda903/source/placement_provider.yml"),
        ),
        (
            CodeListKind::PlacementType,
            include_str!("../../data/ssda903/source/placement_type.yml"),
        ),
    ];
    let mut truncated = Vec::new();
    let mut compared = 0;
    for (kind, text) in shared_files {
        let shared_entries = read_shared_file(text);
        assert!(!shared_entries.is_empty(), "{kind}");
        for shared in shared_entries {
            let embedded_entry = embedded()
                .entries(kind)
                .iter()
                .find(|entry| entry.code == shared.code)
                .unwrap_or_else(|| panic!("{kind} {} is not embedded", shared.code));
            if shared.description_truncated {
                assert!(
                    embedded_entry.description.starts_with(&shared.description),
                    "{kind} {}: {:?} does not continue {:?}",
                    shared.code,
                    embedded_entry.description,
                    shared.description
                );
                truncated.push(format!("{kind} {}", shared.code));
            } else {
                assert_eq!(
                    embedded_entry.description, shared.description,
                    "{kind} {}",
                    shared.code
                );
            }
            assert_eq!(
                embedded_entry.explanation, shared.explanation,
                "{kind} {}",
                shared.code
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 13 + 12 + 6 + 22);
    assert_eq!(truncated, ["PLACE U2"]);
}
