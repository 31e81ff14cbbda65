//! The data-quality view: children whose record carries a problem the social care system owns
//! (a UPN whose check letter fails, overlapping episodes, a first episode that does not start a
//! period of care). Such records were applied and flagged rather than refused (contracts.md §1),
//! so this is where someone finds them to get them corrected at source.

use super::schema::CHILDREN;
use crate::db::ReadDatabase;
use crate::runtime::{ProjectionError, TableNames};
use serde::Serialize;
use sqlx::Row;

/// One child with data-quality flags.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataQualityRow {
    /// The child's record.
    pub child_id: String,
    /// The child's id in the social care system, to find the record to correct.
    pub la_child_id: String,
    /// Whether the child is looked after now.
    pub in_care: bool,
    /// The problems, each with its `kind` and details.
    pub issues: serde_json::Value,
}

/// Children of `la` with at least one flag (of `kind`, when given), by social care id.
pub async fn data_quality(
    database: &ReadDatabase,
    la: &str,
    kind: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<DataQualityRow>), ProjectionError> {
    let children = TableNames::live().name(CHILDREN);
    let rows = sqlx::query(&format!(
        "SELECT child_id, la_child_id, in_care, data_quality FROM {children} \
         WHERE la = $1 AND data_quality <> '[]' ORDER BY la_child_id, child_id"
    ))
    .bind(la.to_owned())
    .fetch_all(database.pool())
    .await?;
    let mut flagged = Vec::new();
    for row in &rows {
        let text: String = row.try_get("data_quality")?;
        let issues: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| ProjectionError::BadStoredValue {
                value: text.clone(),
                reason: error.to_string(),
            })?;
        let matches = kind.is_none_or(|kind| {
            issues
                .as_array()
                .is_some_and(|issues| issues.iter().any(|issue| issue["kind"] == kind))
        });
        if matches {
            flagged.push(DataQualityRow {
                child_id: row.try_get("child_id")?,
                la_child_id: row.try_get("la_child_id")?,
                in_care: row.try_get::<i64, _>("in_care")? != 0,
                issues,
            });
        }
    }
    let total = flagged.len() as u64;
    let page = flagged
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    Ok((total, page))
}
