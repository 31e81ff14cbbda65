//! One arrival of a message, as every path that delivers one describes it (the JetStream
//! consumer, `POST /api/v1/inbound/*`, `pep import 903` and a resubmission). It lives apart from
//! the handler so the log, which records how each message came in, need not know the handler.

use super::schema::Feed;
use serde::Serialize;

/// One arrival of a message.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// The feed (from the subject or the path).
    pub feed: Feed,
    /// The LA it arrived for (from the subject, or the token's LA).
    pub la: &'a str,
    /// The bytes exactly as they arrived.
    pub bytes: &'a [u8],
    /// How.
    pub transport: Transport,
}

/// Where a message came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// A JetStream consumer on `pep.v1.inbound.>`.
    Nats,
    /// `POST /api/v1/inbound/*`.
    Http,
    /// `pep import 903`.
    Import,
    /// A rejected message submitted again.
    Resubmission,
}

impl Transport {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Nats => "nats",
            Transport::Http => "http",
            Transport::Import => "import",
            Transport::Resubmission => "resubmission",
        }
    }
}
