//! An SSDA903 extract (the header file and the episodes file, as councils produce them for the
//! DfE return) turned into inbound messages, so `pep import 903` goes through exactly the path
//! the feeds take.
//!
//! The conversion only renames columns and rewrites `dd/mm/yyyy` dates as ISO dates: every check
//! is the handler's, so a bad row is refused with the same reason it would get from a feed. A
//! row's `message_id` is derived from its content (`903:<la>:header:<CHILD>:<hash>`), so
//! importing the same extract again is a run of duplicates, and a row that changed between two
//! extracts (an episode closed since) is a new message that updates the record.

use super::schema::Feed;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use thiserror::Error;

/// One row as an inbound message.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractRow {
    /// Which feed it goes to.
    pub feed: Feed,
    /// Its line in its file (1 = the first data row's line is 2).
    pub line: u64,
    /// The message body.
    pub body: Vec<u8>,
}

/// Why a file could not be read at all (a row's problems are the handler's to report).
#[derive(Debug, Error)]
pub enum ExtractError {
    /// The CSV itself is broken.
    #[error("{file}: {source}")]
    Csv {
        /// Which file.
        file: &'static str,
        /// What the reader said.
        source: csv::Error,
    },
    /// A column the file must have is missing.
    #[error("{file}: the header row has no {column} column (columns are {found})")]
    MissingColumn {
        /// Which file.
        file: &'static str,
        /// The missing column.
        column: &'static str,
        /// The columns it has.
        found: String,
    },
}

const HEADER_COLUMNS: &[(&str, &str, bool)] = &[
    ("CHILD", "la_child_id", true),
    ("SEX", "sex", true),
    ("DOB", "dob", true),
    ("UPN", "upn", false),
];

const EPISODE_COLUMNS: &[(&str, &str, bool)] = &[
    ("CHILD", "la_child_id", true),
    ("DECOM", "start_date", true),
    ("RNE", "reason_new_episode", true),
    ("LS", "legal_status", true),
    ("PLACE", "placement_type", true),
    ("PLACE_PROVIDER", "placement_provider", true),
    ("DEC", "end_date", false),
    ("REC", "reason_ceased", false),
    ("REASON_PLACE_CHANGE", "reason_place_change", false),
    ("PL_POST", "placement_postcode", false),
    ("URN", "setting_urn", false),
];

const DATE_FIELDS: &[&str] = &["dob", "start_date", "end_date"];

/// Reads the header file: one child message per row.
pub fn header_rows(
    reader: impl Read,
    la: &str,
    source_system: &str,
) -> Result<Vec<ExtractRow>, ExtractError> {
    rows(
        reader,
        "header file",
        Feed::Child,
        HEADER_COLUMNS,
        la,
        source_system,
    )
}

/// Reads the episodes file: one placement message per row.
pub fn episode_rows(
    reader: impl Read,
    la: &str,
    source_system: &str,
) -> Result<Vec<ExtractRow>, ExtractError> {
    rows(
        reader,
        "episodes file",
        Feed::Placement,
        EPISODE_COLUMNS,
        la,
        source_system,
    )
}

fn rows(
    reader: impl Read,
    file: &'static str,
    feed: Feed,
    columns: &[(&'static str, &str, bool)],
    la: &str,
    source_system: &str,
) -> Result<Vec<ExtractRow>, ExtractError> {
    let csv_error = |source| ExtractError::Csv { file, source };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = reader.headers().map_err(csv_error)?.clone();
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(position, name)| {
            (
                name.trim_start_matches('\u{feff}').to_ascii_uppercase(),
                position,
            )
        })
        .collect();
    for (column, _, required) in columns {
        if *required && !index.contains_key(*column) {
            return Err(ExtractError::MissingColumn {
                file,
                column,
                found: headers.iter().collect::<Vec<_>>().join(", "),
            });
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let mut body = Map::new();
        for (column, field, _) in columns {
            let Some(value) = index
                .get(*column)
                .and_then(|position| record.get(*position))
            else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let value = if DATE_FIELDS.contains(field) {
                iso_date(value)
            } else {
                value.to_owned()
            };
            body.insert((*field).to_owned(), Value::String(value));
        }
        let digest = hex::encode(Sha256::digest(
            serde_json::to_vec(&body).unwrap_or_default(),
        ));
        let child = body
            .get("la_child_id")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        let kind = match feed {
            Feed::Child => "header",
            Feed::Placement => "episode",
        };
        body.insert(
            "message_id".to_owned(),
            Value::String(format!("903:{la}:{kind}:{child}:{}", &digest[..16])),
        );
        body.insert(
            "source_system".to_owned(),
            Value::String(source_system.to_owned()),
        );
        body.insert("la".to_owned(), Value::String(la.to_owned()));
        rows.push(ExtractRow {
            feed,
            line,
            body: serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
        });
    }
    Ok(rows)
}

/// `dd/mm/yyyy` as `yyyy-mm-dd`; anything else is passed on as it is, for the handler to judge.
fn iso_date(text: &str) -> String {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [day, month, year]
            if day.len() <= 2
                && month.len() <= 2
                && year.len() == 4
                && [day, month, year]
                    .iter()
                    .all(|part| part.chars().all(|c| c.is_ascii_digit())) =>
        {
            format!("{year}-{month:0>2}-{day:0>2}")
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rows_become_child_messages() {
        let csv =
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n566910,2,27/03/2008,WBRI,D051910639385,,\n";
        let rows = header_rows(csv.as_bytes(), "831", "lcs").unwrap();
        assert_eq!(rows.len(), 1);
        let body: Value = serde_json::from_slice(&rows[0].body).unwrap();
        assert_eq!(body["la_child_id"], "566910");
        assert_eq!(body["dob"], "2008-03-27");
        assert_eq!(body["sex"], "2");
        assert_eq!(body["la"], "831");
        assert!(
            body["message_id"]
                .as_str()
                .unwrap()
                .starts_with("903:831:header:566910:")
        );
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn the_same_row_gets_the_same_id_and_a_changed_row_a_new_one() {
        let open = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n1,14/08/2017,S,C2,U4,PR1,,\n";
        let closed = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n1,14/08/2017,S,C2,U4,PR1,01/09/2018,E11\n";
        let id = |csv: &str| {
            let rows = episode_rows(csv.as_bytes(), "831", "lcs").unwrap();
            let body: Value = serde_json::from_slice(&rows[0].body).unwrap();
            body["message_id"].as_str().unwrap().to_owned()
        };
        assert_eq!(id(open), id(open));
        assert_ne!(id(open), id(closed));
    }

    #[test]
    fn a_missing_column_names_it() {
        let error =
            episode_rows("CHILD,DECOM\n1,14/08/2017\n".as_bytes(), "831", "lcs").unwrap_err();
        assert!(error.to_string().contains("no RNE column"), "{error}");
    }

    #[test]
    fn impossible_dates_pass_through_for_the_handler_to_refuse() {
        assert_eq!(iso_date("30/02/2023"), "2023-02-30");
        assert_eq!(iso_date("2023-02-01"), "2023-02-01");
        assert_eq!(iso_date("yesterday"), "yesterday");
    }
}
