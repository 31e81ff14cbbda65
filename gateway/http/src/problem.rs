//! Every error the API answers is an `application/problem+json` document (RFC 9457) whose `type`
//! is one of a fixed set of URIs, so clients can branch on it; [`ApiError`] is the one error
//! type handlers return. Internal details never reach the body: they ride in a response
//! extension that the middleware logs and removes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where the problem type URIs live; each kind appends its slug.
pub const PROBLEM_TYPE_BASE: &str = "https://pep-ledger.example/problems/";

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The stable kinds of problem. Never rename one: clients match on the URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A value is missing, of the wrong type or not valid; `errors` names each field.
    Validation,
    /// The body is not JSON (or is cut short).
    MalformedJson,
    /// The body has a field the operation does not take.
    UnknownField,
    /// The body's media type is not one the operation takes.
    UnsupportedMediaType,
    /// A header (`If-Match`, `Idempotency-Key`...) is malformed.
    MalformedHeader,
    /// No valid bearer token.
    Unauthenticated,
    /// The caller's role may not take this operation.
    Forbidden,
    /// A business rule refuses this role (for example, a section another role owns).
    ForbiddenByRule,
    /// No such resource, or none the caller may see.
    NotFound,
    /// No such route.
    NoSuchRoute,
    /// The route does not take this method.
    MethodNotAllowed,
    /// `If-Match` named a version that is no longer current.
    VersionConflict,
    /// The record is in a state where this cannot happen (already done, locked, wrong status).
    StateConflict,
    /// An `Idempotency-Key` was reused for a different request.
    IdempotencyKeyReused,
    /// A business rule refuses the request.
    RuleViolation,
    /// The body is larger than the operation accepts.
    PayloadTooLarge,
    /// Too many requests; retry after `Retry-After` seconds.
    RateLimited,
    /// A dependency (the database, the message bus) is down; retry after `Retry-After` seconds.
    Unavailable,
    /// Something went wrong inside; the details are in the server's log under the request id.
    Internal,
    /// An inbound feed message was malformed: refused, recorded and dead-lettered.
    InboundRejected,
}

impl ProblemKind {
    /// Every kind, for documentation and tests.
    pub const ALL: [ProblemKind; 20] = [
        ProblemKind::Validation,
        ProblemKind::MalformedJson,
        ProblemKind::UnknownField,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::MalformedHeader,
        ProblemKind::Unauthenticated,
        ProblemKind::Forbidden,
        ProblemKind::ForbiddenByRule,
        ProblemKind::NotFound,
        ProblemKind::NoSuchRoute,
        ProblemKind::MethodNotAllowed,
        ProblemKind::VersionConflict,
        ProblemKind::StateConflict,
        ProblemKind::IdempotencyKeyReused,
        ProblemKind::RuleViolation,
        ProblemKind::PayloadTooLarge,
        ProblemKind::RateLimited,
        ProblemKind::Unavailable,
        ProblemKind::Internal,
        ProblemKind::InboundRejected,
    ];

    /// The last segment of the type URI.
    pub const fn slug(&self) -> &'static str {
        match self {
            ProblemKind::Validation => "validation",
            ProblemKind::MalformedJson => "malformed-json",
            ProblemKind::UnknownField => "unknown-field",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::MalformedHeader => "malformed-header",
            ProblemKind::Unauthenticated => "unauthenticated",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::ForbiddenByRule => "forbidden-by-rule",
            ProblemKind::NotFound => "not-found",
            ProblemKind::NoSuchRoute => "no-such-route",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::VersionConflict => "version-conflict",
            ProblemKind::StateConflict => "state-conflict",
            ProblemKind::IdempotencyKeyReused => "idempotency-key-reused",
            ProblemKind::RuleViolation => "rule-violation",
            ProblemKind::PayloadTooLarge => "payload-too-large",
            ProblemKind::RateLimited => "rate-limited",
            ProblemKind::Unavailable => "unavailable",
            ProblemKind::Internal => "internal",
            ProblemKind::InboundRejected => "inbound-rejected",
        }
    }

    /// The full `type` URI.
    pub fn type_uri(&self) -> String {
        format!("{PROBLEM_TYPE_BASE}{}", self.slug())
    }

    /// The HTTP status.
    pub const fn status(&self) -> StatusCode {
        match self {
            ProblemKind::Validation
            | ProblemKind::UnknownField
            | ProblemKind::IdempotencyKeyReused
            | ProblemKind::RuleViolation
            | ProblemKind::InboundRejected => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::MalformedJson | ProblemKind::MalformedHeader => StatusCode::BAD_REQUEST,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden | ProblemKind::ForbiddenByRule => StatusCode::FORBIDDEN,
            ProblemKind::NotFound | ProblemKind::NoSuchRoute => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::VersionConflict | ProblemKind::StateConflict => StatusCode::CONFLICT,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short summary that does not change from one occurrence to the next.
    pub const fn title(&self) -> &'static str {
        match self {
            ProblemKind::Validation => "The request has invalid values",
            ProblemKind::MalformedJson => "The request body is not valid JSON",
            ProblemKind::UnknownField => {
                "The request body has a field this operation does not take"
            }
            ProblemKind::UnsupportedMediaType => "The request body's media type is not accepted",
            ProblemKind::MalformedHeader => "A request header is malformed",
            ProblemKind::Unauthenticated => "A valid bearer token is required",
            ProblemKind::Forbidden => "Your role may not do this",
            ProblemKind::ForbiddenByRule => "A business rule does not let your role do this",
            ProblemKind::NotFound => "Not found",
            ProblemKind::NoSuchRoute => "There is no such route",
            ProblemKind::MethodNotAllowed => "The route does not take this method",
            ProblemKind::VersionConflict => "The record has changed since the version you sent",
            ProblemKind::StateConflict => "The record is not in a state that allows this",
            ProblemKind::IdempotencyKeyReused => {
                "The idempotency key was already used for a different request"
            }
            ProblemKind::RuleViolation => "A business rule refuses the request",
            ProblemKind::PayloadTooLarge => "The request body is too large",
            ProblemKind::RateLimited => "Too many requests",
            ProblemKind::Unavailable => "The service is temporarily unavailable",
            ProblemKind::Internal => "Internal error",
            ProblemKind::InboundRejected => {
                "The inbound message was refused and sent to the dead-letter subject"
            }
        }
    }
}

/// One invalid field: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field's path in the body (`episode.end_date`, `attendees[0].person.id`), or the
    /// parameter or header name (`path.child_id`, `header.If-Match`).
    pub path: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The kind's summary.
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// Invalid fields (validation problems only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// A stable code for the business rule that refused the request (`pep.not_ready`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The stream a version conflict is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_id: Option<String>,
    /// The stream's current version, to retry a version conflict with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
    /// The version the request expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<u64>,
    /// Seconds to wait before retrying (also in `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

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
