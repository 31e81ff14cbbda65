//! Reads a date from TOML written either as a native TOML date (`2024-09-02`) or as a string
//! (`"2024-09-02"`), because people editing LA data files will write both.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, de::Error as _};

/// Deserialises a calendar date from a native TOML local date or an ISO 8601 string.
pub(crate) fn deserialize<'de, D>(deserializer: D) -> Result<NaiveDate, D::Error>
where
    D: Deserializer<'de>,
{
    let value = toml::Value::deserialize(deserializer)?;
    match value {
        toml::Value::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(|| D::Error::custom(format!("{datetime} is not a real date"))),
            _ => Err(D::Error::custom(format!(
                "{datetime} has a time of day; write a plain date such as 2024-09-02"
            ))),
        },
        toml::Value::String(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| D::Error::custom(format!("{text:?} is not a date such as 2024-09-02"))),
        other => Err(D::Error::custom(format!(
            "expected a date such as 2024-09-02, found {}",
            other.type_str()
        ))),
    }
}
