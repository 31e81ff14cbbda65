//! Sharing a child's record with another LA, and ending it: the placing LA's Virtual School
//! (or its administrator) opens the record to the LA a child is placed in, out of area, and
//! closes it again. What the other LA's users may then do is the authorisation table's
//! (`pep_auth::policy`, `reaches_child`); these routes only record the decision.
//!
//! Both run as every other child command ([`super::run_child_command`]): role, reach, body,
//! decision, one append. A crash before the append's commit leaves nothing written and a
//! retry decides again; a crash after it is answered, on retry with the same
//! `Idempotency-Key`, from the stored idempotency record. A restart of PostgreSQL during the
//! request answers 503 `unavailable` and writes nothing; NATS plays no part in the write (the
//! relay publishes the committed event later, at least once, deduplicated by event id). Sharing
//! with an LA the record is already shared with writes nothing (`position: null`); sharing with
//! the child's own LA is 422 `child.share_with_own_la`; ending a share that does not exist is
//! 409 `child.not_shared`; a bad LA code, a blank reason or an unknown field is 422.

use super::run_child_command;
use crate::dto::sharing::{EndSharingBody, ShareRecordBody};
use crate::extract::Caller;
use crate::problem::ApiError;
use crate::response::{CommandAccepted, CommandResponse};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use domain::values::LaCode;
use pep_auth::Operation;

/// Shares the child's record with another LA (the LA a child is placed in, out of area). Its
/// users then read the record with their usual reach, and its designated teacher (of the
/// school the child is on roll at), carers and the young person contribute as they would to
/// their own LA's child; Virtual School and administrator writes stay with the placing LA.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/sharing",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = ShareRecordBody,
    responses((status = 200, description = "Shared (or already shared)", body = CommandAccepted))
)]
pub async fn share_record(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::ShareChildRecord,
        &child_id,
        body,
        |body: ShareRecordBody, env| Ok(body.into_command(env)),
    )
    .await
}

/// Stops sharing the child's record with an LA; its users no longer find the child (404).
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/sharing/{la}/end",
    tag = "children",
    params(
        ("child_id" = uuid::Uuid, Path, description = "The child"),
        ("la" = String, Path, description = "The LA the record is shared with, 3 digits"),
    ),
    request_body = EndSharingBody,
    responses((status = 200, description = "Sharing ended", body = CommandAccepted))
)]
pub async fn end_sharing(
    State(state): State<AppState>,
    Path((child_id, la)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let with_la =
        LaCode::parse(&la).map_err(|error| ApiError::field("path.la", error.to_string()))?;
    run_child_command(
        &state,
        &caller,
        Operation::ShareChildRecord,
        &child_id,
        body,
        move |body: EndSharingBody, env| Ok(body.into_command(with_la, env)),
    )
    .await
}
