//! Uploading a file for a PEP: the bytes are the body (an allowed media type, within the
//! attachment size limit), the name is a query parameter. The answer is the reference to put in
//! `child-views`; the file is stored with its SHA-256 so the reference proves the bytes.

use crate::access;
use crate::command::{derived_id, path_id};
use crate::dto::peps::AttachmentRefBody;
use crate::extract::{Caller, read_limited};
use crate::problem::{ApiError, ProblemKind};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::ids::PepId;
use pep_auth::Operation;
use pep_records::NewAttachment;
use serde::Deserialize;
use utoipa::IntoParams;

/// The upload's query.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name, such as `drawing.png`.
    pub file_name: Option<String>,
}

/// The longest file name accepted.
const MAX_FILE_NAME_LENGTH: usize = 255;

fn file_name(params: Result<Query<UploadParams>, QueryRejection>) -> Result<String, ApiError> {
    let name = params
        .map_err(|rejection| ApiError::field("query", rejection.body_text()))?
        .0
        .file_name
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            ApiError::field(
                "query.file_name",
                "is required, such as ?file_name=drawing.png",
            )
        })?;
    if name.chars().count() > MAX_FILE_NAME_LENGTH {
        return Err(ApiError::field(
            "query.file_name",
            format!("must be at most {MAX_FILE_NAME_LENGTH} characters"),
        ));
    }
    if name
        .chars()
        .any(|character| character.is_control() || matches!(character, '/' | '\\'))
    {
        return Err(ApiError::field(
            "query.file_name",
            "must be a plain file name, without slashes or control characters",
        ));
    }
    Ok(name)
}

/// Uploads a file (a drawing, photo, recording or document) for the PEP. Send the bytes as the
/// body with their media type as `Content-Type`.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/attachments",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP"), UploadParams),
    request_body(
        description = "The file's bytes, with its media type as Content-Type (images, PDF, plain text, audio, video).",
        content(
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "video/mp4"),
        )
    ),
    responses((status = 201, description = "Stored", body = AttachmentRefBody))
)]
pub async fn upload_attachment(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    params: Result<Query<UploadParams>, QueryRejection>,
    caller: Caller,
    body: Body,
) -> Result<(StatusCode, Json<AttachmentRefBody>), ApiError> {
    let pep_id: PepId = path_id("pep_id", &pep_id)?;
    let (header, _) = access::pep_in_reach(
        &state,
        &caller.principal,
        Operation::UploadAttachment,
        pep_id,
    )
    .await?;
    let file_name = file_name(params)?;
    let allowed = &state.limits().attachment_media_types;
    let media_type = caller.media_type().unwrap_or_default();
    if !allowed.iter().any(|allowed| allowed == &media_type) {
        return Err(ApiError::new(
            ProblemKind::UnsupportedMediaType,
            format!(
                "{} is not accepted for attachments; send one of {}",
                if media_type.is_empty() {
                    "a body without Content-Type"
                } else {
                    &media_type
                },
                allowed.join(", ")
            ),
        ));
    }
    let content =
        read_limited(body, caller.content_length, state.limits().attachment_bytes).await?;
    if content.is_empty() {
        return Err(ApiError::field("body", "the file is empty"));
    }
    let fingerprint = caller.fingerprint(&content);
    let attachment_id = match &caller.idempotency_key {
        Some(key) => derived_id(&caller.principal.subject, key, &fingerprint, "attachment"),
        None => state.ids().new_id(),
    };
    let attachment = NewAttachment {
        attachment_id,
        pep_id,
        child_id: header.child_id,
        la: header.la,
        file_name,
        media_type,
        content: content.to_vec(),
        uploaded_by: caller.principal.actor(),
        uploaded_at: state.clock().now(),
    };
    let stored = state.records().save_attachment(&attachment).await?;
    if stored.reference != attachment.reference() || stored.pep_id != pep_id {
        return Err(ApiError::new(
            ProblemKind::IdempotencyKeyReused,
            "this Idempotency-Key was already used for a different upload; use a new key",
        ));
    }
    Ok((StatusCode::CREATED, Json(stored.reference.into())))
}
