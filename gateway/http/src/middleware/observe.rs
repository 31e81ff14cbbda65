//! Metrics for every answer, and the logging of internal errors, whose reasons never reach the
//! client: a handler's [`InternalReason`] (or a caught panic's) is logged inside the request
//! span and removed from the response here.

use crate::problem::InternalReason;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The middleware: metrics by route and status, internal error logging.
pub async fn observe_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = route_of(&request);
    let mut response = next.run(request).await;
    let status = response.status().as_u16();
    if let Some(InternalReason(reason)) = response.extensions_mut().remove::<InternalReason>() {
        if status == 503 {
            tracing::warn!(%reason, "a dependency is unavailable");
        } else {
            tracing::error!(%reason, "request failed inside the service");
        }
    }
    state
        .metrics()
        .observe_request(&method, &route, status, started.elapsed().as_secs_f64());
    response
}

/// The route template a request matched (`/api/v1/children/{child_id}`), or `unmatched`, so
/// metrics and spans never carry a child's id.
pub fn route_of<B>(request: &axum::http::Request<B>) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned())
}
