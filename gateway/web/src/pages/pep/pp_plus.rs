//! Asking for PP+ against a PEP: the designated teacher names the targets the money serves,
//! what it pays for, the intended outcome and the cost. The money comes from the child's LA's
//! budget for this financial year, for the child's current school unless another is given; the
//! cap, the release condition and the impact rule are the LA's policy, applied by the domain.

use super::{Loaded, PipeOk, done, load_for};
use crate::WebState;
use crate::error::PageError;
use crate::forms::{Choice, Field, FormPage, Posted, Problems, new_form_key};
use crate::nav::Layout;
use crate::session::SignedIn;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use commands::handlers::FundingRequest;
use domain::funding::FinancialYear;
use domain::ids::{FundingRequestId, TargetId};
use domain::values::{Money, SchoolUrn};
use pep_auth::Operation;
use pep_http::ApiError;

fn fields(posted: &Posted, loaded: &Loaded) -> Vec<Field> {
    let chosen = posted.all("target_ids");
    let school = loaded
        .child
        .current_setting()
        .and_then(|spell| spell.setting.urn.as_ref())
        .map(|urn| urn.as_str().to_owned())
        .unwrap_or_default();
    let mut school_field = Field::text("school_urn", "School URN", posted)
        .hint("The school the money is paid to. Filled in with the child's current school.")
        .width("govuk-input--width-10");
    if posted.0.is_empty() {
        school_field.value = school;
    }
    vec![
        Field {
            choices: loaded
                .pep
                .own_target_ids()
                .iter()
                .filter_map(|target_id| {
                    loaded.pep.targets.get(target_id).map(|target| {
                        Choice::new(&target_id.to_string(), &target.description, &chosen)
                    })
                })
                .collect(),
            hint: "The money must serve targets of this PEP.".to_owned(),
            ..Field::checkboxes(
                "target_ids",
                "Which targets will it serve?",
                &chosen,
                Vec::new(),
            )
        },
        Field::textarea("purpose", "What will it pay for?", posted)
            .hint("For example, 20 one-to-one reading sessions with a specialist tutor."),
        Field::textarea(
            "intended_outcome",
            "What difference should it make?",
            posted,
        ),
        Field::text("amount", "How much, in pounds?", posted)
            .hint("For example, 450 or 450.50")
            .width("govuk-input--width-10"),
        school_field,
    ]
}

fn page(
    state: &WebState,
    signed_in: &SignedIn,
    loaded: &Loaded,
    fields: Vec<Field>,
    problems: Problems,
) -> Response {
    FormPage {
        layout: Layout::signed_in(signed_in, "Ask for PP+", ""),
        back_href: loaded.href(),
        caption: loaded.caption(),
        heading: "Ask for Pupil Premium Plus".to_owned(),
        intro: vec![
            "The Virtual School decides: it may approve, approve part of the amount, or decline \
             with a reason. Money is paid termly once the PEP meets the Virtual School's policy."
                .to_owned(),
        ],
        action: format!("{}/pp-plus/new", loaded.href()),
        form_key: new_form_key(state),
        fields,
        problems,
        submit: "Send the request".to_owned(),
        warning: false,
    }
    .respond()
}

/// `GET /peps/{pep_id}/pp-plus/new`.
pub async fn new(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::RequestFunding,
        "ask for PP+",
    )?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::RequestFunding).await?;
    let posted = Posted::default();
    let fields = fields(&posted, &loaded);
    page(&state, &signed_in, &loaded, fields, Problems::none()).pipe_ok()
}

/// `POST /peps/{pep_id}/pp-plus/new`.
pub async fn request(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::RequestFunding).await?;
    let mut fields = fields(&posted, &loaded);
    let mut problems = Problems::none();
    let target_ids: Vec<TargetId> = posted
        .all("target_ids")
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    if target_ids.is_empty() {
        problems.add(
            &mut fields,
            "target_ids",
            "Choose at least one target the money serves",
        );
    }
    for (name, message) in [
        ("purpose", "Say what the money will pay for"),
        ("intended_outcome", "Say what difference it should make"),
    ] {
        if posted.text(name).is_empty() {
            problems.add(&mut fields, name, message);
        }
    }
    let amount = match Money::parse_pounds(&posted.text("amount").replace([',', '£'], "")) {
        Ok(amount) if amount.pence() > 0 => Some(amount),
        _ => {
            problems.add(
                &mut fields,
                "amount",
                "Enter the amount in pounds, like 450 or 450.50",
            );
            None
        }
    };
    let school_urn = match posted.text("school_urn").as_str() {
        "" => None,
        text => match SchoolUrn::parse(text) {
            Ok(urn) => Some(urn),
            Err(error) => {
                problems.add(
                    &mut fields,
                    "school_urn",
                    crate::forms::sentence(&error.to_string()),
                );
                None
            }
        },
    };
    let (Some(amount), true) = (amount, problems.is_empty()) else {
        return page(&state, &signed_in, &loaded, fields, problems).pipe_ok();
    };
    let today = crate::forms::today(&state);
    let path = format!("{}/pp-plus/new", loaded.href());
    let request_id = FundingRequestId::from_uuid(crate::forms::id_from_key(
        &state,
        &signed_in,
        &posted,
        &path,
        "funding-request",
    ));
    let request = FundingRequest {
        request_id,
        pep_id: loaded.pep_id,
        school_urn,
        target_ids,
        amount,
        purpose: posted.text("purpose"),
        intended_outcome: posted.text("intended_outcome"),
        requested_on: today,
    };
    let context = crate::forms::context(&signed_in, &posted, &path);
    let outcome = state
        .api()
        .commands()
        .request_funding(
            &loaded.header.la,
            FinancialYear::containing(today),
            request,
            &context,
        )
        .await
        .map_err(ApiError::from);
    match outcome {
        Ok(_) => Ok(done(loaded.pep_id, "pp-plus")),
        Err(error) => {
            let problems = Problems::from_api(error, &mut fields, "amount", signed_in.request_id)?;
            page(&state, &signed_in, &loaded, fields, problems).pipe_ok()
        }
    }
}
