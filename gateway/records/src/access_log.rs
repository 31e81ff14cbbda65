//! The access log: one row for every read of a child's record (who, in what role, which child,
//! what they read, when), so an auditor can answer "who has looked at this child's file?". A
//! read that shows many children at once (a page of the cohort's compliance) writes its rows in
//! one statement or transaction, so the page is logged whole or not served.

use super::{RecordDatabase, RecordError, from_micros, parse_uuid, to_micros};
use chrono::{DateTime, Utc};
use domain::ids::ChildId;
use domain::values::LaCode;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;
use uuid::Uuid;

/// One read of a child's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessLogEntry {
    /// When the record was read.
    pub accessed_at: DateTime<Utc>,
    /// Who read it (the token's subject).
    pub actor_id: String,
    /// In what role.
    pub actor_role: String,
    /// The reader's LA.
    pub actor_la: String,
    /// Whose record.
    pub child_id: Uuid,
    /// The child's LA.
    pub child_la: String,
    /// What was read: the route template, such as `GET /api/v1/children/{id}/timeline`.
    pub what: String,
    /// The request, to find it in the server's log.
    pub request_id: Uuid,
}

/// Which entries an auditor wants. Always within one LA: an auditor sees only their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogQuery {
    /// The children's LA.
    pub la: LaCode,
    /// Only reads of this child.
    pub child_id: Option<ChildId>,
    /// Only reads by this person.
    pub actor_id: Option<String>,
    /// Only reads at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only reads before this instant.
    pub to: Option<DateTime<Utc>>,
    /// At most this many, newest first.
    pub limit: u32,
}

impl RecordDatabase {
    /// Writes the entries of one read that showed several children (a cohort page) together:
    /// all of them or, if the database refuses, none.
    pub async fn log_accesses(&self, entries: &[AccessLogEntry]) -> Result<(), RecordError> {
        if entries.is_empty() {
            return Ok(());
        }
        match self {
            RecordDatabase::Postgres(pool) => {
                // One statement for the page: the columns as arrays, unnested into rows.
                sqlx::query(
                    "INSERT INTO gateway_access_log (accessed_at, actor_id, actor_role, actor_la, \
                     child_id, child_la, what, request_id) \
                     SELECT * FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::text[], \
                     $5::uuid[], $6::text[], $7::text[], $8::uuid[])",
                )
                .bind(column(entries, |entry| entry.accessed_at))
                .bind(column(entries, |entry| entry.actor_id.clone()))
                .bind(column(entries, |entry| entry.actor_role.clone()))
                .bind(column(entries, |entry| entry.actor_la.clone()))
                .bind(column(entries, |entry| entry.child_id))
                .bind(column(entries, |entry| entry.child_la.clone()))
                .bind(column(entries, |entry| entry.what.clone()))
                .bind(column(entries, |entry| entry.request_id))
                .execute(pool)
                .await?;
            }
            RecordDatabase::Sqlite(pool) => {
                // SQLite is in-process: a loop of inserts in one transaction costs little.
                let mut transaction = pool.begin().await?;
                for entry in entries {
                    sqlx::query(
                        "INSERT INTO gateway_access_log (accessed_at_micros, actor_id, \
                         actor_role, actor_la, child_id, child_la, what, request_id) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )
                    .bind(to_micros(entry.accessed_at))
                    .bind(&entry.actor_id)
                    .bind(&entry.actor_role)
                    .bind(&entry.actor_la)
                    .bind(entry.child_id.to_string())
                    .bind(&entry.child_la)
                    .bind(&entry.what)
                    .bind(entry.request_id.to_string())
                    .execute(&mut *transaction)
                    .await?;
                }
                transaction.commit().await?;
            }
        }
        Ok(())
    }

    /// Writes one entry.
    pub async fn log_access(&self, entry: &AccessLogEntry) -> Result<(), RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO gateway_access_log (accessed_at, actor_id, actor_role, actor_la, \
                     child_id, child_la, what, request_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(entry.accessed_at)
                .bind(&entry.actor_id)
                .bind(&entry.actor_role)
                .bind(&entry.actor_la)
                .bind(entry.child_id)
                .bind(&entry.child_la)
                .bind(&entry.what)
                .bind(entry.request_id)
                .execute(pool)
                .await?;
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO gateway_access_log (accessed_at_micros, actor_id, actor_role, \
                     actor_la, child_id, child_la, what, request_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .bind(to_micros(entry.accessed_at))
                .bind(&entry.actor_id)
                .bind(&entry.actor_role)
                .bind(&entry.actor_la)
                .bind(entry.child_id.to_string())
                .bind(&entry.child_la)
                .bind(&entry.what)
                .bind(entry.request_id.to_string())
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// The entries matching `query`, newest first.
    pub async fn access_log(
        &self,
        query: &AccessLogQuery,
    ) -> Result<Vec<AccessLogEntry>, RecordError> {
        let limit = i64::from(query.limit);
        match self {
            RecordDatabase::Postgres(pool) => {
                let rows = sqlx::query(
                    "SELECT accessed_at, actor_id, actor_role, actor_la, child_id, child_la, what, \
                     request_id FROM gateway_access_log \
                     WHERE child_la = $1 \
                       AND ($2::uuid IS NULL OR child_id = $2) \
                       AND ($3::text IS NULL OR actor_id = $3) \
                       AND ($4::timestamptz IS NULL OR accessed_at >= $4) \
                       AND ($5::timestamptz IS NULL OR accessed_at < $5) \
                     ORDER BY accessed_at DESC, entry_id DESC LIMIT $6",
                )
                .bind(query.la.as_str())
                .bind(query.child_id.map(|child_id| child_id.as_uuid()))
                .bind(query.actor_id.as_deref())
                .bind(query.from)
                .bind(query.to)
                .bind(limit)
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(AccessLogEntry {
                            accessed_at: row.try_get(0)?,
                            actor_id: row.try_get(1)?,
                            actor_role: row.try_get(2)?,
                            actor_la: row.try_get(3)?,
                            child_id: row.try_get(4)?,
                            child_la: row.try_get(5)?,
                            what: row.try_get(6)?,
                            request_id: row.try_get(7)?,
                        })
                    })
                    .collect()
            }
            RecordDatabase::Sqlite(pool) => {
                let rows = sqlx::query(
                    "SELECT accessed_at_micros, actor_id, actor_role, actor_la, child_id, \
                     child_la, what, request_id FROM gateway_access_log \
                     WHERE child_la = ?1 \
                       AND (?2 IS NULL OR child_id = ?2) \
                       AND (?3 IS NULL OR actor_id = ?3) \
                       AND (?4 IS NULL OR accessed_at_micros >= ?4) \
                       AND (?5 IS NULL OR accessed_at_micros < ?5) \
                     ORDER BY accessed_at_micros DESC, entry_id DESC LIMIT ?6",
                )
                .bind(query.la.as_str())
                .bind(query.child_id.map(|child_id| child_id.to_string()))
                .bind(query.actor_id.as_deref())
                .bind(query.from.map(to_micros))
                .bind(query.to.map(to_micros))
                .bind(limit)
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(AccessLogEntry {
                            accessed_at: from_micros(row.try_get(0)?)?,
                            actor_id: row.try_get(1)?,
                            actor_role: row.try_get(2)?,
                            actor_la: row.try_get(3)?,
                            child_id: parse_uuid(&row.try_get::<String, _>(4)?)?,
                            child_la: row.try_get(5)?,
                            what: row.try_get(6)?,
                            request_id: parse_uuid(&row.try_get::<String, _>(7)?)?,
                        })
                    })
                    .collect()
            }
        }
    }
}

/// One column of the entries, for an array parameter.
fn column<T>(entries: &[AccessLogEntry], value: impl Fn(&AccessLogEntry) -> T) -> Vec<T> {
    entries.iter().map(value).collect()
}
