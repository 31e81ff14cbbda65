//! The two inbound message bodies (contracts.md §1) and the checks that decide whether a message
//! is malformed (refused, dead-lettered) or well formed (applied, perhaps flagged).
//!
//! The bodies are in `message/body.rs` and the gates a message passes in `message/gates.rs`;
//! this module only gathers them under their old paths.

mod body;
mod gates;

pub use body::{InboundMessage, MessageBody, MessageKey, key_of};
pub use gates::parse_message;
