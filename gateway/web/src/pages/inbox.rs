//! The notice inbox: an IRO's notices (a social worker's copies, the Virtual School's LA
//! copies), unread first, each linking to the child, with a button that records the read
//! receipt the API records (`POST /api/v1/inbox/{id}/read`): the first time read is kept.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format;
use crate::nav::Layout;
use crate::session::{CsrfForm, SignedIn, check_csrf};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use pep_auth::Operation;
use pep_notify::tables::InboxQuery;
use uuid::Uuid;

/// The most notices the page shows.
pub const INBOX_LIMIT: u32 = 200;

struct NoticeRow {
    notice_id: String,
    child_href: String,
    reason: String,
    summary: String,
    occurred_on: String,
    read: Option<String>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    unread: Vec<NoticeRow>,
    read: Vec<NoticeRow>,
    csrf_token: String,
}

fn reason_words(reason: &str) -> String {
    match reason {
        "placement_change" => "Placement changed",
        "school_change" => "School changed",
        "education_breakdown" => "Education breakdown",
        "exclusion" => "Exclusion",
        "pep_overdue" => "PEP overdue",
        other => other,
    }
    .to_owned()
}

/// `GET /inbox`.
pub async fn page(
    State(state): State<WebState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    crate::error::require(&signed_in.principal, Operation::ReadInbox, "read notices")?;
    let items = state
        .api()
        .notice_tables()
        .inbox(&InboxQuery {
            la: signed_in.principal.la.to_string(),
            keys: pep_http::routes::inbox::inbox_keys(&signed_in.principal),
            reader_id: signed_in.principal.subject.clone(),
            unread_only: false,
            before_position: None,
            limit: INBOX_LIMIT,
        })
        .await
        .map_err(|error| PageError::from_records(error, request_id))?;
    let (mut unread, mut read) = (Vec::new(), Vec::new());
    for item in items {
        let row = NoticeRow {
            notice_id: item.notice_id.to_string(),
            child_href: format!("/children/{}", item.child_id),
            reason: reason_words(&item.reason),
            summary: item.summary.clone(),
            occurred_on: chrono::NaiveDate::parse_from_str(&item.occurred_on, "%Y-%m-%d")
                .map(format::date)
                .unwrap_or_else(|_| item.occurred_on.clone()),
            read: item
                .read_at
                .map(|at| format::date(pep_http::command::london_date(at))),
        };
        if row.read.is_some() {
            read.push(row);
        } else {
            unread.push(row);
        }
    }
    render(&InboxPage {
        layout: Layout::signed_in(&signed_in, "Notices", "/inbox"),
        unread,
        read,
        csrf_token: signed_in.csrf_token.clone(),
    })
    .into_ok()
}

/// `POST /inbox/{notice_id}/read`: records the read receipt, then back to the inbox.
pub async fn mark_read(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(notice_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    check_csrf(&signed_in, &form.csrf_token)?;
    crate::error::require(&signed_in.principal, Operation::ReadInbox, "read notices")?;
    let notice_id: Uuid = notice_id.parse().map_err(|_| PageError::NotFound)?;
    let tables = state.api().notice_tables();
    let keys = pep_http::routes::inbox::inbox_keys(&signed_in.principal);
    let mine = tables
        .in_inbox(notice_id, signed_in.principal.la.as_str(), &keys)
        .await
        .map_err(|error| PageError::from_records(error, request_id))?;
    if !mine {
        return Err(PageError::NotFound);
    }
    tables
        .mark_read(
            notice_id,
            &signed_in.principal.subject,
            signed_in.principal.role.as_str(),
            state.api().clock().now(),
        )
        .await
        .map_err(|error| PageError::from_records(error, request_id))?;
    Ok(Redirect::to("/inbox").into_response())
}

trait IntoOk {
    fn into_ok(self) -> Result<Response, PageError>;
}

impl IntoOk for Response {
    fn into_ok(self) -> Result<Response, PageError> {
        Ok(self)
    }
}
