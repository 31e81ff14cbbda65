//! `GET /api/v1/audit/access-log`: who read which child's record, for auditors of the LA.

use crate::access;
use crate::command::path_id;
use crate::extract::Caller;
use crate::problem::{ApiError, FieldError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use domain::ids::ChildId;
use pep_auth::Operation;
use pep_records::{AccessLogEntry, AccessLogQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most entries one answer holds.
pub const MAX_ACCESS_LOG_ENTRIES: u32 = 1000;

/// Filters of the access log query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessLogParams {
    /// Only reads of this child.
    pub child_id: Option<String>,
    /// Only reads by this person (token subject).
    pub actor_id: Option<String>,
    /// Only reads at or after this instant (RFC 3339, such as 2024-03-01T00:00:00Z).
    pub from: Option<String>,
    /// Only reads before this instant (RFC 3339).
    pub to: Option<String>,
    /// At most this many entries, newest first (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// The entries found, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessLogPage {
    /// The entries.
    pub entries: Vec<AccessLogEntry>,
}

pub(crate) fn instant(name: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, FieldError> {
    text.map(|text| {
        DateTime::parse_from_rfc3339(text)
            .map(|instant| instant.with_timezone(&Utc))
            .map_err(|_| FieldError {
                path: format!("query.{name}"),
                message: format!("{text:?} is not an instant such as 2024-03-01T09:00:00Z"),
            })
    })
    .transpose()
}

/// Who read which child's record and when, within the caller's LA. Auditors and administrators
/// only.
#[utoipa::path(
    get,
    path = "/api/v1/audit/access-log",
    tag = "audit",
    params(AccessLogParams),
    responses((status = 200, description = "The entries, newest first", body = AccessLogPage))
)]
pub async fn access_log(
    State(state): State<AppState>,
    params: Result<Query<AccessLogParams>, QueryRejection>,
    caller: Caller,
) -> Result<Json<AccessLogPage>, ApiError> {
    access::require_role(&caller.principal, Operation::QueryAccessLog)?;
    let params = params
        .map_err(|rejection| ApiError::field("query", rejection.body_text()))?
        .0;
    let mut errors = Vec::new();
    let child_id = match params
        .child_id
        .as_deref()
        .map(|text| path_id::<ChildId>("child_id", text))
    {
        Some(Ok(child_id)) => Some(child_id),
        Some(Err(_)) => {
            errors.push(FieldError {
                path: "query.child_id".to_owned(),
                message: "is not a child id".to_owned(),
            });
            None
        }
        None => None,
    };
    let from = instant("from", params.from.as_deref()).unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    let to = instant("to", params.to.as_deref()).unwrap_or_else(|error| {
        errors.push(error);
        None
    });
    let limit = params.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_ACCESS_LOG_ENTRIES {
        errors.push(FieldError {
            path: "query.limit".to_owned(),
            message: format!("must be between 1 and {MAX_ACCESS_LOG_ENTRIES}"),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let entries = state
        .records()
        .access_log(&AccessLogQuery {
            la: caller.principal.la.clone(),
            child_id,
            actor_id: params.actor_id,
            from,
            to,
            limit,
        })
        .await?;
    Ok(Json(AccessLogPage { entries }))
}
