//! A section's editor.
//!
//! The form carries the section's revision it was opened at. Saving sends it with the text, so
//! when someone else saved the section meanwhile the domain refuses the save
//! (`PepError::SectionChanged`) and the page shows their version beside the person's own, still
//! in the box, to keep, replace or merge: never a silent overwrite. A save that fails for any
//! other reason shows the form again with the text as typed and the reason in the error summary.
//!
//! With JavaScript, `assets/app/editor.js` saves the draft a moment after each change
//! (`POST .../autosave`, answering JSON) and keeps the form's revision current; if another
//! person's save comes first it sends the form the ordinary way, which shows the conflict view.

use super::{Loaded, PipeOk, done, load_for, load_for_reading, run};
use crate::WebState;
use crate::error::{PageError, render_with_status};
use crate::forms::{Posted, Problems, SummaryError, new_form_key};
use crate::nav::Layout;
use crate::session::SignedIn;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::pep::{PepCommand, PepSection};
use pep_auth::Operation;

#[derive(Template)]
#[template(path = "pep_section.html")]
struct EditorPage {
    layout: Layout,
    caption: String,
    title: String,
    prompt: String,
    owner: String,
    back_href: String,
    action: String,
    autosave_action: String,
    content: String,
    based_on_revision: u32,
    problems: Problems,
    /// Their version, when someone else saved first.
    theirs: Option<String>,
    may_complete: bool,
    form_key: String,
}

fn section(name: &str) -> Result<PepSection, PageError> {
    PepSection::parse(name).ok_or(PageError::NotFound)
}

/// Refuses a role that may not write `section`, or a PEP that can no longer change, with the
/// 403 page naming who may.
fn may_write(loaded: &Loaded, signed_in: &SignedIn, section: PepSection) -> Result<(), PageError> {
    if !section.may_draft(signed_in.principal.role) {
        let mut roles = vec![crate::format::role_name(section.owner()).to_owned()];
        if section.owner() != domain::Role::VirtualSchool {
            roles.push(crate::format::role_name(domain::Role::VirtualSchool).to_owned());
        }
        return Err(PageError::Forbidden {
            what: format!("write the section \u{201c}{}\u{201d}", section.title()),
            roles,
        });
    }
    let status = loaded.pep.status();
    if status.locks_content() {
        return Err(PageError::BadRequest {
            message: format!(
                "This PEP is {} and can no longer be changed.",
                crate::pages::child::debug_words(&status).to_lowercase()
            ),
        });
    }
    Ok(())
}

fn editor(
    signed_in: &SignedIn,
    state: &WebState,
    loaded: &Loaded,
    section: PepSection,
    content: String,
    based_on_revision: u32,
) -> EditorPage {
    let base = loaded.href();
    EditorPage {
        layout: Layout::signed_in(signed_in, section.title(), ""),
        caption: loaded.caption(),
        title: section.title().to_owned(),
        prompt: section.prompt().to_owned(),
        owner: crate::format::role_name(section.owner()).to_lowercase(),
        back_href: format!("{base}#{}", section.as_str().replace('_', "-")),
        action: format!("{base}/sections/{}", section.as_str()),
        autosave_action: format!("{base}/sections/{}/autosave", section.as_str()),
        content,
        based_on_revision,
        problems: Problems::none(),
        theirs: None,
        may_complete: signed_in.principal.role == section.owner(),
        form_key: new_form_key(state),
    }
}

/// `GET /peps/{pep_id}/sections/{section}`.
pub async fn form(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((pep_id, section_name)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let section = section(&section_name)?;
    let loaded = load_for_reading(
        &state,
        &signed_in,
        &pep_id,
        "GET /peps/{id}/sections/{section} (web page)",
    )
    .await?;
    may_write(&loaded, &signed_in, section)?;
    let current = loaded.pep.sections.get(&section);
    let page = editor(
        &signed_in,
        &state,
        &loaded,
        section,
        current
            .map(|current| current.content.clone())
            .unwrap_or_default(),
        current.map_or(0, |current| current.revision),
    );
    render_with_status(StatusCode::OK, &page).pipe_ok()
}

fn revision_of(posted: &Posted) -> Option<u32> {
    posted.text("based_on_revision").parse().ok()
}

/// `POST /peps/{pep_id}/sections/{section}`: saves the draft (and, with
/// `intent=complete`, marks the section complete).
pub async fn save(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((pep_id, section_name)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let request_id = signed_in.request_id;
    let section = section(&section_name)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::DraftSection).await?;
    let content = posted.raw("content");
    let based_on = revision_of(&posted);
    match may_write(&loaded, &signed_in, section) {
        Ok(()) => {}
        // The PEP was submitted (or closed) while the person was writing: their text stays on
        // the page to copy, with why it cannot be saved here.
        Err(PageError::BadRequest { message }) => {
            let mut page = editor(
                &signed_in,
                &state,
                &loaded,
                section,
                content,
                based_on.unwrap_or_default(),
            );
            page.problems.summary.push(SummaryError {
                anchor: "content".to_owned(),
                message: format!(
                    "Your text was not saved. {message} Copy your text from the box below if you \
                     need it for the next PEP."
                ),
            });
            return render_with_status(StatusCode::CONFLICT, &page).pipe_ok();
        }
        Err(refused) => return Err(refused),
    }
    let path = format!("{}/sections/{}", loaded.href(), section.as_str());
    let command = PepCommand::DraftSection {
        section,
        content: content.clone(),
        by: signed_in.principal.actor(),
        based_on,
    };
    let mut page = editor(
        &signed_in,
        &state,
        &loaded,
        section,
        content.clone(),
        based_on.unwrap_or_default(),
    );
    match run(&state, &signed_in, loaded.pep_id, command, &posted, &path).await {
        Ok(_) => {}
        Err(error) => {
            if let Some((revision, theirs)) = error.section_conflict() {
                page.based_on_revision = revision;
                page.theirs = Some(theirs.to_owned());
                page.problems.summary.push(SummaryError {
                    anchor: "content".to_owned(),
                    message: "Someone else saved this section while you were writing. Their \
                              version is shown first; yours is still in the box below. Keep \
                              yours, merge the two, or use theirs, then save."
                        .to_owned(),
                });
                return render_with_status(StatusCode::CONFLICT, &page).pipe_ok();
            }
            let mut fields = [crate::forms::Field::textarea(
                "content",
                "Your text",
                &posted,
            )];
            page.problems = Problems::from_api(error, &mut fields, "content", request_id)?;
            return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page).pipe_ok();
        }
    }
    if posted.text("intent") == "complete" {
        let today = pep_http::command::london_date(state.api().clock().now());
        let complete = PepCommand::CompleteSection {
            section,
            by: signed_in.principal.actor(),
            completed_on: today,
        };
        let no_key = Posted::default();
        if let Err(error) = run(
            &state,
            &signed_in,
            loaded.pep_id,
            complete,
            &no_key,
            &format!("{path}/complete"),
        )
        .await
        {
            let mut fields = [crate::forms::Field::textarea(
                "content",
                "Your text",
                &posted,
            )];
            page.problems = Problems::from_api(error, &mut fields, "content", request_id)?;
            page.problems.summary.insert(
                0,
                SummaryError {
                    anchor: String::new(),
                    message: "Your text was saved, but the section could not be marked complete."
                        .to_owned(),
                },
            );
            return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page).pipe_ok();
        }
        return Ok(done(loaded.pep_id, "completed"));
    }
    Ok(done(loaded.pep_id, "section"))
}

/// `POST /peps/{pep_id}/sections/{section}/complete`: marks a written section complete.
pub async fn complete(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((pep_id, section_name)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let request_id = signed_in.request_id;
    let section = section(&section_name)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::CompleteSection).await?;
    let today = pep_http::command::london_date(state.api().clock().now());
    let command = PepCommand::CompleteSection {
        section,
        by: signed_in.principal.actor(),
        completed_on: today,
    };
    let path = format!("{}/sections/{}/complete", loaded.href(), section.as_str());
    run(&state, &signed_in, loaded.pep_id, command, &posted, &path)
        .await
        .map_err(|error| super::workflow::step_refused(error, request_id))?;
    Ok(done(loaded.pep_id, "completed"))
}

/// `POST /peps/{pep_id}/sections/{section}/autosave`: the editor's script saving a draft.
/// Answers JSON: `{"revision": n}` when saved (200), the other person's `revision` and
/// `content` when they saved first (409), or a `message` (422, 403, 503).
pub async fn autosave(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((pep_id, section_name)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    let posted = Posted(posted);
    let json =
        |status: StatusCode, body: serde_json::Value| (status, axum::Json(body)).into_response();
    if posted.check(&signed_in).is_err() {
        return json(
            StatusCode::FORBIDDEN,
            serde_json::json!({"message": "This page is out of date: reload it to carry on."}),
        );
    }
    let Ok(section) = section(&section_name) else {
        return json(
            StatusCode::NOT_FOUND,
            serde_json::json!({"message": "No such section"}),
        );
    };
    let loaded = match load_for(&state, &signed_in, &pep_id, Operation::DraftSection).await {
        Ok(loaded) => loaded,
        Err(_) => {
            return json(
                StatusCode::NOT_FOUND,
                serde_json::json!({"message": "This PEP cannot be written here."}),
            );
        }
    };
    if let Err(error) = may_write(&loaded, &signed_in, section) {
        let message = match error {
            PageError::BadRequest { message } => message,
            _ => "Your role does not write this section.".to_owned(),
        };
        return json(
            StatusCode::FORBIDDEN,
            serde_json::json!({"message": message}),
        );
    }
    let content = posted.raw("content");
    let based_on = revision_of(&posted);
    let command = PepCommand::DraftSection {
        section,
        content,
        by: signed_in.principal.actor(),
        based_on,
    };
    let path = format!("{}/sections/{}", loaded.href(), section.as_str());
    // Each autosave is a fresh save of the whole text from the revision it saw; it needs no
    // idempotency key (the revision makes a repeat harmless).
    match run(
        &state,
        &signed_in,
        loaded.pep_id,
        command,
        &Posted::default(),
        &path,
    )
    .await
    {
        Ok(_) => {
            // The revision now stored, read back: the save may have written nothing (the same
            // text) or have followed someone's identical save.
            match pep_http::access::load_pep(state.api(), loaded.pep_id).await {
                Ok(pep) => {
                    let revision = pep.sections.get(&section).map_or(0, |saved| saved.revision);
                    json(StatusCode::OK, serde_json::json!({"revision": revision}))
                }
                Err(_) => json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    serde_json::json!({"message": "Saved, but the page could not check it: save again to be sure."}),
                ),
            }
        }
        Err(error) => match error.section_conflict() {
            Some((revision, theirs)) => json(
                StatusCode::CONFLICT,
                serde_json::json!({"revision": revision, "content": theirs}),
            ),
            None => {
                let status = match error.kind {
                    pep_http::ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                json(
                    status,
                    serde_json::json!({"message": crate::forms::sentence(&error.detail)}),
                )
            }
        },
    }
}
