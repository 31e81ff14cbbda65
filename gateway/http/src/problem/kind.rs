//! The fixed set of problem kinds: each one's `type` URI, HTTP status and title. Clients branch
//! on the URI, so a kind is never renamed, only added.

use axum::http::StatusCode;

/// Where the problem type URIs live; each kind appends its slug.
pub const PROBLEM_TYPE_BASE: &str = "https://pep-ledger.example/problems/";

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
