//! Replacing a projector's live tables by its shadow tables inside one transaction, and the
//! index renames that keep the names of the next rebuild free.

use super::error::ProjectionError;
use super::projector::TableNames;
use crate::db::Backend;
use sqlx::{AnyConnection, Row};

/// Drops any shadow tables a crashed rebuild left behind.
pub(crate) async fn drop_shadow_tables(
    connection: &mut AnyConnection,
    bases: &[&str],
) -> Result<(), ProjectionError> {
    for base in bases {
        let shadow = TableNames::shadow().name(base);
        sqlx::query(&format!("DROP TABLE IF EXISTS {shadow}"))
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

/// Renames live to `_old`, shadow to live, drops old, and gives the new live tables' indexes
/// their live names; all in the caller's transaction, so readers see either the old tables or
/// the new ones.
pub(crate) async fn swap_shadow_into_live(
    connection: &mut AnyConnection,
    backend: Backend,
    bases: &[&str],
) -> Result<(), ProjectionError> {
    for base in bases {
        let live = TableNames::live().name(base);
        let shadow = TableNames::shadow().name(base);
        let old = format!("{live}_old");
        for statement in [
            format!("DROP TABLE IF EXISTS {old}"),
            format!("ALTER TABLE {live} RENAME TO {old}"),
            format!("ALTER TABLE {shadow} RENAME TO {live}"),
            format!("DROP TABLE {old}"),
        ] {
            sqlx::query(&statement).execute(&mut *connection).await?;
        }
        rename_indexes(connection, backend, &live, &shadow).await?;
    }
    Ok(())
}

/// Index (and, on PostgreSQL, primary-key) names share the schema's namespace and survive a
/// table rename, so the indexes now on `live` still carry `shadow`'s prefix; give them the
/// live prefix so the next rebuild can create its shadow indexes.
async fn rename_indexes(
    connection: &mut AnyConnection,
    backend: Backend,
    live: &str,
    shadow: &str,
) -> Result<(), ProjectionError> {
    match backend {
        Backend::Postgres => {
            let rows = sqlx::query(
                "SELECT CAST(indexname AS TEXT) AS indexname FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename = $1",
            )
            .bind(live)
            .fetch_all(&mut *connection)
            .await?;
            for row in rows {
                let index: String = row.try_get("indexname")?;
                if let Some(rest) = index.strip_prefix(shadow) {
                    sqlx::query(&format!("ALTER INDEX {index} RENAME TO {live}{rest}"))
                        .execute(&mut *connection)
                        .await?;
                }
            }
        }
        Backend::Sqlite => {
            // SQLite cannot rename an index: drop it and create it again under the live name
            // from its own stored definition (which the table rename already pointed at `live`).
            let rows = sqlx::query(
                "SELECT name, sql FROM sqlite_master \
                 WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
            )
            .bind(live)
            .fetch_all(&mut *connection)
            .await?;
            for row in rows {
                let index: String = row.try_get("name")?;
                let definition: String = row.try_get("sql")?;
                if let Some(rest) = index.strip_prefix(shadow) {
                    let renamed = format!("{live}{rest}");
                    sqlx::query(&format!("DROP INDEX {index}"))
                        .execute(&mut *connection)
                        .await?;
                    sqlx::query(&definition.replacen(&index, &renamed, 1))
                        .execute(&mut *connection)
                        .await?;
                }
            }
        }
    }
    Ok(())
}
