//! The gateway's tables come from versioned migrations: a fresh database gets them all, a second
//! `pep migrate` changes nothing, a database whose tables were created by the code before
//! migrations is upgraded in place with its rows kept and ends with the same schema as a fresh
//! one, and `pep migrate --status` lists what is applied.

use commands::store::{PostgresEventStore, SqliteEventStore};
use pep::admin::DatabaseLocation;
use pep_reference::{ReferenceData, ReferenceDataArgs};
use sqlx::Row;
use std::process::Command;
use tests::postgres::TestDatabase;

/// The gateway-owned tables, by name.
const TABLES: &[&str] = &[
    "gateway_access_log",
    "gateway_attachments",
    "gateway_notice_attempts",
    "gateway_notice_deliveries",
    "gateway_notice_reads",
    "gateway_notices",
    "gateway_webhooks",
    "inbound_messages",
    "inbound_rejections",
];

fn reference() -> ReferenceData {
    ReferenceData::load(&ReferenceDataArgs::default()).unwrap()
}

/// Every column (name, type, nullability) and index of the gateway's tables, in a stable order.
async fn postgres_schema(url: &str) -> Vec<String> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut schema = Vec::new();
    for row in sqlx::query(
        "SELECT table_name, column_name, data_type, is_nullable, column_default \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name = ANY($1) ORDER BY table_name, ordinal_position",
    )
    .bind(TABLES)
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let default: Option<String> = row.get(4);
        schema.push(format!(
            "{}.{} {} null={} default={:?}",
            row.get::<String, _>(0),
            row.get::<String, _>(1),
            row.get::<String, _>(2),
            row.get::<String, _>(3),
            default
        ));
    }
    for row in sqlx::query(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() \
         AND tablename = ANY($1) ORDER BY indexname",
    )
    .bind(TABLES)
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        schema.push(format!(
            "index {} {}",
            row.get::<String, _>(0),
            row.get::<String, _>(1)
        ));
    }
    pool.close().await;
    schema
}

async fn sqlite_schema(pool: &sqlx::SqlitePool) -> Vec<String> {
    let mut schema = Vec::new();
    for table in TABLES {
        for row in sqlx::query(&format!("PRAGMA table_info({table})"))
            .fetch_all(pool)
            .await
            .unwrap()
        {
            schema.push(format!(
                "{table}.{} {} notnull={} pk={}",
                row.get::<String, _>("name"),
                row.get::<String, _>("type"),
                row.get::<i64, _>("notnull"),
                row.get::<i64, _>("pk"),
            ));
        }
    }
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' \
         AND (name LIKE 'gateway_%' OR name LIKE 'inbound_%') ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    schema.extend(indexes.into_iter().map(|name| format!("index {name}")));
    schema
}

const LEGACY_ROWS: &[&str] = &[
    "INSERT INTO inbound_messages (source_system, message_id, feed, la, la_child_id, child_id, \
     body_sha256, body, status, transport, received_at, updated_at, last_position, flags, \
     times_received) VALUES ('lcs', 'm-1', 'child', '831', '566910', 'c-1', 'abc', '{}', \
     'applied', 'nats', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 7, '[]', 1)",
    "INSERT INTO gateway_webhooks (webhook_id, la, url, description, secret, active, \
     created_by, created_at_micros) VALUES ('w-1', '831', 'https://127.0.0.1/hook', 'kept', \
     's', 1, 'vs-1', 0)",
];

async fn assert_legacy_rows_kept(count_sql: impl AsyncFn(&str) -> i64) {
    assert_eq!(
        count_sql("SELECT COUNT(*) FROM inbound_messages WHERE message_id = 'm-1'").await,
        1,
        "the inbound log's row survives the upgrade"
    );
    assert_eq!(
        count_sql("SELECT COUNT(*) FROM gateway_webhooks WHERE description = 'kept'").await,
        1,
        "the registered webhook survives the upgrade"
    );
}

#[tokio::test]
async fn a_postgres_database_from_before_migrations_is_upgraded_in_place() {
    let fresh = TestDatabase::create().await;
    pep::admin::migrate(&DatabaseLocation::Postgres(fresh.url.clone()), &reference())
        .await
        .unwrap();
    // A second run applies nothing and fails on nothing.
    let again = pep::admin::migrate(&DatabaseLocation::Postgres(fresh.url.clone()), &reference())
        .await
        .unwrap();
    let listing = pep_records::migrations::status(&again.records)
        .await
        .unwrap();
    assert!(!listing.is_empty() && listing.iter().all(|migration| migration.applied));

    let legacy = TestDatabase::create().await;
    let store = PostgresEventStore::connect(&legacy.url).await.unwrap();
    store.migrate().await.unwrap();
    sqlx::raw_sql(tests::legacy::GATEWAY_TABLES_POSTGRES)
        .execute(store.pool())
        .await
        .unwrap();
    for row in LEGACY_ROWS {
        sqlx::query(row).execute(store.pool()).await.unwrap();
    }
    let upgraded = pep::admin::migrate(
        &DatabaseLocation::Postgres(legacy.url.clone()),
        &reference(),
    )
    .await
    .unwrap();
    let pool = store.pool().clone();
    assert_legacy_rows_kept(async |sql: &str| {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&pool)
            .await
            .unwrap()
    })
    .await;
    let listing = pep_records::migrations::status(&upgraded.records)
        .await
        .unwrap();
    assert!(
        listing.iter().all(|migration| migration.applied),
        "{listing:?}"
    );
    assert_eq!(
        postgres_schema(&legacy.url).await,
        postgres_schema(&fresh.url).await,
        "an upgraded database has exactly the schema of a fresh one"
    );
}

#[tokio::test]
async fn a_sqlite_database_from_before_migrations_is_upgraded_in_place() {
    let directory = tempfile::tempdir().unwrap();
    let fresh_path = directory.path().join("fresh.db");
    let fresh = pep::admin::migrate(&DatabaseLocation::Sqlite(fresh_path), &reference())
        .await
        .unwrap();

    let legacy_path = directory.path().join("legacy.db");
    let store = SqliteEventStore::open(&legacy_path).await.unwrap();
    store.migrate().await.unwrap();
    sqlx::raw_sql(tests::legacy::GATEWAY_TABLES_SQLITE)
        .execute(store.pool())
        .await
        .unwrap();
    for row in LEGACY_ROWS {
        sqlx::query(row).execute(store.pool()).await.unwrap();
    }
    let upgraded = pep::admin::migrate(&DatabaseLocation::Sqlite(legacy_path), &reference())
        .await
        .unwrap();
    let pool = store.pool().clone();
    assert_legacy_rows_kept(async |sql: &str| {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&pool)
            .await
            .unwrap()
    })
    .await;
    let pep_records::RecordDatabase::Sqlite(fresh_pool) = &fresh.records else {
        panic!("a SQLite location opens SQLite records");
    };
    let pep_records::RecordDatabase::Sqlite(upgraded_pool) = &upgraded.records else {
        panic!("a SQLite location opens SQLite records");
    };
    assert_eq!(
        sqlite_schema(upgraded_pool).await,
        sqlite_schema(fresh_pool).await,
        "an upgraded database has exactly the schema of a fresh one"
    );
}

#[tokio::test]
async fn a_database_holding_only_some_baseline_tables_is_refused_naming_the_missing_ones() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("partial.db");
    let store = SqliteEventStore::open(&path).await.unwrap();
    store.migrate().await.unwrap();
    sqlx::raw_sql(tests::legacy::GATEWAY_TABLES_SQLITE)
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("DROP TABLE gateway_notice_reads")
        .execute(store.pool())
        .await
        .unwrap();
    let error = pep::admin::migrate(&DatabaseLocation::Sqlite(path), &reference())
        .await
        .expect_err("a half-present baseline must not be adopted");
    let error = format!("{error:#}");
    assert!(error.contains("gateway_notice_reads"), "{error}");
}

#[test]
fn pep_migrate_status_lists_every_migration_and_whether_it_is_applied() {
    let directory = tempfile::tempdir().unwrap();
    let data_dir = directory.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_pep"))
            .args(args)
            .args(["--data-dir", data_dir])
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "pep {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    run(&["migrate"]);
    let listing = run(&["migrate", "--status"]);
    let lines: Vec<&str> = listing.lines().skip(1).collect();
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("applied") && line.contains("event store")),
        "{listing}"
    );
    for version in ["20261206000001", "20261206000002"] {
        assert!(
            lines.iter().any(|line| line.starts_with("applied")
                && line.contains("gateway")
                && line.contains(version)),
            "{version} in {listing}"
        );
    }
    assert!(!listing.contains("pending"), "{listing}");
}
