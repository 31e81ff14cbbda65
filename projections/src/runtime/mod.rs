//! The projector runtime: what a projector is, where it reads events from, and the runner that
//! applies batches exactly once and the rebuild that replaces a read model's tables atomically.
//!
//! **Exactly once.** A projector's rows and its checkpoint (`projection_checkpoints`) change in
//! the same database transaction, and the runner skips positions at or below the checkpoint:
//! - a crash between applying and committing leaves nothing applied (the transaction rolls
//!   back, the checkpoint did not move, the events are delivered again);
//! - a duplicate or out-of-order redelivery of events already applied is skipped;
//! - a gap (the next event is not checkpoint + 1; positions are contiguous in the store) is
//!   never applied across: the runner reads the missing events from the [`EventLog`] first.
//!
//! **Rebuild** ([`rebuild`]) reads the store directly in large batches into shadow tables, then,
//! holding the live checkpoint's lock (which pauses the live runner), catches both up to the
//! same position, checksums live and shadow and swaps them in one transaction.

mod checkpoint;
mod checksum;
mod error;
mod event_log;
mod projector;
mod rebuild;
mod rebuild_lock;
mod runner;
mod swap;

pub use checkpoint::{CHECKPOINT_TABLE, ensure_checkpoint_table, load_checkpoint};
pub use checksum::{TableChecksum, TablesChecksum, checksum_tables};
pub use error::{EventLogError, ProjectionError};
pub use event_log::{EventLog, InMemoryEventLog};
pub use projector::{Projector, TableNames, decode_event, stream_category};
pub use rebuild::{
    RebuildMode, RebuildOptions, RebuildPhase, RebuildProgress, RebuildReport, rebuild,
    rebuild_with,
};
pub use runner::{BatchOutcome, CatchUpReport, Gap, ProjectorLag, ProjectorRunner};
