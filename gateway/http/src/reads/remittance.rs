//! `GET /api/v1/funding/remittance`: the PP+ instalments paid from the caller's LA's budget in a
//! financial year, to one school or to all, as JSON or as a CSV remittance advice
//! (`format=csv`). It names children, so it answers the LA-wide readers only (as the other
//! cohort reads) and writes one access-log row per child listed.

use super::cohort::{require_la_wide, required_financial_year};
use super::position::with_position;
use super::{projection_problem, query, read_side};
use crate::access;
use crate::extract::Caller;
use crate::problem::ApiError;
use crate::reads::ReadSide;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::ids::ChildId;
use domain::values::SchoolUrn;
use projections::funding::{remittance as paid_instalments, remittance_csv};
use serde::Deserialize;
use std::collections::BTreeSet;
use utoipa::IntoParams;

/// Which payments to list, and how.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemittanceParams {
    /// The financial year, such as 2024-25 (required).
    pub financial_year: Option<String>,
    /// One school's payments only.
    pub school_urn: Option<String>,
    /// `json` (default) or `csv` (a download).
    pub format: Option<String>,
    /// Wait until the funding read model has applied this global position.
    pub min_position: Option<u64>,
}

/// The instalments paid in a financial year, oldest payment first.
#[utoipa::path(
    get,
    path = "/api/v1/funding/remittance",
    tag = "funding",
    params(RemittanceParams),
    responses((status = 200, description = "{la, financial_year, school_urn, total_pence, payments}; text/csv with format=csv", body = Object))
)]
pub async fn remittance(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    params: Result<Query<RemittanceParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    require_la_wide(&caller.principal, "PP+ remittances")?;
    let params = query(params)?;
    let financial_year = required_financial_year(params.financial_year.as_deref())?;
    let school_urn = params
        .school_urn
        .as_deref()
        .map(SchoolUrn::parse)
        .transpose()
        .map_err(|error| ApiError::field("query.school_urn", error.to_string()))?;
    let format = params.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv") {
        return Err(ApiError::field(
            "query.format",
            format!("{format:?} is not json or csv"),
        ));
    }
    let side = read_side(side)?;
    let position = side.wait_for("funding", params.min_position).await?;
    let la = caller.principal.la.as_str();
    let school = school_urn.as_ref().map(ToString::to_string);
    let lines = paid_instalments(side.database(), la, financial_year, school.as_deref())
        .await
        .map_err(projection_problem)?;
    let mut children = Vec::new();
    for child in lines
        .iter()
        .map(|line| line.child_id.as_str())
        .collect::<BTreeSet<_>>()
    {
        let child_id: ChildId = child
            .parse()
            .map_err(|_| ApiError::internal(format!("a payment names a child {child:?}")))?;
        children.push((child_id, la.to_owned()));
    }
    access::log_cohort_read(
        &state,
        &caller.principal,
        children,
        "GET /api/v1/funding/remittance",
        caller.ids.request_id,
    )
    .await?;
    let response = if format == "csv" {
        let name = format!(
            "pp-plus-remittance-{la}-{financial_year}{}.csv",
            school
                .as_deref()
                .map(|urn| format!("-{urn}"))
                .unwrap_or_default()
        );
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            remittance_csv(&lines),
        )
            .into_response()
    } else {
        let total_pence: i64 = lines.iter().map(|line| line.payment.amount_pence).sum();
        Json(serde_json::json!({
            "la": la,
            "financial_year": financial_year.to_string(),
            "school_urn": school,
            "total_pence": total_pence,
            "payments": lines,
        }))
        .into_response()
    };
    Ok(with_position(response, position))
}
