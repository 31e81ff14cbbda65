//! The Virtual School's quality-assurance queue: every PEP of the LA waiting for quality
//! assurance, the longest-waiting first, with the days waited; and, for one PEP, a side-by-side
//! view of each section against the child's previous PEP.
//!
//! The queue's candidates come from the compliance read model (children whose current PEP is
//! submitted); each PEP is then read from its own stream, so the submission date and the
//! status shown are the record's, never a stale copy. The read is access-logged per child, as
//! the children list is.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format;
use crate::nav::Layout;
use crate::pages::pep::PipeOk;
use crate::session::SignedIn;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::pep::{PepSection, PepStatus};
use pep_auth::Operation;
use projections::compliance::{CohortFilter, Page};

struct QueueRow {
    child_name: String,
    pep_href: String,
    compare_href: Option<String>,
    kind: String,
    submitted: String,
    waiting: String,
    waiting_days: i64,
    resubmission: bool,
    school: String,
}

#[derive(Template)]
#[template(path = "quality_queue.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<QueueRow>,
}

/// `GET /quality-assurance`.
pub async fn queue(
    State(state): State<WebState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::QualityAssurePep,
        "quality-assure PEPs",
    )?;
    let request_id = signed_in.request_id;
    let today = pep_http::command::london_date(state.api().clock().now());
    let side = state.read();
    let filter = CohortFilter {
        la: Some(signed_in.principal.la.as_str().to_owned()),
        pep_status: Some("submitted".to_owned()),
        ..CohortFilter::default()
    };
    let cohort = side
        .compliance()
        .cohort(
            side.database(),
            &filter,
            today,
            Page::first(Page::MAX_LIMIT),
        )
        .await
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    pep_http::access::log_cohort_read(
        state.api(),
        &signed_in.principal,
        cohort
            .children
            .iter()
            .map(|child| (child.child_id, child.la.clone())),
        "GET /quality-assurance (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let mut rows = Vec::new();
    for child in &cohort.children {
        let Some(pep_id) = child.current_pep_id else {
            continue;
        };
        let pep = pep_http::access::load_pep(state.api(), pep_id)
            .await
            .map_err(|error| PageError::from_api(error, request_id))?;
        // The read model may lag a moment behind: only what the record says is waiting.
        if pep.status() != PepStatus::Submitted {
            continue;
        }
        let Some(header) = pep.header.as_ref() else {
            continue;
        };
        let record = pep_http::access::load_child(state.api(), child.child_id)
            .await
            .map_err(|error| PageError::from_api(error, request_id))?;
        let submitted_on = pep.review.submitted_on.unwrap_or(header.initiated_on);
        let waiting_days = (today - submitted_on).num_days().max(0);
        rows.push(QueueRow {
            child_name: crate::pages::child::child_name(&record),
            pep_href: format!("/peps/{pep_id}"),
            compare_href: header
                .previous_pep_id
                .map(|_| format!("/peps/{pep_id}/compare")),
            kind: crate::pages::child::debug_words(&header.kind),
            submitted: format::date(submitted_on),
            waiting: match waiting_days {
                0 => "Today".to_owned(),
                1 => "1 day".to_owned(),
                days => format!("{days} days"),
            },
            waiting_days,
            resubmission: pep.submissions > 1,
            school: child.school_name.clone().unwrap_or_default(),
        });
    }
    rows.sort_by(|left, right| {
        right
            .waiting_days
            .cmp(&left.waiting_days)
            .then_with(|| left.child_name.cmp(&right.child_name))
    });
    render(&QueuePage {
        layout: Layout::signed_in(&signed_in, "Quality assurance", "/quality-assurance"),
        rows,
    })
    .pipe_ok()
}

struct CompareRow {
    title: String,
    previous: Vec<String>,
    current: Vec<String>,
    changed: bool,
}

#[derive(Template)]
#[template(path = "quality_compare.html")]
struct ComparePage {
    layout: Layout,
    caption: String,
    pep_href: String,
    previous_heading: String,
    current_heading: String,
    rows: Vec<CompareRow>,
}

/// `GET /peps/{pep_id}/compare`: each section beside the previous PEP's.
pub async fn compare(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    let loaded = crate::pages::pep::load_for_reading(
        &state,
        &signed_in,
        &pep_id,
        "GET /peps/{id}/compare (web page)",
    )
    .await?;
    let previous_id = loaded.header.previous_pep_id.ok_or(PageError::NotFound)?;
    let previous = pep_http::access::load_pep(state.api(), previous_id)
        .await
        .map_err(|error| PageError::from_api(error, request_id))?;
    let text = |pep: &domain::pep::PepState, section: &PepSection| {
        pep.sections
            .get(section)
            .map(|written| written.content.clone())
            .unwrap_or_default()
    };
    let rows = PepSection::ALL
        .iter()
        .map(|section| {
            let before = text(&previous, section);
            let now = text(&loaded.pep, section);
            CompareRow {
                title: section.title().to_owned(),
                changed: before.trim() != now.trim(),
                previous: crate::pages::pep::paragraphs(&before),
                current: crate::pages::pep::paragraphs(&now),
            }
        })
        .collect();
    let heading = |pep: &domain::pep::PepState| {
        pep.header
            .as_ref()
            .map(|header| {
                format!(
                    "{} PEP, started {}",
                    crate::pages::child::debug_words(&header.kind),
                    format::date(header.initiated_on)
                )
            })
            .unwrap_or_default()
    };
    render(&ComparePage {
        layout: Layout::signed_in(&signed_in, "Compare with the previous PEP", ""),
        caption: loaded.child_name(),
        pep_href: loaded.href(),
        previous_heading: format!("Previous: {}", heading(&previous)),
        current_heading: format!("This PEP: {}", heading(&loaded.pep)),
        rows,
    })
    .pipe_ok()
}
