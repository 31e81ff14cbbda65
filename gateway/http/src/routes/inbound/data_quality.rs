//! The data-quality view: children whose record was applied with a flag, for the LA to correct
//! in its social care system. It reads the compliance read model, not the inbound log, so it is
//! apart from the feed and rejections endpoints that go through the inbound handler.

use crate::access;
use crate::extract::Caller;
use crate::problem::{ApiError, FieldError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use pep_auth::Operation;
use serde::Deserialize;
use utoipa::IntoParams;

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
