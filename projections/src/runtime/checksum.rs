//! Checksums of read tables, so a rebuild can prove it produced exactly the live rows.
//!
//! The digest is independent of row order and of physical layout: each row is encoded as its
//! columns sorted by name, each value tagged with its kind (`n` null, `i` integer, `t` text,
//! `b` boolean, `f` float, `x` bytes) and length-prefixed where variable; the row's SHA-256 is
//! taken; the row digests are sorted; and the table digest is SHA-256 over the table's base
//! name, the row count and the sorted row digests. Two tables with the same rows (as a
//! multiset) have the same digest, whatever order they were written in; any changed, missing
//! or extra row changes it.

use super::error::ProjectionError;
use futures::TryStreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Column, Row};

/// One table's checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableChecksum {
    /// The base name (the same for live and shadow, so the two compare equal).
    pub table: String,
    /// Rows in the table.
    pub rows: u64,
    /// Lower-case hex SHA-256 as described in the module documentation.
    pub digest: String,
}

/// The checksums of every table of one projector, and one digest over them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TablesChecksum {
    /// One per table, in the projector's order.
    pub tables: Vec<TableChecksum>,
    /// SHA-256 over the table digests in order, hex.
    pub digest: String,
}

/// Checksums `bases` under the names `name_of(base)` through `connection` (inside a
/// transaction, to see one consistent state).
pub async fn checksum_tables(
    connection: &mut AnyConnection,
    bases: &[&str],
    name_of: impl Fn(&str) -> String,
) -> Result<TablesChecksum, ProjectionError> {
    let mut tables = Vec::with_capacity(bases.len());
    let mut overall = Sha256::new();
    for base in bases {
        let checksum = checksum_table(connection, base, &name_of(base)).await?;
        overall.update(checksum.digest.as_bytes());
        tables.push(checksum);
    }
    Ok(TablesChecksum {
        tables,
        digest: hex::encode(overall.finalize()),
    })
}

async fn checksum_table(
    connection: &mut AnyConnection,
    base: &str,
    table: &str,
) -> Result<TableChecksum, ProjectionError> {
    // Rows are streamed and only their 32-byte digests kept, so a table of millions of rows
    // needs tens of megabytes, not the rows themselves.
    let sql = format!("SELECT * FROM {table}");
    let mut rows = sqlx::query(&sql).fetch(&mut *connection);
    let mut row_digests = Vec::new();
    while let Some(row) = rows.try_next().await? {
        row_digests.push(row_digest(&row)?);
    }
    drop(rows);
    row_digests.sort_unstable();
    let mut digest = Sha256::new();
    digest.update(base.as_bytes());
    digest.update((row_digests.len() as u64).to_be_bytes());
    for row_digest in &row_digests {
        digest.update(row_digest);
    }
    Ok(TableChecksum {
        table: base.to_owned(),
        rows: row_digests.len() as u64,
        digest: hex::encode(digest.finalize()),
    })
}

fn row_digest(row: &sqlx::any::AnyRow) -> Result<[u8; 32], ProjectionError> {
    let mut columns: Vec<(usize, &str)> = row
        .columns()
        .iter()
        .map(|column| (column.ordinal(), column.name()))
        .collect();
    columns.sort_by(|left, right| left.1.cmp(right.1));
    let mut digest = Sha256::new();
    for (index, name) in columns {
        put_text(&mut digest, name);
        put_value(&mut digest, row, index)?;
    }
    Ok(digest.finalize().into())
}

fn put_text(digest: &mut Sha256, text: &str) {
    digest.update((text.len() as u64).to_be_bytes());
    digest.update(text.as_bytes());
}

/// Encodes one value with its kind. The read side stores only `TEXT` and `BIGINT`, but the
/// other kinds are encoded too rather than refused, so a checksum never fails on a table.
fn put_value(
    digest: &mut Sha256,
    row: &sqlx::any::AnyRow,
    index: usize,
) -> Result<(), ProjectionError> {
    if let Ok(value) = row.try_get::<Option<i64>, _>(index) {
        match value {
            None => digest.update(b"n"),
            Some(integer) => {
                digest.update(b"i");
                digest.update(integer.to_be_bytes());
            }
        }
        return Ok(());
    }
    if let Ok(Some(text)) = row.try_get::<Option<String>, _>(index) {
        digest.update(b"t");
        put_text(digest, &text);
        return Ok(());
    }
    if let Ok(Some(boolean)) = row.try_get::<Option<bool>, _>(index) {
        digest.update(if boolean { b"b1" } else { b"b0" });
        return Ok(());
    }
    if let Ok(Some(float)) = row.try_get::<Option<f64>, _>(index) {
        digest.update(b"f");
        digest.update(float.to_bits().to_be_bytes());
        return Ok(());
    }
    let bytes = row.try_get::<Option<Vec<u8>>, _>(index)?;
    match bytes {
        None => digest.update(b"n"),
        Some(bytes) => {
            digest.update(b"x");
            digest.update((bytes.len() as u64).to_be_bytes());
            digest.update(&bytes);
        }
    }
    Ok(())
}
