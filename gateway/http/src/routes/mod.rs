//! The route handlers, one module per area, and the runners they share: each runner takes a
//! request through role check, reach check, body, command and answer in that order (see
//! [`super::command`]).

pub mod attachments;
pub mod audit;
pub mod children;
pub mod funding;
pub mod health;
pub mod inbound;
pub mod pep_workflow;
pub mod peps;
pub mod sharing;
// IRO notice delivery (crate::notify).
pub mod inbox;
pub mod notices;
pub mod webhooks;

use super::access;
use super::command::{CommandEnv, Created, path_id, respond};
use super::extract::{Caller, read_json};
use super::problem::ApiError;
use super::response::CommandResponse;
use super::state::AppState;
use axum::body::Body;
use domain::child::ChildCommand;
use domain::ids::{ChildId, PepId};
use domain::pep::PepCommand;
use pep_auth::Operation;
use serde::de::DeserializeOwned;

/// Runs a command on a child record the caller may reach.
pub(crate) async fn run_child_command<B: DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    operation: Operation,
    child_id: &str,
    body: Body,
    build: impl FnOnce(B, &CommandEnv<'_>) -> Result<ChildCommand, ApiError>,
) -> Result<CommandResponse, ApiError> {
    let child_id: ChildId = path_id("child_id", child_id)?;
    access::child_in_reach(state, &caller.principal, operation, child_id).await?;
    let input = read_json::<B>(state, caller, body).await?;
    let env = CommandEnv::new(state, caller, &input.fingerprint);
    let command = build(input.value, &env)?;
    let outcome = state
        .commands()
        .child(child_id, command, &caller.context(&input.fingerprint))
        .await?;
    Ok(respond(
        state,
        outcome,
        &child_id.stream_id(),
        Created::Nothing,
    ))
}

/// Runs a command on a PEP of a child the caller may reach.
pub(crate) async fn run_pep_command<B: DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    operation: Operation,
    pep_id: &str,
    body: Body,
    build: impl FnOnce(B, &CommandEnv<'_>) -> Result<(PepCommand, Created), ApiError>,
) -> Result<CommandResponse, ApiError> {
    let pep_id: PepId = path_id("pep_id", pep_id)?;
    access::pep_in_reach(state, &caller.principal, operation, pep_id).await?;
    let input = read_json::<B>(state, caller, body).await?;
    let env = CommandEnv::new(state, caller, &input.fingerprint);
    let (command, created) = build(input.value, &env)?;
    let outcome = state
        .commands()
        .pep(pep_id, command, &caller.context(&input.fingerprint))
        .await?;
    Ok(respond(state, outcome, &pep_id.stream_id(), created))
}
