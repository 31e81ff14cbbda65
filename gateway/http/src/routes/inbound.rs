//! The inbound feeds over HTTP (contracts.md §1, for systems without NATS) and the routes people
//! use to look after them: the rejections list with each refused message's original bytes, a
//! resubmission after a fix, and the published schemas. The bodies go through the same
//! [`InboundHandler`] as the NATS consumer.
//!
//! This module holds the feed endpoints and the schemas; the rejections endpoints (list, show,
//! resubmit) are in `inbound/rejections.rs`, the data-quality view in `inbound/data_quality.rs`,
//! and the answers both kinds of endpoint give in `inbound/answer.rs`. Every route stays
//! reachable here as `inbound::<handler>`, as `openapi.rs` names it.

mod answer;
mod data_quality;
mod rejections;

pub use data_quality::*;
pub use rejections::*;

use crate::access;
use crate::extract::{Caller, read_limited};
use crate::problem::ApiError;
use crate::state::AppState;
use answer::{inbound, inbound_error, outcome_response};
use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pep_auth::Operation;
use pep_inbound::{Feed, InboundHandler, Received, Transport};

async fn post_feed(
    state: &AppState,
    handler: Option<Extension<InboundHandler>>,
    caller: &Caller,
    feed: Feed,
    body: Body,
) -> Result<Response, ApiError> {
    access::require_role(&caller.principal, Operation::PostFeed)?;
    let handler = inbound(handler)?;
    let bytes = read_limited(body, caller.content_length, state.limits().json_body_bytes).await?;
    let outcome = handler
        .handle(Received {
            feed,
            la: caller.principal.la.as_str(),
            bytes: &bytes,
            transport: Transport::Http,
        })
        .await
        .map_err(inbound_error)?;
    outcome_response(outcome)
}

/// One SSDA903 header row about a child (the body of `pep.v1.inbound.<la>.child`).
///
/// Applied exactly once per (`source_system`, `message_id`): a retry answers `duplicate`. A
/// malformed body is refused with 422 `inbound-rejected`, recorded with its original bytes and
/// published to `pep.v1.dlq.<la>.child`. The LA is the token's.
#[utoipa::path(
    post,
    path = "/api/v1/inbound/child",
    tag = "inbound",
    request_body(content = Object, description = "docs/schemas/pep.v1.inbound.child.schema.json"),
    responses(
        (status = 200, description = "Applied or duplicate", body = Object),
        (status = 422, description = "Refused and dead-lettered", body = crate::Problem)
    )
)]
pub async fn post_child(
    State(state): State<AppState>,
    handler: Option<Extension<InboundHandler>>,
    caller: Caller,
    body: Body,
) -> Result<Response, ApiError> {
    post_feed(&state, handler, &caller, Feed::Child, body).await
}

/// One SSDA903 episode row (the body of `pep.v1.inbound.<la>.placement`).
///
/// A placement for a child no child message has registered yet answers 202
/// `waiting_for_child`: it is kept and applied when the child arrives.
#[utoipa::path(
    post,
    path = "/api/v1/inbound/placement",
    tag = "inbound",
    request_body(content = Object, description = "docs/schemas/pep.v1.inbound.placement.schema.json"),
    responses(
        (status = 200, description = "Applied or duplicate", body = Object),
        (status = 202, description = "Kept until its child is registered", body = Object),
        (status = 422, description = "Refused and dead-lettered", body = crate::Problem)
    )
)]
pub async fn post_placement(
    State(state): State<AppState>,
    handler: Option<Extension<InboundHandler>>,
    caller: Caller,
    body: Body,
) -> Result<Response, ApiError> {
    post_feed(&state, handler, &caller, Feed::Placement, body).await
}

/// A feed's published JSON Schema. No token needed: it is the contract.
#[utoipa::path(
    get,
    path = "/api/v1/inbound/schemas/{feed}",
    tag = "inbound",
    params(("feed" = String, Path, description = "child or placement")),
    responses((status = 200, description = "JSON Schema 2020-12", body = Object))
)]
pub async fn schema(Path(feed): Path<String>) -> Result<Response, ApiError> {
    let feed = Feed::parse(&feed).ok_or_else(|| {
        ApiError::not_found(format!(
            "there is no feed {feed:?}; the feeds are child and placement"
        ))
    })?;
    Ok((
        [(header::CONTENT_TYPE, "application/schema+json")],
        feed.schema_text(),
    )
        .into_response())
}
