//! Starting a PEP and moving it on: submit, return with a reason, quality-assure with a
//! rating, sign off. Who may take each step from which status is the domain's rule
//! ([`domain::pep::WorkflowStep`]); the page offers only what it allows, and a step forced by
//! hand is refused by the same rule with nothing appended.

use super::{PipeOk, done, load_for, run};
use crate::WebState;
use crate::error::PageError;
use crate::forms::{Field, FormPage, Posted, Problems, id_from_key, new_form_key, today};
use crate::nav::Layout;
use crate::session::SignedIn;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::ids::{ChildId, PepId};
use domain::pep::{PepCommand, PepKind, PepTrigger, QaRating};
use pep_auth::Operation;
use pep_http::{ApiError, ProblemKind};

/// A refusal of a step posted from a button, as a page saying why (or the API's own refusal
/// of the role or the record).
pub(crate) fn step_refused(error: ApiError, request_id: uuid::Uuid) -> PageError {
    match error.kind {
        ProblemKind::Validation
        | ProblemKind::RuleViolation
        | ProblemKind::StateConflict
        | ProblemKind::VersionConflict
        | ProblemKind::IdempotencyKeyReused => {
            let mut message = crate::forms::sentence(&error.detail);
            for field in error.errors() {
                message.push_str(&format!(" {}.", crate::forms::sentence(&field.message)));
            }
            PageError::NotDone { message }
        }
        _ => PageError::from_api(error, request_id),
    }
}

const KINDS: [(&str, &str); 5] = [
    ("initial", "Initial PEP, after coming into care"),
    ("review", "Review PEP"),
    ("transition", "Transition PEP, ahead of a school move"),
    ("early_years", "Early years PEP"),
    ("post16", "Post-16 PEP, part of the Pathway Plan"),
];

const TRIGGERS: [(&str, &str); 8] = [
    ("termly_review", "The termly review"),
    ("entered_care", "The child came into care"),
    ("placement_change", "The care placement changed"),
    ("school_change", "The school changed"),
    ("planned_school_move", "A planned school move"),
    ("key_stage_change", "A new key stage"),
    ("care_review", "A statutory care review is coming"),
    ("requested", "Asked for outside the cycle"),
];

fn start_fields(posted: &Posted) -> Vec<Field> {
    vec![
        Field::radios("kind", "Which kind of PEP?", posted, &KINDS),
        Field::radios("trigger", "What makes it due?", posted, &TRIGGERS),
    ]
}

fn start_page(
    state: &WebState,
    signed_in: &SignedIn,
    child_id: ChildId,
    name: &str,
    fields: Vec<Field>,
    problems: Problems,
) -> Response {
    FormPage {
        layout: Layout::signed_in(signed_in, "Start a PEP", ""),
        back_href: format!("/children/{child_id}"),
        caption: name.to_owned(),
        heading: "Start a PEP".to_owned(),
        intro: vec![
            "The new PEP starts with the targets of the last one still to be reviewed. Any PEP \
             still open for this child must be finished or withdrawn first."
                .to_owned(),
        ],
        action: format!("/children/{child_id}/peps"),
        form_key: new_form_key(state),
        fields,
        problems,
        submit: "Start the PEP".to_owned(),
        warning: false,
    }
    .respond()
}

async fn child_for_start(
    state: &WebState,
    signed_in: &SignedIn,
    child_id: &str,
) -> Result<(ChildId, String), PageError> {
    let request_id = signed_in.request_id;
    let child_id: ChildId = child_id.parse().map_err(|_| PageError::NotFound)?;
    let child = pep_http::access::child_in_reach(
        state.api(),
        &signed_in.principal,
        Operation::InitiatePep,
        child_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let name = crate::pages::child::child_name(&child);
    Ok((child_id, name))
}

/// `GET /children/{child_id}/peps/new`.
pub async fn start_form(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(child_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(&signed_in.principal, Operation::InitiatePep, "start a PEP")?;
    let (child_id, name) = child_for_start(&state, &signed_in, &child_id).await?;
    let posted = Posted::default();
    start_page(
        &state,
        &signed_in,
        child_id,
        &name,
        start_fields(&posted),
        Problems::none(),
    )
    .pipe_ok()
}

/// `POST /children/{child_id}/peps`.
pub async fn start(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(child_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    crate::error::require(&signed_in.principal, Operation::InitiatePep, "start a PEP")?;
    let request_id = signed_in.request_id;
    let (child_id, name) = child_for_start(&state, &signed_in, &child_id).await?;
    let mut fields = start_fields(&posted);
    let mut problems = Problems::none();
    let text = |name: &str| serde_json::Value::String(posted.text(name));
    let kind: Option<PepKind> = serde_json::from_value(text("kind")).ok();
    let trigger: Option<PepTrigger> = serde_json::from_value(text("trigger")).ok();
    if kind.is_none() {
        problems.add(&mut fields, "kind", "Choose which kind of PEP this is");
    }
    if trigger.is_none() {
        problems.add(&mut fields, "trigger", "Choose what makes the PEP due");
    }
    let (Some(kind), Some(trigger)) = (kind, trigger) else {
        return start_page(&state, &signed_in, child_id, &name, fields, problems).pipe_ok();
    };
    let path = format!("/children/{child_id}/peps");
    let context = crate::forms::context(&signed_in, &posted, &path);
    // The PEP's id comes from the form's key, so the form sent twice starts one PEP.
    let pep_id = PepId::from_uuid(id_from_key(&state, &signed_in, &posted, &path, "pep"));
    let outcome = state
        .api()
        .commands()
        .initiate_pep(child_id, pep_id, kind, trigger, today(&state), &context)
        .await
        .map_err(ApiError::from);
    match outcome {
        Ok(_) => Ok(done(pep_id, "started")),
        Err(error) => {
            let problems = Problems::from_api(error, &mut fields, "kind", request_id)?;
            start_page(&state, &signed_in, child_id, &name, fields, problems).pipe_ok()
        }
    }
}

/// `POST /peps/{pep_id}/submit`.
pub async fn submit(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::SubmitPep).await?;
    let command = PepCommand::Submit {
        by: signed_in.principal.actor(),
        submitted_on: today(&state),
    };
    let path = format!("{}/submit", loaded.href());
    run(&state, &signed_in, loaded.pep_id, command, &posted, &path)
        .await
        .map_err(|error| step_refused(error, signed_in.request_id))?;
    Ok(done(loaded.pep_id, "submitted"))
}

/// `POST /peps/{pep_id}/sign-off`: signed off in the person's own name.
pub async fn sign_off(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::SignOffPep).await?;
    let command = PepCommand::SignOff {
        by: signed_in.principal.actor(),
        by_name: signed_in.display_name.clone(),
        signed_off_on: today(&state),
    };
    let path = format!("{}/sign-off", loaded.href());
    run(&state, &signed_in, loaded.pep_id, command, &posted, &path)
        .await
        .map_err(|error| step_refused(error, signed_in.request_id))?;
    Ok(done(loaded.pep_id, "signed-off"))
}

fn return_fields(posted: &Posted) -> Vec<Field> {
    vec![
        Field::textarea(
            "reason",
            "What must be improved before it is submitted again?",
            posted,
        )
        .hint("The people writing the PEP see this on the PEP's page."),
    ]
}

fn rating_fields(posted: &Posted) -> Vec<Field> {
    vec![
        Field::radios(
            "rating",
            "How good is this PEP?",
            posted,
            &[
                ("green", "Green: good, meets the standard"),
                ("amber", "Amber: requires improvement in places"),
                ("red", "Red: inadequate; PP+ is not released against it"),
            ],
        ),
        Field::textarea("comments", "Comments (optional)", posted)
            .hint("What is good, and what the school should do better next time."),
    ]
}

async fn form_page(
    state: &WebState,
    signed_in: &SignedIn,
    pep_id: &str,
    operation: Operation,
    which: &'static str,
    fields: Vec<Field>,
    problems: Problems,
) -> Result<Response, PageError> {
    let loaded = load_for(state, signed_in, pep_id, operation).await?;
    let (heading, submit, intro) = match which {
        "return" => (
            "Return the PEP for improvement",
            "Return the PEP",
            "It goes back to the people writing it, who can change it and submit it again.",
        ),
        _ => (
            "Rate this PEP",
            "Record the rating",
            "Rate the PEP against the Virtual School's quality standard. Once rated, it can be signed off.",
        ),
    };
    Ok(FormPage {
        layout: Layout::signed_in(signed_in, heading, ""),
        back_href: loaded.href(),
        caption: loaded.caption(),
        heading: heading.to_owned(),
        intro: vec![intro.to_owned()],
        action: format!(
            "{}/{}",
            loaded.href(),
            if which == "return" {
                "return"
            } else {
                "quality-assurance"
            }
        ),
        form_key: new_form_key(state),
        fields,
        problems,
        submit: submit.to_owned(),
        warning: which == "return",
    }
    .respond())
}

/// `GET /peps/{pep_id}/return`.
pub async fn return_form(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(&signed_in.principal, Operation::ReturnPep, "return a PEP")?;
    let posted = Posted::default();
    form_page(
        &state,
        &signed_in,
        &pep_id,
        Operation::ReturnPep,
        "return",
        return_fields(&posted),
        Problems::none(),
    )
    .await
}

/// `POST /peps/{pep_id}/return`.
pub async fn return_pep(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::ReturnPep).await?;
    let mut fields = return_fields(&posted);
    let reason = posted.text("reason");
    if reason.is_empty() {
        let mut problems = Problems::none();
        problems.add(&mut fields, "reason", "Say what must be improved");
        return form_page(
            &state,
            &signed_in,
            &pep_id,
            Operation::ReturnPep,
            "return",
            fields,
            problems,
        )
        .await;
    }
    let command = PepCommand::Return {
        by: signed_in.principal.actor(),
        returned_on: today(&state),
        reason,
    };
    let path = format!("{}/return", loaded.href());
    match run(&state, &signed_in, loaded.pep_id, command, &posted, &path).await {
        Ok(_) => Ok(done(loaded.pep_id, "returned")),
        Err(error) => {
            let problems = Problems::from_api(error, &mut fields, "reason", signed_in.request_id)?;
            form_page(
                &state,
                &signed_in,
                &pep_id,
                Operation::ReturnPep,
                "return",
                fields,
                problems,
            )
            .await
        }
    }
}

/// `GET /peps/{pep_id}/quality-assurance`.
pub async fn rating_form(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::QualityAssurePep,
        "rate a PEP",
    )?;
    let posted = Posted::default();
    form_page(
        &state,
        &signed_in,
        &pep_id,
        Operation::QualityAssurePep,
        "rate",
        rating_fields(&posted),
        Problems::none(),
    )
    .await
}

/// `POST /peps/{pep_id}/quality-assurance`.
pub async fn rate(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::QualityAssurePep).await?;
    let mut fields = rating_fields(&posted);
    let rating: Option<QaRating> =
        serde_json::from_value(serde_json::Value::String(posted.text("rating"))).ok();
    let Some(rating) = rating else {
        let mut problems = Problems::none();
        problems.add(&mut fields, "rating", "Choose a rating");
        return form_page(
            &state,
            &signed_in,
            &pep_id,
            Operation::QualityAssurePep,
            "rate",
            fields,
            problems,
        )
        .await;
    };
    let comments = Some(posted.text("comments")).filter(|comments| !comments.is_empty());
    let command = PepCommand::QualityAssure {
        by: signed_in.principal.actor(),
        assured_on: today(&state),
        rating,
        comments,
    };
    let path = format!("{}/quality-assurance", loaded.href());
    match run(&state, &signed_in, loaded.pep_id, command, &posted, &path).await {
        Ok(_) => Ok(done(loaded.pep_id, "rated")),
        Err(error) => {
            let problems = Problems::from_api(error, &mut fields, "rating", signed_in.request_id)?;
            form_page(
                &state,
                &signed_in,
                &pep_id,
                Operation::QualityAssurePep,
                "rate",
                fields,
                problems,
            )
            .await
        }
    }
}
