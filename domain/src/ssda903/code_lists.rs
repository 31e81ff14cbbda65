//! The SSDA903 code lists as versioned data: which codes exist, what they mean, and in which
//! collection years each may be used.
//!
//! The lists ship embedded (`domain/data/ssda903/*.toml`, parsed once) and an operator can load
//! a newer collection year's list from a file with [`CodeLists::from_toml`] and
//! [`CodeLists::with_newer`] without a release. The file format is described in
//! `docs/ssda903.md`.

use super::{CodeListKind, CollectionYear, UnknownCodeListField};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// The description given to a code whose official wording has not been confirmed yet, so a
/// label is never invented.
pub const UNCONFIRMED_DESCRIPTION: &str = "(official description not yet confirmed)";

/// One code of one list, with the collection years it is valid in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeEntry {
    /// The code as it appears in the return, e.g. `"A3"`.
    pub code: String,
    /// The official description, used as the code's label.
    pub description: String,
    /// Further official guidance on when the code applies, where the source gives any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The first collection year the code may be used in; `None` when it predates the years
    /// this service cares about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_year: Option<CollectionYear>,
    /// The last collection year the code may be used in; `None` while it is still current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_year: Option<CollectionYear>,
}

impl CodeEntry {
    /// Whether the code may be used in `year`.
    pub fn is_valid_in(&self, year: CollectionYear) -> bool {
        self.first_year.is_none_or(|first| first <= year)
            && self.last_year.is_none_or(|last| year <= last)
    }

    /// Whether the description is the official wording rather than the placeholder.
    pub fn is_description_confirmed(&self) -> bool {
        self.description != UNCONFIRMED_DESCRIPTION
    }
}

/// Why a code was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The code is in no year's list for that field.
    #[error("{code:?} is not a known {kind} code")]
    UnknownCode {
        /// The field.
        kind: CodeListKind,
        /// The code that was given.
        code: String,
    },
    /// The code exists but not in the collection year it was used in.
    #[error(
        "{kind} code {code:?} is not valid in collection year {year} ({})",
        Validity::of(.first_year, .last_year)
    )]
    NotValidInYear {
        /// The field.
        kind: CodeListKind,
        /// The code that was given.
        code: String,
        /// The collection year it was used in.
        year: CollectionYear,
        /// The first year it is valid in, if bounded.
        first_year: Option<CollectionYear>,
        /// The last year it is valid in, if bounded.
        last_year: Option<CollectionYear>,
    },
}

/// The years a code is valid in, written for an error message.
struct Validity {
    first_year: Option<CollectionYear>,
    last_year: Option<CollectionYear>,
}

impl Validity {
    fn of(first_year: &Option<CollectionYear>, last_year: &Option<CollectionYear>) -> Self {
        Self {
            first_year: *first_year,
            last_year: *last_year,
        }
    }
}

impl fmt::Display for Validity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.first_year, self.last_year) {
            (Some(first), Some(last)) => write!(formatter, "valid {first} to {last}"),
            (Some(first), None) => write!(formatter, "valid from {first}"),
            (None, Some(last)) => write!(formatter, "valid up to {last}"),
            (None, None) => write!(formatter, "valid in every year"),
        }
    }
}

/// Why a code list file was not accepted. Nothing from a rejected file is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeListError {
    /// The text is not TOML of the expected shape.
    #[error("the code list is not in the expected TOML format: {message}")]
    NotCodeListToml {
        /// What the TOML reader said, with the line and column.
        message: String,
    },
    /// A top-level key is not a 903 field with a code list.
    #[error(transparent)]
    UnknownField(#[from] UnknownCodeListField),
    /// A code that is empty or has characters other than upper-case letters and digits.
    #[error("{kind} code {code:?} must be upper-case letters and digits")]
    InvalidCode {
        /// The field.
        kind: CodeListKind,
        /// The code as written.
        code: String,
    },
    /// The same code twice in one field's list.
    #[error("{kind} code {code:?} is listed more than once")]
    DuplicateCode {
        /// The field.
        kind: CodeListKind,
        /// The repeated code.
        code: String,
    },
    /// A code without a description.
    #[error("{kind} code {code:?} has an empty description")]
    EmptyDescription {
        /// The field.
        kind: CodeListKind,
        /// The code.
        code: String,
    },
    /// A last year before the first year.
    #[error("{kind} code {code:?} ends in {last_year}, before it starts in {first_year}")]
    YearsOutOfOrder {
        /// The field.
        kind: CodeListKind,
        /// The code.
        code: String,
        /// The first year given.
        first_year: CollectionYear,
        /// The last year given.
        last_year: CollectionYear,
    },
}

/// The code lists of every SSDA903 field this service reads, across collection years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeLists {
    lists: BTreeMap<CodeListKind, Vec<CodeEntry>>,
}

/// The embedded data files, one per field, named so a parse failure says which one.
const EMBEDDED_FILES: [(&str, &str); 6] = [
    (
        "reason_new_episode.toml",
        include_str!("../../data/ssda903/reason_new_episode.toml"),
    ),
    (
        "legal_status.toml",
        include_str!("../../data/ssda903/legal_status.toml"),
    ),
    (
        "placement_type.toml",
        include_str!("../../data/ssda903/placement_type.toml"),
    ),
    (
        "placement_provider.toml",
        include_str!("../../data/ssda903/placement_provider.toml"),
    ),
    (
        "reason_place_change.toml",
        include_str!("../../data/ssda903/reason_place_change.toml"),
    ),
    (
        "reason_ceased.toml",
        include_str!("../../data/ssda903/reason_ceased.toml"),
    ),
];

impl CodeLists {
    /// The code lists built into this release, parsed on first use.
    ///
    /// The embedded files are checked by a test, so a failure to parse them is a bug in the
    /// release, not a condition a caller could handle; it panics with the file and the reason.
    pub fn embedded() -> &'static CodeLists {
        static EMBEDDED: OnceLock<CodeLists> = OnceLock::new();
        EMBEDDED.get_or_init(|| match parse_embedded() {
            Ok(code_lists) => code_lists,
            Err((file, error)) => panic!("embedded SSDA903 code list {file} is invalid: {error}"),
        })
    }

    /// Reads code lists from TOML text (the format of `domain/data/ssda903/*.toml`): each
    /// top-level key is a 903 field name holding an array of `{ code, description, explanation?,
    /// first_year?, last_year? }` tables. The whole text is rejected on the first problem.
    pub fn from_toml(text: &str) -> Result<CodeLists, CodeListError> {
        let by_field: BTreeMap<String, Vec<CodeEntry>> =
            toml::from_str(text).map_err(|error| CodeListError::NotCodeListToml {
                message: error.to_string(),
            })?;
        let mut code_lists = CodeLists::default();
        for (field_name, entries) in by_field {
            let kind = CodeListKind::from_field_name(&field_name)?;
            for entry in &entries {
                check_entry(kind, entry)?;
            }
            code_lists.absorb(kind, entries)?;
        }
        Ok(code_lists)
    }

    /// These lists with a newer file's lists laid over them: an entry in `newer` replaces the
    /// entry with the same field and code (so a newer file can close a code with `last_year` or
    /// correct a description), a new code is added, and codes `newer` does not mention are kept.
    pub fn with_newer(mut self, newer: CodeLists) -> CodeLists {
        for (kind, entries) in newer.lists {
            let list = self.lists.entry(kind).or_default();
            for entry in entries {
                match list.iter_mut().find(|existing| existing.code == entry.code) {
                    Some(existing) => *existing = entry,
                    None => list.push(entry),
                }
            }
        }
        self
    }

    /// The entry for `code` in `kind`'s list if it may be used in `year`; otherwise why not.
    /// Codes are matched exactly: 903 codes are upper case and nothing is trimmed or corrected.
    pub fn lookup(
        &self,
        kind: CodeListKind,
        code: &str,
        year: CollectionYear,
    ) -> Result<&CodeEntry, CodeError> {
        let entry = self
            .entries(kind)
            .iter()
            .find(|entry| entry.code == code)
            .ok_or_else(|| CodeError::UnknownCode {
                kind,
                code: code.to_owned(),
            })?;
        if entry.is_valid_in(year) {
            Ok(entry)
        } else {
            Err(CodeError::NotValidInYear {
                kind,
                code: code.to_owned(),
                year,
                first_year: entry.first_year,
                last_year: entry.last_year,
            })
        }
    }

    /// The codes of `kind` that may be used in `year`, in list order (e.g. for a form's choices).
    pub fn codes(
        &self,
        kind: CodeListKind,
        year: CollectionYear,
    ) -> impl Iterator<Item = &CodeEntry> + '_ {
        self.entries(kind)
            .iter()
            .filter(move |entry| entry.is_valid_in(year))
    }

    /// Every entry of `kind`, whatever its years.
    pub fn entries(&self, kind: CodeListKind) -> &[CodeEntry] {
        self.lists.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The label of a code, in any year (a historic episode keeps its label after the code is
    /// withdrawn).
    pub fn describe(&self, kind: CodeListKind, code: &str) -> Option<&str> {
        self.entries(kind)
            .iter()
            .find(|entry| entry.code == code)
            .map(|entry| entry.description.as_str())
    }

    /// Adds `entries` to `kind`'s list, refusing a code that is already there.
    fn absorb(&mut self, kind: CodeListKind, entries: Vec<CodeEntry>) -> Result<(), CodeListError> {
        let list = self.lists.entry(kind).or_default();
        for entry in entries {
            if list.iter().any(|existing| existing.code == entry.code) {
                return Err(CodeListError::DuplicateCode {
                    kind,
                    code: entry.code,
                });
            }
            list.push(entry);
        }
        Ok(())
    }
}

/// Parses every embedded file into one set of lists, naming the file that fails.
fn parse_embedded() -> Result<CodeLists, (&'static str, CodeListError)> {
    let mut code_lists = CodeLists::default();
    for (file, text) in EMBEDDED_FILES {
        let parsed = CodeLists::from_toml(text).map_err(|error| (file, error))?;
        for (kind, entries) in parsed.lists {
            code_lists
                .absorb(kind, entries)
                .map_err(|error| (file, error))?;
        }
    }
    Ok(code_lists)
}

/// The rules every entry of a file must meet.
fn check_entry(kind: CodeListKind, entry: &CodeEntry) -> Result<(), CodeListError> {
    let code_is_well_formed = !entry.code.is_empty()
        && entry
            .code
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
    if !code_is_well_formed {
        return Err(CodeListError::InvalidCode {
            kind,
            code: entry.code.clone(),
        });
    }
    if entry.description.trim().is_empty() {
        return Err(CodeListError::EmptyDescription {
            kind,
            code: entry.code.clone(),
        });
    }
    if let (Some(first_year), Some(last_year)) = (entry.first_year, entry.last_year)
        && last_year < first_year
    {
        return Err(CodeListError::YearsOutOfOrder {
            kind,
            code: entry.code.clone(),
            first_year,
            last_year,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
