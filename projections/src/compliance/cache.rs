//! The cohort in memory, so the dashboard and the cohort's pages do not read every child's row
//! and obligations from the database on every request.
//!
//! The compliance tables are the truth; this is a copy of them, as [`StoredChild`]ren (rows and
//! stored obligations: nothing judged, so a day's status is still worked out on the day asked),
//! and it knows which committed state of the tables it copies: the compliance checkpoint's
//! position, and the identity of the live children table (its OID on PostgreSQL, its root page
//! on SQLite). Before answering, a query reads both, which costs two indexed lookups:
//!
//! - the same position and table: the copy is current and is used as it is;
//! - a later position, same table: only the children whose row changed since
//!   (`last_position` after the copy's position; every event that touches a child's row or
//!   obligations rewrites both with its position) are read again, with the PP+ request counts,
//!   which funding events change without touching a child's row;
//! - another table (a rebuild swapped new tables in, for example after a policy change) or no
//!   copy yet: everything is read again.
//!
//! The checkpoint commits with the rows, so every row at or before the position read is
//! visible to the reads that follow; a row newer than it may be read too and is simply read
//! again next time. Children are never deleted from the read model (a child who leaves care
//! keeps a row), so nothing needs removing. A query for one child's record bypasses the copy.

use super::ComplianceProjector;
use super::queries::{self, StoredChild};
use super::schema::{CHILDREN, FUNDING_REQUESTS};
use crate::db::{Backend, ReadDatabase};
use crate::runtime::{ProjectionError, TableNames, load_checkpoint};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use tokio::sync::{RwLock, RwLockReadGuard};

/// Which committed state of the tables a copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    position: u64,
    table: i64,
}

/// The copy: every child of every LA, in care or not, by id.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    version: Option<Version>,
    children: BTreeMap<String, StoredChild>,
}

impl Snapshot {
    /// Every child held, in id order.
    pub(super) fn children(&self) -> impl Iterator<Item = &StoredChild> {
        self.children.values()
    }
}

/// The shared copy of the cohort; see the module's documentation.
#[derive(Debug, Default)]
pub struct CohortCache {
    snapshot: RwLock<Snapshot>,
}

impl CohortCache {
    /// The copy, brought up to the tables' committed state first.
    pub(super) async fn current(
        &self,
        database: &ReadDatabase,
    ) -> Result<RwLockReadGuard<'_, Snapshot>, ProjectionError> {
        let version = version(database).await?;
        {
            let snapshot = self.snapshot.read().await;
            if snapshot.version == Some(version) {
                return Ok(snapshot);
            }
        }
        let mut snapshot = self.snapshot.write().await;
        match snapshot.version {
            Some(held) if held == version => {}
            Some(held) if held.table == version.table && held.position <= version.position => {
                let changed = queries::load_changed_since(database, held.position).await?;
                tracing::debug!(
                    changed = changed.len(),
                    from = held.position,
                    to = version.position,
                    "cohort copy refreshed"
                );
                for child in changed {
                    snapshot
                        .children
                        .insert(child.record.child_id.to_string(), child);
                }
                let counts = pp_plus_counts(database).await?;
                for child in snapshot.children.values_mut() {
                    child.record.pp_plus_linked = child
                        .record
                        .current_pep_id
                        .is_some_and(|pep| counts.get(&pep.to_string()).is_some_and(|n| *n > 0));
                }
                snapshot.version = Some(version);
            }
            _ => {
                let all = queries::load_changed_since(database, 0).await?;
                tracing::debug!(children = all.len(), "cohort copy loaded");
                snapshot.children = all
                    .into_iter()
                    .map(|child| (child.record.child_id.to_string(), child))
                    .collect();
                snapshot.version = Some(version);
            }
        }
        Ok(snapshot.downgrade())
    }
}

/// The checkpoint's position and the live children table's identity.
async fn version(database: &ReadDatabase) -> Result<Version, ProjectionError> {
    let position = load_checkpoint(database, ComplianceProjector::NAME).await?;
    let name = TableNames::live().name(CHILDREN);
    let sql = match database.backend() {
        Backend::Postgres => "SELECT CAST(CAST(to_regclass($1) AS oid) AS BIGINT) AS identity",
        Backend::Sqlite => {
            "SELECT CAST(rootpage AS BIGINT) AS identity FROM sqlite_master \
             WHERE type = 'table' AND name = $1"
        }
    };
    let table = sqlx::query(sql)
        .bind(name)
        .fetch_optional(database.pool())
        .await?
        .map(|row| row.try_get::<Option<i64>, _>("identity"))
        .transpose()?
        .flatten()
        .unwrap_or(0);
    Ok(Version { position, table })
}

/// PP+ requests not rejected, by PEP.
async fn pp_plus_counts(database: &ReadDatabase) -> Result<HashMap<String, i64>, ProjectionError> {
    let requests = TableNames::live().name(FUNDING_REQUESTS);
    let rows = sqlx::query(&format!(
        "SELECT pep_id, COUNT(*) AS requests FROM {requests} WHERE state <> 'rejected' \
         GROUP BY pep_id"
    ))
    .fetch_all(database.pool())
    .await?;
    let mut counts = HashMap::with_capacity(rows.len());
    for row in rows {
        counts.insert(
            row.try_get::<String, _>("pep_id")?,
            row.try_get::<i64, _>("requests")?,
        );
    }
    Ok(counts)
}
