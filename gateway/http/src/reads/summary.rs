//! The cohort's compliance summary: the headline figure Virtual Schools report (the percentage
//! of children in care with an in-date PEP) with its counts, and the same figure month by month,
//! for a dashboard. Like the cohort's compliance page it covers the whole LA, so only the
//! LA-wide readers of child records (the Virtual School, auditors, administrators) may ask.
//!
//! The summary counts children but shows no child's record (no child's id, name or row, only
//! counts by group), so unlike the compliance page it writes no access-log rows.

use super::cohort::{check_drill_down, require_la_wide};
use super::position::with_position;
use super::{projection_problem, query, read_side};
use crate::command::london_date;
use crate::extract::Caller;
use crate::problem::{ApiError, FieldError};
use crate::reads::ReadSide;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::calendar::KeyStage;
use domain::compliance::DueStatus;
use projections::compliance::{CohortFilter, DEFAULT_MONTHS, MAX_MONTHS};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters of the cohort's summary, and the length of its monthly series.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// Only children whose headline status is this: overdue, due_soon, upcoming, on_time or
    /// met_late.
    #[param(value_type = Option<String>)]
    pub status: Option<DueStatus>,
    /// Only children in this key stage on the day judged: eyfs, ks1, ks2, ks3, ks4 or 16-19.
    #[param(value_type = Option<String>)]
    pub key_stage: Option<KeyStage>,
    /// Only children at this school (URN).
    pub school_urn: Option<String>,
    /// Only children with this social worker (person id).
    pub social_worker: Option<String>,
    /// Only children whose PEP is in date on the day judged (true), or only those whose PEP is
    /// not (false).
    pub in_date_pep: Option<bool>,
    /// Only children whose current PEP has this status: not_started, in_progress, ready,
    /// submitted, returned, quality_assured, signed_off, withdrawn, or missing for no PEP.
    pub pep_status: Option<String>,
    /// Only children whose latest QA rating is this: green, amber, red, or not_rated.
    pub qa_rating: Option<String>,
    /// Months in the monthly series, 1 to 24 (default 12), ending with the current month.
    pub months: Option<u32>,
    /// The day the summary is judged on, and the current month's figure (default: today in
    /// London).
    pub today: Option<NaiveDate>,
    /// Wait until the compliance read model has applied this global position.
    pub min_position: Option<u64>,
}

/// The summary of the cohort's compliance in the caller's LA: children, how many have an
/// in-date PEP and the percentage, obligations met within timescale, and counts by headline
/// status, PEP status, QA rating, key stage, school and social worker; with the headline figure
/// on the last day of each of the last `months` months (the current month on `today`), oldest
/// first. A month's figure counts the children in care now whose latest period in care had
/// begun by that day (the read model does not record when a child left care, so a child who has
/// since left is in no month). The answer shows no child's record, so it writes no access-log
/// rows.
#[utoipa::path(
    get,
    path = "/api/v1/compliance/summary",
    tag = "children",
    params(SummaryParams),
    responses((status = 200, description = "{today, summary, monthly}", body = Object))
)]
pub async fn compliance_summary(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    params: Result<Query<SummaryParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    require_la_wide(&caller.principal, "the cohort's compliance summary")?;
    let params = query(params)?;
    let months = params.months.unwrap_or(DEFAULT_MONTHS);
    let mut errors = Vec::new();
    if months == 0 || months > MAX_MONTHS {
        errors.push(FieldError {
            path: "query.months".to_owned(),
            message: format!("must be between 1 and {MAX_MONTHS}"),
        });
    }
    check_drill_down(
        &mut errors,
        params.pep_status.as_deref(),
        params.qa_rating.as_deref(),
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let side = read_side(side)?;
    let position = side.wait_for("compliance", params.min_position).await?;
    let today = params
        .today
        .unwrap_or_else(|| london_date(state.clock().now()));
    let filter = CohortFilter {
        la: Some(caller.principal.la.as_str().to_owned()),
        include_left_care: false,
        status: params.status,
        key_stage: params.key_stage,
        school_urn: params.school_urn,
        social_worker_id: params.social_worker,
        in_date_pep: params.in_date_pep,
        pep_status: params.pep_status,
        qa_rating: params.qa_rating,
        nothing_due: false,
    };
    let dashboard = side
        .compliance()
        .dashboard(side.database(), &filter, today, months)
        .await
        .map_err(projection_problem)?;
    let body = serde_json::json!({
        "today": today,
        "summary": dashboard.summary,
        "monthly": dashboard.monthly,
    });
    Ok(with_position(Json(body), position))
}
