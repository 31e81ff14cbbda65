//! What a projector is: a name (its checkpoint key), the tables it owns, their DDL, and how one
//! event changes them.

use super::error::ProjectionError;
use async_trait::async_trait;
use domain::envelope::RecordedEvent;
use domain::event::DomainEvent;

/// The names a projector's tables have in one build: the live names, or the `_shadow` names a
/// rebuild fills before swapping them in. Projectors never write a table name literally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableNames {
    /// Appended to every base name: empty for live tables.
    suffix: &'static str,
}

impl TableNames {
    /// The suffix of shadow tables.
    pub const SHADOW_SUFFIX: &'static str = "_shadow";

    /// The tables queries read and the live runner writes.
    pub const fn live() -> Self {
        Self { suffix: "" }
    }

    /// The tables a rebuild fills.
    pub const fn shadow() -> Self {
        Self {
            suffix: Self::SHADOW_SUFFIX,
        }
    }

    /// True for the shadow names.
    pub fn is_shadow(&self) -> bool {
        !self.suffix.is_empty()
    }

    /// The name of base table `base` in this build (`chronology_entries` or
    /// `chronology_entries_shadow`).
    pub fn name(&self, base: &str) -> String {
        format!("{base}{}", self.suffix)
    }

    /// The name of an index on base table `base`: always the table's name in this build
    /// followed by `_<index>`, because index names share one namespace with tables and the
    /// rebuild renames `<shadow table>_<index>` to `<live table>_<index>` when it swaps.
    pub fn index_name(&self, base: &str, index: &str) -> String {
        format!("{}_{index}", self.name(base))
    }
}

/// One read model's projector.
///
/// Implementations are plain: `apply` runs inside the runner's transaction, which also moves
/// the checkpoint, so it must not commit, must not read the clock or anything outside the event
/// and its own tables (a rebuild must produce exactly the same rows as the live run), and must
/// ignore events it does not care about.
#[async_trait]
pub trait Projector: Send + Sync {
    /// The checkpoint key, stable forever (`chronology`).
    fn name(&self) -> &'static str;

    /// The base names of the tables it owns; the rebuild shadows and swaps exactly these.
    fn tables(&self) -> &'static [&'static str];

    /// The DDL creating its tables and indexes under `tables`' names. Every statement must be
    /// idempotent (`CREATE TABLE IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`), use only
    /// portable types (`TEXT`, `BIGINT`) and name indexes with [`TableNames::index_name`].
    fn create_tables(&self, tables: &TableNames) -> Vec<String>;

    /// Applies one event inside the runner's transaction.
    async fn apply(
        &self,
        tx: &mut sqlx::AnyConnection,
        tables: &TableNames,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError>;
}

/// The category of a stream id: `child`, `pep` or `ppp` (the prefix before the first `-`).
pub fn stream_category(stream_id: &str) -> &str {
    stream_id.split('-').next().unwrap_or_default()
}

/// Decodes an event as `E` when its stream category and type belong to `E`; `Ok(None)` for
/// events of other aggregates (which a projector ignores), an error for a payload that does not
/// match its own type (which must stop the projector rather than be skipped silently).
pub fn decode_event<E: DomainEvent>(event: &RecordedEvent) -> Result<Option<E>, ProjectionError> {
    let category = match E::CATEGORY {
        "funding" => "ppp",
        other => other,
    };
    if stream_category(&event.stream_id) != category
        || !E::EVENT_TYPES.contains(&event.event_type.as_str())
    {
        return Ok(None);
    }
    E::decode(&event.event_type, event.schema_version, &event.payload)
        .map(Some)
        .map_err(|source| ProjectionError::decode(event, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_and_shadow_names_differ_only_by_suffix() {
        assert_eq!(
            TableNames::live().name("funding_requests"),
            "funding_requests"
        );
        assert_eq!(
            TableNames::shadow().name("funding_requests"),
            "funding_requests_shadow"
        );
        assert_eq!(
            TableNames::shadow().index_name("funding_requests", "by_child"),
            "funding_requests_shadow_by_child"
        );
        assert!(TableNames::shadow().is_shadow());
        assert!(!TableNames::live().is_shadow());
    }

    #[test]
    fn stream_categories_are_the_prefix() {
        assert_eq!(stream_category("child-0194"), "child");
        assert_eq!(stream_category("pep-0194"), "pep");
        assert_eq!(stream_category("ppp-831-2024-25"), "ppp");
    }
}
