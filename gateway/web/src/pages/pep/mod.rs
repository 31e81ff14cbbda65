//! A PEP's own page and the pages that write it.
//!
//! The PEP page shows every section the person may read, with the text written so far, and
//! offers only what the person may do: the sections their role writes (the domain's
//! [`domain::pep::PepSection::may_draft`]), the targets, actions and meetings their role may
//! record (the authorisation table), and the workflow steps their role may take from the PEP's
//! status ([`domain::pep::WorkflowStep::offered`]). A step forced by hand is refused by the
//! same rules, with nothing appended.
//!
//! The modules: [`editor`] (a section's editor, its conflict view and the autosave), [`plan`]
//! (targets, actions, meetings, the child's views), [`workflow`] (start, submit, return,
//! quality-assure, sign off) and [`pp_plus`] (asking for PP+ against the PEP's targets).

pub mod editor;
pub mod plan;
pub mod pp_plus;
pub mod workflow;

use crate::WebState;
use crate::error::{PageError, render};
use crate::format::{self, Tag};
use crate::forms::Posted;
use crate::nav::Layout;
use crate::session::SignedIn;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::child::ChildState;
use domain::ids::PepId;
use domain::pep::{PepCommand, PepDecider, PepHeader, PepSection, PepState, WorkflowStep};
use pep_auth::Operation;
use serde::Deserialize;

/// A PEP as a page needs it: its header, state and version, and its child.
pub(crate) struct Loaded {
    pub(crate) pep_id: PepId,
    pub(crate) header: PepHeader,
    pub(crate) pep: PepState,
    pub(crate) child: ChildState,
}

impl Loaded {
    /// The child's name, for captions.
    pub(crate) fn child_name(&self) -> String {
        crate::pages::child::child_name(&self.child)
    }

    /// The PEP's page.
    pub(crate) fn href(&self) -> String {
        format!("/peps/{}", self.pep_id)
    }

    /// The caption above a form's heading.
    pub(crate) fn caption(&self) -> String {
        format!("{}: {}", self.child_name(), pep_heading(&self.header))
    }
}

fn pep_heading(header: &PepHeader) -> String {
    format!(
        "{} PEP, started {}",
        crate::pages::child::debug_words(&header.kind),
        format::date(header.initiated_on)
    )
}

/// Loads a PEP for reading, authorised and access-logged as `GET /api/v1/peps/{id}` (`what`
/// names the page in the log).
pub(crate) async fn load_for_reading(
    state: &WebState,
    signed_in: &SignedIn,
    pep_id: &str,
    what: &str,
) -> Result<Loaded, PageError> {
    let request_id = signed_in.request_id;
    let pep_id: PepId = pep_id.parse().map_err(|_| PageError::NotFound)?;
    let header = pep_http::access::authorize_pep_read(
        state.api(),
        &signed_in.principal,
        pep_id,
        what,
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    load_state(state, pep_id, header, request_id).await
}

/// Loads a PEP for `operation`: the role may take it and the child is in reach (or the same
/// refusal the API gives).
pub(crate) async fn load_for(
    state: &WebState,
    signed_in: &SignedIn,
    pep_id: &str,
    operation: Operation,
) -> Result<Loaded, PageError> {
    let request_id = signed_in.request_id;
    let pep_id: PepId = pep_id.parse().map_err(|_| PageError::NotFound)?;
    let (header, _) =
        pep_http::access::pep_in_reach(state.api(), &signed_in.principal, operation, pep_id)
            .await
            .map_err(|error| PageError::from_api(error, request_id))?;
    load_state(state, pep_id, header, request_id).await
}

async fn load_state(
    state: &WebState,
    pep_id: PepId,
    header: PepHeader,
    request_id: uuid::Uuid,
) -> Result<Loaded, PageError> {
    let (pep, _) = pep_http::access::load::<PepDecider>(state.api(), &pep_id.stream_id())
        .await
        .map_err(|error| PageError::from_api(error, request_id))?;
    let child = pep_http::access::load_child(state.api(), header.child_id)
        .await
        .map_err(|error| PageError::from_api(error, request_id))?;
    Ok(Loaded {
        pep_id,
        header,
        pep,
        child,
    })
}

/// Runs `command` on the PEP as the signed-in person.
pub(crate) async fn run(
    state: &WebState,
    signed_in: &SignedIn,
    pep_id: PepId,
    command: PepCommand,
    posted: &Posted,
    path: &str,
) -> Result<commands::handlers::CommandOutcome, pep_http::ApiError> {
    let context = crate::forms::context(signed_in, posted, path);
    state
        .api()
        .commands()
        .pep(pep_id, command, &context)
        .await
        .map_err(pep_http::ApiError::from)
}

/// Whether the person's role may take `operation` at all (the authorisation table).
pub(crate) fn may(signed_in: &SignedIn, operation: Operation) -> bool {
    pep_auth::policy::reach(&signed_in.principal, operation).is_ok()
}

/// After a change: back to the PEP's page, which says what was done.
pub(crate) fn done(pep_id: PepId, what: &str) -> Response {
    Redirect::to(&format!("/peps/{pep_id}?done={what}")).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct PepQuery {
    /// What was just done, for the success banner.
    pub done: Option<String>,
}

struct SectionCard {
    title: String,
    owner: String,
    state: Tag,
    paragraphs: Vec<String>,
    edit_href: Option<String>,
    complete_action: Option<String>,
    anchor: String,
}

struct TargetRow {
    description: String,
    measure: String,
    owner: String,
    due: String,
    outcome: String,
}

struct ActionRow {
    description: String,
    owner: String,
    due: String,
    state: Tag,
    done_action: Option<String>,
}

struct MeetingRow {
    scheduled: String,
    held: String,
    attendees: String,
    record_href: Option<String>,
}

struct StepButton {
    action: String,
    label: String,
    /// A step with its own form (return, rate) is a link; the others post straight away.
    is_link: bool,
    secondary: bool,
}

#[derive(Template)]
#[template(path = "pep.html")]
struct PepPage {
    layout: Layout,
    child_name: String,
    child_href: String,
    heading: String,
    status: Tag,
    banner: Option<String>,
    review_lines: Vec<String>,
    sections: Vec<SectionCard>,
    targets: Vec<TargetRow>,
    add_target_href: Option<String>,
    actions: Vec<ActionRow>,
    add_action_href: Option<String>,
    meetings: Vec<MeetingRow>,
    add_meeting_href: Option<String>,
    views: Vec<String>,
    record_views_href: Option<String>,
    missing: Vec<String>,
    steps: Vec<StepButton>,
    pp_plus_href: Option<String>,
    pdf_href: String,
    locked: bool,
}

fn banner(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "section" => "Your section was saved.",
            "completed" => "The section is marked complete.",
            "target" => "The target was added.",
            "action" => "The action was added.",
            "action-done" => "The action is marked done.",
            "meeting" => "The meeting was arranged.",
            "held" => "The meeting was recorded.",
            "views" => "The child's views were recorded.",
            "started" => "The PEP was started.",
            "submitted" => "The PEP was submitted for quality assurance.",
            "returned" => "The PEP was returned, with your reason.",
            "rated" => "Your quality-assurance rating was recorded.",
            "signed-off" => "The PEP is signed off and complete.",
            "pp-plus" => "Your PP+ request was sent to the Virtual School.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// `GET /peps/{pep_id}`.
pub async fn page(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Query(query): Query<PepQuery>,
) -> Result<Response, PageError> {
    let loaded = load_for_reading(&state, &signed_in, &pep_id, "GET /peps/{id} (web page)").await?;
    let pep = &loaded.pep;
    let status = pep.status();
    let locked = status.locks_content();
    let role = signed_in.principal.role;
    let base = loaded.href();
    let writable = |operation| !locked && may(&signed_in, operation);

    let sections = PepSection::ALL
        .iter()
        .map(|section| {
            let written = pep.sections.get(section);
            let content = written
                .map(|written| written.content.as_str())
                .unwrap_or("");
            let complete = written.is_some_and(|written| written.completed_on.is_some());
            SectionCard {
                title: section.title().to_owned(),
                owner: format::role_name(section.owner()).to_owned(),
                state: section_tag(written),
                paragraphs: paragraphs(content),
                edit_href: (writable(Operation::DraftSection) && section.may_draft(role))
                    .then(|| format!("{base}/sections/{}", section.as_str())),
                complete_action: (writable(Operation::CompleteSection)
                    && role == section.owner()
                    && !content.trim().is_empty()
                    && !complete)
                    .then(|| format!("{base}/sections/{}/complete", section.as_str())),
                anchor: section.as_str().replace('_', "-"),
            }
        })
        .collect();
    let targets = pep
        .targets
        .values()
        .map(|target| TargetRow {
            description: target.description.clone(),
            measure: target.success_criterion.clone(),
            owner: target.owner_name.clone(),
            due: format::date(target.due_on),
            outcome: target
                .outcome
                .map(|outcome| crate::pages::child::debug_words(&outcome))
                .unwrap_or_else(|| "Not reviewed yet".to_owned()),
        })
        .collect();
    let actions = pep
        .actions
        .iter()
        .map(|(action_id, action)| ActionRow {
            description: action.description.clone(),
            owner: action.owner.name.clone(),
            due: format::date(action.due_on),
            state: match action.completed_on {
                Some(day) => Tag {
                    text: format!("Done {}", format::date(day)),
                    class: "govuk-tag--green".to_owned(),
                },
                None => Tag {
                    text: "Open".to_owned(),
                    class: "govuk-tag--blue".to_owned(),
                },
            },
            done_action: (action.completed_on.is_none() && writable(Operation::CompleteAction))
                .then(|| format!("{base}/actions/{action_id}/done")),
        })
        .collect();
    let meetings = pep
        .meetings
        .iter()
        .map(|(meeting_id, meeting)| MeetingRow {
            scheduled: format::date(meeting.scheduled_for),
            held: format::optional_date(meeting.held_on).replace("Not recorded", "Not yet held"),
            attendees: if meeting.attendees.is_empty() {
                "None recorded".to_owned()
            } else {
                meeting
                    .attendees
                    .iter()
                    .map(|attendee| format!("{} ({})", attendee.person.name, attendee.capacity))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            record_href: (meeting.held_on.is_none() && writable(Operation::HoldMeeting))
                .then(|| format!("{base}/meetings/{meeting_id}/held")),
        })
        .collect();
    let mut review_lines = Vec::new();
    if let Some(day) = pep.review.submitted_on {
        review_lines.push(format!("Last submitted {}.", format::date(day)));
    }
    if let Some((day, reason)) = &pep.review.returned {
        review_lines.push(format!("Returned {}: {reason}", format::date(*day)));
    }
    if let (Some(rating), Some((day, comments))) = (pep.rating, &pep.review.assured) {
        let mut line = format!(
            "Rated {} on {}.",
            crate::pages::child::debug_words(&rating).to_lowercase(),
            format::date(*day)
        );
        if let Some(comments) = comments {
            line.push_str(&format!(" {comments}"));
        }
        review_lines.push(line);
    }
    if let Some((day, by)) = &pep.review.signed_off {
        review_lines.push(format!("Signed off {} by {}.", format::date(*day), by.name));
    }
    let mut steps = Vec::new();
    let offered =
        |step: WorkflowStep, operation| step.offered(role, status) && may(&signed_in, operation);
    if offered(WorkflowStep::Submit, Operation::SubmitPep) {
        steps.push(StepButton {
            action: format!("{base}/submit"),
            label: "Submit for quality assurance".to_owned(),
            is_link: false,
            secondary: false,
        });
    }
    if offered(WorkflowStep::QualityAssure, Operation::QualityAssurePep) {
        steps.push(StepButton {
            action: format!("{base}/quality-assurance"),
            label: "Rate this PEP".to_owned(),
            is_link: true,
            secondary: false,
        });
    }
    if offered(WorkflowStep::Return, Operation::ReturnPep) {
        steps.push(StepButton {
            action: format!("{base}/return"),
            label: "Return it for improvement".to_owned(),
            is_link: true,
            secondary: true,
        });
    }
    if offered(WorkflowStep::SignOff, Operation::SignOffPep) {
        steps.push(StepButton {
            action: format!("{base}/sign-off"),
            label: "Sign off this PEP".to_owned(),
            is_link: false,
            secondary: false,
        });
    }
    let missing = if WorkflowStep::Submit.allowed_from(status) {
        pep.missing_for_submission()
            .iter()
            .map(|line| crate::forms::sentence(&missing_words(line)))
            .collect()
    } else {
        Vec::new()
    };
    render(&PepPage {
        layout: Layout::signed_in(&signed_in, &loaded.caption(), ""),
        child_name: loaded.child_name(),
        child_href: format!("/children/{}", loaded.header.child_id),
        heading: pep_heading(&loaded.header),
        status: format::pep_tag(Some(status)),
        banner: banner(query.done.as_deref()),
        review_lines,
        sections,
        targets,
        add_target_href: writable(Operation::SetTarget).then(|| format!("{base}/targets/new")),
        actions,
        add_action_href: writable(Operation::AgreeAction).then(|| format!("{base}/actions/new")),
        meetings,
        add_meeting_href: writable(Operation::ScheduleMeeting)
            .then(|| format!("{base}/meetings/new")),
        views: pep
            .child_views
            .iter()
            .map(|(views, _)| views.clone())
            .collect(),
        record_views_href: writable(Operation::RecordChildViews)
            .then(|| format!("{base}/child-views")),
        missing,
        steps,
        pp_plus_href: (may(&signed_in, Operation::RequestFunding)
            && !matches!(
                status,
                domain::pep::PepStatus::Withdrawn | domain::pep::PepStatus::NotStarted
            ))
        .then(|| format!("{base}/pp-plus/new")),
        pdf_href: format!("{base}/document.pdf"),
        locked,
    })
    .pipe_ok()
}

/// What the PEP still needs before it can be submitted, in words: the domain's reasons with
/// sections named as people know them.
fn missing_words(line: &str) -> String {
    let mut words = line.to_owned();
    for section in PepSection::ALL {
        words = words.replace(
            &format!("section {} ", section.as_str()),
            &format!("the section \u{201c}{}\u{201d} ", section.title()),
        );
    }
    words
}

fn section_tag(written: Option<&domain::pep::SectionState>) -> Tag {
    match written {
        Some(written) if written.completed_on.is_some() => Tag {
            text: "Complete".to_owned(),
            class: "govuk-tag--green".to_owned(),
        },
        Some(written) if !written.content.trim().is_empty() => Tag {
            text: "In progress".to_owned(),
            class: "govuk-tag--light-blue".to_owned(),
        },
        _ => Tag {
            text: "Not started".to_owned(),
            class: "govuk-tag--grey".to_owned(),
        },
    }
}

/// Text as paragraphs, split at blank lines.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Keeps the functions' `?` shape when the last step renders.
pub(crate) trait PipeOk {
    fn pipe_ok(self) -> Result<Response, PageError>;
}

impl PipeOk for Response {
    fn pipe_ok(self) -> Result<Response, PageError> {
        Ok(self)
    }
}
