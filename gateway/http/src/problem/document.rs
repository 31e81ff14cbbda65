//! The problem document (RFC 9457) as it goes over the wire, and the invalid-field entries
//! validation problems carry.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    /// A section changed by someone else (`pep.section_changed`): its revision now, to draft
    /// again from once the writer has chosen or merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_revision: Option<u32>,
    /// A section changed by someone else: its text now, to show beside the writer's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_content: Option<String>,
}
