//! Commands on an LA's Pupil Premium Plus budget for a financial year: set the budget, request,
//! allocate, reject, record impact. Another LA's budget answers as not found, except to a
//! designated teacher whose school a shared child of that LA is on roll at: they request PP+
//! and record its impact against the placing LA's budget, as the child's own LA's would.

use crate::access;
use crate::command::{CommandEnv, Created, path_id, respond};
use crate::dto::funding::{
    AllocateFundingBody, RecordImpactBody, RecordPaymentBody, RejectFundingBody,
    RequestFundingBody, SetBudgetBody,
};
use crate::extract::{Caller, read_json};
use crate::problem::ApiError;
use crate::response::{CommandAccepted, CommandResponse};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use commands::handlers::FundingAllocation;
use domain::funding::{FinancialYear, FundingCommand, budget_stream_id};
use domain::ids::{FundingRequestId, PepId};
use domain::values::LaCode;
use pep_auth::Operation;
use serde::de::DeserializeOwned;

/// Parses the LA and financial year of the path.
fn budget_path(la: &str, financial_year: &str) -> Result<(LaCode, FinancialYear), ApiError> {
    let la = LaCode::parse(la).map_err(|error| ApiError::field("path.la", error.to_string()))?;
    let financial_year = financial_year
        .parse::<FinancialYear>()
        .map_err(|error| ApiError::field("path.financial_year", error.to_string()))?;
    Ok((la, financial_year))
}

/// Sets or revises the year's budget and rules.
#[utoipa::path(
    put,
    path = "/api/v1/funding/{la}/{financial_year}/budget",
    tag = "funding",
    params(
        ("la" = String, Path, description = "The LA's 3-digit number"),
        ("financial_year" = String, Path, description = "The financial year, such as 2024-25"),
    ),
    request_body = SetBudgetBody,
    responses((status = 200, description = "Set", body = CommandAccepted))
)]
pub async fn set_budget(
    State(state): State<AppState>,
    Path((la, financial_year)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let (la, financial_year) = budget_path(&la, &financial_year)?;
    access::la_in_reach(&caller.principal, Operation::SetFundingBudget, &la, || {
        budget_stream_id(&la, financial_year)
    })?;
    let input = read_json::<SetBudgetBody>(&state, &caller, body).await?;
    let command = input.value.into_command(
        la.clone(),
        financial_year,
        state.commands().funding_policy(),
    )?;
    let outcome = state
        .commands()
        .funding(
            &la,
            financial_year,
            command,
            &caller.context(&input.fingerprint),
        )
        .await?;
    Ok(respond(
        &state,
        outcome,
        &budget_stream_id(&la, financial_year),
        Created::Nothing,
    ))
}

/// Asks for PP+ against targets of a PEP. The PEP's status and targets are read as the request
/// is decided; `If-Match` applies to the budget.
#[utoipa::path(
    post,
    path = "/api/v1/funding/{la}/{financial_year}/requests",
    tag = "funding",
    params(
        ("la" = String, Path, description = "The LA's 3-digit number"),
        ("financial_year" = String, Path, description = "The financial year, such as 2024-25"),
    ),
    request_body = RequestFundingBody,
    responses((status = 201, description = "Requested", body = CommandAccepted))
)]
pub async fn request_funding(
    State(state): State<AppState>,
    Path((la, financial_year)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let (la, financial_year) = budget_path(&la, &financial_year)?;
    access::require_role(&caller.principal, Operation::RequestFunding)?;
    let input = read_json::<RequestFundingBody>(&state, &caller, body).await?;
    let pep_id = PepId::from_uuid(input.value.pep_id);
    let (header, _) =
        access::pep_in_reach(&state, &caller.principal, Operation::RequestFunding, pep_id).await?;
    // PP+ comes from the budget of the child's LA: the caller's own, or, for a child placed out
    // of area whose record is shared with the caller's LA, the placing LA's. Any other budget is
    // answered as one that does not exist.
    if header.la != la {
        return Err(ApiError::not_found(format!(
            "{} was not found",
            budget_stream_id(&la, financial_year)
        )));
    }
    let env = CommandEnv::new(&state, &caller, &input.fingerprint);
    let request_id = FundingRequestId::from_uuid(env.new_id("funding-request"));
    let request = input.value.into_request(request_id, &env);
    let outcome = state
        .commands()
        .request_funding(
            &la,
            financial_year,
            request,
            &caller.context(&input.fingerprint),
        )
        .await?;
    Ok(respond(
        &state,
        outcome,
        &budget_stream_id(&la, financial_year),
        Created::FundingRequest(request_id.as_uuid()),
    ))
}

/// A decision on an existing request: a plain budget command, or an allocation, which the
/// handler decides on the PEP as it stands and the policy's rules.
enum Decision {
    Command(Box<FundingCommand>),
    Allocation(FundingAllocation),
}

/// Runs a decision on an existing request the caller may reach.
async fn decide_request<B: DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    operation: Operation,
    (la, financial_year, request_id): (String, String, String),
    body: Body,
    build: impl FnOnce(B, FundingRequestId, &CommandEnv<'_>) -> Decision,
) -> Result<CommandResponse, ApiError> {
    let (la, financial_year) = budget_path(&la, &financial_year)?;
    let request_id: FundingRequestId = path_id("request_id", &request_id)?;
    access::funding_request_in_reach(
        state,
        &caller.principal,
        operation,
        &la,
        financial_year,
        request_id,
    )
    .await?;
    let input = read_json::<B>(state, caller, body).await?;
    let env = CommandEnv::new(state, caller, &input.fingerprint);
    let context = caller.context(&input.fingerprint);
    let outcome = match build(input.value, request_id, &env) {
        Decision::Command(command) => {
            state
                .commands()
                .funding(&la, financial_year, *command, &context)
                .await?
        }
        Decision::Allocation(allocation) => {
            state
                .commands()
                .allocate_funding(&la, financial_year, allocation, &context)
                .await?
        }
    };
    Ok(respond(
        state,
        outcome,
        &budget_stream_id(&la, financial_year),
        Created::Nothing,
    ))
}

/// Allocates money to a request (at most what was asked for, within the cap and the budget).
#[utoipa::path(
    post,
    path = "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/allocate",
    tag = "funding",
    params(
        ("la" = String, Path, description = "The LA's 3-digit number"),
        ("financial_year" = String, Path, description = "The financial year, such as 2024-25"),
        ("request_id" = uuid::Uuid, Path, description = "The request"),
    ),
    request_body = AllocateFundingBody,
    responses((status = 200, description = "Allocated", body = CommandAccepted))
)]
pub async fn allocate_funding(
    State(state): State<AppState>,
    Path(path): Path<(String, String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    decide_request(
        &state,
        &caller,
        Operation::AllocateFunding,
        path,
        body,
        |body: AllocateFundingBody, request_id, env| {
            Decision::Allocation(body.into_allocation(request_id, env))
        },
    )
    .await
}

/// Turns a request down, with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/reject",
    tag = "funding",
    params(
        ("la" = String, Path, description = "The LA's 3-digit number"),
        ("financial_year" = String, Path, description = "The financial year, such as 2024-25"),
        ("request_id" = uuid::Uuid, Path, description = "The request"),
    ),
    request_body = RejectFundingBody,
    responses((status = 200, description = "Rejected", body = CommandAccepted))
)]
pub async fn reject_funding(
    State(state): State<AppState>,
    Path(path): Path<(String, String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    decide_request(
        &state,
        &caller,
        Operation::RejectFunding,
        path,
        body,
        |body: RejectFundingBody, request_id, env| {
            Decision::Command(Box::new(body.into_command(request_id, env)))
        },
    )
    .await
}

/// Records that an instalment of an allocation was paid to the school, with the finance
/// system's reference. Each instalment is paid once; the request's payment schedule (in
/// `GET /children/{child_id}/funding`) lists them.
#[utoipa::path(
    post,
    path = "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/payments",
    tag = "funding",
    params(
        ("la" = String, Path, description = "The LA's 3-digit number"),
        ("financial_year" = String, Path, description = "The financial year, such as 2024-25"),
        ("request_id" = uuid::Uuid, Path, description = "The request"),
    ),
    request_body = RecordPaymentBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn record_funding_payment(
    State(state): State<AppState>,
    Path(path): Path<(String, String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    decide_request(
        &state,
        &caller,
        Operation::RecordFundingPayment,
        path,
        body,
        |body: RecordPaymentBody, request_id, env| {
            Decision::Command(Box::new(body.into_command(request_id, env)))
        },
    )
    .await
}

/// Records what an allocation achieved.
#[utoipa::path(
    post,
    path = "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/impact",
    tag = "funding",
    params(
        ("la" = String, Path, description = "The LA's 3-digit number"),
        ("financial_year" = String, Path, description = "The financial year, such as 2024-25"),
        ("request_id" = uuid::Uuid, Path, description = "The request"),
    ),
    request_body = RecordImpactBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn record_funding_impact(
    State(state): State<AppState>,
    Path(path): Path<(String, String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    decide_request(
        &state,
        &caller,
        Operation::RecordFundingImpact,
        path,
        body,
        |body: RecordImpactBody, request_id, env| {
            Decision::Command(Box::new(body.into_command(request_id, env)))
        },
    )
    .await
}
