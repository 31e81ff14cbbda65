//! Commands on a child record: register, details, SSDA903 episodes, education settings,
//! people, SEN status, attendance, exclusions, attainment, and opening a PEP.

use super::run_child_command;
use crate::access;
use crate::command::{CommandEnv, Created, path_id, respond};
use crate::dto::children::{
    AssignPersonBody, ChangeEducationSettingBody, InitiatePepBody, RecordAttainmentBody,
    RecordAttendanceBody, RecordEpisodeBody, RecordExclusionBody, RecordSenStatusBody,
    RegisterChildBody, UpdateChildDetailsBody,
};
use crate::extract::{Caller, read_json};
use crate::problem::ApiError;
use crate::response::{CommandAccepted, CommandResponse};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use domain::ids::{ChildId, PepId};
use pep_auth::Operation;

/// Registers a child record in the caller's LA.
///
/// The child is identified by (`la`, `la_child_id`) in the LA's social care system; the answer
/// carries the new record's id. Unlike the inbound feed, this route refuses a UPN whose check
/// letter is wrong: a person typing it can correct it now.
#[utoipa::path(
    post,
    path = "/api/v1/children",
    tag = "children",
    request_body = RegisterChildBody,
    responses((status = 201, description = "Registered", body = CommandAccepted))
)]
pub async fn register_child(
    State(state): State<AppState>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    access::require_role(&caller.principal, Operation::RegisterChild)?;
    let input = read_json::<RegisterChildBody>(&state, &caller, body).await?;
    if input.value.la != caller.principal.la {
        return Err(ApiError::forbidden(format!(
            "you may register children only in your own LA ({}), not in {}",
            caller.principal.la.as_str(),
            input.value.la.as_str()
        )));
    }
    // The record id follows from (LA, social care id), so the API, the feeds and an SSDA903
    // import name the same record, and registering the same child twice is refused.
    let child_id = pep_inbound::child_id_for(&input.value.la, &input.value.la_child_id);
    let command = input.value.into_command(child_id);
    let outcome = state
        .commands()
        .child(child_id, command, &caller.context(&input.fingerprint))
        .await?;
    Ok(respond(
        &state,
        outcome,
        &child_id.stream_id(),
        Created::Child(child_id.as_uuid()),
    ))
}

/// Replaces a child's identifying details.
#[utoipa::path(
    put,
    path = "/api/v1/children/{child_id}/details",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = UpdateChildDetailsBody,
    responses((status = 200, description = "Updated (or unchanged)", body = CommandAccepted))
)]
pub async fn update_child_details(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::UpdateChildDetails,
        &child_id,
        body,
        |body: UpdateChildDetailsBody, _| Ok(body.into_command()),
    )
    .await
}

/// Records one SSDA903 episode: a new one, a correction of the one with the same start date,
/// or its closure. Every code is checked against the code list of its collection year.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/episodes",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = RecordEpisodeBody,
    responses((status = 200, description = "Recorded (or already known)", body = CommandAccepted))
)]
pub async fn record_episode(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let code_lists = state.code_lists().clone();
    run_child_command(
        &state,
        &caller,
        Operation::RecordEpisode,
        &child_id,
        body,
        move |body: RecordEpisodeBody, _| body.into_command(&code_lists),
    )
    .await
}

/// Records that the child starts at another school or education setting.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/education-settings",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = ChangeEducationSettingBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn change_education_setting(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::ChangeEducationSetting,
        &child_id,
        body,
        |body: ChangeEducationSettingBody, _| Ok(body.into_command()),
    )
    .await
}

/// Assigns a person to a role around the child (social worker, designated teacher, carer,
/// IRO, Virtual School officer). The person's id is their token subject.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/assignments",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = AssignPersonBody,
    responses((status = 200, description = "Assigned", body = CommandAccepted))
)]
pub async fn assign_person(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::AssignPerson,
        &child_id,
        body,
        |body: AssignPersonBody, env| Ok(body.into_command(env)),
    )
    .await
}

/// Records SEN or EHCP status.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/sen-status",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = RecordSenStatusBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn record_sen_status(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::RecordSenStatus,
        &child_id,
        body,
        |body: RecordSenStatusBody, _| Ok(body.into_command()),
    )
    .await
}

/// Records attendance over a period, in sessions.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/attendance",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = RecordAttendanceBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn record_attendance(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::RecordAttendance,
        &child_id,
        body,
        |body: RecordAttendanceBody, _| Ok(body.into_command()),
    )
    .await
}

/// Records a suspension or permanent exclusion.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/exclusions",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = RecordExclusionBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn record_exclusion(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::RecordExclusion,
        &child_id,
        body,
        |body: RecordExclusionBody, _| Ok(body.into_command()),
    )
    .await
}

/// Records an attainment or progress result.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/attainment",
    tag = "children",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = RecordAttainmentBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn record_attainment(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_child_command(
        &state,
        &caller,
        Operation::RecordAttainment,
        &child_id,
        body,
        |body: RecordAttainmentBody, _| Ok(body.into_command()),
    )
    .await
}

/// Opens a PEP for the child: the PEP starts, and the child record notes it open, in one
/// append. Targets of the previous PEP not yet reviewed are carried in to be reviewed.
/// `If-Match` applies to the child record.
#[utoipa::path(
    post,
    path = "/api/v1/children/{child_id}/peps",
    tag = "peps",
    params(("child_id" = uuid::Uuid, Path, description = "The child")),
    request_body = InitiatePepBody,
    responses((status = 201, description = "Initiated", body = CommandAccepted))
)]
pub async fn initiate_pep(
    State(state): State<AppState>,
    Path(child_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let child_id: ChildId = path_id("child_id", &child_id)?;
    access::child_in_reach(&state, &caller.principal, Operation::InitiatePep, child_id).await?;
    let input = read_json::<InitiatePepBody>(&state, &caller, body).await?;
    let env = CommandEnv::new(&state, &caller, &input.fingerprint);
    let pep_id = PepId::from_uuid(env.new_id("pep"));
    let body = input.value;
    let outcome = state
        .commands()
        .initiate_pep(
            child_id,
            pep_id,
            body.kind,
            body.trigger,
            body.initiated_on.map_or(env.today, |date| date.0),
            &caller.context(&input.fingerprint),
        )
        .await?;
    Ok(respond(
        &state,
        outcome,
        &child_id.stream_id(),
        Created::Pep(pep_id.as_uuid()),
    ))
}
