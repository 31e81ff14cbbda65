//! The HTTP API's read routes (contracts.md §3): children, timelines, PEPs and their uploaded
//! files, the cohort's compliance and its summary, PP+ funding and the auditors' replay and
//! verification.
//!
//! Reads of the read models (timeline, compliance, funding, search) come from the projections'
//! tables, which trail the event store by a little. A client that has just written and wants to
//! see its write sends `?min_position=N` (the `position` its command answered): the route waits,
//! at most [`ReadSide::wait_limit`], until the read model it answers from has applied position
//! N, and otherwise answers 503 `unavailable` with `Retry-After: 1` rather than a stale page
//! (a client asking for its own write would rather wait than be misled). Every read-model
//! answer carries `Pep-Read-Position`, the position the read model had applied when read.
//! Reads folded from the event store (PEPs, the audit replay) are always current.
//!
//! The read side is given to the router as an axum `Extension` by `pep serve`; a router built
//! without one (the command-side tests) answers these routes with 503 once the caller is
//! authorised, so authorisation still behaves as in production.

pub mod attachments;
pub mod audit;
pub mod child_funding;
pub mod children;
pub mod cohort;
pub mod pep_document;
pub(crate) mod position;
pub mod remittance;
pub mod summary;
pub mod timeline;

pub use position::{READ_POSITION_HEADER, ReadSide};

use super::problem::ApiError;
use super::state::AppState;
use axum::extract::Extension;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every read route, with its documentation.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(children::find_children))
        .routes(routes!(children::child))
        .routes(routes!(timeline::timeline))
        .routes(routes!(children::child_peps))
        .routes(routes!(child_funding::child_pp_plus))
        .routes(routes!(children::pep))
        .routes(routes!(attachments::list_attachments))
        .routes(routes!(attachments::download_attachment))
        .routes(routes!(cohort::compliance))
        .routes(routes!(summary::compliance_summary))
        .routes(routes!(cohort::funding))
        .routes(routes!(remittance::remittance))
        .routes(routes!(audit::replay))
        .routes(routes!(audit::verify))
}

/// The read side, or 503 when this router was built without one.
pub(crate) fn read_side(extension: Option<Extension<ReadSide>>) -> Result<ReadSide, ApiError> {
    extension.map(|Extension(side)| side).ok_or_else(|| {
        ApiError::unavailable(
            "this server was started without its read models",
            super::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        )
    })
}

/// Reads a query string, answering 422 with the query's own words when it does not parse.
pub(crate) fn query<T>(
    params: Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    params
        .map(|axum::extract::Query(value)| value)
        .map_err(|rejection| ApiError::field("query", rejection.body_text()))
}

/// A read-model failure as a problem: a bad query is the caller's, the rest is ours.
pub(crate) fn projection_problem(error: projections::runtime::ProjectionError) -> ApiError {
    match error {
        projections::runtime::ProjectionError::InvalidQuery(reason) => {
            ApiError::field("query", reason)
        }
        other => ApiError::unavailable(
            other.to_string(),
            super::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        ),
    }
}
