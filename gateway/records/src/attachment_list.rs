//! The files uploaded for one PEP, described without their bytes, for the route that lists
//! them: what a reader needs to choose one to download (name, type, size, hash) and who put it
//! there when.

use super::{RecordDatabase, RecordError, from_micros, parse_uuid};
use chrono::{DateTime, Utc};
use domain::ids::PepId;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;
use uuid::Uuid;

/// One uploaded file of a PEP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentListing {
    /// Its id, as in `GET /api/v1/peps/{pep_id}/attachments/{attachment_id}`.
    pub attachment_id: Uuid,
    /// The name the uploader gave it.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// SHA-256 of the bytes, lower-case hex (also the download's `ETag`).
    pub sha256: String,
    /// Who uploaded it (the token's subject).
    pub uploaded_by: String,
    /// In what role.
    pub uploaded_by_role: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

impl RecordDatabase {
    /// The files uploaded for `pep_id`, oldest first.
    pub async fn attachments_of_pep(
        &self,
        pep_id: PepId,
    ) -> Result<Vec<AttachmentListing>, RecordError> {
        const COLUMNS: &str = "attachment_id, file_name, media_type, size_bytes, sha256, \
                               uploaded_by, uploaded_by_role";
        let mut listings = Vec::new();
        match self {
            RecordDatabase::Postgres(pool) => {
                let rows = sqlx::query(&format!(
                    "SELECT {COLUMNS}, uploaded_at FROM gateway_attachments WHERE pep_id = $1 \
                     ORDER BY uploaded_at, attachment_id"
                ))
                .bind(pep_id.as_uuid())
                .fetch_all(pool)
                .await?;
                for row in rows {
                    listings.push(AttachmentListing {
                        attachment_id: row.try_get(0)?,
                        file_name: row.try_get(1)?,
                        media_type: row.try_get(2)?,
                        size_bytes: size(row.try_get(3)?)?,
                        sha256: row.try_get(4)?,
                        uploaded_by: row.try_get(5)?,
                        uploaded_by_role: row.try_get(6)?,
                        uploaded_at: row.try_get(7)?,
                    });
                }
            }
            RecordDatabase::Sqlite(pool) => {
                let rows = sqlx::query(&format!(
                    "SELECT {COLUMNS}, uploaded_at_micros FROM gateway_attachments \
                     WHERE pep_id = ?1 ORDER BY uploaded_at_micros, attachment_id"
                ))
                .bind(pep_id.to_string())
                .fetch_all(pool)
                .await?;
                for row in rows {
                    listings.push(AttachmentListing {
                        attachment_id: parse_uuid(&row.try_get::<String, _>(0)?)?,
                        file_name: row.try_get(1)?,
                        media_type: row.try_get(2)?,
                        size_bytes: size(row.try_get(3)?)?,
                        sha256: row.try_get(4)?,
                        uploaded_by: row.try_get(5)?,
                        uploaded_by_role: row.try_get(6)?,
                        uploaded_at: from_micros(row.try_get(7)?)?,
                    });
                }
            }
        }
        Ok(listings)
    }
}

fn size(stored: i64) -> Result<u64, RecordError> {
    u64::try_from(stored)
        .map_err(|_| RecordError::Failed(format!("attachment size {stored} is negative")))
}
