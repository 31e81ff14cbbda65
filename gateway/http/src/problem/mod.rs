//! Every error the API answers is an `application/problem+json` document (RFC 9457) whose `type`
//! is one of a fixed set of URIs, so clients can branch on it; [`ApiError`] is the one error
//! type handlers return. Internal details never reach the body: they ride in a response
//! extension that the middleware logs and removes.
//!
//! [`kind`] holds the kinds (URI, status, title), [`document`] the wire format.

mod document;
mod kind;

pub use document::{FieldError, Problem};
pub use kind::{PROBLEM_TYPE_BASE, ProblemKind};

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An internal reason, attached to a response for the middleware to log. It never reaches the
/// client.
#[derive(Debug, Clone)]
pub struct InternalReason(pub String);

/// The error every handler returns. Small (the rarely used parts are boxed), because every
/// handler and helper returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The kind.
    pub kind: ProblemKind,
    /// What went wrong, safe to show.
    pub detail: String,
    extras: Box<Extras>,
}

/// The parts of a problem only some kinds have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Extras {
    errors: Vec<FieldError>,
    rule: Option<String>,
    conflict: Option<(String, u64, u64)>,
    retry_after_seconds: Option<u64>,
    internal_reason: Option<String>,
    section: Option<(u32, String)>,
}

impl ApiError {
    /// A problem of `kind` with `detail`.
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            extras: Box::default(),
        }
    }

    /// A validation problem listing the invalid fields.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [only] => format!("{}: {}", only.path, only.message),
            _ => format!("{} fields are invalid; see errors", errors.len()),
        };
        Self::new(ProblemKind::Validation, detail).with_errors(errors)
    }

    /// A validation problem about one field.
    pub fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            path: path.into(),
            message: message.into(),
        }])
    }

    /// Not found (or hidden, which answers the same).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ProblemKind::NotFound, detail)
    }

    /// The caller's role may not take the operation.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ProblemKind::Forbidden, detail)
    }

    /// A failure inside the service; `reason` is logged, never shown.
    pub fn internal(reason: impl Into<String>) -> Self {
        Self::new(
            ProblemKind::Internal,
            "the request failed inside the service; quote the X-Request-Id header when reporting it",
        )
        .with_internal_reason(reason)
    }

    /// A dependency is down; `reason` is logged, never shown.
    pub fn unavailable(reason: impl Into<String>, retry_after_seconds: u64) -> Self {
        Self::new(
            ProblemKind::Unavailable,
            format!(
                "the service cannot reach its storage or message bus; nothing was changed, retry after {retry_after_seconds} seconds"
            ),
        )
        .with_internal_reason(reason)
        .with_retry_after(retry_after_seconds)
    }

    /// The same problem as another kind (for example an unknown field rather than a bad value).
    pub fn with_kind(mut self, kind: ProblemKind) -> Self {
        self.kind = kind;
        self
    }

    /// Attaches invalid fields.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.extras.errors = errors;
        self
    }

    /// Attaches a business rule's code.
    pub fn with_rule(mut self, rule: impl Into<String>) -> Self {
        self.extras.rule = Some(rule.into());
        self
    }

    /// Attaches a version conflict: the stream, the version expected and the current one.
    pub fn with_conflict(
        mut self,
        stream_id: impl Into<String>,
        expected: u64,
        current: u64,
    ) -> Self {
        self.extras.conflict = Some((stream_id.into(), expected, current));
        self
    }

    /// Attaches a section's current revision and text, for a writer whose draft started from
    /// an older one.
    pub fn with_section_conflict(mut self, revision: u32, content: impl Into<String>) -> Self {
        self.extras.section = Some((revision, content.into()));
        self
    }

    /// The section's current revision and text, when this is a section conflict.
    pub fn section_conflict(&self) -> Option<(u32, &str)> {
        self.extras
            .section
            .as_ref()
            .map(|(revision, content)| (*revision, content.as_str()))
    }

    /// Says how many seconds to wait before retrying.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.extras.retry_after_seconds = Some(seconds);
        self
    }

    /// Attaches what to log; never shown.
    pub fn with_internal_reason(mut self, reason: impl Into<String>) -> Self {
        self.extras.internal_reason = Some(reason.into());
        self
    }

    /// The invalid fields.
    pub fn errors(&self) -> &[FieldError] {
        &self.extras.errors
    }

    /// The business rule's code.
    pub fn rule(&self) -> Option<&str> {
        self.extras.rule.as_deref()
    }

    /// The problem document this error answers with.
    pub fn to_problem(&self) -> Problem {
        let (stream_id, expected_version, current_version) = match &self.extras.conflict {
            Some((stream_id, expected, actual)) => {
                (Some(stream_id.clone()), Some(*expected), Some(*actual))
            }
            None => (None, None, None),
        };
        Problem {
            problem_type: self.kind.type_uri(),
            title: self.kind.title().to_owned(),
            status: self.kind.status().as_u16(),
            detail: self.detail.clone(),
            errors: self.extras.errors.clone(),
            rule: self.extras.rule.clone(),
            stream_id,
            current_version,
            expected_version,
            retry_after_seconds: self.extras.retry_after_seconds,
            current_revision: self.extras.section.as_ref().map(|(revision, _)| *revision),
            current_content: self
                .extras
                .section
                .as_ref()
                .map(|(_, content)| content.clone()),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.kind.slug(), self.detail)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.to_problem();
        let body = serde_json::to_vec(&problem).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.kind.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.extras.retry_after_seconds {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.kind == ProblemKind::Unauthenticated {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"pep-ledger\""),
            );
        }
        if let Some((_, _, current)) = &self.extras.conflict {
            headers.insert(header::ETAG, super::response::etag(*current));
        }
        if let Some(reason) = self.extras.internal_reason {
            response.extensions_mut().insert(InternalReason(reason));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use std::collections::BTreeSet;

    #[test]
    fn problem_types_are_distinct_uris_under_one_base() {
        let slugs: BTreeSet<&str> = ProblemKind::ALL.iter().map(ProblemKind::slug).collect();
        assert_eq!(slugs.len(), ProblemKind::ALL.len());
        assert_eq!(
            ProblemKind::Validation.type_uri(),
            "https://pep-ledger.example/problems/validation"
        );
    }

    #[test]
    fn internal_errors_keep_their_reason_out_of_the_body() {
        let response = ApiError::internal("connection refused to 10.0.0.5").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let reason = response.extensions().get::<InternalReason>().unwrap();
        assert!(reason.0.contains("10.0.0.5"));
        let problem = ApiError::internal("connection refused to 10.0.0.5").to_problem();
        assert!(!problem.detail.contains("10.0.0.5"));
    }

    #[test]
    fn unavailable_answers_503_with_retry_after() {
        let response = ApiError::unavailable("pool timed out", 5).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }

    #[test]
    fn one_invalid_field_is_named_in_the_detail() {
        let problem = ApiError::field("episode.end_date", "is before start_date").to_problem();
        assert_eq!(problem.detail, "episode.end_date: is before start_date");
        assert_eq!(problem.errors.len(), 1);
        assert_eq!(problem.status, 422);
    }
}
