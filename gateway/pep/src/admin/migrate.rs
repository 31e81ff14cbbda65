//! `pep migrate`: brings a database to the current schema, so the service and the other commands
//! find every table: the event store's migrations, the gateway's (attachments, access log,
//! inbound log, notices), then each read model's tables and the projectors' checkpoint table
//! (all idempotent, safe to run again and while the service runs). `--status` lists the
//! migrations and whether each is applied.

use super::database::{
    DatabaseArgs, DatabaseLocation, OpenDatabase, open_and_migrate, open_existing,
};
use super::{block_on, say};
use anyhow::Context as _;
use pep_messaging::projection_feed::read_model_projectors;
use pep_reference::ReferenceData;
use projections::runtime::ProjectorRunner;

/// The options of `pep migrate`.
#[derive(Debug, Clone, clap::Args)]
pub struct MigrateArgs {
    /// Which database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// List every migration (the event store's and the gateway's) and whether the database has
    /// it, changing nothing.
    #[arg(long)]
    pub status: bool,
}

/// Runs `pep migrate`.
pub fn run_migrate(args: &MigrateArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    block_on(async {
        let location = DatabaseLocation::from_args(&args.database)?;
        if args.status {
            return print_status(&location).await;
        }
        let database = migrate(&location, reference).await?;
        database.read.close().await;
        say(format!("migrated {}", describe(&location)))?;
        say("event store: up to date")?;
        say("read models: chronology, funding, notices, compliance: tables ready")?;
        say("gateway tables (attachments, access log, inbound log, notices): up to date")
    })
}

/// `pep migrate --status`: one line per migration, oldest first, for both sets.
async fn print_status(location: &DatabaseLocation) -> anyhow::Result<()> {
    let database = open_existing(location).await?;
    say(format!("migrations of {}", describe(location)))?;
    let store_migrations = match location {
        DatabaseLocation::Postgres(_) => commands::store::PostgresEventStore::migrations(),
        DatabaseLocation::Sqlite(_) => commands::store::SqliteEventStore::migrations(),
    };
    let store = pep_records::migrations::status_of(&store_migrations, &database.records)
        .await
        .context("reading the event store's migrations")?;
    for migration in store {
        say(status_line(
            "event store",
            migration.version,
            &migration.description,
            migration.applied,
        ))?;
    }
    let gateway = pep_records::migrations::status(&database.records)
        .await
        .context("reading the gateway's migrations")?;
    for migration in &gateway {
        say(status_line(
            "gateway",
            migration.version,
            &migration.description,
            migration.applied,
        ))?;
    }
    database.read.close().await;
    Ok(())
}

fn status_line(set: &str, version: i64, description: &str, applied: bool) -> String {
    let state = if applied { "applied" } else { "pending" };
    format!("{state:<8} {set:<12} {version} {description}")
}

/// Applies the store's migrations and creates every read model's tables; returns the open
/// database.
pub async fn migrate(
    location: &DatabaseLocation,
    reference: &ReferenceData,
) -> anyhow::Result<OpenDatabase> {
    let database = open_and_migrate(location).await?;
    for projector in read_model_projectors(reference) {
        let name = projector.name();
        ProjectorRunner::new(database.read.clone(), projector)
            .ensure_schema()
            .await
            .with_context(|| format!("creating the {name} read model's tables"))?;
    }
    Ok(database)
}

/// The database in words, without a password.
pub(super) fn describe(location: &DatabaseLocation) -> String {
    match location {
        DatabaseLocation::Sqlite(path) => format!("the SQLite database {}", path.display()),
        DatabaseLocation::Postgres(url) => {
            let host_and_database = url.rsplit_once('@').map_or(url.as_str(), |(_, rest)| rest);
            let host_and_database = host_and_database
                .split('?')
                .next()
                .unwrap_or(host_and_database);
            format!("the PostgreSQL database {host_and_database}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pep_reference::ReferenceDataArgs;
    use std::path::PathBuf;

    #[test]
    fn a_database_is_described_without_its_password() {
        let location = DatabaseLocation::Postgres(
            "postgres://pep:secret@db:5432/pep?sslmode=require".to_owned(),
        );
        assert_eq!(describe(&location), "the PostgreSQL database db:5432/pep");
        let location = DatabaseLocation::Sqlite(PathBuf::from("data/pep.db"));
        assert_eq!(describe(&location), "the SQLite database data/pep.db");
    }

    #[tokio::test]
    async fn migrating_twice_creates_every_table_once() {
        let directory = tempfile::tempdir().unwrap();
        let location = DatabaseLocation::Sqlite(directory.path().join("data/pep.db"));
        let reference = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
        migrate(&location, &reference).await.unwrap();
        let database = migrate(&location, &reference).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(database.read.pool())
                .await
                .unwrap();
        for table in [
            "events",
            "projection_checkpoints",
            "chronology_entries",
            "funding_requests",
            "iro_notices",
            "compliance_children",
        ] {
            assert!(
                tables.iter().any(|name| name == table),
                "{table} in {tables:?}"
            );
        }
    }
}
