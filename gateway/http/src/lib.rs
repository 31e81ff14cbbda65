//! The HTTP API's command side (contracts.md §3): a command route for every user action on a
//! child record, a PEP and a PP+ budget, plus `/healthz`, `/readyz`, `/metrics`, the OpenAPI
//! document and the auditors' access log. `pep serve` mounts [`router`]; the read routes join
//! it later and reuse [`access`] (authorisation and access logging) and [`problem`].
//!
//! A tour of the modules:
//!
//! - [`state`]: [`AppState`], what every handler shares, and its builder.
//! - [`middleware`]: the `tower-http` layers (request ids, trace span, compression, catch-panic,
//!   timeout, body limit) and metrics and internal-error logging.
//! - [`extract`]: the [`extract::Caller`] (token, rate limit, `Idempotency-Key`, `If-Match`) and
//!   body reading with precise errors.
//! - [`access`]: the authorisation table applied to the records a request touches.
//! - [`command`], [`response`]: ids made at the edge, today's date, and the answer of a command.
//! - [`dto`]: request bodies and their conversion into domain commands.
//! - [`routes`]: the handlers.
//! - [`problem`], [`domain_errors`]: every error as an RFC 9457 problem with a stable type.
//! - [`metrics`], [`rate_limit`], [`openapi`] (the document, and the browsable Swagger UI at
//!   `/api/docs`, its assets embedded in the binary).
//!
//! `docs/http-api.md` lists the routes, the problem types and the authorisation table.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod access;
pub mod command;
pub mod domain_errors;
pub mod dto;
pub mod extract;
pub mod json;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod problem;
pub mod rate_limit;
pub mod reads;
pub mod response;
pub mod routes;
pub mod state;

pub use problem::{ApiError, Problem, ProblemKind};
pub use state::{AppState, AppStateBuilder, Limits, ReadinessProbe};

use axum::Router;
use axum::extract::Extension;
use std::sync::Arc;

/// The API as one router, state applied, ready to serve or to `oneshot` in tests.
pub fn router(state: AppState) -> Router {
    let (routes, document) = openapi::api_routes().split_for_parts();
    let document = openapi::with_conventions(document);
    let document = serde_json::to_value(&document).unwrap_or_default();
    let routes = routes
        .merge(openapi::docs_ui())
        .fallback(middleware::no_such_route)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .layer(Extension(routes::health::OpenApiDocument(Arc::new(
            document,
        ))));
    middleware::stack(routes, &state).with_state(state)
}
