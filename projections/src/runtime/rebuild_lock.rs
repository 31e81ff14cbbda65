//! One rebuild per projector at a time: a process-wide claim, and on PostgreSQL a session
//! advisory lock so that another process cannot rebuild the same projector either (an SQLite
//! file is owned by one process).

use super::error::ProjectionError;
use crate::db::{Backend, ReadDatabase};
use sqlx::pool::PoolConnection;
use sqlx::{Any, Row};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// Held for the whole rebuild; [`RebuildLock::release`] gives it back.
pub(crate) struct RebuildLock {
    /// Removed from the process-wide set when dropped.
    _in_process: RunningRebuild,
    /// The connection holding the advisory lock (PostgreSQL only).
    connection: Option<PoolConnection<Any>>,
    key: String,
}

impl RebuildLock {
    /// Claims the rebuild of `projector` on `database`, or says one is already running.
    pub(crate) async fn acquire(
        database: &ReadDatabase,
        projector: &'static str,
    ) -> Result<Self, ProjectionError> {
        let in_process = RunningRebuild::claim(database, projector)?;
        let key = format!("pep-ledger-rebuild:{projector}");
        let connection = match database.backend() {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let mut connection = database.pool().acquire().await?;
                let claimed: bool =
                    sqlx::query("SELECT pg_try_advisory_lock(hashtext($1)) AS claimed")
                        .bind(&key)
                        .fetch_one(&mut *connection)
                        .await?
                        .try_get("claimed")?;
                if !claimed {
                    return Err(ProjectionError::RebuildAlreadyRunning { projector });
                }
                Some(connection)
            }
        };
        Ok(Self {
            _in_process: in_process,
            connection,
            key,
        })
    }

    /// Releases the lock. A connection that may still hold it is closed rather than returned
    /// to the pool (closing a session releases its advisory locks).
    pub(crate) async fn release(mut self) {
        if let Some(mut connection) = self.connection.take() {
            let released = sqlx::query("SELECT pg_advisory_unlock(hashtext($1))")
                .bind(&self.key)
                .execute(&mut *connection)
                .await;
            if released.is_err() {
                connection.close_on_drop();
            }
        }
    }
}

impl Drop for RebuildLock {
    fn drop(&mut self) {
        // Dropped without `release` (the rebuild's future was cancelled): the session may still
        // hold the advisory lock, so the connection must close instead of going back to the pool.
        if let Some(connection) = self.connection.as_mut() {
            connection.close_on_drop();
        }
    }
}

/// Refuses a second rebuild of the same projector on the same database in this process (on
/// PostgreSQL an advisory lock also refuses one from another process; an SQLite file is owned
/// by one process).
struct RunningRebuild {
    key: String,
}

fn running_rebuilds() -> &'static Mutex<HashSet<String>> {
    static RUNNING: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    RUNNING.get_or_init(|| Mutex::new(HashSet::new()))
}

impl RunningRebuild {
    fn claim(database: &ReadDatabase, projector: &'static str) -> Result<Self, ProjectionError> {
        let key = format!("{}\u{0}{projector}", database.identity());
        let mut running = running_rebuilds()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !running.insert(key.clone()) {
            return Err(ProjectionError::RebuildAlreadyRunning { projector });
        }
        Ok(Self { key })
    }
}

impl Drop for RunningRebuild {
    fn drop(&mut self) {
        running_rebuilds()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.key);
    }
}
