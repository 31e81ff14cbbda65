//! The routes people use to look after refused messages: the rejections list with each
//! message's original bytes, one rejection, and a resubmission after a fix. They are apart from
//! the feed endpoints because they serve the people correcting a feed, under their own
//! permission, not the systems sending it.

use super::answer::{inbound, inbound_error, log_error, outcome_response};
use crate::access;
use crate::extract::{Caller, read_limited};
use crate::problem::{ApiError, FieldError};
use crate::routes::audit::instant;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use pep_auth::Operation;
use pep_inbound::{
    Feed, InboundHandler, InboundOutcome, LoggedRejection, Received, RejectionQuery, Transport,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most rejections one page lists.
pub const MAX_REJECTIONS_PAGE: u32 = 500;

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
