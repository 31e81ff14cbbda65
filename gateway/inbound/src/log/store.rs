//! The handle both tables of the inbound log are read and written through. It is its own module
//! so that the accepted-messages table and the rejections table can each add their queries to
//! the one `InboundLog` without either depending on the other or on the module that re-exports
//! them.

use projections::db::ReadDatabase;

/// The inbound log's tables.
#[derive(Debug, Clone)]
pub struct InboundLog {
    /// The event store's own database, so the log and the events it records commit side by
    /// side.
    pub(super) database: ReadDatabase,
}

impl InboundLog {
    /// The log in `database` (the event store's own).
    pub fn new(database: ReadDatabase) -> Self {
        Self { database }
    }
}
