//! The two inbound message bodies (contracts.md §1) as the handler applies them, once they have
//! passed the gates: who sent the message, which child it is about and what it says. They are
//! apart from the gates so that the handler and the parking of placements can hold a message
//! without depending on how it was checked.

use crate::schema::Feed;
use domain::child::{ChildDetails, Ssda903Episode};
use domain::values::LaCode;
use serde_json::Value;

/// The fields every inbound message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKey {
    /// The sending system.
    pub source_system: String,
    /// Unique per source system.
    pub message_id: String,
}

/// A well-formed inbound message, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// Its exactly-once key.
    pub key: MessageKey,
    /// The child's LA.
    pub la: LaCode,
    /// The child's id in the LA's social care system.
    pub la_child_id: String,
    /// What it says.
    pub body: MessageBody,
}

/// What an inbound message says about the child.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageBody {
    /// An SSDA903 header row: who the child is.
    Child(ChildDetails),
    /// An SSDA903 episode row.
    Placement(Ssda903Episode),
}

impl InboundMessage {
    /// The feed this message belongs to.
    pub fn feed(&self) -> Feed {
        match self.body {
            MessageBody::Child(_) => Feed::Child,
            MessageBody::Placement(_) => Feed::Placement,
        }
    }
}

/// The `message_id` and `source_system` of a body, when it has them, even if it is otherwise
/// malformed: they name the message in the rejections list.
pub fn key_of(value: &Value) -> Option<MessageKey> {
    let text = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    Some(MessageKey {
        source_system: text("source_system")?,
        message_id: text("message_id")?,
    })
}
