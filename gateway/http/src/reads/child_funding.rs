//! `GET /api/v1/children/{child_id}/funding`: one child's PP+ for a financial year (the current
//! one by default): the requests made for them in their LA's budget, oldest first, and the
//! totals against the per-child cap. Authorised and access-logged as the child's record is, so
//! everyone who may read the child's record may read what was asked and given for them, and
//! nobody else (another LA's child answers 404).

use super::position::with_position;
use super::{projection_problem, query, read_side};
use crate::access;
use crate::command::{london_date, path_id};
use crate::extract::Caller;
use crate::problem::ApiError;
use crate::reads::ReadSide;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use domain::funding::FinancialYear;
use domain::ids::ChildId;
use projections::funding::child_funding;
use serde::Deserialize;
use utoipa::IntoParams;

/// The year of a child's PP+.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChildFundingParams {
    /// The financial year, such as 2024-25 (default: the one today falls in, in London).
    pub financial_year: Option<String>,
    /// Wait until the funding read model has applied this global position.
    pub min_position: Option<u64>,
}

/// A child's PP+ for a financial year: `{child_id, la, financial_year, per_child_cap_pence,
/// totals, requests}` (`totals` is null when nothing was asked that year).
#[utoipa::path(
    get,
    path = "/api/v1/children/{child_id}/funding",
    tag = "funding",
    params(("child_id" = String, Path, description = "The child"), ChildFundingParams),
    responses((status = 200, description = "{child_id, la, financial_year, per_child_cap_pence, totals, requests}", body = Object))
)]
pub async fn child_pp_plus(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    Path(child_id): Path<String>,
    params: Result<Query<ChildFundingParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let child_id: ChildId = path_id("child_id", &child_id)?;
    let params = query(params)?;
    let financial_year = match params.financial_year.as_deref() {
        None => FinancialYear::containing(london_date(state.clock().now())),
        Some(text) => text.parse().map_err(|_| {
            ApiError::field(
                "query.financial_year",
                format!("{text:?} is not a financial year such as 2024-25"),
            )
        })?,
    };
    let child = access::authorize_child_read(
        &state,
        &caller.principal,
        child_id,
        "GET /api/v1/children/{id}/funding",
        caller.ids.request_id,
    )
    .await?;
    // A request is always made in the child's own LA's budget, also when another LA reads a
    // shared record.
    let la = access::responsible_la(&child)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::not_found(format!("child {child_id} was not found")))?;
    let side = read_side(side)?;
    let position = side.wait_for("funding", params.min_position).await?;
    let funding = child_funding(side.database(), &la, &child_id.to_string(), financial_year)
        .await
        .map_err(projection_problem)?;
    let mut body = serde_json::to_value(&funding)
        .map_err(|error| ApiError::internal(format!("serialising PP+: {error}")))?;
    body["child_id"] = serde_json::json!(child_id);
    Ok(with_position(Json(body), position))
}
