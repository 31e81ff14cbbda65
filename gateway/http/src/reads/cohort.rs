//! The read routes over a whole LA: the cohort's compliance (one row a child, paged, most
//! urgent first) and PP+ funding totals. They answer the LA-wide readers of child records only
//! (the Virtual School, auditors, administrators); designated teachers, social workers, carers,
//! young people and IROs get 403 here and read their children one by one through the per-child
//! routes.
//!
//! Each child whose record an answer shows is a read of that child's record: the compliance
//! page, and the funding totals grouped by child, write one access-log row per child shown (only
//! the page, not the whole cohort) in one batch before answering, and are refused if the rows
//! cannot be written. Totals by school or for the LA show no child and write no row.

use super::position::with_position;
use super::{projection_problem, query, read_side};
use crate::access;
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
use domain::funding::FinancialYear;
use domain::ids::ChildId;
use pep_auth::policy::{self, Reach};
use pep_auth::{Operation, Principal};
use projections::compliance::{CohortFilter, PEP_STATUS_KEYS, Page, QA_RATING_KEYS};
use projections::funding::{FundingGrouping, budget_summary, funding_totals};
use serde::Deserialize;
use utoipa::IntoParams;

/// The default number of children a page holds.
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// Refuses callers whose reading of child records does not cover their whole LA.
pub(super) fn require_la_wide(principal: &Principal, what: &str) -> Result<(), ApiError> {
    match policy::reach(principal, Operation::ReadChildRecord) {
        Ok(Reach::LocalAuthority) => Ok(()),
        _ => Err(ApiError::forbidden(format!(
            "the {} role may not read {what}, which covers the whole LA",
            principal.role
        ))),
    }
}

/// Filters and paging of the cohort's compliance.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplianceParams {
    /// Only children whose headline status is this: overdue, due_soon, upcoming, on_time or
    /// met_late.
    #[param(value_type = Option<String>)]
    pub status: Option<DueStatus>,
    /// Only children in this key stage on the day asked: eyfs, ks1, ks2, ks3, ks4 or post16.
    #[param(value_type = Option<String>)]
    pub key_stage: Option<KeyStage>,
    /// Only children at this school (URN).
    pub school_urn: Option<String>,
    /// Only children with this social worker (person id).
    pub social_worker: Option<String>,
    /// Also children no longer looked after.
    pub include_left_care: Option<bool>,
    /// Only children whose PEP is in date on the day asked (true), or only those whose PEP is
    /// not (false).
    pub in_date_pep: Option<bool>,
    /// Only children whose current PEP has this status: not_started, in_progress, ready,
    /// submitted, returned, quality_assured, signed_off, withdrawn, or missing for no PEP.
    pub pep_status: Option<String>,
    /// Only children whose latest QA rating is this: green, amber, red, or not_rated.
    pub qa_rating: Option<String>,
    /// The page, from 1 (default 1).
    pub page: Option<u64>,
    /// Children per page, 1 to 500 (default 50).
    pub page_size: Option<u64>,
    /// The day statuses are judged on (default: today in London).
    pub today: Option<NaiveDate>,
    /// Wait until the compliance read model has applied this global position.
    pub min_position: Option<u64>,
}

/// The cohort's compliance in the caller's LA: one row a child with its headline status, its
/// next due obligation and its PEP's progress, most urgent first (then by the LA's child id,
/// so pages are stable), with the total count for paging.
#[utoipa::path(
    get,
    path = "/api/v1/compliance",
    tag = "children",
    params(ComplianceParams),
    responses((status = 200, description = "One page: {today, total, page, children, summary}", body = Object))
)]
pub async fn compliance(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    params: Result<Query<ComplianceParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    require_la_wide(&caller.principal, "the cohort's compliance")?;
    let params = query(params)?;
    let page_number = params.page.unwrap_or(1);
    let page_size = params.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    let mut errors = Vec::new();
    if page_number == 0 {
        errors.push(FieldError {
            path: "query.page".to_owned(),
            message: "pages count from 1".to_owned(),
        });
    }
    if page_size == 0 || page_size > Page::MAX_LIMIT {
        errors.push(FieldError {
            path: "query.page_size".to_owned(),
            message: format!("must be between 1 and {}", Page::MAX_LIMIT),
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
        include_left_care: params.include_left_care.unwrap_or(false),
        status: params.status,
        key_stage: params.key_stage,
        school_urn: params.school_urn,
        social_worker_id: params.social_worker,
        in_date_pep: params.in_date_pep,
        pep_status: params.pep_status,
        qa_rating: params.qa_rating,
        nothing_due: false,
    };
    let page = Page {
        offset: (page_number - 1).saturating_mul(page_size),
        limit: page_size,
    };
    let cohort = side
        .compliance()
        .cohort(side.database(), &filter, today, page)
        .await
        .map_err(projection_problem)?;
    access::log_cohort_read(
        &state,
        &caller.principal,
        cohort
            .children
            .iter()
            .map(|child| (child.child_id, child.la.clone())),
        "GET /api/v1/compliance",
        caller.ids.request_id,
    )
    .await?;
    let body = serde_json::json!({
        "today": cohort.today,
        "total": cohort.total,
        "page": page_number,
        "page_size": page_size,
        "children": cohort.children,
    });
    Ok(with_position(Json(body), position))
}

/// Checks the drill-down filters against the values the read model knows, so a mistyped value
/// answers 422 naming its parameter, with the values it may take, rather than an empty cohort.
pub(super) fn check_drill_down(
    errors: &mut Vec<FieldError>,
    pep_status: Option<&str>,
    qa_rating: Option<&str>,
) {
    for (parameter, value, valid) in [
        ("pep_status", pep_status, &PEP_STATUS_KEYS[..]),
        ("qa_rating", qa_rating, &QA_RATING_KEYS[..]),
    ] {
        if let Some(value) = value.filter(|value| !valid.contains(value)) {
            errors.push(FieldError {
                path: format!("query.{parameter}"),
                message: format!("{value:?} is not one of {}", valid.join(", ")),
            });
        }
    }
}

/// The `financial_year` query parameter the funding reads require.
pub(super) fn required_financial_year(text: Option<&str>) -> Result<FinancialYear, ApiError> {
    let Some(year_text) = text else {
        return Err(ApiError::field(
            "query.financial_year",
            "is required, such as 2024-25",
        ));
    };
    year_text.parse().map_err(|_| {
        ApiError::field(
            "query.financial_year",
            format!("{year_text:?} is not a financial year such as 2024-25"),
        )
    })
}

/// The grouping of the funding totals.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One row a child.
    Child,
    /// One row a school.
    #[default]
    School,
    /// One row for the LA.
    La,
}

/// The year and grouping of the funding totals.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FundingParams {
    /// The financial year, such as 2024-25 (required).
    pub financial_year: Option<String>,
    /// child, school (default) or la.
    pub group_by: Option<GroupBy>,
    /// Wait until the funding read model has applied this global position.
    pub min_position: Option<u64>,
}

/// PP+ in the caller's LA for a financial year: the budget's position and the totals per child,
/// school or for the LA, sorted by key.
#[utoipa::path(
    get,
    path = "/api/v1/funding",
    tag = "funding",
    params(FundingParams),
    responses((status = 200, description = "{la, financial_year, group_by, budget, totals}", body = Object))
)]
pub async fn funding(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    params: Result<Query<FundingParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    require_la_wide(&caller.principal, "PP+ funding totals")?;
    let params = query(params)?;
    let financial_year = required_financial_year(params.financial_year.as_deref())?;
    let group_by = params.group_by.unwrap_or_default();
    let grouping = match group_by {
        GroupBy::Child => FundingGrouping::Child,
        GroupBy::School => FundingGrouping::School,
        GroupBy::La => FundingGrouping::La,
    };
    let side = read_side(side)?;
    let position = side.wait_for("funding", params.min_position).await?;
    let la = caller.principal.la.as_str();
    let budget = budget_summary(side.database(), la, financial_year)
        .await
        .map_err(projection_problem)?;
    let totals = funding_totals(side.database(), la, financial_year, grouping)
        .await
        .map_err(projection_problem)?;
    if matches!(grouping, FundingGrouping::Child) {
        let mut children = Vec::with_capacity(totals.len());
        for row in &totals {
            let child_id: ChildId = row.key.parse().map_err(|_| {
                ApiError::internal(format!("funding totals name a child {:?}", row.key))
            })?;
            children.push((child_id, la.to_owned()));
        }
        access::log_cohort_read(
            &state,
            &caller.principal,
            children,
            "GET /api/v1/funding",
            caller.ids.request_id,
        )
        .await?;
    }
    let body = serde_json::json!({
        "la": la,
        "financial_year": financial_year.to_string(),
        "group_by": grouping,
        "budget": budget,
        "totals": totals,
    });
    Ok(with_position(Json(body), position))
}
