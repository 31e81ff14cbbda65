//! The Virtual School's PP+ pages: the year's budget (allocated, committed, paid, remaining),
//! the requests to decide (approve, approve part, or decline with a reason), each approved
//! request's termly instalments with a form to record a payment, and the year's remittance as
//! CSV. The rules (cap, release condition, impact before more, never below zero) are the
//! domain's, on the LA's policy; these pages only ask and show.
//!
//! After a change the page waits (bounded, as the API's `min_position` does) for the funding
//! read model to reach the change, so what it shows includes it.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format;
use crate::forms::{Field, FormPage, Posted, Problems, new_form_key};
use crate::nav::Layout;
use crate::pages::pep::PipeOk;
use crate::session::SignedIn;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use commands::handlers::{CommandOutcome, FundingAllocation};
use domain::funding::{FinancialYear, FundingCommand};
use domain::ids::{ChildId, FundingRequestId};
use domain::values::{LaCode, Money};
use pep_auth::Operation;
use pep_http::ApiError;
use projections::funding::{FundingRequestFilter, STATUS_ALLOCATED, STATUS_REQUESTED};
use serde::Deserialize;

/// The page's query: which year, and the position of a change just made.
#[derive(Debug, Default, Deserialize)]
pub struct FundingQuery {
    /// The financial year (`2026-27`); this one when absent.
    pub year: Option<String>,
    /// Wait for the read model to reach this position.
    pub after: Option<u64>,
}

struct InstalmentRow {
    label: String,
    due: String,
    amount: String,
    paid: Option<String>,
    pay_action: Option<String>,
    number: u8,
    field_id: String,
}

struct RequestRow {
    child_name: String,
    child_href: String,
    school: String,
    amount: String,
    allocated: String,
    purpose: String,
    outcome: String,
    requested: String,
    decide_href: Option<String>,
    instalments: Vec<InstalmentRow>,
    impact: String,
}

#[derive(Template)]
#[template(path = "funding.html")]
struct FundingPage {
    layout: Layout,
    year: String,
    budget: Option<Vec<(String, String)>>,
    to_decide: Vec<RequestRow>,
    approved: Vec<RequestRow>,
    declined: Vec<RequestRow>,
    remittance_href: String,
    form_key: String,
}

fn year_of(state: &WebState, text: Option<&str>) -> Result<FinancialYear, PageError> {
    match text.filter(|text| !text.is_empty()) {
        None => Ok(FinancialYear::containing(pep_http::command::london_date(
            state.api().clock().now(),
        ))),
        Some(text) => text.parse().map_err(|_| PageError::BadRequest {
            message: format!("{text:?} is not a financial year, like 2026-27"),
        }),
    }
}

fn la_of(signed_in: &SignedIn) -> LaCode {
    signed_in.principal.la.clone()
}

/// `GET /funding`.
pub async fn page(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Query(query): Query<FundingQuery>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::RecordFundingPayment,
        "manage PP+",
    )?;
    let request_id = signed_in.request_id;
    let year = year_of(&state, query.year.as_deref())?;
    let side = state.read();
    side.wait_for("funding", query.after)
        .await
        .map_err(|error| PageError::from_api(error, request_id))?;
    let la = la_of(&signed_in);
    let internal = |error: projections::runtime::ProjectionError| {
        PageError::internal(error.to_string(), request_id)
    };
    let summary = projections::funding::budget_summary(side.database(), la.as_str(), year)
        .await
        .map_err(internal)?;
    let requests = projections::funding::funding_requests(
        side.database(),
        &FundingRequestFilter {
            la: la.as_str().to_owned(),
            financial_year: Some(year),
            ..FundingRequestFilter::default()
        },
    )
    .await
    .map_err(internal)?;
    let mut children = Vec::new();
    for child_id in requests
        .iter()
        .filter_map(|row| row.child_id.parse::<ChildId>().ok())
        .collect::<std::collections::BTreeSet<_>>()
    {
        children.push((child_id, la.as_str().to_owned()));
    }
    pep_http::access::log_cohort_read(
        state.api(),
        &signed_in.principal,
        children.iter().cloned(),
        "GET /funding (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let mut names = std::collections::BTreeMap::new();
    for (child_id, _) in &children {
        let child = pep_http::access::load_child(state.api(), *child_id)
            .await
            .map_err(|error| PageError::from_api(error, request_id))?;
        names.insert(
            child_id.to_string(),
            crate::pages::child::child_name(&child),
        );
    }
    let (mut to_decide, mut approved, mut declined) = (Vec::new(), Vec::new(), Vec::new());
    for row in &requests {
        let base = format!("/funding/{year}/requests/{}", row.request_id);
        let instalments = row
            .payments
            .iter()
            .map(|payment| InstalmentRow {
                label: format!(
                    "{} term {}",
                    crate::forms::sentence(&payment.term),
                    payment.term_year
                ),
                due: format::date(payment.due_on),
                amount: format::pounds(payment.amount_pence),
                paid: payment.paid_on.map(|day| {
                    format!(
                        "Paid {}{}",
                        format::date(day),
                        payment
                            .reference
                            .as_deref()
                            .map(|reference| format!(", reference {reference}"))
                            .unwrap_or_default()
                    )
                }),
                pay_action: payment
                    .paid_on
                    .is_none()
                    .then(|| format!("{base}/payments")),
                number: payment.instalment,
                field_id: format!("reference-{}-{}", row.request_id, payment.instalment),
            })
            .collect();
        let line = RequestRow {
            child_name: names
                .get(&row.child_id)
                .cloned()
                .unwrap_or_else(|| "Child".to_owned()),
            child_href: format!("/children/{}", row.child_id),
            school: row
                .school_urn
                .clone()
                .unwrap_or_else(|| "Not named".to_owned()),
            amount: format::pounds(row.requested_pence),
            allocated: format::pounds(row.allocated_pence),
            purpose: row.purpose.clone(),
            outcome: row.intended_outcome.clone(),
            requested: format::date(row.requested_on),
            decide_href: (row.status == STATUS_REQUESTED).then(|| format!("{base}/decision")),
            instalments,
            impact: match (&row.impact, row.impact_missing) {
                (Some(impact), _) => impact.clone(),
                (None, true) => {
                    "Not recorded yet: needed before more PP+ for this child".to_owned()
                }
                (None, false) => "Not recorded yet".to_owned(),
            },
        };
        match row.status.as_str() {
            STATUS_REQUESTED => to_decide.push(line),
            STATUS_ALLOCATED => approved.push(line),
            _ => declined.push(line),
        }
    }
    let budget = summary.map(|summary| {
        vec![
            ("Budget".to_owned(), format::pounds(summary.budget_pence)),
            (
                "Approved".to_owned(),
                format::pounds(summary.allocated_pence),
            ),
            (
                "Paid to schools".to_owned(),
                format::pounds(summary.paid_pence),
            ),
            (
                "Committed (approved, not yet paid)".to_owned(),
                format::pounds(summary.committed_pence),
            ),
            (
                "Remaining to approve".to_owned(),
                format::pounds(summary.remaining_budget_pence),
            ),
            (
                "Asked for, not yet decided".to_owned(),
                format::pounds(summary.pending_pence),
            ),
            (
                "Most for one child".to_owned(),
                format::pounds(summary.per_child_cap_pence),
            ),
        ]
    });
    render(&FundingPage {
        layout: Layout::signed_in(&signed_in, "PP+", "/funding"),
        year: year.to_string(),
        budget,
        to_decide,
        approved,
        declined,
        remittance_href: format!("/funding/remittance.csv?year={year}"),
        form_key: new_form_key(&state),
    })
    .pipe_ok()
}

async fn in_reach(
    state: &WebState,
    signed_in: &SignedIn,
    operation: Operation,
    year: &str,
    request_id: &str,
) -> Result<(FinancialYear, FundingRequestId), PageError> {
    let year: FinancialYear = year.parse().map_err(|_| PageError::NotFound)?;
    let funding_request: FundingRequestId = request_id.parse().map_err(|_| PageError::NotFound)?;
    pep_http::access::funding_request_in_reach(
        state.api(),
        &signed_in.principal,
        operation,
        &la_of(signed_in),
        year,
        funding_request,
    )
    .await
    .map_err(|error| PageError::from_api(error, signed_in.request_id))?;
    Ok((year, funding_request))
}

fn after(year: FinancialYear, outcome: &CommandOutcome) -> Response {
    let position = outcome
        .last_position
        .map(|position| format!("&after={position}"))
        .unwrap_or_default();
    Redirect::to(&format!("/funding?year={year}{position}")).into_response()
}

fn decision_fields(posted: &Posted) -> Vec<Field> {
    vec![
        Field::radios(
            "decision",
            "Your decision",
            posted,
            &[
                ("approve", "Approve the full amount"),
                ("part", "Approve part of it"),
                ("decline", "Decline it"),
            ],
        ),
        Field::text("amount", "If approving part, how much, in pounds?", posted)
            .width("govuk-input--width-10"),
        Field::textarea("reason", "If declining, why?", posted)
            .hint("The school sees this reason."),
    ]
}

async fn decision_page(
    state: &WebState,
    signed_in: &SignedIn,
    year: FinancialYear,
    funding_request: FundingRequestId,
    fields: Vec<Field>,
    problems: Problems,
) -> Result<Response, PageError> {
    let rows = projections::funding::funding_requests(
        state.read().database(),
        &FundingRequestFilter {
            la: la_of(signed_in).as_str().to_owned(),
            financial_year: Some(year),
            ..FundingRequestFilter::default()
        },
    )
    .await
    .map_err(|error| PageError::internal(error.to_string(), signed_in.request_id))?;
    let intro = match rows
        .iter()
        .find(|row| row.request_id == funding_request.to_string())
    {
        Some(row) => vec![
            format!(
                "Asked for: {} for {}.",
                format::pounds(row.requested_pence),
                row.purpose
            ),
            format!("Intended outcome: {}", row.intended_outcome),
        ],
        None => vec!["The request's details are still being brought up to date.".to_owned()],
    };
    Ok(FormPage {
        layout: Layout::signed_in(signed_in, "Decide a PP+ request", "/funding"),
        back_href: format!("/funding?year={year}"),
        caption: format!("PP+ {year}"),
        heading: "Decide a PP+ request".to_owned(),
        intro,
        action: format!("/funding/{year}/requests/{funding_request}/decision"),
        form_key: new_form_key(state),
        fields,
        problems,
        submit: "Record the decision".to_owned(),
        warning: false,
    }
    .respond())
}

/// `GET /funding/{year}/requests/{request_id}/decision`.
pub async fn decision_form(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((year, request_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::AllocateFunding,
        "decide PP+",
    )?;
    let (year, funding_request) = in_reach(
        &state,
        &signed_in,
        Operation::AllocateFunding,
        &year,
        &request_id,
    )
    .await?;
    let posted = Posted::default();
    decision_page(
        &state,
        &signed_in,
        year,
        funding_request,
        decision_fields(&posted),
        Problems::none(),
    )
    .await
}

/// `POST /funding/{year}/requests/{request_id}/decision`.
pub async fn decide(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((year, request_id)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let decision = posted.text("decision");
    let operation = if decision == "decline" {
        Operation::RejectFunding
    } else {
        Operation::AllocateFunding
    };
    let (year, funding_request) =
        in_reach(&state, &signed_in, operation, &year, &request_id).await?;
    let mut fields = decision_fields(&posted);
    let mut problems = Problems::none();
    let today = pep_http::command::london_date(state.api().clock().now());
    let la = la_of(&signed_in);
    let path = format!("/funding/{year}/requests/{funding_request}/decision");
    let context = crate::forms::context(&signed_in, &posted, &path);
    let (funding, _) = pep_http::access::load::<domain::funding::FundingDecider>(
        state.api(),
        &domain::funding::budget_stream_id(&la, year),
    )
    .await
    .map_err(|error| PageError::from_api(error, signed_in.request_id))?;
    let asked = funding
        .requests
        .get(&funding_request)
        .map(|request| request.requested)
        .ok_or(PageError::NotFound)?;
    let commands = state.api().commands();
    let outcome = match decision.as_str() {
        "approve" | "part" => {
            let amount = if decision == "approve" {
                Some(asked)
            } else {
                match Money::parse_pounds(&posted.text("amount").replace([',', '£'], "")) {
                    Ok(amount) if amount.pence() > 0 => Some(amount),
                    _ => {
                        problems.add(
                            &mut fields,
                            "amount",
                            "Enter the amount to approve, like 300 or 300.50",
                        );
                        None
                    }
                }
            };
            match amount {
                Some(amount) => Some(
                    commands
                        .allocate_funding(
                            &la,
                            year,
                            FundingAllocation {
                                request_id: funding_request,
                                amount,
                                allocated_on: today,
                            },
                            &context,
                        )
                        .await,
                ),
                None => None,
            }
        }
        "decline" => {
            let reason = posted.text("reason");
            if reason.is_empty() {
                problems.add(&mut fields, "reason", "Say why the request is declined");
                None
            } else {
                Some(
                    commands
                        .funding(
                            &la,
                            year,
                            FundingCommand::Reject {
                                request_id: funding_request,
                                reason,
                                rejected_on: today,
                            },
                            &context,
                        )
                        .await,
                )
            }
        }
        _ => {
            problems.add(
                &mut fields,
                "decision",
                "Choose approve, approve part, or decline",
            );
            None
        }
    };
    match outcome.map(|outcome| outcome.map_err(ApiError::from)) {
        Some(Ok(outcome)) => Ok(after(year, &outcome)),
        Some(Err(error)) => {
            let problems =
                Problems::from_api(error, &mut fields, "decision", signed_in.request_id)?;
            decision_page(&state, &signed_in, year, funding_request, fields, problems).await
        }
        None => decision_page(&state, &signed_in, year, funding_request, fields, problems).await,
    }
}

/// `POST /funding/{year}/requests/{request_id}/payments`: records an instalment paid, with
/// the finance system's reference.
pub async fn record_payment(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((year, request_id)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let (year, funding_request) = in_reach(
        &state,
        &signed_in,
        Operation::RecordFundingPayment,
        &year,
        &request_id,
    )
    .await?;
    let instalment: u8 = posted
        .text("instalment")
        .parse()
        .map_err(|_| PageError::NotDone {
            message: "The form did not say which instalment was paid.".to_owned(),
        })?;
    let reference = posted.text("reference");
    if reference.is_empty() {
        return Err(PageError::NotDone {
            message: "Enter the finance system's payment reference to record a payment.".to_owned(),
        });
    }
    let path = format!("/funding/{year}/requests/{funding_request}/payments");
    let context = crate::forms::context(&signed_in, &posted, &path);
    let outcome = state
        .api()
        .commands()
        .funding(
            &la_of(&signed_in),
            year,
            FundingCommand::RecordPayment {
                request_id: funding_request,
                instalment,
                paid_on: pep_http::command::london_date(state.api().clock().now()),
                reference,
            },
            &context,
        )
        .await
        .map_err(ApiError::from)
        .map_err(|error| crate::pages::pep::workflow::step_refused(error, signed_in.request_id))?;
    Ok(after(year, &outcome))
}

/// `GET /funding/remittance.csv?year=`: the year's paid instalments, for the finance team.
pub async fn remittance_csv(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Query(query): Query<FundingQuery>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::RecordFundingPayment,
        "download PP+ remittances",
    )?;
    let request_id = signed_in.request_id;
    let year = year_of(&state, query.year.as_deref())?;
    let la = la_of(&signed_in);
    let side = state.read();
    let lines = projections::funding::remittance(side.database(), la.as_str(), year, None)
        .await
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let children: std::collections::BTreeSet<ChildId> = lines
        .iter()
        .filter_map(|line| line.child_id.parse().ok())
        .collect();
    pep_http::access::log_cohort_read(
        state.api(),
        &signed_in.principal,
        children
            .into_iter()
            .map(|child_id| (child_id, la.as_str().to_owned())),
        "GET /funding/remittance.csv (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"pp-plus-remittance-{la}-{year}.csv\""),
            ),
        ],
        projections::funding::remittance_csv(&lines),
    )
        .into_response())
}
