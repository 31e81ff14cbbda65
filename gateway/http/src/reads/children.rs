//! The read routes about one child: finding a child by the LA's id or the UPN, the child's
//! record and compliance, and the child's PEPs (the timeline has its own file, `timeline.rs`).
//! Every one authorises the read and writes it to the access log before answering.

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
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::ids::{ChildId, PepId};
use pep_auth::Operation;
use pep_messaging::event_log::StoreEventLog;
use projections::audit::{AuditError, replay_child};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use utoipa::IntoParams;

/// `?min_position=`: wait until the read model has applied this position.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PositionParams {
    /// Wait (a few seconds at most) until the read model has applied this global position,
    /// such as the `position` a command answered; 503 with Retry-After if it has not by then.
    pub min_position: Option<u64>,
    /// The day statuses are judged on (default: today in London).
    pub today: Option<NaiveDate>,
}

/// Filters of the child search; at least one is required.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindChildrenParams {
    /// The child's id in the LA's social care system.
    pub la_child_id: Option<String>,
    /// The child's Unique Pupil Number.
    pub upn: Option<String>,
    /// Wait until the search tables have applied this global position.
    pub min_position: Option<u64>,
}

/// A child found by a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FoundChild {
    /// The child.
    pub child_id: uuid::Uuid,
    /// The responsible LA.
    pub la: String,
    /// The child's id in the LA's social care system.
    pub la_child_id: String,
}

/// The children found (only those in the caller's reach).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FoundChildren {
    /// The children, by id.
    pub children: Vec<FoundChild>,
}

pub(crate) fn store_log(state: &AppState) -> StoreEventLog {
    StoreEventLog::new(state.store().clone())
}

pub(crate) fn audit_problem(error: AuditError) -> ApiError {
    match error {
        AuditError::UnknownChild(child_id) => {
            ApiError::not_found(format!("child {child_id} was not found"))
        }
        AuditError::EventLog(error) => ApiError::unavailable(
            error.to_string(),
            crate::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        ),
        other => ApiError::internal(other.to_string()),
    }
}

fn today_or(state: &AppState, today: Option<NaiveDate>) -> NaiveDate {
    today.unwrap_or_else(|| london_date(state.clock().now()))
}

/// Candidate children of `la` with this LA id (compliance table) or UPN (registration and
/// detail events in the chronology); each is then checked against the record itself.
async fn candidates(
    side: &ReadSide,
    la: &str,
    params: &FindChildrenParams,
) -> Result<Vec<String>, ApiError> {
    let pool = side.database().pool();
    let mut ids = Vec::new();
    if let Some(la_child_id) = &params.la_child_id {
        let rows = sqlx::query(
            "SELECT child_id FROM compliance_children WHERE la = $1 AND la_child_id = $2 \
             ORDER BY child_id",
        )
        .bind(la.to_owned())
        .bind(la_child_id.clone())
        .fetch_all(pool)
        .await
        .map_err(|error| ApiError::unavailable(error.to_string(), 5))?;
        for row in rows {
            ids.push(row.try_get::<String, _>("child_id").map_err(|error| {
                ApiError::internal(format!("reading compliance_children: {error}"))
            })?);
        }
    } else if let Some(upn) = &params.upn {
        // A UPN is 13 letters and digits; anything else cannot match and must not reach LIKE.
        if upn.len() != 13 || !upn.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ApiError::field(
                "query.upn",
                "is not a UPN (13 letters and digits)",
            ));
        }
        let rows = sqlx::query(
            "SELECT DISTINCT child_id FROM chronology_entries WHERE la = $1 AND event_type IN \
             ('ChildRegistered', 'ChildDetailsUpdated') AND detail LIKE $2 ORDER BY child_id",
        )
        .bind(la.to_owned())
        .bind(format!("%\"upn\":\"{upn}\"%"))
        .fetch_all(pool)
        .await
        .map_err(|error| ApiError::unavailable(error.to_string(), 5))?;
        for row in rows {
            ids.push(row.try_get::<String, _>("child_id").map_err(|error| {
                ApiError::internal(format!("reading chronology_entries: {error}"))
            })?);
        }
    }
    Ok(ids)
}

/// Finds children of the caller's LA by the LA's own id or by UPN. Only children the caller
/// may read are answered, and each is written to the access log.
#[utoipa::path(
    get,
    path = "/api/v1/children",
    tag = "children",
    params(FindChildrenParams),
    responses((status = 200, description = "The children found", body = FoundChildren))
)]
pub async fn find_children(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    params: Result<Query<FindChildrenParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    access::require_role(&caller.principal, Operation::ReadChildRecord)?;
    let params = query(params)?;
    if params.la_child_id.is_none() && params.upn.is_none() {
        return Err(ApiError::field(
            "query",
            "give la_child_id or upn to find a child",
        ));
    }
    let side = read_side(side)?;
    let read_model = if params.la_child_id.is_some() {
        "compliance"
    } else {
        "chronology"
    };
    let position = side.wait_for(read_model, params.min_position).await?;
    let la = caller.principal.la.as_str().to_owned();
    let mut children = Vec::new();
    for candidate in candidates(&side, &la, &params).await? {
        let Ok(child_id) = candidate.parse::<ChildId>() else {
            continue;
        };
        // The read model found the candidate; the record decides (a UPN may have changed since).
        let child = match access::authorize_child_read(
            &state,
            &caller.principal,
            child_id,
            "GET /api/v1/children",
            caller.ids.request_id,
        )
        .await
        {
            Ok(child) => child,
            Err(_) => continue,
        };
        let Some(registration) = child.registration.as_ref() else {
            continue;
        };
        let upn_matches = params.upn.as_ref().is_none_or(|upn| {
            child
                .details
                .as_ref()
                .and_then(|details| details.upn.as_ref())
                .is_some_and(|current| current.eq_ignore_ascii_case(upn))
        });
        let la_id_matches = params
            .la_child_id
            .as_ref()
            .is_none_or(|wanted| wanted == &registration.la_child_id);
        if upn_matches && la_id_matches {
            children.push(FoundChild {
                child_id: child_id.as_uuid(),
                la: registration.la.as_str().to_owned(),
                la_child_id: registration.la_child_id.clone(),
            });
        }
    }
    Ok(with_position(Json(FoundChildren { children }), position))
}

/// A child's record (folded from the event store, always current) and compliance on the day
/// asked (from the compliance read model).
#[utoipa::path(
    get,
    path = "/api/v1/children/{child_id}",
    tag = "children",
    params(("child_id" = String, Path, description = "The child"), PositionParams),
    responses((status = 200, description = "The record and compliance: {child_id, record, compliance}", body = Object))
)]
pub async fn child(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    Path(child_id): Path<String>,
    params: Result<Query<PositionParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let child_id: ChildId = path_id("child_id", &child_id)?;
    let params = query(params)?;
    access::authorize_child_read(
        &state,
        &caller.principal,
        child_id,
        "GET /api/v1/children/{id}",
        caller.ids.request_id,
    )
    .await?;
    let side = read_side(side)?;
    let position = side.wait_for("compliance", params.min_position).await?;
    let today = today_or(&state, params.today);
    let compliance = side
        .compliance()
        .child(side.database(), child_id, today)
        .await
        .map_err(projection_problem)?;
    let replay = replay_child(&store_log(&state), child_id, None, None)
        .await
        .map_err(audit_problem)?;
    let body = serde_json::json!({
        "child_id": child_id,
        "record": replay.summary(),
        "compliance": compliance,
    });
    Ok(with_position(Json(body), position))
}

/// The child's PEPs, oldest first, folded from the event store.
#[utoipa::path(
    get,
    path = "/api/v1/children/{child_id}/peps",
    tag = "peps",
    params(("child_id" = String, Path, description = "The child")),
    responses((status = 200, description = "The PEPs: {child_id, open_pep_id, peps}", body = Object))
)]
pub async fn child_peps(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let child_id: ChildId = path_id("child_id", &child_id)?;
    access::authorize_child_read(
        &state,
        &caller.principal,
        child_id,
        "GET /api/v1/children/{id}/peps",
        caller.ids.request_id,
    )
    .await?;
    let summary = replay_child(&store_log(&state), child_id, None, None)
        .await
        .map_err(audit_problem)?
        .summary();
    Ok(Json(serde_json::json!({
        "child_id": child_id,
        "open_pep_id": summary.open_pep_id,
        "peps": summary.peps,
    }))
    .into_response())
}

/// One PEP, folded from the event store; `GET /api/v1/peps/{pep_id}.pdf` is the same PEP as an
/// accessible PDF document (every section, meetings, targets, actions, PP+ and the record's
/// hash at printing).
#[utoipa::path(
    get,
    path = "/api/v1/peps/{pep_id}",
    tag = "peps",
    params(("pep_id" = String, Path, description = "The PEP; with `.pdf` after it, the PEP as a PDF")),
    responses(
        (status = 200, description = "The PEP: {child_id, pep}", body = Object),
        (status = 200, description = "With `.pdf`: the PEP as application/pdf", content_type = "application/pdf"),
    )
)]
pub async fn pep(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    Path(pep_id): Path<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    // The router cannot match `{pep_id}.pdf` beside `{pep_id}`, so the suffix is read here.
    if let Some(pdf_id) = pep_id.strip_suffix(".pdf") {
        let pep_id: PepId = path_id("pep_id", pdf_id)?;
        let rendered = super::pep_document::pep_pdf(
            &state,
            side.as_deref(),
            &caller.principal,
            pep_id,
            "GET /api/v1/peps/{id}.pdf",
            caller.ids.request_id,
        )
        .await?;
        return Ok((
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/pdf".to_owned(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", rendered.file_name),
                ),
            ],
            rendered.bytes,
        )
            .into_response());
    }
    let pep_id: PepId = path_id("pep_id", &pep_id)?;
    let header = access::authorize_pep_read(
        &state,
        &caller.principal,
        pep_id,
        "GET /api/v1/peps/{id}",
        caller.ids.request_id,
    )
    .await?;
    let summary = replay_child(&store_log(&state), header.child_id, None, None)
        .await
        .map_err(audit_problem)?
        .summary();
    let pep = summary.peps.into_iter().find(|pep| pep.pep_id == pep_id);
    let pep = pep.ok_or_else(|| ApiError::not_found(format!("PEP {pep_id} was not found")))?;
    Ok(Json(serde_json::json!({"child_id": header.child_id, "pep": pep})).into_response())
}
