//! The child's education timeline from the chronology read model: filtered by date, event type
//! and category, as JSON or as a CSV or JSON download. Authorised and access-logged like every
//! read of a child's record.

use super::position::with_position;
use super::{projection_problem, query, read_side};
use crate::access;
use crate::command::path_id;
use crate::extract::Caller;
use crate::problem::ApiError;
use crate::reads::ReadSide;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::ids::ChildId;
use projections::chronology::{TimelineQuery, timeline_csv, timeline_json};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters and format of a timeline.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Only events that occurred on or after this day.
    pub from: Option<NaiveDate>,
    /// Only events that occurred on or before this day.
    pub to: Option<NaiveDate>,
    /// Only these event types, comma-separated (`PlacementChanged,PepMeetingHeld`).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub event_type: Option<String>,
    /// Only these categories, comma-separated (`care,pep,school,funding,...`).
    pub category: Option<String>,
    /// `csv` or `json` for a download; default: the JSON answer `{child_id, entries}`.
    pub format: Option<String>,
    /// Wait until the chronology has applied this global position.
    pub min_position: Option<u64>,
}

fn comma_list(text: Option<&str>) -> Vec<String> {
    text.map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// The child's chronology, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/children/{child_id}/timeline",
    tag = "children",
    params(("child_id" = String, Path, description = "The child"), TimelineParams),
    responses(
        (status = 200, description = "The entries, oldest first: {child_id, entries}; text/csv with format=csv", body = Object),
    )
)]
pub async fn timeline(
    State(state): State<AppState>,
    side: Option<Extension<ReadSide>>,
    Path(child_id): Path<String>,
    params: Result<Query<TimelineParams>, QueryRejection>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let child_id: ChildId = path_id("child_id", &child_id)?;
    let params = query(params)?;
    let format = params.format.as_deref().unwrap_or("");
    if !matches!(format, "" | "json" | "csv") {
        return Err(ApiError::field("query.format", "must be csv or json"));
    }
    access::authorize_child_read(
        &state,
        &caller.principal,
        child_id,
        "GET /api/v1/children/{id}/timeline",
        caller.ids.request_id,
    )
    .await?;
    let side = read_side(side)?;
    let position = side.wait_for("chronology", params.min_position).await?;
    let timeline_query = TimelineQuery {
        from: params.from,
        to: params.to,
        categories: comma_list(params.category.as_deref()),
        event_types: comma_list(params.event_type.as_deref()),
    };
    let entries = projections::chronology::timeline(side.database(), child_id, &timeline_query)
        .await
        .map_err(projection_problem)?;
    let download = |content_type: &'static str, extension: &str, body: String| {
        (
            [
                (header::CONTENT_TYPE, content_type.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"timeline-{child_id}.{extension}\""),
                ),
            ],
            body,
        )
            .into_response()
    };
    let response = match format {
        "csv" => download("text/csv; charset=utf-8", "csv", timeline_csv(&entries)),
        "json" => download(
            "application/json",
            "json",
            timeline_json(&entries).map_err(|error| ApiError::internal(error.to_string()))?,
        ),
        _ => Json(serde_json::json!({"child_id": child_id, "entries": entries})).into_response(),
    };
    Ok(with_position(response, position))
}
