//! No tables created at run time in the gateway: its tables change only through the versioned
//! migrations in `gateway/records/migrations/`.
//!
//! A `CREATE TABLE IF NOT EXISTS` run at start-up never changes a table that already exists, so a
//! new column silently never reaches an existing database, and nothing records which schema a
//! database has. Migrations are named `<14-digit version>_<words>.sql`, and PostgreSQL and SQLite
//! must have the same versions so both back-ends reach the same schema.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::tree::{read, workspace_root};

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("listing {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "target") {
                continue;
            }
            files_under(&path, found);
        } else {
            found.push(path);
        }
    }
}

#[test]
fn no_gateway_file_creates_a_table_if_missing() {
    let root = workspace_root();
    let mut files = Vec::new();
    files_under(&root.join("gateway"), &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "rs" || ext == "sql")
        })
        .filter(|path| {
            // Whitespace is collapsed so a statement split across lines is caught as well.
            let words = read(path)
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            words.contains("create table if not exists")
        })
        .map(|path| {
            path.strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "these gateway files create tables with CREATE TABLE IF NOT EXISTS; add a migration under \
         gateway/records/migrations/{{postgres,sqlite}}/ instead:\n{}",
        offenders.join("\n")
    );
}

/// `<14 digits>_<lower-case words joined by underscores>.sql`, giving back the version.
fn migration_version(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".sql")?;
    let (version, words) = stem.split_once('_')?;
    let version_ok = version.len() == 14 && version.bytes().all(|byte| byte.is_ascii_digit());
    let words_ok = words.split('_').all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
    });
    (version_ok && words_ok).then_some(version)
}

fn versions_in(dir: &Path, bad_names: &mut Vec<String>) -> BTreeSet<String> {
    let mut versions = BTreeSet::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("listing {}: {error}", dir.display()));
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        match migration_version(&name) {
            Some(version) => {
                if !versions.insert(version.to_owned()) {
                    bad_names.push(format!(
                        "{}: version {version} is used twice",
                        dir.display()
                    ));
                }
            }
            None => bad_names.push(format!("{}/{name}", dir.display())),
        }
    }
    versions
}

#[test]
fn migrations_are_versioned_alike_for_both_databases() {
    let migrations = workspace_root().join("gateway/records/migrations");
    let mut bad_names = Vec::new();
    let postgres = versions_in(&migrations.join("postgres"), &mut bad_names);
    let sqlite = versions_in(&migrations.join("sqlite"), &mut bad_names);
    assert!(
        bad_names.is_empty(),
        "migration files must be named <14 digits>_<lower_case_words>.sql, once per version:\n{}",
        bad_names.join("\n")
    );
    assert!(
        !postgres.is_empty(),
        "no migrations found in {}",
        migrations.display()
    );
    assert_eq!(
        postgres,
        sqlite,
        "postgres/ and sqlite/ must hold the same migration versions; only in postgres: {:?}, only in sqlite: {:?}",
        postgres.difference(&sqlite).collect::<Vec<_>>(),
        sqlite.difference(&postgres).collect::<Vec<_>>()
    );
}

#[test]
fn the_migration_name_rule_accepts_and_rejects_what_it_should() {
    assert_eq!(
        migration_version("20261206000001_gateway_records.sql"),
        Some("20261206000001")
    );
    assert_eq!(migration_version("2026120600001_short.sql"), None);
    assert_eq!(migration_version("20261206000001_Mixed_Case.sql"), None);
    assert_eq!(migration_version("20261206000001_.sql"), None);
    assert_eq!(migration_version("20261206000001_gateway.up.sql"), None);
    assert_eq!(migration_version("20261206000001_gateway.rs"), None);
}
