//! A request's ids: the request id (the caller's `X-Request-Id`, or a new one) and the
//! correlation id (`X-Correlation-Id`, or the request id). They go into the request span and,
//! through the command context, into every event's metadata, and are echoed on the answer.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use commands::clock::IdSource;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tower_http::request_id::{MakeRequestId, RequestId};
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

/// Makes the request id `tower-http`'s `SetRequestId` layer gives a request that came without
/// one, from the service's id source (time-ordered UUIDs, or fixed ones in tests).
#[derive(Debug, Clone)]
pub struct ServiceRequestIds(pub Arc<dyn IdSource>);

impl MakeRequestId for ServiceRequestIds {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&self.0.new_id().to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// Reads the ids once, before the request span opens: a caller's id that cannot be used (too
/// long, not printable) is replaced by a new one, so the span, the events' metadata and the
/// header `PropagateRequestId` echoes all carry the same id. The correlation id is echoed here.
pub async fn read_ids(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ids = RequestIds::from_headers(request.headers(), || state.ids().new_id());
    if let Ok(value) = HeaderValue::from_str(&ids.request_id_text) {
        request.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    request.extensions_mut().insert(ids.clone());
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&ids.correlation_id_text) {
        response.headers_mut().insert(CORRELATION_ID_HEADER, value);
    }
    response
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
