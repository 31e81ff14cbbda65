//! What wraps every page, outermost first: a request id (made when absent, echoed), a tracing
//! span and one log line per answer, compression, security headers, catch-panic (a 500 page
//! with the request id; the process lives on) and a timeout (a 503 page).
//!
//! The security headers: a Content-Security-Policy that allows only this service's own scripts,
//! styles, fonts and images, with no `unsafe-inline` (the pages have no inline script or style),
//! forbids framing (`frame-ancestors 'none'`) and posting forms elsewhere (`form-action 'self'`);
//! `X-Content-Type-Options: nosniff`; `Referrer-Policy: same-origin`; and `Cache-Control:
//! no-store` on pages, so a child's record is not kept in a shared computer's cache.

use crate::WebState;
use crate::error::PageError;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pep_http::middleware::ids::{ServiceRequestIds, read_ids};
use std::any::Any;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use uuid::Uuid;

/// The Content-Security-Policy of every page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// How long a page may take before it answers 503.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(30);

/// Wraps the pages in the layers above.
pub fn stack(router: Router, state: &WebState) -> Router {
    let header_layer = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            PAGE_TIMEOUT,
        ))
        .layer(CatchPanicLayer::custom(panic_page))
        .layer(axum::middleware::from_fn(page_for_panic))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().on_request(()).on_failure(()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn_with_state(
            state.api().clone(),
            read_ids,
        ))
        .layer(SetRequestIdLayer::x_request_id(ServiceRequestIds(
            state.api().ids().clone(),
        )))
}

/// A panic's message, riding from the catch-panic layer to [`page_for_panic`].
#[derive(Debug, Clone)]
struct Panicked(String);

/// What the catch-panic layer answers: a bare 500 carrying the panic's message, which
/// [`page_for_panic`] turns into the 500 page with the request's id.
fn panic_page(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message")
        .to_owned();
    let mut response = axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(Panicked(message));
    response
}

/// Renders the 500 page for a caught panic (logging its message under the request id) and the
/// 503 page for a timeout.
async fn page_for_panic(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let request_id = request
        .extensions()
        .get::<pep_http::middleware::RequestIds>()
        .map_or_else(Uuid::nil, |ids| ids.request_id);
    let response = next.run(request).await;
    if let Some(Panicked(message)) = response.extensions().get::<Panicked>() {
        return PageError::internal(format!("a page panicked: {message}"), request_id)
            .into_response();
    }
    if response.status() == axum::http::StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        return PageError::Unavailable { request_id }.into_response();
    }
    response
}
