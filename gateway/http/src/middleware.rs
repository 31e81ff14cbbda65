//! What wraps every request: a request id (the caller's `X-Request-Id`, or a new one) and a
//! correlation id (`X-Correlation-Id`, or the request id) that go into the tracing span and,
//! through the command context, into every event's metadata; a log line and metrics for each
//! answer; and the logging of internal errors, whose reasons never reach the client.

use super::problem::{ApiError, InternalReason, ProblemKind};
use super::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::time::Instant;
use tracing::Instrument;
use uuid::Uuid;

/// The request id header, read and echoed.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The correlation id header, read and echoed.
pub const CORRELATION_ID_HEADER: &str = "x-correlation-id";

/// The ids of one request, in the request's extensions for handlers to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestIds {
    /// This request: the causation id of the events it writes.
    pub request_id: Uuid,
    /// The chain of work it belongs to: the correlation id of the events it writes.
    pub correlation_id: Uuid,
    /// The request id as echoed (the caller's own text when they sent one).
    pub request_id_text: String,
    /// The correlation id as echoed.
    pub correlation_id_text: String,
}

impl RequestIds {
    /// Reads the caller's ids, making a request id when there is none. An id that is not a UUID
    /// is kept as text for the echo and mapped to a UUID derived from it, so the events of one
    /// chain still share one correlation id.
    pub fn from_headers(headers: &HeaderMap, new_id: impl FnOnce() -> Uuid) -> Self {
        let read = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
                .filter(|text| {
                    !text.is_empty()
                        && text.len() <= 200
                        && text.bytes().all(|byte| byte.is_ascii_graphic())
                })
                .map(str::to_owned)
        };
        let (request_id, request_id_text) = match read(REQUEST_ID_HEADER) {
            Some(text) => (uuid_for(&text), text),
            None => {
                let id = new_id();
                (id, id.to_string())
            }
        };
        let (correlation_id, correlation_id_text) = match read(CORRELATION_ID_HEADER) {
            Some(text) => (uuid_for(&text), text),
            None => (request_id, request_id_text.clone()),
        };
        Self {
            request_id,
            correlation_id,
            request_id_text,
            correlation_id_text,
        }
    }
}

/// The UUID an id stands for: itself when it is one, otherwise one derived from its text.
fn uuid_for(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_else(|_| {
        let digest = Sha256::digest(format!("pep-ledger/external-id/v1\n{text}"));
        let mut bytes = [0_u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_custom_bytes(bytes).into_uuid()
    })
}

/// The middleware: ids, span, log line, metrics, internal error logging.
pub async fn observe_requests(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let ids = RequestIds::from_headers(request.headers(), || state.ids().new_id());
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let span = tracing::info_span!(
        "http_request",
        request_id = %ids.request_id,
        correlation_id = %ids.correlation_id,
        method = %method,
        route = %route,
    );
    request.extensions_mut().insert(ids.clone());
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    if let Some(InternalReason(reason)) = response.extensions_mut().remove::<InternalReason>() {
        if status == 503 {
            tracing::warn!(parent: &span, %reason, "a dependency is unavailable");
        } else {
            tracing::error!(parent: &span, %reason, "request failed inside the service");
        }
    }
    tracing::info!(
        parent: &span,
        status,
        elapsed_ms = elapsed.as_secs_f64() * 1000.0,
        "answered"
    );
    state
        .metrics()
        .observe_request(&method, &route, status, elapsed.as_secs_f64());
    let headers = response.headers_mut();
    for (name, value) in [
        (REQUEST_ID_HEADER, &ids.request_id_text),
        (CORRELATION_ID_HEADER, &ids.correlation_id_text),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    response
}

/// The answer for a path no route takes.
pub async fn no_such_route(request: Request) -> Response {
    ApiError::new(
        ProblemKind::NoSuchRoute,
        format!(
            "no route matches {} {}",
            request.method(),
            request.uri().path()
        ),
    )
    .into_response()
}

/// The answer for a route that does not take the method.
pub async fn method_not_allowed(request: Request) -> Response {
    ApiError::new(
        ProblemKind::MethodNotAllowed,
        format!(
            "{} does not take {}",
            request.uri().path(),
            request.method()
        ),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_without_ids_gets_a_new_one_used_for_both() {
        let fixed = Uuid::from_u128(7);
        let ids = RequestIds::from_headers(&HeaderMap::new(), || fixed);
        assert_eq!(ids.request_id, fixed);
        assert_eq!(ids.correlation_id, fixed);
        assert_eq!(ids.request_id_text, fixed.to_string());
    }

    #[test]
    fn caller_ids_are_kept_and_non_uuids_map_to_stable_uuids() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, HeaderValue::from_static("req-123"));
        let correlation = Uuid::from_u128(9);
        headers.insert(
            CORRELATION_ID_HEADER,
            HeaderValue::from_str(&correlation.to_string()).unwrap(),
        );
        let first = RequestIds::from_headers(&headers, Uuid::now_v7);
        let second = RequestIds::from_headers(&headers, Uuid::now_v7);
        assert_eq!(first.request_id_text, "req-123");
        assert_eq!(first.request_id, second.request_id);
        assert_eq!(first.correlation_id, correlation);
    }
}
