//! `GET /api/v1/inbox` and `POST /api/v1/inbox/{notice_id}/read`: the in-app inbox of IRO
//! notices. An IRO reads the notices addressed to them (their `iro_id` claim, else their
//! subject), a social worker the copies addressed to them, the Virtual School its LA's copies
//! (and every notice of a child with no IRO yet). A read receipt is recorded once per person;
//! marking again keeps the first time.

use crate::access;
use crate::command::path_id;
use crate::extract::Caller;
use crate::problem::{ApiError, FieldError};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use domain::Role;
use pep_auth::{Operation, Principal};
use pep_notify::message::Recipient;
use pep_notify::tables::{InboxItem, InboxQuery, ReadReceipt};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The most items one page holds.
pub const MAX_INBOX_PAGE: u32 = 200;

/// Which part of the inbox.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// Only notices not yet read.
    pub unread: Option<bool>,
    /// At most this many, newest first (default 50, at most 200).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of the inbox, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InboxPage {
    /// The notices.
    pub items: Vec<InboxItem>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The inbox keys of the caller.
pub fn inbox_keys(principal: &Principal) -> Vec<String> {
    match principal.role {
        Role::Iro => vec![Recipient::iro(principal.reviewing_officer_id()).inbox_key()],
        Role::SocialWorker => vec![Recipient::social_worker(&principal.subject).inbox_key()],
        Role::VirtualSchool => vec![Recipient::virtual_school(principal.la.as_str()).inbox_key()],
        _ => Vec::new(),
    }
}

/// The caller's notices, newest first, with whether they have read each.
#[utoipa::path(
    get,
    path = "/api/v1/inbox",
    tag = "notices",
    params(InboxParams),
    responses((status = 200, description = "One page of the inbox", body = InboxPage))
)]
pub async fn inbox(
    State(state): State<AppState>,
    params: Result<Query<InboxParams>, QueryRejection>,
    caller: Caller,
) -> Result<Json<InboxPage>, ApiError> {
    access::require_role(&caller.principal, Operation::ReadInbox)?;
    let params = params
        .map_err(|rejection| ApiError::field("query", rejection.body_text()))?
        .0;
    let limit = params.limit.unwrap_or(50);
    let mut errors = Vec::new();
    if limit == 0 || limit > MAX_INBOX_PAGE {
        errors.push(FieldError {
            path: "query.limit".to_owned(),
            message: format!("must be between 1 and {MAX_INBOX_PAGE}"),
        });
    }
    let before_position = match params.cursor.as_deref().map(str::parse::<u64>) {
        None => None,
        Some(Ok(position)) => Some(position),
        Some(Err(_)) => {
            errors.push(FieldError {
                path: "query.cursor".to_owned(),
                message: "is not a cursor this inbox gave".to_owned(),
            });
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let items = state
        .notice_tables()
        .inbox(&InboxQuery {
            la: caller.principal.la.to_string(),
            keys: inbox_keys(&caller.principal),
            reader_id: caller.principal.subject.clone(),
            unread_only: params.unread.unwrap_or(false),
            before_position,
            limit,
        })
        .await?;
    let next_cursor = (items.len() == limit as usize)
        .then(|| items.last().map(|item| item.position.to_string()))
        .flatten();
    Ok(Json(InboxPage { items, next_cursor }))
}

/// Records that the caller read a notice in their inbox; the first time is kept.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/{notice_id}/read",
    tag = "notices",
    params(("notice_id" = Uuid, Path, description = "The notice")),
    responses((status = 200, description = "The read receipt", body = ReadReceipt))
)]
pub async fn mark_read(
    State(state): State<AppState>,
    Path(notice_id): Path<String>,
    caller: Caller,
) -> Result<Json<ReadReceipt>, ApiError> {
    access::require_role(&caller.principal, Operation::ReadInbox)?;
    let notice_id: Uuid = path_id("notice_id", &notice_id)?;
    let keys = inbox_keys(&caller.principal);
    if !state
        .notice_tables()
        .in_inbox(notice_id, caller.principal.la.as_str(), &keys)
        .await?
    {
        return Err(ApiError::not_found(format!(
            "notice {notice_id} is not in your inbox"
        )));
    }
    let receipt = state
        .notice_tables()
        .mark_read(
            notice_id,
            &caller.principal.subject,
            &caller.principal.role.to_string(),
            state.clock().now(),
        )
        .await?;
    Ok(Json(receipt))
}
