//! Uploaded files (the child's drawings, photos, recordings), stored by id with their SHA-256 so
//! that the reference a PEP event carries proves which bytes were attached.

use super::{RecordDatabase, RecordError, parse_uuid, to_micros};
use chrono::{DateTime, Utc};
use domain::Actor;
use domain::ids::{ChildId, PepId};
use domain::pep::AttachmentRef;
use domain::values::LaCode;
use sqlx::Row;
use uuid::Uuid;

/// A file to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// Its id.
    pub attachment_id: Uuid,
    /// The PEP it belongs to.
    pub pep_id: PepId,
    /// Whose PEP.
    pub child_id: ChildId,
    /// The child's LA.
    pub la: LaCode,
    /// The name the uploader gave it.
    pub file_name: String,
    /// Its media type, from the allow-list.
    pub media_type: String,
    /// The bytes.
    pub content: Vec<u8>,
    /// Who uploaded it.
    pub uploaded_by: Actor,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

impl NewAttachment {
    /// The reference a command carries: id, name, type, size and SHA-256 of the bytes.
    pub fn reference(&self) -> AttachmentRef {
        AttachmentRef {
            attachment_id: self.attachment_id.to_string(),
            file_name: self.file_name.clone(),
            media_type: self.media_type.clone(),
            size_bytes: self.content.len() as u64,
            sha256: sha256_hex(&self.content),
        }
    }
}

/// A stored file's description (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    /// The reference, as returned on upload.
    pub reference: AttachmentRef,
    /// The PEP it belongs to.
    pub pep_id: PepId,
    /// Whose PEP.
    pub child_id: ChildId,
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

impl RecordDatabase {
    /// Stores a file unless one with its id is already stored, and returns what is stored
    /// under the id: the same reference for a retried upload, another one when the id was
    /// used for different bytes (the caller compares).
    pub async fn save_attachment(
        &self,
        attachment: &NewAttachment,
    ) -> Result<StoredAttachment, RecordError> {
        let reference = attachment.reference();
        let size = i64::try_from(reference.size_bytes)
            .map_err(|_| RecordError::Failed("attachment too large to record".to_owned()))?;
        match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO gateway_attachments (attachment_id, pep_id, child_id, la, \
                     file_name, media_type, size_bytes, sha256, content, uploaded_by, \
                     uploaded_by_role, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     ON CONFLICT (attachment_id) DO NOTHING",
                )
                .bind(attachment.attachment_id)
                .bind(attachment.pep_id.as_uuid())
                .bind(attachment.child_id.as_uuid())
                .bind(attachment.la.as_str())
                .bind(&reference.file_name)
                .bind(&reference.media_type)
                .bind(size)
                .bind(&reference.sha256)
                .bind(&attachment.content)
                .bind(&attachment.uploaded_by.id)
                .bind(attachment.uploaded_by.role.as_str())
                .bind(attachment.uploaded_at)
                .execute(pool)
                .await?;
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO gateway_attachments (attachment_id, pep_id, child_id, la, \
                     file_name, media_type, size_bytes, sha256, content, uploaded_by, \
                     uploaded_by_role, uploaded_at_micros) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
                     ON CONFLICT (attachment_id) DO NOTHING",
                )
                .bind(attachment.attachment_id.to_string())
                .bind(attachment.pep_id.to_string())
                .bind(attachment.child_id.to_string())
                .bind(attachment.la.as_str())
                .bind(&reference.file_name)
                .bind(&reference.media_type)
                .bind(size)
                .bind(&reference.sha256)
                .bind(&attachment.content)
                .bind(&attachment.uploaded_by.id)
                .bind(attachment.uploaded_by.role.as_str())
                .bind(to_micros(attachment.uploaded_at))
                .execute(pool)
                .await?;
            }
        }
        self.attachment(attachment.attachment_id)
            .await?
            .ok_or_else(|| {
                RecordError::Failed("a stored attachment cannot be read back".to_owned())
            })
    }

    /// A stored file's description.
    pub async fn attachment(
        &self,
        attachment_id: Uuid,
    ) -> Result<Option<StoredAttachment>, RecordError> {
        const COLUMNS: &str =
            "attachment_id, pep_id, child_id, file_name, media_type, size_bytes, sha256";
        let row = match self {
            RecordDatabase::Postgres(pool) => {
                let row = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM gateway_attachments WHERE attachment_id = $1"
                ))
                .bind(attachment_id)
                .fetch_optional(pool)
                .await?;
                row.map(|row| -> Result<_, RecordError> {
                    Ok((
                        row.try_get::<Uuid, _>(0)?,
                        row.try_get::<Uuid, _>(1)?,
                        row.try_get::<Uuid, _>(2)?,
                        row.try_get::<String, _>(3)?,
                        row.try_get::<String, _>(4)?,
                        row.try_get::<i64, _>(5)?,
                        row.try_get::<String, _>(6)?,
                    ))
                })
                .transpose()?
            }
            RecordDatabase::Sqlite(pool) => {
                let row = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM gateway_attachments WHERE attachment_id = ?1"
                ))
                .bind(attachment_id.to_string())
                .fetch_optional(pool)
                .await?;
                row.map(|row| -> Result<_, RecordError> {
                    Ok((
                        parse_uuid(&row.try_get::<String, _>(0)?)?,
                        parse_uuid(&row.try_get::<String, _>(1)?)?,
                        parse_uuid(&row.try_get::<String, _>(2)?)?,
                        row.try_get::<String, _>(3)?,
                        row.try_get::<String, _>(4)?,
                        row.try_get::<i64, _>(5)?,
                        row.try_get::<String, _>(6)?,
                    ))
                })
                .transpose()?
            }
        };
        Ok(row.map(
            |(attachment_id, pep_id, child_id, file_name, media_type, size_bytes, sha256)| {
                StoredAttachment {
                    reference: AttachmentRef {
                        attachment_id: attachment_id.to_string(),
                        file_name,
                        media_type,
                        size_bytes: u64::try_from(size_bytes).unwrap_or_default(),
                        sha256,
                    },
                    pep_id: PepId::from_uuid(pep_id),
                    child_id: ChildId::from_uuid(child_id),
                }
            },
        ))
    }

    /// A stored file's bytes, for the read routes that serve it.
    pub async fn attachment_content(
        &self,
        attachment_id: Uuid,
    ) -> Result<Option<Vec<u8>>, RecordError> {
        let content = match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query("SELECT content FROM gateway_attachments WHERE attachment_id = $1")
                    .bind(attachment_id)
                    .fetch_optional(pool)
                    .await?
                    .map(|row| row.try_get::<Vec<u8>, _>(0))
                    .transpose()?
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query("SELECT content FROM gateway_attachments WHERE attachment_id = ?1")
                    .bind(attachment_id.to_string())
                    .fetch_optional(pool)
                    .await?
                    .map(|row| row.try_get::<Vec<u8>, _>(0))
                    .transpose()?
            }
        };
        Ok(content)
    }
}
