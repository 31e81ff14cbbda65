//! The gateway-owned tables' versioned migrations (`gateway/records/migrations/{postgres,sqlite}`),
//! applied after the event store's own, and the listing `pep migrate --status` prints.
//!
//! Both migrators share sqlx's `_sqlx_migrations` table, so each is told to ignore versions it
//! does not know (the other's); the versions never collide because the event store's begin with
//! 2025 and these with 2026 or later. Migrations are append-only: a released file is never
//! edited (sqlx refuses a changed checksum), a change is a new file.
//!
//! # Databases created before migrations existed
//!
//! Until these migrations, the same tables were created at start by the code itself. Such a
//! database is *adopted*: when every table a baseline migration creates already exists and the
//! migration is not recorded, it is recorded as applied (with its checksum, as sqlx would) instead
//! of being run, and the migrations after it run as usual. A database holding only some of a
//! baseline's tables is refused with the list of what is missing, since guessing could lose data.

use crate::{RecordDatabase, RecordError};
use sqlx::migrate::{Migrate, Migration, Migrator};

static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The baseline migrations and the tables each creates, for adopting an older database.
const BASELINES: &[(i64, &[&str])] = &[
    (
        20261206000001,
        &[
            "gateway_attachments",
            "gateway_access_log",
            "gateway_notices",
            "gateway_notice_deliveries",
            "gateway_notice_attempts",
            "gateway_webhooks",
            "gateway_notice_reads",
        ],
    ),
    (20261206000002, &["inbound_messages", "inbound_rejections"]),
];

/// One migration of the gateway's, and whether the database has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Its version (the file name's number).
    pub version: i64,
    /// Its description (the file name's words).
    pub description: String,
    /// Whether the database records it as applied.
    pub applied: bool,
}

/// Adopts a database whose tables predate migrations, then applies every pending migration.
/// Safe to run from several processes at once: sqlx takes an advisory lock on PostgreSQL, and
/// the adoption records a version at most once.
pub async fn migrate(database: &RecordDatabase) -> Result<(), RecordError> {
    match database {
        RecordDatabase::Postgres(pool) => {
            let mut connection = pool.acquire().await?;
            connection.ensure_migrations_table().await.map_err(failed)?;
            adopt_postgres(pool).await?;
            ignoring_others(&POSTGRES).run(pool).await.map_err(failed)?;
        }
        RecordDatabase::Sqlite(pool) => {
            let mut connection = pool.acquire().await?;
            connection.ensure_migrations_table().await.map_err(failed)?;
            adopt_sqlite(pool).await?;
            ignoring_others(&SQLITE).run(pool).await.map_err(failed)?;
        }
    }
    Ok(())
}

/// Every migration of the gateway's, oldest first, with whether the database has applied it.
pub async fn status(database: &RecordDatabase) -> Result<Vec<MigrationStatus>, RecordError> {
    let migrator = match database {
        RecordDatabase::Postgres(_) => &POSTGRES,
        RecordDatabase::Sqlite(_) => &SQLITE,
    };
    status_of(migrator, database).await
}

/// Every migration of `migrator` (the gateway's, or the event store's, which share the table),
/// oldest first, with whether the database has applied it.
pub async fn status_of(
    migrator: &Migrator,
    database: &RecordDatabase,
) -> Result<Vec<MigrationStatus>, RecordError> {
    let applied = match database {
        RecordDatabase::Postgres(pool) => {
            let mut connection = pool.acquire().await?;
            connection.ensure_migrations_table().await.map_err(failed)?;
            connection.list_applied_migrations().await.map_err(failed)?
        }
        RecordDatabase::Sqlite(pool) => {
            let mut connection = pool.acquire().await?;
            connection.ensure_migrations_table().await.map_err(failed)?;
            connection.list_applied_migrations().await.map_err(failed)?
        }
    };
    Ok(migrator
        .iter()
        .filter(|migration| migration.migration_type.is_up_migration())
        .map(|migration| MigrationStatus {
            version: migration.version,
            description: migration.description.to_string(),
            applied: applied.iter().any(|done| done.version == migration.version),
        })
        .collect())
}

/// The migrator, told to leave the event store's versions alone.
fn ignoring_others(migrator: &Migrator) -> Migrator {
    let mut migrator = Migrator {
        migrations: migrator.migrations.clone(),
        ..Migrator::DEFAULT
    };
    migrator.set_ignore_missing(true);
    migrator
}

fn failed(error: impl std::fmt::Display) -> RecordError {
    RecordError::Failed(format!("migrating the gateway's tables: {error}"))
}

/// What adoption should do with one baseline.
fn adoption(version: i64, tables: &[&str], present: &[bool], recorded: bool) -> Adoption {
    if recorded || present.iter().all(|found| !found) {
        return Adoption::Nothing;
    }
    if present.iter().all(|found| *found) {
        return Adoption::Record;
    }
    let missing: Vec<&str> = tables
        .iter()
        .zip(present)
        .filter(|(_, found)| !**found)
        .map(|(table, _)| *table)
        .collect();
    Adoption::Refuse(format!(
        "the database holds some of the tables of migration {version} but not {}; restore them \
         or move the others aside before migrating",
        missing.join(", ")
    ))
}

#[derive(Debug, PartialEq, Eq)]
enum Adoption {
    Nothing,
    Record,
    Refuse(String),
}

fn baseline(migrator: &Migrator, version: i64) -> Result<&Migration, RecordError> {
    migrator
        .iter()
        .find(|migration| migration.version == version)
        .ok_or_else(|| RecordError::Failed(format!("baseline migration {version} is missing")))
}

/// The statements adoption needs, each back end in its own words: only how a table's existence
/// is asked differs, and the connection type; what is decided and recorded is [`adopt_locked`]'s,
/// written once.
trait AdoptionQueries {
    /// Whether `table` exists where the gateway's tables live.
    async fn table_exists(&mut self, table: &str) -> Result<bool, sqlx::Error>;
    /// Whether `_sqlx_migrations` records `version`.
    async fn is_recorded(&mut self, version: i64) -> Result<bool, sqlx::Error>;
    /// Records `migration` as applied, with its checksum, as sqlx itself would.
    async fn record_applied(&mut self, migration: &Migration) -> Result<(), sqlx::Error>;
}

const IS_RECORDED: &str = "SELECT EXISTS (SELECT 1 FROM _sqlx_migrations WHERE version = $1)";

const RECORD_APPLIED: &str = "INSERT INTO _sqlx_migrations \
     (version, description, success, checksum, execution_time) \
     VALUES ($1, $2, TRUE, $3, 0)";

impl AdoptionQueries for sqlx::PgConnection {
    async fn table_exists(&mut self, table: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1)",
        )
        .bind(table)
        .fetch_one(self)
        .await
    }

    async fn is_recorded(&mut self, version: i64) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar(IS_RECORDED)
            .bind(version)
            .fetch_one(self)
            .await
    }

    async fn record_applied(&mut self, migration: &Migration) -> Result<(), sqlx::Error> {
        sqlx::query(RECORD_APPLIED)
            .bind(migration.version)
            .bind(migration.description.as_ref())
            .bind(migration.checksum.as_ref())
            .execute(self)
            .await?;
        Ok(())
    }
}

impl AdoptionQueries for sqlx::SqliteConnection {
    async fn table_exists(&mut self, table: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)",
        )
        .bind(table)
        .fetch_one(self)
        .await
    }

    async fn is_recorded(&mut self, version: i64) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar(IS_RECORDED)
            .bind(version)
            .fetch_one(self)
            .await
    }

    async fn record_applied(&mut self, migration: &Migration) -> Result<(), sqlx::Error> {
        sqlx::query(RECORD_APPLIED)
            .bind(migration.version)
            .bind(migration.description.as_ref())
            .bind(migration.checksum.as_ref())
            .execute(self)
            .await?;
        Ok(())
    }
}

async fn adopt_postgres(pool: &sqlx::PgPool) -> Result<(), RecordError> {
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('pep-gateway-adopt'))")
        .execute(&mut *transaction)
        .await?;
    // On an error the transaction is dropped, which rolls it back.
    adopt_locked(&mut *transaction, &POSTGRES).await?;
    transaction.commit().await?;
    Ok(())
}

async fn adopt_sqlite(pool: &sqlx::SqlitePool) -> Result<(), RecordError> {
    // SQLite has one writer at a time; an immediate transaction takes the write lock first.
    let mut connection = pool.acquire().await?;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *connection)
        .await?;
    let outcome = adopt_locked(&mut *connection, &SQLITE).await;
    let end = if outcome.is_ok() {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    sqlx::query(end).execute(&mut *connection).await?;
    outcome
}

/// Adopts every baseline whose tables all exist, on a connection already holding the back end's
/// lock, taking each recorded migration from `migrator`.
async fn adopt_locked(
    connection: &mut impl AdoptionQueries,
    migrator: &Migrator,
) -> Result<(), RecordError> {
    for (version, tables) in BASELINES {
        let mut present = Vec::with_capacity(tables.len());
        for table in *tables {
            present.push(connection.table_exists(table).await?);
        }
        let recorded = connection.is_recorded(*version).await?;
        match adoption(*version, tables, &present, recorded) {
            Adoption::Nothing => {}
            Adoption::Refuse(reason) => return Err(RecordError::Failed(reason)),
            Adoption::Record => {
                connection
                    .record_applied(baseline(migrator, *version)?)
                    .await?;
                tracing::info!(
                    version,
                    "adopted the gateway tables created before migrations"
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_baseline_is_recorded_only_when_all_its_tables_exist() {
        let tables = ["a", "b"];
        assert_eq!(
            adoption(1, &tables, &[false, false], false),
            Adoption::Nothing
        );
        assert_eq!(adoption(1, &tables, &[true, true], false), Adoption::Record);
        assert_eq!(adoption(1, &tables, &[true, true], true), Adoption::Nothing);
        let Adoption::Refuse(reason) = adoption(1, &tables, &[true, false], false) else {
            panic!("a half-present baseline must be refused");
        };
        assert!(reason.contains("not b"), "{reason}");
    }

    #[test]
    fn every_baseline_names_a_migration_of_both_back_ends() {
        for (version, _) in BASELINES {
            assert!(baseline(&POSTGRES, *version).is_ok());
            assert!(baseline(&SQLITE, *version).is_ok());
        }
    }

    #[tokio::test]
    async fn a_fresh_sqlite_database_gets_every_table_and_a_second_run_changes_nothing() {
        let directory = tempfile::tempdir().unwrap();
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(directory.path().join("pep.db"))
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let database = RecordDatabase::Sqlite(pool.clone());
        migrate(&database).await.unwrap();
        migrate(&database).await.unwrap();
        let listing = status(&database).await.unwrap();
        assert!(listing.iter().all(|migration| migration.applied));
        assert_eq!(listing.len(), SQLITE.iter().count());
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&pool)
                .await
                .unwrap();
        for (_, baseline_tables) in BASELINES {
            for table in *baseline_tables {
                assert!(tables.iter().any(|name| name == table), "{table}");
            }
        }
    }
}
