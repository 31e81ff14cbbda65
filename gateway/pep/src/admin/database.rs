//! Which database an operator command works on: `--database-url` / `DATABASE_URL`, or by
//! default the embedded service's SQLite file in its data directory (`./data/pep.db`,
//! `--data-dir` / `PEP_DATA_DIR`). Events and read models live in the same database.

use anyhow::{Context as _, bail};
use commands::store::{EventStore, PostgresEventStore, SqliteEventStore};
use pep_messaging::event_log::StoreEventLog;
use pep_records::RecordDatabase;
use projections::db::ReadDatabase;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The data directory used when neither `--data-dir` nor `PEP_DATA_DIR` is given.
pub const DEFAULT_DATA_DIR: &str = "./data";

/// The embedded database's file name inside the data directory.
pub const DATABASE_FILE_NAME: &str = "pep.db";

/// Where the database is, from the command line or the environment.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// The database holding the events and the read models: `postgres://user@host:5432/db` or
    /// `sqlite://FILE`. Default: the embedded SQLite file `pep.db` in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// The embedded service's data directory, used when no database URL is given.
    #[arg(long, env = "PEP_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
}

/// A database location, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// A PostgreSQL URL.
    Postgres(String),
    /// A SQLite file.
    Sqlite(PathBuf),
}

impl DatabaseLocation {
    /// The location the arguments name.
    pub fn from_args(args: &DatabaseArgs) -> anyhow::Result<Self> {
        let Some(url) = args.database_url.as_deref() else {
            return Ok(Self::Sqlite(args.data_dir.join(DATABASE_FILE_NAME)));
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                bail!("the SQLite URL {url:?} names no file: use sqlite://FILE");
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        let scheme = url.split(':').next().unwrap_or_default();
        bail!("unsupported database URL scheme {scheme:?}: use postgres://... or sqlite://FILE")
    }

    /// The URL the read side opens.
    fn read_url(&self) -> String {
        match self {
            Self::Postgres(url) => url.clone(),
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
        }
    }
}

/// An open database: the event store, its log, and the read database beside it.
#[derive(Debug, Clone)]
pub struct OpenDatabase {
    /// The event store.
    pub store: Arc<dyn EventStore>,
    /// The store as the read side's event log.
    pub log: StoreEventLog,
    /// The gateway's own tables (attachments, access log, inbound log, notices) on the same
    /// database.
    pub records: RecordDatabase,
    /// The read models' pool on the same database.
    pub read: ReadDatabase,
}

/// Opens an existing database; a missing SQLite file is an error (naming `pep migrate`), not
/// a new empty database.
pub async fn open_existing(location: &DatabaseLocation) -> anyhow::Result<OpenDatabase> {
    if let DatabaseLocation::Sqlite(path) = location
        && !path.is_file()
    {
        bail!(
            "there is no database at {}: run `pep migrate` first, or give --database-url / \
             --data-dir",
            path.display()
        );
    }
    open(location, false).await
}

/// Opens the database, creating the SQLite file and its directory when missing, and applies
/// the event store's migrations, then the gateway's.
pub async fn open_and_migrate(location: &DatabaseLocation) -> anyhow::Result<OpenDatabase> {
    if let DatabaseLocation::Sqlite(path) = location {
        create_parent(path)?;
    }
    open(location, true).await
}

fn create_parent(path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the data directory {}", parent.display()))?;
    }
    Ok(())
}

async fn open(location: &DatabaseLocation, migrate: bool) -> anyhow::Result<OpenDatabase> {
    let (store, records): (Arc<dyn EventStore>, RecordDatabase) = match location {
        DatabaseLocation::Postgres(url) => {
            let store = PostgresEventStore::connect(url)
                .await
                .context("connecting to the event store")?;
            if migrate {
                store.migrate().await.context("migrating the event store")?;
            }
            let records = RecordDatabase::Postgres(store.pool().clone());
            (Arc::new(store), records)
        }
        DatabaseLocation::Sqlite(path) => {
            let store = SqliteEventStore::open(path)
                .await
                .with_context(|| format!("opening {}", path.display()))?;
            if migrate {
                store.migrate().await.context("migrating the event store")?;
            }
            let records = RecordDatabase::Sqlite(store.pool().clone());
            (Arc::new(store), records)
        }
    };
    if migrate {
        pep_records::migrations::migrate(&records)
            .await
            .context("migrating the gateway's tables")?;
    }
    let read = ReadDatabase::connect(&location.read_url())
        .await
        .context("opening the read database")?;
    Ok(OpenDatabase {
        log: StoreEventLog::new(store.clone()),
        store,
        records,
        read,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(url: Option<&str>) -> DatabaseArgs {
        DatabaseArgs {
            database_url: url.map(str::to_owned),
            data_dir: PathBuf::from("/srv/pep"),
        }
    }

    #[test]
    fn without_a_url_the_embedded_file_in_the_data_directory_is_used() {
        assert_eq!(
            DatabaseLocation::from_args(&args(None)).unwrap(),
            DatabaseLocation::Sqlite(PathBuf::from("/srv/pep/pep.db"))
        );
    }

    #[test]
    fn postgres_and_sqlite_urls_are_recognised() {
        let postgres = "postgres://pep@db:5432/pep";
        assert_eq!(
            DatabaseLocation::from_args(&args(Some(postgres))).unwrap(),
            DatabaseLocation::Postgres(postgres.to_owned())
        );
        for (url, path) in [
            ("sqlite:///var/lib/pep/pep.db", "/var/lib/pep/pep.db"),
            ("sqlite://data/pep.db?mode=rwc", "data/pep.db"),
            ("sqlite:pep.db", "pep.db"),
        ] {
            assert_eq!(
                DatabaseLocation::from_args(&args(Some(url))).unwrap(),
                DatabaseLocation::Sqlite(PathBuf::from(path)),
                "{url}"
            );
        }
    }

    #[test]
    fn other_urls_are_refused_with_the_scheme() {
        let error = DatabaseLocation::from_args(&args(Some("mysql://x/y")))
            .unwrap_err()
            .to_string();
        assert!(error.contains("\"mysql\""), "{error}");
        assert!(DatabaseLocation::from_args(&args(Some("sqlite::memory:"))).is_err());
    }

    #[tokio::test]
    async fn a_missing_sqlite_file_is_not_created_by_commands_that_only_read() {
        let directory = tempfile::tempdir().unwrap();
        let location = DatabaseLocation::Sqlite(directory.path().join("nested/pep.db"));
        let error = open_existing(&location).await.unwrap_err().to_string();
        assert!(error.contains("pep migrate"), "{error}");
        assert!(!directory.path().join("nested").exists());

        open_and_migrate(&location).await.unwrap();
        assert!(directory.path().join("nested/pep.db").is_file());
        open_existing(&location).await.unwrap();
    }
}
