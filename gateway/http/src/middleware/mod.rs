//! What wraps every API request, outermost first, built from `tower-http` layers where one
//! exists for the job:
//!
//! 1. `SetRequestId` gives a request without an `X-Request-Id` a new one; [`ids::read_ids`]
//!    reads it with the correlation id into [`RequestIds`]; `PropagateRequestId` echoes it.
//! 2. `Trace` opens the request span (ids, method, route template: never a child's id) and logs
//!    one line per answer.
//! 3. `Compression` (gzip) for clients that ask for it.
//! 4. [`observe::observe_requests`]: metrics, and the logging of internal reasons.
//! 5. The problem mapping ([`fallback::bare_errors_as_problems`]) of what the next layers answer.
//! 6. `CatchPanic`: a handler that panics answers 500 problem+json; the process lives on.
//! 7. `Timeout`: a request that runs longer than [`crate::Limits::request_timeout`] is stopped
//!    and answers 503 with `Retry-After`. Stopping a command mid-way is safe: the event store
//!    appends a command's events in one transaction, so either all of them were written or
//!    none, and a retry with the same `Idempotency-Key` answers the first result.
//! 8. `RequestBodyLimit`: a service-wide bound on bodies, just above the largest an operation
//!    takes; each operation's own, smaller limit is checked as its body is read.

pub mod fallback;
pub mod ids;
pub mod observe;

pub use fallback::{method_not_allowed, no_such_route};
pub use ids::{CORRELATION_ID_HEADER, REQUEST_ID_HEADER, RequestIds};

use crate::state::AppState;
use axum::Router;
use axum::response::Response;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

/// Room above the largest operation's own limit, so that limit (with its precise problem) is
/// the one a caller meets.
const BODY_LIMIT_SLACK: usize = 64 * 1024;

/// Wraps `router` in the layers above.
pub fn stack<S>(router: Router<S>, state: &AppState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let limits = state.limits();
    let timeout = limits.request_timeout;
    let body_limit = limits
        .json_body_bytes
        .max(limits.attachment_bytes)
        .saturating_add(BODY_LIMIT_SLACK);
    router
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            fallback::TIMEOUT_STATUS,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(fallback::panic_response))
        .layer(axum::middleware::map_response(move |response: Response| {
            std::future::ready(fallback::bare_errors_as_problems(response, timeout))
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe_requests,
        ))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_answer)
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ids::read_ids,
        ))
        .layer(SetRequestIdLayer::x_request_id(ids::ServiceRequestIds(
            state.ids().clone(),
        )))
}

/// The span every log line of a request is written in.
fn request_span<B>(request: &axum::http::Request<B>) -> Span {
    let (request_id, correlation_id) = request
        .extensions()
        .get::<RequestIds>()
        .map(|ids| (ids.request_id.to_string(), ids.correlation_id.to_string()))
        .unwrap_or_default();
    tracing::info_span!(
        "http_request",
        request_id = %request_id,
        correlation_id = %correlation_id,
        method = %request.method(),
        route = %observe::route_of(request),
    )
}

/// One line per answer, in the request span.
fn log_answer<B>(response: &axum::http::Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        elapsed_ms = latency.as_secs_f64() * 1000.0,
        "answered"
    );
}
