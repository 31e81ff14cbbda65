//! A child's record id follows from who the child is in the LA's social care system, so the
//! inbound feed, the HTTP API and an SSDA903 import all name the same record for the same
//! (`la`, `la_child_id`) without a lookup table that could disagree with the log. The first
//! registration wins; a second one for the same child is refused by the record itself.
//!
//! The other ids the feeds derive rather than store live here for the same reason: a
//! rejection's id follows from the bytes refused, so the same bytes refused again are the same
//! rejection, and a message's correlation id follows from its exactly-once key.

use super::rejection::RejectionKind;
use super::schema::Feed;
use domain::ids::ChildId;
use domain::values::LaCode;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The namespace of child record ids (a fixed random UUID; changing it would re-key every
/// child, so it never changes).
const CHILD_NAMESPACE: Uuid = Uuid::from_u128(0x6a1e_3c0f_5b2d_4f7e_9c41_0d8e_22b7_a953);

/// The record id of the child `la_child_id` of `la`.
pub fn child_id_for(la: &LaCode, la_child_id: &str) -> ChildId {
    let name = format!("{}/{}", la.as_str(), la_child_id.trim());
    ChildId::from_uuid(Uuid::new_v5(&CHILD_NAMESPACE, name.as_bytes()))
}

/// Namespace of rejection ids and message correlation ids.
const INBOUND_NAMESPACE: Uuid = Uuid::from_u128(0x1b0c_9e55_7a3f_4d21_8e6b_c2f4_90d1_5a37);

/// The stable id of the rejection of `bytes` on `feed` for `la` for `kind`: the same bytes
/// refused again are the same rejection, counted, not listed twice.
pub fn rejection_id(feed: Feed, la: &str, bytes: &[u8], kind: RejectionKind) -> String {
    let body_sha256 = hex::encode(Sha256::digest(bytes));
    Uuid::new_v5(
        &INBOUND_NAMESPACE,
        format!(
            "rejection/{}/{la}/{body_sha256}/{}",
            feed.as_str(),
            kind.as_str()
        )
        .as_bytes(),
    )
    .to_string()
}

/// The correlation id of every command the message `message_id` of `source_system` issues.
pub(crate) fn message_correlation_id(source_system: &str, message_id: &str) -> Uuid {
    Uuid::new_v5(
        &INBOUND_NAMESPACE,
        format!("message/{source_system}/{message_id}").as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_child_gets_the_same_id_and_others_do_not() {
        let la = LaCode::parse("831").unwrap();
        let other_la = LaCode::parse("830").unwrap();
        assert_eq!(child_id_for(&la, "566910"), child_id_for(&la, " 566910 "));
        assert_ne!(child_id_for(&la, "566910"), child_id_for(&la, "566911"));
        assert_ne!(
            child_id_for(&la, "566910"),
            child_id_for(&other_la, "566910")
        );
    }
}
