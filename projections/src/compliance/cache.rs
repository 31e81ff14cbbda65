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
//!   (`last_position` after the copy's position, an indexed column) are read again. Every event
//!   that touches a child's row or obligations rewrites both with its position, and a PP+
//!   request made or rejected marks its child's row with its position too, so the child's
//!   count of requests is read again with it;
//! - another table (a rebuild swapped new tables in, for example after a policy change) or no
//!   copy yet: everything is read again.
//!
//! The copy also keeps each child judged, on one day (the last day asked): their record and
//! obligations judged as [`queries::judge`] judges them, and how they stood on the month ends the
//! monthly series counts ([`monthly::stood_on`]). A child read again is judged again on that
//! day; a query for another day, or for more months than are held, judges the whole copy again
//! on it, so the first query of a new day pays for everyone once and the rest pay only for what
//! changed. Judging depends on the policy, and a copy belongs to one projector and its policy.
//!
//! The checkpoint commits with the rows, so every row at or before the position read is
//! visible to the reads that follow; a row newer than it may be read too and is simply read
//! again next time. Children are never deleted from the read model (a child who leaves care
//! keeps a row), so nothing needs removing. A query for one child's record bypasses the copy.

use super::ComplianceProjector;
use super::monthly::{self, DayStanding};
use super::queries::{self, ChildCompliance, StoredChild};
use super::schema::CHILDREN;
use crate::db::{Backend, ReadDatabase};
use crate::runtime::{ProjectionError, TableNames, load_checkpoint};
use chrono::NaiveDate;
use domain::policy::LaPolicy;
use sqlx::Row;
use std::collections::BTreeMap;
use tokio::sync::{RwLock, RwLockReadGuard};

/// Which committed state of the tables a copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    position: u64,
    table: i64,
}

/// The day a copy is judged on, and the month ends of its monthly series, oldest first (the
/// last is the day itself).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Judging {
    on: NaiveDate,
    month_ends: Vec<NaiveDate>,
}

impl Judging {
    fn new(on: NaiveDate, months: u32) -> Self {
        Self {
            on,
            month_ends: monthly::month_ends(on, months),
        }
    }

    /// True when this judging answers a query on `on` for `months` months.
    fn covers(&self, on: NaiveDate, months: u32) -> bool {
        self.on == on && self.month_ends.len() >= months as usize
    }
}

/// One child in the copy: as stored, and as judged on the copy's day.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) stored: StoredChild,
    /// The child judged on the copy's day, every obligation with its status.
    pub(super) judged: ChildCompliance,
    /// How the child stood on each of the copy's month ends, oldest first.
    standings: Vec<DayStanding>,
}

impl Entry {
    fn new(stored: StoredChild, policy: &LaPolicy, judging: &Judging) -> Self {
        let judged = queries::judge(&stored, policy, judging.on);
        let standings = judging
            .month_ends
            .iter()
            .map(|day| monthly::stood_on(&stored, policy, *day))
            .collect();
        Self {
            stored,
            judged,
            standings,
        }
    }

    /// How the child stood on the last `months` month ends held, oldest first.
    pub(super) fn standings(&self, months: u32) -> &[DayStanding] {
        let from = self.standings.len().saturating_sub(months as usize);
        &self.standings[from..]
    }
}

/// The copy: every child of every LA, in care or not, by id, judged on one day.
#[derive(Debug)]
pub(super) struct Snapshot {
    version: Option<Version>,
    judging: Judging,
    children: BTreeMap<String, Entry>,
}

impl Default for Snapshot {
    fn default() -> Self {
        Self {
            version: None,
            judging: Judging::new(NaiveDate::MIN, 0),
            children: BTreeMap::new(),
        }
    }
}

impl Snapshot {
    /// Every child held, in id order.
    pub(super) fn children(&self) -> impl Iterator<Item = &Entry> {
        self.children.values()
    }

    /// The days the monthly series of `months` months judges, oldest first.
    pub(super) fn month_ends(&self, months: u32) -> &[NaiveDate] {
        let ends = &self.judging.month_ends;
        &ends[ends.len().saturating_sub(months as usize)..]
    }

    fn insert(&mut self, stored: StoredChild, policy: &LaPolicy) {
        let id = stored.record.child_id.to_string();
        let entry = Entry::new(stored, policy, &self.judging);
        self.children.insert(id, entry);
    }

    /// Judges every child again under `judging`.
    fn judge_all(&mut self, policy: &LaPolicy, judging: Judging) {
        let children = std::mem::take(&mut self.children);
        self.judging = judging;
        for (_, entry) in children {
            self.insert(entry.stored, policy);
        }
    }
}

/// The shared copy of the cohort; see the module's documentation.
#[derive(Debug, Default)]
pub struct CohortCache {
    snapshot: RwLock<Snapshot>,
}

impl CohortCache {
    /// The copy, brought up to the tables' committed state first, and judged under `policy` on
    /// `on` with at least `months` month ends.
    pub(super) async fn current(
        &self,
        database: &ReadDatabase,
        policy: &LaPolicy,
        on: NaiveDate,
        months: u32,
    ) -> Result<RwLockReadGuard<'_, Snapshot>, ProjectionError> {
        let version = version(database).await?;
        {
            let snapshot = self.snapshot.read().await;
            if snapshot.version == Some(version) && snapshot.judging.covers(on, months) {
                return Ok(snapshot);
            }
        }
        let mut snapshot = self.snapshot.write().await;
        if !snapshot.judging.covers(on, months) {
            let held = snapshot.judging.month_ends.len() as u32;
            let months = if snapshot.judging.on == on {
                months.max(held)
            } else {
                months
            };
            snapshot.judge_all(policy, Judging::new(on, months));
            tracing::debug!(%on, months, children = snapshot.children.len(), "cohort copy judged");
        }
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
                    snapshot.insert(child, policy);
                }
                snapshot.version = Some(version);
            }
            _ => {
                let all = queries::load_changed_since(database, 0).await?;
                tracing::debug!(children = all.len(), "cohort copy loaded");
                snapshot.children.clear();
                for child in all {
                    snapshot.insert(child, policy);
                }
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
