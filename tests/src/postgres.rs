//! A PostgreSQL database made for one test and dropped when the test ends (even on panic), on
//! the server behind `PEP_TEST_DATABASE_URL` (default: the project machines' trust-auth server on
//! 127.0.0.1:5432).

use commands::store::{EventStore, PostgresEventStore};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use uuid::Uuid;

/// The admin URL tests create their databases through.
pub fn admin_url() -> String {
    std::env::var("PEP_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database made for one test and dropped (even on panic) when this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// The database's name (`pep_test_<uuid>`).
    pub name: String,
    /// A URL connecting to it.
    pub url: String,
}

impl TestDatabase {
    /// Creates the database; panics with how to start PostgreSQL when it is unreachable.
    pub async fn create() -> Self {
        let admin_url = admin_url();
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "PostgreSQL is not reachable at {admin_url} ({error}). These tests need a real \
                 PostgreSQL: start it with deploy/local/test.sh (or set PEP_TEST_DATABASE_URL \
                 to an admin URL of a running server)."
                )
            });
        let name = format!("pep_test_{}", Uuid::now_v7().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let query = admin_url
            .split_once('?')
            .map(|(_, query)| format!("?{query}"))
            .unwrap_or_default();
        let url = format!("{base}/{name}{query}");
        Self { name, url }
    }

    /// A store on this database, migrated. Each call is an independent instance (its own pool
    /// and writer), as a separate process would have.
    pub async fn store(&self) -> Arc<dyn EventStore> {
        let store = PostgresEventStore::connect(&self.url).await.unwrap();
        store.migrate().await.unwrap();
        Arc::new(store)
    }

    /// Ends every session on this database but the caller's, as a failover or a network cut
    /// would. Returns how many were ended.
    pub async fn terminate_sessions(&self) -> u64 {
        let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
        let ended: Vec<bool> = sqlx::query_scalar(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND pid <> pg_backend_pid()",
            self.name
        ))
        .fetch_all(&mut admin)
        .await
        .unwrap();
        ended.into_iter().filter(|ended| *ended).count() as u64
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop cannot await and the test's runtime may be shutting down, so a thread with its
        // own runtime drops the database; FORCE ends the sessions still open on it.
        let name = self.name.clone();
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        });
        let _ = dropper.join();
    }
}
