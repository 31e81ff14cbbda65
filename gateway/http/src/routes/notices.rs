//! `GET /api/v1/notices/{notice_id}/deliveries` and `POST .../deliveries/{delivery_id}/retry`:
//! how a notice was delivered (every channel, every attempt, and who has read it), and putting
//! a failed delivery back in the queue. For the Virtual School and administrators of the
//! notice's LA; another LA's notice answers as not found.

use crate::access;
use crate::command::path_id;
use crate::extract::Caller;
use crate::problem::{ApiError, ProblemKind};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pep_auth::Operation;
use pep_notify::tables::{DeliveryView, NoticeRow, ReadReceipt};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A notice and everything about its delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoticeDeliveries {
    /// The notice.
    pub notice_id: Uuid,
    /// The child's LA.
    pub la: String,
    /// The child.
    pub child_id: Uuid,
    /// Why.
    pub reason: String,
    /// One line.
    pub summary: String,
    /// `addressed`, or `unaddressed` while the child has no IRO.
    pub state: String,
    /// The IRO it is addressed to.
    pub iro_id: Option<String>,
    /// Every delivery, with its attempts.
    pub deliveries: Vec<DeliveryView>,
    /// Who has read it in their inbox.
    pub read_receipts: Vec<ReadReceipt>,
}

/// A delivery put back in the queue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RetryAccepted {
    /// The notice.
    pub notice_id: Uuid,
    /// The delivery.
    pub delivery_id: Uuid,
    /// `pending`: it will be attempted at once, with a fresh bound of attempts.
    pub state: String,
}

fn notice_hidden(notice_id: Uuid) -> ApiError {
    ApiError::not_found(format!("notice {notice_id} was not found"))
}

/// The notice, when it is of the caller's LA.
async fn notice_in_reach(
    state: &AppState,
    caller: &Caller,
    operation: Operation,
    notice_id: &str,
) -> Result<NoticeRow, ApiError> {
    access::require_role(&caller.principal, operation)?;
    let notice_id: Uuid = path_id("notice_id", notice_id)?;
    match state.notice_tables().notice(notice_id).await? {
        Some(notice) if notice.la == caller.principal.la.as_str() => Ok(notice),
        _ => Err(notice_hidden(notice_id)),
    }
}

/// Every delivery of a notice with its attempt log, and its read receipts.
#[utoipa::path(
    get,
    path = "/api/v1/notices/{notice_id}/deliveries",
    tag = "notices",
    params(("notice_id" = Uuid, Path, description = "The notice")),
    responses((status = 200, description = "The deliveries", body = NoticeDeliveries))
)]
pub async fn notice_deliveries(
    State(state): State<AppState>,
    Path(notice_id): Path<String>,
    caller: Caller,
) -> Result<Json<NoticeDeliveries>, ApiError> {
    let notice =
        notice_in_reach(&state, &caller, Operation::ReadNoticeDeliveries, &notice_id).await?;
    let deliveries = state
        .notice_tables()
        .deliveries_of(notice.notice_id)
        .await?;
    let read_receipts = state
        .notice_tables()
        .read_receipts(notice.notice_id)
        .await?;
    Ok(Json(NoticeDeliveries {
        notice_id: notice.notice_id,
        la: notice.la,
        child_id: notice.child_id,
        reason: notice.reason,
        summary: notice.summary,
        state: notice.state,
        iro_id: notice.iro.map(|iro| iro.id),
        deliveries,
        read_receipts,
    }))
}

/// Puts a failed delivery back in the queue: attempted at once, with a fresh bound.
#[utoipa::path(
    post,
    path = "/api/v1/notices/{notice_id}/deliveries/{delivery_id}/retry",
    tag = "notices",
    params(
        ("notice_id" = Uuid, Path, description = "The notice"),
        ("delivery_id" = Uuid, Path, description = "The failed delivery"),
    ),
    responses((status = 202, description = "Queued", body = RetryAccepted))
)]
pub async fn retry_delivery(
    State(state): State<AppState>,
    Path((notice_id, delivery_id)): Path<(String, String)>,
    caller: Caller,
) -> Result<(StatusCode, Json<RetryAccepted>), ApiError> {
    let notice =
        notice_in_reach(&state, &caller, Operation::RetryNoticeDelivery, &notice_id).await?;
    let delivery_id: Uuid = path_id("delivery_id", &delivery_id)?;
    match state
        .notice_tables()
        .requeue_delivery(notice.notice_id, delivery_id, state.clock().now())
        .await?
    {
        None => Err(ApiError::not_found(format!(
            "delivery {delivery_id} of notice {} was not found",
            notice.notice_id
        ))),
        Some(false) => Err(ApiError::new(
            ProblemKind::StateConflict,
            format!("delivery {delivery_id} has not failed; only a failed delivery is retried"),
        )),
        Some(true) => {
            state.notices().wake.notify_one();
            Ok((
                StatusCode::ACCEPTED,
                Json(RetryAccepted {
                    notice_id: notice.notice_id,
                    delivery_id,
                    state: "pending".to_owned(),
                }),
            ))
        }
    }
}
