//! What a command answers: the new version of each stream it touched and the global position
//! of its last event (so a client can wait for read models to catch up), the ids of anything
//! it created, an `ETag` with the version to send back in `If-Match`, and `Location` for a new
//! resource. A retried command answers exactly as the first attempt did.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Set on a response answered from the stored outcome of an earlier request with the same
/// `Idempotency-Key`.
pub const IDEMPOTENT_REPLAYED_HEADER: &str = "idempotent-replayed";

/// A stream and its version after the command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StreamVersion {
    /// The stream, such as `child-<uuid>`, `pep-<uuid>` or `ppp-831-2024-25`.
    pub stream_id: String,
    /// Its version: the number of events in it.
    pub version: u64,
}

/// The answer to a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommandAccepted {
    /// The stream `If-Match` applies to for this route.
    pub stream_id: String,
    /// Its version now; also the `ETag`.
    pub version: u64,
    /// Global position of the last event written; `null` when the command changed nothing
    /// (the same change sent twice).
    pub position: Option<u64>,
    /// Every stream the command touched, with its version.
    pub streams: Vec<StreamVersion>,
    /// The child registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_id: Option<Uuid>,
    /// The PEP initiated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep_id: Option<Uuid>,
    /// The meeting scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<Uuid>,
    /// The target set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<Uuid>,
    /// The action agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Uuid>,
    /// The PP+ request made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_request_id: Option<Uuid>,
}

/// The strong `ETag` for a stream version: `"3"`.
pub fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// A command's HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandResponse {
    /// 201 when something was created, otherwise 200.
    pub status: StatusCode,
    /// The body.
    pub body: CommandAccepted,
    /// Where the created resource will be read.
    pub location: Option<String>,
    /// Answered from an earlier attempt's stored outcome.
    pub replayed: bool,
}

impl IntoResponse for CommandResponse {
    fn into_response(self) -> Response {
        let version = self.body.version;
        let mut response = (self.status, axum::Json(self.body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::ETAG, etag(version));
        if let Some(location) = self.location
            && let Ok(value) = HeaderValue::from_str(&location)
        {
            headers.insert(header::LOCATION, value);
        }
        if self.replayed {
            headers.insert(IDEMPOTENT_REPLAYED_HEADER, HeaderValue::from_static("true"));
        }
        response
    }
}
