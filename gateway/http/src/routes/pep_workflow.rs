//! The PEP's workflow: submit, return for improvement, quality-assure, sign off, withdraw. Who
//! may take each step is the domain's rule; a refusal answers 403 `forbidden-by-rule`, a step
//! from the wrong status 409 `state-conflict`.

use super::run_pep_command;
use crate::command::Created;
use crate::dto::pep_workflow::{
    QualityAssurePepBody, ReturnPepBody, SignOffPepBody, SubmitPepBody, WithdrawPepBody,
};
use crate::extract::Caller;
use crate::problem::ApiError;
use crate::response::{CommandAccepted, CommandResponse};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use pep_auth::Operation;

/// Submits the PEP for quality assurance. Refused, with what is missing, until the required
/// sections are complete, a meeting was held, a target set and the child's views recorded.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/submit",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = SubmitPepBody,
    responses((status = 200, description = "Submitted", body = CommandAccepted))
)]
pub async fn submit_pep(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::SubmitPep,
        &pep_id,
        body,
        |body: SubmitPepBody, env| Ok((body.into_command(env), Created::Nothing)),
    )
    .await
}

/// Sends a submitted PEP back for improvement, with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/return",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = ReturnPepBody,
    responses((status = 200, description = "Returned", body = CommandAccepted))
)]
pub async fn return_pep(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::ReturnPep,
        &pep_id,
        body,
        |body: ReturnPepBody, env| Ok((body.into_command(env), Created::Nothing)),
    )
    .await
}

/// Rates a submitted PEP (green, amber, red).
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/quality-assurance",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = QualityAssurePepBody,
    responses((status = 200, description = "Quality assured", body = CommandAccepted))
)]
pub async fn quality_assure_pep(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::QualityAssurePep,
        &pep_id,
        body,
        |body: QualityAssurePepBody, env| Ok((body.into_command(env), Created::Nothing)),
    )
    .await
}

/// Signs off a quality-assured PEP: it is complete and never changes again; the child record
/// notes it closed in the same append.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/sign-off",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = SignOffPepBody,
    responses((status = 200, description = "Signed off", body = CommandAccepted))
)]
pub async fn sign_off_pep(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::SignOffPep,
        &pep_id,
        body,
        |body: SignOffPepBody, env| Ok((body.into_command(env), Created::Nothing)),
    )
    .await
}

/// Closes a PEP without completing it (for example, the child left care), with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/withdraw",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = WithdrawPepBody,
    responses((status = 200, description = "Withdrawn", body = CommandAccepted))
)]
pub async fn withdraw_pep(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::WithdrawPep,
        &pep_id,
        body,
        |body: WithdrawPepBody, env| Ok((body.into_command(env), Created::Nothing)),
    )
    .await
}
