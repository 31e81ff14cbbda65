//! The auditors' read routes: a child's record replayed as it was known at an instant and/or as
//! of a day, and the verification of the event log's hash chain (and, when asked, of every read
//! model against a rebuild from the log). Auditors and administrators only; the replay is also
//! written to the access log like any read of a child's record.

use super::children::{audit_problem, store_log};
use super::{query, read_side};
use crate::access;
use crate::command::path_id;
use crate::extract::Caller;
use crate::problem::ApiError;
use crate::reads::ReadSide;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::ChildId;
use pep_auth::Operation;
use projections::audit::{Verification, replay_child, verify_read_models};
use projections::runtime::Projector;
use serde::Deserialize;
use utoipa::IntoParams;

/// Which version of the record to replay.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplayParams {
    /// Only what the service had recorded at this instant (RFC 3339), such as
    /// 2024-03-01T09:00:00Z; later corrections are listed under `changes_since`.
    pub as_known_at: Option<String>,
    /// Only what had happened on or before this day.
    pub as_of: Option<NaiveDate>,
}

/// The child's record and PEPs replayed from the event log as known at `as_known_at` and/or as
/// of `as_of`, with the changes recorded since.
#[utoipa::path(
    get,
    path = "/api/v1/audit/children/{child_id}",
    tag = "audit",
    params(("child_id" = String, Path, description = "The child"), ReplayParams),
    responses((status = 200, description = "The replayed record (ReplaySummary)", body = Object))
)]
pub async fn replay(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    params: Result<Query<ReplayParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    access::require_role(&caller.principal, Operation::QueryAccessLog)?;
    let child_id: ChildId = path_id("child_id", &child_id)?;
    let params = query(params)?;
    let as_known_at = params
        .as_known_at
        .as_deref()
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|instant| instant.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::field(
                        "query.as_known_at",
                        format!("{text:?} is not an instant such as 2024-03-01T09:00:00Z"),
                    )
                })
        })
        .transpose()?;
    access::authorize_child_read(
        &state,
        &caller.principal,
        child_id,
        "GET /api/v1/audit/children/{id}",
        caller.ids.request_id,
    )
    .await?;
    let replay = replay_child(&store_log(&state), child_id, as_known_at, params.as_of)
        .await
        .map_err(audit_problem)?;
    Ok(Json(replay.summary()).into_response())
}

/// What to verify.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyParams {
    /// Also rebuild every read model from the log beside the live one and compare checksums
    /// (slow on a large log; `pep audit verify` does the same from the command line).
    pub read_models: Option<bool>,
}

/// The hash chain over the whole event log, recomputed; with `read_models=true`, also every
/// read model compared with a rebuild. `verified` is false when anything did not hold.
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    params(VerifyParams),
    responses((status = 200, description = "The verification: {verified, chain, read_models}", body = Object))
)]
pub async fn verify(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    params: Result<Query<VerifyParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    access::require_role(&caller.principal, Operation::QueryAccessLog)?;
    let params = query(params)?;
    let log = store_log(&state);
    let chain = log.chain_check().await.map_err(|error| {
        ApiError::unavailable(
            error.to_string(),
            crate::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        )
    })?;
    let read_models = if params.read_models.unwrap_or(false) {
        let side = read_side(side)?;
        let projectors = side.projectors();
        let borrowed: Vec<&dyn Projector> = projectors.iter().map(|p| p.as_ref()).collect();
        verify_read_models(side.database(), &borrowed, &log)
            .await
            .map_err(audit_problem)?
    } else {
        Vec::new()
    };
    Ok(Json(Verification::combine(chain, read_models)).into_response())
}
