//! The `projection_checkpoints` table: each projector's position, moved in the same transaction
//! as its rows. Locking a projector's checkpoint row is also how the runner and a rebuild take
//! turns: whoever holds it is the only one writing that projector's tables.

use super::error::ProjectionError;
use crate::db::{Backend, ReadDatabase, from_sql_integer, timestamp_text, to_sql_integer};
use chrono::Utc;
use sqlx::{AnyConnection, Row};

/// The table holding every projector's checkpoint.
pub const CHECKPOINT_TABLE: &str = "projection_checkpoints";

/// Creates the checkpoint table if it does not exist.
pub async fn ensure_checkpoint_table(database: &ReadDatabase) -> Result<(), ProjectionError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS projection_checkpoints (\
            name TEXT PRIMARY KEY, \
            position BIGINT NOT NULL, \
            updated_at TEXT NOT NULL)",
    )
    .execute(database.pool())
    .await?;
    Ok(())
}

/// A projector's checkpoint as last committed (0 when it has applied nothing).
pub async fn load_checkpoint(database: &ReadDatabase, name: &str) -> Result<u64, ProjectionError> {
    let row = sqlx::query("SELECT position FROM projection_checkpoints WHERE name = $1")
        .bind(name)
        .fetch_optional(database.pool())
        .await?;
    match row {
        Some(row) => from_sql_integer(row.try_get::<i64, _>("position")?),
        None => Ok(0),
    }
}

/// Reads a checkpoint inside `connection`'s transaction and holds it until the transaction
/// ends: on PostgreSQL with `FOR UPDATE` on the row (the runner and a rebuild's swap therefore
/// take turns, across processes); on SQLite the transaction already holds the database's write
/// lock (`BEGIN IMMEDIATE`).
pub(crate) async fn lock_checkpoint(
    connection: &mut AnyConnection,
    backend: Backend,
    name: &str,
) -> Result<u64, ProjectionError> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, 0, $2) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(timestamp_text(Utc::now()))
    .execute(&mut *connection)
    .await?;
    let select = match backend {
        Backend::Postgres => {
            "SELECT position FROM projection_checkpoints WHERE name = $1 FOR UPDATE"
        }
        Backend::Sqlite => "SELECT position FROM projection_checkpoints WHERE name = $1",
    };
    let row = sqlx::query(select)
        .bind(name)
        .fetch_one(&mut *connection)
        .await?;
    from_sql_integer(row.try_get::<i64, _>("position")?)
}

/// Moves a checkpoint inside `connection`'s transaction.
pub(crate) async fn save_checkpoint(
    connection: &mut AnyConnection,
    name: &str,
    position: u64,
) -> Result<(), ProjectionError> {
    sqlx::query("UPDATE projection_checkpoints SET position = $2, updated_at = $3 WHERE name = $1")
        .bind(name)
        .bind(to_sql_integer(position)?)
        .bind(timestamp_text(Utc::now()))
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Removes a checkpoint (a finished rebuild's shadow checkpoint).
pub(crate) async fn delete_checkpoint(
    connection: &mut AnyConnection,
    name: &str,
) -> Result<(), ProjectionError> {
    sqlx::query("DELETE FROM projection_checkpoints WHERE name = $1")
        .bind(name)
        .execute(&mut *connection)
        .await?;
    Ok(())
}
