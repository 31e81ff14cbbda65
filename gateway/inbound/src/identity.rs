//! A child's record id follows from who the child is in the LA's social care system, so the
//! inbound feed, the HTTP API and an SSDA903 import all name the same record for the same
//! (`la`, `la_child_id`) without a lookup table that could disagree with the log. The first
//! registration wins; a second one for the same child is refused by the record itself.

use domain::ids::ChildId;
use domain::values::LaCode;
use uuid::Uuid;

/// The namespace of child record ids (a fixed random UUID; changing it would re-key every
/// child, so it never changes).
const CHILD_NAMESPACE: Uuid = Uuid::from_u128(0x6a1e_3c0f_5b2d_4f7e_9c41_0d8e_22b7_a953);

/// The record id of the child `la_child_id` of `la`.
pub fn child_id_for(la: &LaCode, la_child_id: &str) -> ChildId {
    let name = format!("{}/{}", la.as_str(), la_child_id.trim());
    ChildId::from_uuid(Uuid::new_v5(&CHILD_NAMESPACE, name.as_bytes()))
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
