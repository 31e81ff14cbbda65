//! Lists of children. `/children` is the LA's cohort for the Virtual School, auditors and
//! administrators, filtered by the dashboard's links (status, key stage, school, social worker,
//! PEP status, QA rating), most urgent first, paginated, and access-logged like
//! `GET /api/v1/compliance`. `/my-children` is for everyone else: the children their role
//! reaches (a designated teacher's pupils, a social worker's caseload, an IRO's reviewed
//! children, a carer's or young person's own), each confirmed against the record itself and
//! access-logged, with what is due from them, the most urgent first.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format::{self, Tag};
use crate::nav::{Layout, reads_whole_la};
use crate::session::SignedIn;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::calendar::KeyStage;
use domain::compliance::DueStatus;
use domain::ids::ChildId;
use pep_auth::Operation;
use pep_auth::policy::{Reach, reach};
use projections::compliance::{ChildCompliance, CohortFilter, Page};
use serde::Deserialize;
use std::collections::BTreeSet;

/// Children per page.
pub const PAGE_SIZE: u64 = 25;

/// The cohort's filters, as the dashboard's links and the filter form send them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CohortQuery {
    /// A headline status (`overdue`, `due_soon`...).
    pub status: Option<String>,
    /// A key stage (`ks2`...).
    pub key_stage: Option<String>,
    /// A school URN.
    pub school: Option<String>,
    /// A social worker's id.
    pub social_worker: Option<String>,
    /// `true` for children with an up-to-date PEP, `false` for those without.
    pub in_date_pep: Option<String>,
    /// The current PEP's status (`submitted`...), or `missing` for no PEP.
    pub pep_status: Option<String>,
    /// The latest QA rating (`green`...), or `not_rated`.
    pub qa_rating: Option<String>,
    /// The page, from 1.
    pub page: Option<u64>,
}

pub(crate) struct ChildRow {
    pub(crate) href: String,
    pub(crate) label: String,
    pub(crate) school: String,
    pub(crate) social_worker: String,
    pub(crate) status: Tag,
    pub(crate) pep: Tag,
    pub(crate) next_due: String,
}

pub(crate) fn row(child: &ChildCompliance) -> ChildRow {
    ChildRow {
        href: format!("/children/{}", child.child_id),
        label: format!("Child {}", child.la_child_id),
        school: child
            .school_name
            .clone()
            .unwrap_or_else(|| "No school recorded".to_owned()),
        social_worker: child
            .social_worker_name
            .clone()
            .unwrap_or_else(|| "Not assigned".to_owned()),
        status: format::due_tag(child.status),
        pep: format::pep_tag(child.current_pep_status),
        next_due: child
            .next_due
            .as_ref()
            .map(|next| format!("{}: {}", next.item.kind, format::date(next.item.due_date)))
            .unwrap_or_else(|| "Nothing due".to_owned()),
    }
}

#[derive(Template)]
#[template(path = "children.html")]
struct ChildrenPage {
    layout: Layout,
    heading: String,
    description: String,
    filters: Vec<String>,
    rows: Vec<ChildRow>,
    page: u64,
    pages: u64,
    previous_link: Option<String>,
    next_link: Option<String>,
}

fn parse_choice<T: serde::de::DeserializeOwned>(
    value: &Option<String>,
    what: &str,
) -> Result<Option<T>, PageError> {
    match value.as_deref().filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(text) => serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .map(Some)
            .map_err(|_| PageError::BadRequest {
                message: format!("{text} is not a {what} this list can be filtered by."),
            }),
    }
}

/// `GET /children`.
pub async fn cohort(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Query(query): Query<CohortQuery>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    if !reads_whole_la(&signed_in.principal) {
        return Err(PageError::Forbidden {
            what: "see every child in the local authority".to_owned(),
            roles: vec![
                "Virtual School officer".to_owned(),
                "Auditor".to_owned(),
                "Service administrator".to_owned(),
            ],
        });
    }
    // `none` is the dashboard's "Nothing due" count: children with no obligation on the day.
    let nothing_due = query.status.as_deref() == Some("none");
    let status: Option<DueStatus> = if nothing_due {
        None
    } else {
        parse_choice(&query.status, "status")?
    };
    let key_stage: Option<KeyStage> = parse_choice(&query.key_stage, "key stage")?;
    let in_date_pep: Option<bool> = match query.in_date_pep.as_deref().filter(|v| !v.is_empty()) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(PageError::BadRequest {
                message: format!(
                    "{other} is not a choice for an up-to-date PEP: use true or false."
                ),
            });
        }
    };
    let nonempty = |value: &Option<String>| value.clone().filter(|value| !value.is_empty());
    let today = pep_http::command::london_date(state.api().clock().now());
    let filter = CohortFilter {
        la: Some(signed_in.principal.la.as_str().to_owned()),
        status,
        key_stage,
        school_urn: query.school.clone().filter(|value| !value.is_empty()),
        social_worker_id: query
            .social_worker
            .clone()
            .filter(|value| !value.is_empty()),
        in_date_pep,
        pep_status: nonempty(&query.pep_status),
        qa_rating: nonempty(&query.qa_rating),
        nothing_due,
        ..CohortFilter::default()
    };
    let page_number = query.page.unwrap_or(1).max(1);
    let side = state.read();
    let cohort = side
        .compliance()
        .cohort(
            side.database(),
            &filter,
            today,
            Page {
                offset: (page_number - 1) * PAGE_SIZE,
                limit: PAGE_SIZE,
            },
        )
        .await
        .map_err(|error| match error {
            // The projection names the valid choices of a filter no child can have.
            projections::runtime::ProjectionError::InvalidQuery(message) => {
                PageError::BadRequest { message }
            }
            other => PageError::internal(other.to_string(), request_id),
        })?;
    pep_http::access::log_cohort_read(
        state.api(),
        &signed_in.principal,
        cohort
            .children
            .iter()
            .map(|child| (child.child_id, child.la.clone())),
        "GET /children (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let pages = cohort.total.div_ceil(PAGE_SIZE).max(1);
    let mut filters = Vec::new();
    if let Some(status) = &query.status.clone().filter(|value| !value.is_empty()) {
        filters.push(format!("Status: {}", format::due_status_name(status)));
    }
    if let Some(key_stage) = &query.key_stage.clone().filter(|value| !value.is_empty()) {
        filters.push(format!("Key stage: {}", format::key_stage_name(key_stage)));
    }
    if let Some(school) = &filter.school_urn {
        let name = cohort
            .children
            .first()
            .and_then(|child| child.school_name.clone())
            .unwrap_or_else(|| school.clone());
        filters.push(format!("School: {name}"));
    }
    if let Some(worker) = &filter.social_worker_id {
        let name = cohort
            .children
            .first()
            .and_then(|child| child.social_worker_name.clone())
            .unwrap_or_else(|| worker.clone());
        filters.push(format!("Social worker: {name}"));
    }
    match in_date_pep {
        Some(true) => filters.push("With an up-to-date PEP".to_owned()),
        Some(false) => filters.push("Without an up-to-date PEP".to_owned()),
        None => {}
    }
    if let Some(key) = &filter.pep_status {
        filters.push(format!("PEP status: {}", format::pep_status_name(key)));
    }
    if let Some(key) = &filter.qa_rating {
        filters.push(format!(
            "Quality-assurance rating: {}",
            format::qa_rating_name(key)
        ));
    }
    let link = |number: u64| {
        format!(
            "/children{}",
            format::query_string(&[
                ("status", query.status.as_deref()),
                ("key_stage", query.key_stage.as_deref()),
                ("school", query.school.as_deref()),
                ("social_worker", query.social_worker.as_deref()),
                ("in_date_pep", query.in_date_pep.as_deref()),
                ("pep_status", query.pep_status.as_deref()),
                ("qa_rating", query.qa_rating.as_deref()),
                ("page", Some(&number.to_string())),
            ])
        )
    };
    render(&ChildrenPage {
        layout: Layout::signed_in(&signed_in, "Children", "/children"),
        heading: "Children in care".to_owned(),
        description: format!(
            "{} children, most urgent first. Judged on {}.",
            cohort.total,
            format::date(today)
        ),
        filters,
        rows: cohort.children.iter().map(row).collect(),
        page: page_number.min(pages),
        pages,
        previous_link: (page_number > 1).then(|| link(page_number - 1)),
        next_link: (page_number < pages).then(|| link(page_number + 1)),
    })
    .pipe()
}

trait Pipe {
    fn pipe(self) -> Result<Response, PageError>;
}

impl Pipe for Response {
    fn pipe(self) -> Result<Response, PageError> {
        Ok(self)
    }
}

/// `GET /my-children`.
pub async fn mine(
    State(state): State<WebState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    let principal = &signed_in.principal;
    crate::error::require(
        principal,
        Operation::ReadChildRecord,
        "see children's records",
    )?;
    let today = pep_http::command::london_date(state.api().clock().now());
    let side = state.read();
    let la_filter = CohortFilter {
        la: Some(principal.la.as_str().to_owned()),
        ..CohortFilter::default()
    };
    // Candidates from the read model, by the role's reach; each is then confirmed against the
    // child's record by the same check the API makes, and access-logged.
    let mut candidates: BTreeSet<ChildId> = BTreeSet::new();
    match reach(principal, Operation::ReadChildRecord) {
        Ok(Reach::LocalAuthority) | Err(_) => {}
        Ok(Reach::OwnChildren) => candidates.extend(principal.child_ids.iter().copied()),
        Ok(Reach::Caseload) => {
            candidates.extend(principal.caseload.iter().copied());
            let page = side
                .compliance()
                .cohort(
                    side.database(),
                    &CohortFilter {
                        social_worker_id: Some(principal.subject.clone()),
                        ..la_filter.clone()
                    },
                    today,
                    Page::first(Page::MAX_LIMIT),
                )
                .await
                .map_err(|error| PageError::internal(error.to_string(), request_id))?;
            candidates.extend(page.children.iter().map(|child| child.child_id));
        }
        Ok(Reach::OnRollAtOwnSchool) => {
            if let Some(urn) = &principal.school_urn {
                let page = side
                    .compliance()
                    .cohort(
                        side.database(),
                        &CohortFilter {
                            school_urn: Some(urn.as_str().to_owned()),
                            ..la_filter.clone()
                        },
                        today,
                        Page::first(Page::MAX_LIMIT),
                    )
                    .await
                    .map_err(|error| PageError::internal(error.to_string(), request_id))?;
                candidates.extend(page.children.iter().map(|child| child.child_id));
            }
        }
        Ok(Reach::ReviewedChildren) => {
            let reviewed = projections::notices::children_reviewed_by(
                side.database(),
                principal.reviewing_officer_id(),
            )
            .await
            .map_err(|error| PageError::internal(error.to_string(), request_id))?;
            candidates.extend(reviewed);
        }
    }
    let mut children = Vec::new();
    for child_id in candidates {
        let allowed = pep_http::access::authorize_child_read(
            state.api(),
            principal,
            child_id,
            "GET /my-children (web page)",
            request_id,
        )
        .await;
        match allowed {
            Ok(_) => {}
            Err(error) if error.kind == pep_http::ProblemKind::NotFound => continue,
            Err(error) => return Err(PageError::from_api(error, request_id)),
        }
        if let Some(child) = side
            .compliance()
            .child(side.database(), child_id, today)
            .await
            .map_err(|error| PageError::internal(error.to_string(), request_id))?
        {
            children.push(child);
        }
    }
    children.sort_by_key(|child| {
        let rank = match child.status {
            Some(DueStatus::Overdue) => 0,
            Some(DueStatus::DueSoon) => 1,
            Some(DueStatus::Upcoming) => 2,
            _ => 3,
        };
        (rank, child.next_due.as_ref().map(|next| next.item.due_date))
    });
    let total = children.len() as u64;
    render(&ChildrenPage {
        layout: Layout::signed_in(&signed_in, "My children", "/my-children"),
        heading: "My children".to_owned(),
        description: format!(
            "The {total} children you work with, the most urgent first. Judged on {}.",
            format::date(today)
        ),
        filters: Vec::new(),
        rows: children.iter().map(row).collect(),
        page: 1,
        pages: 1,
        previous_link: None,
        next_link: None,
    })
    .pipe()
}
