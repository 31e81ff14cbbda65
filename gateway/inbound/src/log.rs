//! The inbound log: every message accepted (keyed by `source_system` and `message_id`, with its
//! original body and what became of it) and every message refused (with its original bytes, the
//! reason, and whether it has reached the dead-letter subject). Both tables live in the event
//! store's database and use portable SQL, so the embedded and production modes keep the same
//! evidence.
//!
//! The log is a record of deliveries, not the guard of exactly-once: that is the event store's
//! idempotency keys, checked inside the append transaction. So a crash between an append and
//! the log's update is harmless: the redelivered message finds the row still `received`, runs
//! again, and every command answers from its stored outcome.
//!
//! The accepted messages are in `log/messages.rs`, the rejections in `log/rejections.rs`, and
//! the handle both use in `log/store.rs`; this module only gathers them under their old paths.

mod messages;
mod rejections;
mod store;

pub use crate::arrival::Transport;
pub use messages::{LoggedMessage, MessageStatus, NewMessage};
pub use rejections::{LoggedRejection, NewRejection, RejectionQuery};
pub use store::InboundLog;
