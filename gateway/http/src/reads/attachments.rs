//! Reading back the files uploaded for a PEP: the list (names, types, sizes, hashes, who
//! uploaded them) and one file's bytes. Both are reads of the PEP's child's record: authorised
//! as `ReadChildRecord` on that child and written to the access log before anything is
//! answered. A file of another PEP, an unknown id and a PEP out of reach all answer the same 404.
//!
//! A download is served so that a browser cannot be made to run it: the stored media type
//! (from the upload allow-list) with `X-Content-Type-Options: nosniff`, always
//! `Content-Disposition: attachment`, and the file name both percent-encoded (`filename*`, RFC
//! 6266 / 8187) and as a plain-ASCII fallback with anything that could break the header
//! replaced. `Cache-Control: private, no-store` keeps a child's files out of shared caches and
//! off disk; the `ETag` is the SHA-256 the upload recorded.

use crate::access;
use crate::command::path_id;
use crate::extract::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::ids::PepId;
use pep_auth::Operation;
use pep_records::AttachmentListing;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The files of a PEP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentList {
    /// The PEP.
    pub pep_id: Uuid,
    /// Its files, oldest first.
    pub attachments: Vec<AttachmentListing>,
}

/// Lists the files uploaded for the PEP (without their bytes).
#[utoipa::path(
    get,
    path = "/api/v1/peps/{pep_id}/attachments",
    tag = "peps",
    params(("pep_id" = String, Path, description = "The PEP")),
    responses(
        (status = 200, description = "The PEP's files, oldest first", body = AttachmentList),
        (status = 404, description = "No such PEP, or one out of the caller's reach"),
    )
)]
pub async fn list_attachments(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let pep_id: PepId = path_id("pep_id", &pep_id)?;
    access::authorize_pep_read(
        &state,
        &caller.principal,
        pep_id,
        "GET /api/v1/peps/{id}/attachments",
        caller.ids.request_id,
    )
    .await?;
    let attachments = state.records().attachments_of_pep(pep_id).await?;
    Ok(Json(AttachmentList {
        pep_id: pep_id.as_uuid(),
        attachments,
    })
    .into_response())
}

/// Downloads one file of the PEP: its bytes, with its media type and name.
#[utoipa::path(
    get,
    path = "/api/v1/peps/{pep_id}/attachments/{attachment_id}",
    tag = "peps",
    params(
        ("pep_id" = String, Path, description = "The PEP"),
        ("attachment_id" = String, Path, description = "The file, as the upload answered it"),
    ),
    responses(
        (status = 200, description = "The file's bytes, with Content-Type, Content-Disposition: attachment, ETag (its SHA-256) and Content-Length",
            content(
                (Vec<u8> = "application/octet-stream"),
            )),
        (status = 404, description = "No such file of this PEP, or a PEP out of the caller's reach"),
    )
)]
pub async fn download_attachment(
    State(state): State<AppState>,
    Path((pep_id, attachment_id)): Path<(String, String)>,
    caller: Caller,
) -> Result<Response, ApiError> {
    let pep_id: PepId = path_id("pep_id", &pep_id)?;
    let attachment_id: Uuid = path_id("attachment_id", &attachment_id)?;
    let (header, child) = access::pep_in_reach(
        &state,
        &caller.principal,
        Operation::ReadChildRecord,
        pep_id,
    )
    .await?;
    let hidden = || {
        ApiError::not_found(format!(
            "attachment {attachment_id} of PEP {pep_id} was not found"
        ))
    };
    let stored = state
        .records()
        .attachment(attachment_id)
        .await?
        .filter(|stored| stored.pep_id == pep_id)
        .ok_or_else(hidden)?;
    // Logged only once the file is known to exist, so a 404 leaves no row.
    access::log_child_read(
        &state,
        &caller.principal,
        header.child_id,
        &child,
        "GET /api/v1/peps/{id}/attachments/{attachment_id}",
        caller.ids.request_id,
    )
    .await?;
    let content = state
        .records()
        .attachment_content(attachment_id)
        .await?
        .ok_or_else(hidden)?;
    let reference = stored.reference;
    let media_type = HeaderValue::from_str(&reference.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(&reference.file_name))
        .map_err(|error| ApiError::internal(format!("Content-Disposition: {error}")))?;
    let etag = HeaderValue::from_str(&format!("\"{}\"", reference.sha256))
        .map_err(|error| ApiError::internal(format!("ETag: {error}")))?;
    let length = content.len();
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, HeaderValue::from(length)),
            (header::ETAG, etag),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        Body::from(content),
    )
        .into_response())
}

/// What RFC 8187 lets through unencoded (`attr-char`); everything else is percent-encoded.
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name>`.
pub fn content_disposition(file_name: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(file_name),
        utf8_percent_encode(file_name, ATTR_CHAR_ESCAPES)
    )
}

/// The name for clients that ignore `filename*`: printable ASCII only, without the characters
/// that end or escape a quoted string (`"`, `\`) or that some clients decode (`%`), each
/// replaced by `_`.
fn ascii_fallback(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|character| match character {
            '"' | '\\' | '%' => '_',
            ' ' => ' ',
            character if character.is_ascii_graphic() => character,
            _ => '_',
        })
        .collect();
    // A name with nothing recognisable left (all non-ASCII) falls back to a plain word.
    if !fallback
        .chars()
        .any(|character| character.is_ascii_alphanumeric())
    {
        "attachment".to_owned()
    } else {
        fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_encoded_so_they_cannot_break_the_header() {
        assert_eq!(
            content_disposition("drawing.png"),
            "attachment; filename=\"drawing.png\"; filename*=UTF-8''drawing.png"
        );
        let awkward = content_disposition("Amy's \"best\"\r\nSet-Cookie: x=1; été.png");
        assert_eq!(
            awkward,
            "attachment; filename=\"Amy's _best___Set-Cookie: x=1; _t_.png\"; \
             filename*=UTF-8''Amy%27s%20%22best%22%0D%0ASet-Cookie%3A%20x%3D1%3B%20%C3%A9t%C3%A9.png"
        );
        assert!(HeaderValue::from_str(&awkward).is_ok());
        assert_eq!(ascii_fallback("日本.png"), "__.png");
        assert_eq!(ascii_fallback("日本"), "attachment");
        assert_eq!(ascii_fallback("\u{7}"), "attachment");
    }
}
