//! Leader election through the database, so exactly one relay (or other singleton job) runs.
//!
//! On PostgreSQL the guard owns a dedicated connection holding a session advisory lock: the
//! lock goes when the guard is dropped, the connection breaks or the process dies. A SQLite file
//! belongs to one process, so there the guard is a claim in a process-wide registry.

use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

/// Held leadership. Drop it (or call [`LeadershipGuard::release`]) to step down.
pub struct LeadershipGuard {
    name: String,
    hold: Hold,
}

enum Hold {
    Postgres(PgConnection),
    Sqlite(SqliteClaim),
}

impl fmt::Debug for LeadershipGuard {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let back_end = match self.hold {
            Hold::Postgres(_) => "postgres",
            Hold::Sqlite(_) => "sqlite",
        };
        formatter
            .debug_struct("LeadershipGuard")
            .field("name", &self.name)
            .field("back_end", &back_end)
            .finish()
    }
}

impl LeadershipGuard {
    pub(crate) fn postgres(name: &str, connection: PgConnection) -> Self {
        Self {
            name: name.to_owned(),
            hold: Hold::Postgres(connection),
        }
    }

    /// The leadership's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether leadership is still held. On PostgreSQL a broken connection means the lock is
    /// gone (another process may already lead), so a leader checks this before each unit of
    /// work and stops when it turns false.
    pub async fn is_still_held(&mut self) -> bool {
        match &mut self.hold {
            Hold::Postgres(connection) => connection.ping().await.is_ok(),
            Hold::Sqlite(_) => true,
        }
    }

    /// Steps down now rather than when the guard is dropped.
    pub async fn release(self) {
        match self.hold {
            Hold::Postgres(connection) => {
                // Closing the session releases its advisory locks; if closing fails the
                // connection is gone anyway, which releases them too.
                let _ = connection.close().await;
            }
            Hold::Sqlite(claim) => drop(claim),
        }
    }
}

/// The advisory lock key for a leadership name: the first 8 bytes of a SHA-256, in a namespace
/// of its own so that no name can collide with the writer's lock by construction of the input.
pub(crate) fn leadership_lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(format!("pep-ledger leadership {name}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// Names held by SQLite guards in this process, per database file.
static SQLITE_CLAIMS: LazyLock<Mutex<HashSet<(PathBuf, String)>>> =
    LazyLock::new(|| Mutex::new(HashSet::new()));

struct SqliteClaim {
    key: (PathBuf, String),
}

impl Drop for SqliteClaim {
    fn drop(&mut self) {
        claims().remove(&self.key);
    }
}

fn claims() -> std::sync::MutexGuard<'static, HashSet<(PathBuf, String)>> {
    // The set stays consistent even if a holder panicked: inserts and removes are single calls.
    SQLITE_CLAIMS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl LeadershipGuard {
    /// Claims `name` for the SQLite file at `database`, unless a guard in this process has it.
    pub(crate) fn try_claim_sqlite(database: PathBuf, name: &str) -> Option<Self> {
        let key = (database, name.to_owned());
        claims().insert(key.clone()).then(|| Self {
            name: name.to_owned(),
            hold: Hold::Sqlite(SqliteClaim { key }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_sqlite_claim_is_refused_until_the_first_is_dropped() {
        let file = PathBuf::from("/tmp/leadership-unit-test.db");
        let first = LeadershipGuard::try_claim_sqlite(file.clone(), "relay").unwrap();
        assert!(LeadershipGuard::try_claim_sqlite(file.clone(), "relay").is_none());
        let other = LeadershipGuard::try_claim_sqlite(file.clone(), "other").unwrap();
        drop(first);
        assert!(LeadershipGuard::try_claim_sqlite(file, "relay").is_some());
        drop(other);
    }

    #[test]
    fn lock_keys_differ_by_name() {
        assert_ne!(leadership_lock_key("relay"), leadership_lock_key("relay2"));
        assert_eq!(leadership_lock_key("relay"), leadership_lock_key("relay"));
    }
}
