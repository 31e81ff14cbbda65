//! Exporting a timeline as CSV (RFC 4180) or JSON.

use super::queries::TimelineEntry;
use crate::db::timestamp_text;
use crate::runtime::ProjectionError;

/// The CSV header, in column order.
pub const CSV_HEADER: [&str; 11] = [
    "occurred_at",
    "recorded_at",
    "category",
    "event_type",
    "summary",
    "actor_id",
    "actor_role",
    "position",
    "event_id",
    "stream_id",
    "detail",
];

/// The entries as CSV: a header line, then one record per entry, CRLF line ends (RFC 4180).
///
/// A field containing a comma, a double quote, CR or LF is quoted, with quotes doubled. A
/// field starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so a spreadsheet opening
/// the export shows it as text instead of running it as a formula (CSV injection).
pub fn timeline_csv(entries: &[TimelineEntry]) -> String {
    let mut csv = String::new();
    push_record(&mut csv, CSV_HEADER.iter().map(|name| (*name).to_owned()));
    for entry in entries {
        push_record(
            &mut csv,
            [
                timestamp_text(entry.occurred_at),
                timestamp_text(entry.recorded_at),
                entry.category.clone(),
                entry.event_type.clone(),
                entry.summary.clone(),
                entry.actor_id.clone(),
                entry.actor_role.clone(),
                entry.position.to_string(),
                entry.event_id.to_string(),
                entry.stream_id.clone(),
                entry.detail.to_string(),
            ]
            .into_iter(),
        );
    }
    csv
}

pub(crate) fn push_record(csv: &mut String, fields: impl Iterator<Item = String>) {
    for (index, field) in fields.enumerate() {
        if index > 0 {
            csv.push(',');
        }
        csv.push_str(&csv_field(&field));
    }
    csv.push_str("\r\n");
}

fn csv_field(field: &str) -> String {
    let neutralised = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if neutralised.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutralised.replace('"', "\"\""))
    } else {
        neutralised
    }
}

/// The entries as a pretty-printed JSON array (each entry's `detail` as a JSON object).
pub fn timeline_json(entries: &[TimelineEntry]) -> Result<String, ProjectionError> {
    serde_json::to_string_pretty(entries).map_err(|error| ProjectionError::BadStoredValue {
        value: String::from("timeline"),
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_separators_quotes_or_line_breaks_are_quoted() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(
            csv_field("{\"a\":1,\"b\":2}"),
            "\"{\"\"a\"\":1,\"\"b\"\":2}\""
        );
    }

    #[test]
    fn formula_looking_fields_are_neutralised() {
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
        assert_eq!(csv_field("@home"), "'@home");
    }
}
