//! The inbound feeds over HTTP (contracts.md §1, for systems without NATS) and the routes people
//! use to look after them: the rejections list with each refused message's original bytes, a
//! resubmission after a fix, and the published schemas. The bodies go through the same
//! [`InboundHandler`] as the NATS consumer.

use crate::access;
use crate::extract::{Caller, read_limited};
use crate::problem::{ApiError, FieldError, ProblemKind};
use crate::routes::audit::instant;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use pep_auth::Operation;
use pep_inbound::{
    Feed, InboundError, InboundHandler, InboundOutcome, LoggedRejection, Received, RejectionQuery,
    Transport,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most rejections one page lists.
pub const MAX_REJECTIONS_PAGE: u32 = 500;

fn inbound(extension: Option<Extension<InboundHandler>>) -> Result<InboundHandler, ApiError> {
    extension.map(|Extension(handler)| handler).ok_or_else(|| {
        ApiError::unavailable(
            "this server was started without the inbound feeds",
            crate::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        )
    })
}

fn inbound_error(error: InboundError) -> ApiError {
    match error {
        InboundError::Unavailable(reason) => ApiError::unavailable(
            reason,
            crate::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        ),
        InboundError::Failed(reason) => ApiError::internal(reason),
    }
}

fn log_error(error: projections::runtime::ProjectionError) -> ApiError {
    inbound_error(error.into())
}

/// What a message became: 200 applied or duplicate, 202 waiting for its child, and 422
/// `inbound-rejected` (with the rejection's id and every problem) when it was refused.
fn outcome_response(outcome: InboundOutcome) -> Result<Response, ApiError> {
    match outcome {
        InboundOutcome::Rejected {
            rejection_id,
            reason,
        } => Err(ApiError::new(
            ProblemKind::InboundRejected,
            format!(
                "the message was refused ({}) and recorded as rejection {rejection_id}; \
                 see /api/v1/inbound/rejections/{rejection_id}",
                reason.summary()
            ),
        )
        .with_rule(format!("inbound.{}", reason.kind.as_str()))
        .with_errors(
            reason
                .problems
                .into_iter()
                .map(|problem| FieldError {
                    path: if problem.path.is_empty() {
                        "body".to_owned()
                    } else {
                        format!("body{}", problem.path.replace('/', "."))
                    },
                    message: problem.message,
                })
                .collect(),
        )),
        outcome @ InboundOutcome::WaitingForChild { .. } => {
            Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
        }
        outcome => Ok((StatusCode::OK, Json(outcome)).into_response()),
    }
}

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

/// Filters of the rejections list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RejectionParams {
    /// child or placement.
    pub feed: Option<String>,
    /// A rejection kind such as unknown_code (see docs/inbound.md).
    pub kind: Option<String>,
    /// open or resolved.
    pub state: Option<String>,
    /// First received at or after this instant (RFC 3339).
    pub from: Option<String>,
    /// First received before this instant (RFC 3339).
    pub to: Option<String>,
    /// At most this many (default 100, at most 500).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of rejections, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectionPage {
    /// The rejections.
    #[schema(value_type = Vec<Object>)]
    pub rejections: Vec<LoggedRejection>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

fn rejection_query(la: &str, params: RejectionParams) -> Result<RejectionQuery, ApiError> {
    let mut errors = Vec::new();
    let feed = match params.feed.as_deref() {
        None => None,
        Some(text) => {
            let feed = Feed::parse(text);
            if feed.is_none() {
                errors.push(FieldError {
                    path: "query.feed".to_owned(),
                    message: "must be child or placement".to_owned(),
                });
            }
            feed
        }
    };
    if let Some(kind) = &params.kind
        && pep_inbound::RejectionKind::parse(kind).is_none()
    {
        errors.push(FieldError {
            path: "query.kind".to_owned(),
            message: format!("{kind:?} is not a rejection kind"),
        });
    }
    if let Some(state) = &params.state
        && state != "open"
        && state != "resolved"
    {
        errors.push(FieldError {
            path: "query.state".to_owned(),
            message: "must be open or resolved".to_owned(),
        });
    }
    let from = instant("from", params.from.as_deref()).unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    let to = instant("to", params.to.as_deref()).unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    let limit = params.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_REJECTIONS_PAGE {
        errors.push(FieldError {
            path: "query.limit".to_owned(),
            message: format!("must be between 1 and {MAX_REJECTIONS_PAGE}"),
        });
    }
    let before = match params.cursor.as_deref() {
        None => None,
        Some(cursor) => match cursor.split_once('|') {
            Some((at, id)) => Some((at.to_owned(), id.to_owned())),
            None => {
                errors.push(FieldError {
                    path: "query.cursor".to_owned(),
                    message: "is not a cursor this list gave".to_owned(),
                });
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(RejectionQuery {
        la: la.to_owned(),
        feed,
        kind: params.kind,
        state: params.state,
        from,
        to,
        before,
        limit,
    })
}

/// Refused inbound messages of the caller's LA, newest first, each with its reason and the
/// original bytes (base64, and as text when they are UTF-8).
#[utoipa::path(
    get,
    path = "/api/v1/inbound/rejections",
    tag = "inbound",
    params(RejectionParams),
    responses((status = 200, description = "One page", body = RejectionPage))
)]
pub async fn rejections(
    handler: Option<Extension<InboundHandler>>,
    params: Result<Query<RejectionParams>, QueryRejection>,
    caller: Caller,
) -> Result<Json<RejectionPage>, ApiError> {
    access::require_role(&caller.principal, Operation::ManageInboundRejections)?;
    let handler = inbound(handler)?;
    let params = crate::reads::query(params)?;
    let query = rejection_query(caller.principal.la.as_str(), params)?;
    let limit = query.limit as usize;
    let rejections = handler.log().rejections(&query).await.map_err(log_error)?;
    let next_cursor = (rejections.len() == limit)
        .then(|| rejections.last())
        .flatten()
        .map(|last| format!("{}|{}", last.first_received_at, last.rejection_id));
    Ok(Json(RejectionPage {
        rejections,
        next_cursor,
    }))
}

async fn own_rejection(
    handler: &InboundHandler,
    caller: &Caller,
    rejection_id: &str,
) -> Result<LoggedRejection, ApiError> {
    handler
        .log()
        .rejection(caller.principal.la.as_str(), rejection_id)
        .await
        .map_err(log_error)?
        .ok_or_else(|| ApiError::not_found(format!("rejection {rejection_id} was not found")))
}

/// One refused message of the caller's LA.
#[utoipa::path(
    get,
    path = "/api/v1/inbound/rejections/{rejection_id}",
    tag = "inbound",
    params(("rejection_id" = String, Path, description = "The rejection")),
    responses((status = 200, description = "The rejection", body = Object))
)]
pub async fn rejection(
    handler: Option<Extension<InboundHandler>>,
    Path(rejection_id): Path<String>,
    caller: Caller,
) -> Result<Json<LoggedRejection>, ApiError> {
    access::require_role(&caller.principal, Operation::ManageInboundRejections)?;
    let handler = inbound(handler)?;
    Ok(Json(own_rejection(&handler, &caller, &rejection_id).await?))
}

/// Submits a refused message again after a fix: with an empty body, its original bytes (after
/// the code lists or a rule changed); with a body, that corrected message (which must be for
/// the same feed and LA). The rejection is marked resolved when the message is applied.
#[utoipa::path(
    post,
    path = "/api/v1/inbound/rejections/{rejection_id}/resubmit",
    tag = "inbound",
    params(("rejection_id" = String, Path, description = "The rejection")),
    request_body(content = Object, description = "Optional corrected message"),
    responses(
        (status = 200, description = "Applied or duplicate", body = Object),
        (status = 422, description = "Refused again", body = crate::Problem)
    )
)]
pub async fn resubmit(
    State(state): State<AppState>,
    handler: Option<Extension<InboundHandler>>,
    Path(rejection_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<Response, ApiError> {
    access::require_role(&caller.principal, Operation::ManageInboundRejections)?;
    let handler = inbound(handler)?;
    let rejection = own_rejection(&handler, &caller, &rejection_id).await?;
    let corrected =
        read_limited(body, caller.content_length, state.limits().json_body_bytes).await?;
    let bytes = if corrected.is_empty() {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&rejection.original_base64)
            .map_err(|error| ApiError::internal(format!("stored original bytes: {error}")))?
    } else {
        corrected.to_vec()
    };
    let feed = Feed::parse(&rejection.feed)
        .ok_or_else(|| ApiError::internal(format!("stored feed {:?}", rejection.feed)))?;
    let outcome = handler
        .handle(Received {
            feed,
            la: &rejection.la,
            bytes: &bytes,
            transport: Transport::Resubmission,
        })
        .await
        .map_err(inbound_error)?;
    let resolution = match &outcome {
        InboundOutcome::Rejected {
            rejection_id: again,
            ..
        } => Some(format!("refused again as {again}")),
        other => Some(format!(
            "{} on resubmission by {}",
            other.name(),
            caller.principal.subject
        )),
    };
    if let Some(resolution) = resolution {
        let state_name = if matches!(outcome, InboundOutcome::Rejected { .. }) {
            "open"
        } else {
            "resolved"
        };
        handler
            .log()
            .resolve_rejection(&rejection_id, state_name, &resolution, Utc::now())
            .await
            .map_err(log_error)?;
    }
    outcome_response(outcome)
}

/// Paging and filter of the data-quality view.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataQualityParams {
    /// Only this kind: invalid_upn, overlapping_episodes or first_episode_not_start.
    pub kind: Option<String>,
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Children a page (default 50, at most 500).
    pub page_size: Option<u64>,
    /// Wait until the compliance read model has applied this global position.
    pub min_position: Option<u64>,
}

/// Children of the caller's LA whose record was applied with a data-quality flag (a UPN whose
/// check letter fails, overlapping episodes, a first episode that is not `S`), to be corrected
/// in the social care system.
#[utoipa::path(
    get,
    path = "/api/v1/data-quality",
    tag = "inbound",
    params(DataQualityParams),
    responses((status = 200, description = "{total, page, children: [{child_id, la_child_id, in_care, issues}]}", body = Object))
)]
pub async fn data_quality(
    State(state): State<AppState>,
    side: Option<Extension<crate::reads::ReadSide>>,
    params: Result<Query<DataQualityParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    access::require_role(&caller.principal, Operation::ReadDataQuality)?;
    let params = crate::reads::query(params)?;
    let page = params.page.unwrap_or(1);
    let page_size = params.page_size.unwrap_or(50);
    let mut errors = Vec::new();
    if page == 0 {
        errors.push(FieldError {
            path: "query.page".to_owned(),
            message: "pages count from 1".to_owned(),
        });
    }
    if page_size == 0 || page_size > 500 {
        errors.push(FieldError {
            path: "query.page_size".to_owned(),
            message: "must be between 1 and 500".to_owned(),
        });
    }
    if let Some(kind) = &params.kind
        && ![
            "invalid_upn",
            "overlapping_episodes",
            "first_episode_not_start",
        ]
        .contains(&kind.as_str())
    {
        errors.push(FieldError {
            path: "query.kind".to_owned(),
            message: format!("{kind:?} is not a data-quality kind"),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let side = crate::reads::read_side(side)?;
    let position = side.wait_for("compliance", params.min_position).await?;
    let (total, children) = projections::compliance::data_quality(
        side.database(),
        caller.principal.la.as_str(),
        params.kind.as_deref(),
        (page - 1).saturating_mul(page_size),
        page_size,
    )
    .await
    .map_err(crate::reads::projection_problem)?;
    // The view shows each child's social care id and UPN problems: a read of their record.
    let mut read = Vec::with_capacity(children.len());
    for child in &children {
        let child_id: domain::ids::ChildId = child.child_id.parse().map_err(|_| {
            ApiError::internal(format!(
                "the compliance read model holds child id {:?}",
                child.child_id
            ))
        })?;
        read.push((child_id, caller.principal.la.as_str().to_owned()));
    }
    access::log_cohort_read(
        &state,
        &caller.principal,
        read,
        "GET /api/v1/data-quality",
        caller.ids.request_id,
    )
    .await?;
    let body = serde_json::json!({
        "total": total,
        "page": page,
        "page_size": page_size,
        "children": children,
    });
    Ok(crate::reads::position::with_position(Json(body), position))
}
