//! A child's page: who the child is and where (age, year group and key stage, school, placement,
//! legal status, SEN, the people around them), every due date with the rule and the events that
//! set it, attendance, exclusions and attainment as the schools reported them, the current PEP
//! read-only (sections with owner and state, targets, actions, meetings), whether PP+ is linked
//! to it and the year's PP+ requests with their decisions and impact, earlier PEPs, the data-quality flags the social care system owns, and the education
//! timeline, filterable by kind and date and paginated.
//!
//! Authorised and access-logged exactly as `GET /api/v1/children/{id}`: a child outside the
//! person's reach, or in another LA, answers the same 404 as a child that does not exist.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format::{self, Tag};
use crate::nav::Layout;
use crate::session::SignedIn;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::ids::ChildId;
use pep_messaging::event_log::StoreEventLog;
use projections::audit::replay_child;
use projections::chronology::{Category, TimelineQuery};
use serde::Deserialize;

mod about;
mod education;
mod pep;
mod pp_plus;
mod words;

use about::Row;
pub use about::child_name;
use education::{AttainmentRow, AttendanceRow, ExclusionRow};
use pep::{EarlierPep, PepView, earlier_pep, pep_view};
use pp_plus::PpPlus;
use words::flag_words;
pub use words::{category_name, debug_words};

/// Timeline entries per page.
pub const TIMELINE_PAGE_SIZE: usize = 20;

/// The timeline's filters, in the URL so a filtered page can be shared and the back button
/// works.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChildQuery {
    /// One category (`care`, `pep`, `attendance`...), or all.
    pub kind: Option<String>,
    /// From this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// To this day (YYYY-MM-DD).
    pub to: Option<String>,
    /// The timeline's page, from 1.
    pub page: Option<usize>,
}

struct DueRow {
    label: String,
    due: String,
    met: String,
    tag: Tag,
    basis: String,
    provisional: bool,
}

struct EntryRow {
    date: String,
    kind: String,
    summary: String,
    who: String,
}

struct KindChoice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    layout: Layout,
    name: String,
    la_child_id: String,
    headline: Tag,
    about: Vec<Row>,
    people: Vec<Row>,
    due: Vec<DueRow>,
    flags: Vec<String>,
    attendance: Vec<AttendanceRow>,
    exclusions: Vec<ExclusionRow>,
    attainment: Vec<AttainmentRow>,
    current: Option<PepView>,
    pp_plus: String,
    pp_plus_year: PpPlus,
    pp_plus_href: String,
    earlier: Vec<EarlierPep>,
    entries: Vec<EntryRow>,
    kinds: Vec<KindChoice>,
    from: String,
    to: String,
    page: usize,
    pages: usize,
    total_entries: usize,
    previous_link: Option<String>,
    next_link: Option<String>,
    filter_error: Option<String>,
    audit_href: Option<String>,
    start_pep_href: Option<String>,
}

fn parse_day(text: &Option<String>, field: &str) -> Result<Option<NaiveDate>, String> {
    match text
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        None => Ok(None),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("The {field} date must be a real date, like 2026-09-01")),
    }
}

/// `GET /children/{child_id}`.
pub async fn page(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(child_id): Path<String>,
    Query(query): Query<ChildQuery>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    let child_id: ChildId = child_id.parse().map_err(|_| PageError::NotFound)?;
    let child = pep_http::access::authorize_child_read(
        state.api(),
        &signed_in.principal,
        child_id,
        "GET /children/{id} (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let today = pep_http::command::london_date(state.api().clock().now());
    let side = state.read();
    let compliance = side
        .compliance()
        .child(side.database(), child_id, today)
        .await
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let replay = replay_child(
        &StoreEventLog::new(state.api().store().clone()),
        child_id,
        None,
        None,
    )
    .await
    .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let education = education::education(&replay)
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;

    // The timeline, filtered.
    let (from, to, filter_error) =
        match (parse_day(&query.from, "from"), parse_day(&query.to, "to")) {
            (Ok(from), Ok(to)) => (from, to, None),
            (Err(error), _) | (_, Err(error)) => (None, None, Some(error)),
        };
    let kind = query
        .kind
        .as_deref()
        .and_then(Category::parse)
        .map(|category| category.as_str().to_owned());
    let timeline = projections::chronology::timeline(
        side.database(),
        child_id,
        &TimelineQuery {
            from,
            to,
            categories: kind.iter().cloned().collect(),
            event_types: Vec::new(),
        },
    )
    .await
    .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let total_entries = timeline.len();
    let pages = total_entries.div_ceil(TIMELINE_PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let entries = timeline
        .iter()
        .rev()
        .skip((page - 1) * TIMELINE_PAGE_SIZE)
        .take(TIMELINE_PAGE_SIZE)
        .map(|entry| EntryRow {
            date: format::date(entry.occurred_at.date_naive()),
            kind: category_name(&entry.category),
            summary: entry.summary.clone(),
            who: entry.actor_role.replace('_', " "),
        })
        .collect();
    let page_link = |number: usize| {
        format!(
            "/children/{child_id}{}#timeline",
            format::query_string(&[
                ("kind", kind.as_deref()),
                ("from", query.from.as_deref()),
                ("to", query.to.as_deref()),
                ("page", Some(&number.to_string())),
            ])
        )
    };

    let about::Identity {
        name,
        la_child_id,
        about,
        people,
    } = about::identity(&child, today, education.sen.as_ref());

    // Due dates, with why.
    let due = compliance
        .as_ref()
        .map(|compliance| {
            compliance
                .items
                .iter()
                .map(|judged| DueRow {
                    label: judged.item.kind.to_string(),
                    due: format::date(judged.item.due_date),
                    met: format::optional_date(judged.item.met_on)
                        .replace("Not recorded", "Not yet"),
                    tag: format::due_tag(Some(judged.status)),
                    basis: judged.item.basis.clone(),
                    provisional: judged.item.due_date_is_provisional,
                })
                .collect()
        })
        .unwrap_or_default();
    let headline = format::due_tag(compliance.as_ref().and_then(|compliance| compliance.status));
    let flags = child.data_quality_issues().iter().map(flag_words).collect();

    // PEPs, newest first.
    let current = replay.peps.last().map(|pep| pep_view(&pep.state));
    let earlier = replay
        .peps
        .iter()
        .rev()
        .skip(1)
        .map(|pep| earlier_pep(&pep.state, education.closures.get(&pep.pep_id)))
        .collect();
    // What the compliance read model says of PP+: only whether a request is linked to the
    // current PEP (the amounts have no read for one child).
    let pp_plus = match compliance
        .as_ref()
        .map(|compliance| compliance.pp_plus_linked)
    {
        _ if current.is_none() => "This child has no PEP for a PP+ request to be made against.",
        Some(true) => "A PP+ request that has not been turned down is linked to the current PEP.",
        Some(false) => {
            "No PP+ request is linked to the current PEP, apart from any that were turned down."
        }
        None => "Not known yet: this child's compliance is still being worked out.",
    }
    .to_owned();
    // The year's PP+ in the child's own LA's budget, as the API's per-child funding read.
    let child_la = pep_http::access::responsible_la(&child).unwrap_or_default();
    let funding = projections::funding::child_funding(
        side.database(),
        child_la,
        &child_id.to_string(),
        domain::funding::FinancialYear::containing(today),
    )
    .await
    .map_err(|error| PageError::internal(error.to_string(), request_id))?;

    let kinds = std::iter::once(KindChoice {
        value: String::new(),
        label: "All kinds".to_owned(),
        selected: kind.is_none(),
    })
    .chain(Category::ALL.iter().map(|category| KindChoice {
        value: category.as_str().to_owned(),
        label: category_name(category.as_str()),
        selected: kind.as_deref() == Some(category.as_str()),
    }))
    .collect();
    render(&ChildPage {
        layout: Layout::signed_in(&signed_in, &name, ""),
        name,
        la_child_id,
        headline,
        about,
        people,
        due,
        flags,
        attendance: education.attendance,
        exclusions: education.exclusions,
        attainment: education.attainment,
        current,
        pp_plus,
        pp_plus_year: pp_plus::pp_plus(&funding),
        pp_plus_href: format!("/children/{child_id}?kind=funding#timeline"),
        earlier,
        entries,
        kinds,
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        page,
        pages,
        total_entries,
        previous_link: (page > 1).then(|| page_link(page - 1)),
        next_link: (page < pages).then(|| page_link(page + 1)),
        filter_error,
        audit_href: pep_auth::policy::reach(
            &signed_in.principal,
            pep_auth::Operation::QueryAccessLog,
        )
        .is_ok()
        .then(|| format!("/audit/children/{child_id}")),
        start_pep_href: (child.open_pep.is_none()
            && pep_auth::policy::reach(&signed_in.principal, pep_auth::Operation::InitiatePep)
                .is_ok())
        .then(|| format!("/children/{child_id}/peps/new")),
    })
    .pipe_ok()
}

trait PipeOk {
    fn pipe_ok(self) -> Result<Response, PageError>;
}

impl PipeOk for Response {
    fn pipe_ok(self) -> Result<Response, PageError> {
        Ok(self)
    }
}

/// `GET /peps/{pep_id}/document.pdf`: the PEP as a PDF, for the signed-in reader (authorised
/// and access-logged as the API's `GET /api/v1/peps/{id}.pdf`, which renders it).
pub async fn pep_pdf(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    let pep_id: domain::ids::PepId = pep_id.parse().map_err(|_| PageError::NotFound)?;
    let rendered = pep_http::reads::pep_document::pep_pdf(
        state.api(),
        Some(state.read()),
        &signed_in.principal,
        pep_id,
        "GET /peps/{id}/document.pdf (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let response = (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", rendered.file_name),
            ),
        ],
        rendered.bytes,
    );
    Ok(axum::response::IntoResponse::into_response(response))
}
