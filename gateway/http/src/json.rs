//! JSON bodies parsed with every fault told apart: a syntax error with its line and column, an
//! unknown field as its own problem kind, a missing or wrong value with its path in the body
//! (`episode.end_date`), so a client can point at the field to fix.

use super::problem::{ApiError, ProblemKind};
use serde::de::DeserializeOwned;

/// Parses JSON, naming the path of a wrong value and the position of a syntax error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => deserializer
            .end()
            .map(|()| value)
            .map_err(|error| json_problem(String::new(), &error, bytes)),
        Err(error) => {
            let path = error.path().to_string();
            Err(json_problem(path, error.inner(), bytes))
        }
    }
}

fn json_problem(path: String, error: &serde_json::Error, bytes: &[u8]) -> ApiError {
    let path = if path == "." { String::new() } else { path };
    match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            let detail = if bytes.iter().all(u8::is_ascii_whitespace) {
                "the body is empty; send a JSON object".to_owned()
            } else {
                format!(
                    "{} (line {}, column {})",
                    strip_position(&error.to_string()),
                    error.line(),
                    error.column()
                )
            };
            ApiError::new(ProblemKind::MalformedJson, detail)
        }
        serde_json::error::Category::Io => {
            ApiError::new(ProblemKind::MalformedJson, "the body could not be read")
        }
        serde_json::error::Category::Data => {
            let message = strip_position(&error.to_string());
            // The tracked path already ends at the unknown field itself.
            let (kind, path) = match unknown_field_name(&message) {
                Some(name) if path.is_empty() => (ProblemKind::UnknownField, name),
                Some(_) => (ProblemKind::UnknownField, path),
                None => (ProblemKind::Validation, path),
            };
            let path = if path.is_empty() {
                "body".to_owned()
            } else {
                path
            };
            ApiError::field(path, message).with_kind(kind)
        }
    }
}

/// serde_json appends " at line L column C" to its messages; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// The field named by serde's "unknown field `x`, expected ..." message.
fn unknown_field_name(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    Some(rest[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        end_date: chrono::NaiveDate,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        episode: Inner,
        count: u32,
    }

    #[test]
    fn a_wrong_value_is_reported_at_its_path() {
        let error =
            parse_json::<Outer>(br#"{"episode":{"end_date":"2024-02-30"},"count":1}"#).unwrap_err();
        assert_eq!(error.kind, ProblemKind::Validation);
        assert_eq!(error.errors()[0].path, "episode.end_date");
    }

    #[test]
    fn an_unknown_field_is_its_own_kind_with_its_full_path() {
        let error =
            parse_json::<Outer>(br#"{"episode":{"end_date":"2024-02-01","colour":1},"count":1}"#)
                .unwrap_err();
        assert_eq!(error.kind, ProblemKind::UnknownField);
        assert_eq!(error.errors()[0].path, "episode.colour");
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = parse_json::<Outer>(b"{\"count\": 1,,}").unwrap_err();
        assert_eq!(error.kind, ProblemKind::MalformedJson);
        assert!(error.detail.contains("line 1, column"), "{}", error.detail);
        let empty = parse_json::<Outer>(b"").unwrap_err();
        assert_eq!(empty.detail, "the body is empty; send a JSON object");
    }

    #[test]
    fn wrong_types_and_missing_fields_are_validation_problems() {
        let wrong_type =
            parse_json::<Outer>(br#"{"episode":{"end_date":"2024-02-01"},"count":"one"}"#)
                .unwrap_err();
        assert_eq!(wrong_type.kind, ProblemKind::Validation);
        assert_eq!(wrong_type.errors()[0].path, "count");
        let missing = parse_json::<Outer>(br#"{"count":1}"#).unwrap_err();
        assert_eq!(missing.kind, ProblemKind::Validation);
        assert!(
            missing.errors()[0]
                .message
                .contains("missing field `episode`")
        );
    }

    #[test]
    fn trailing_content_after_the_object_is_malformed() {
        let error = parse_json::<Outer>(br#"{"episode":{"end_date":"2024-02-01"},"count":1} x"#)
            .unwrap_err();
        assert_eq!(error.kind, ProblemKind::MalformedJson);
    }
}
