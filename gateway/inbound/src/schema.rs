//! The feeds and their published JSON Schemas. The files in `docs/schemas/` are embedded and
//! used as the validators, so the published contract and the running check cannot drift apart.

use jsonschema::Validator;
use serde_json::Value;
use std::sync::OnceLock;

/// The child feed's schema, as published.
pub const CHILD_SCHEMA: &str =
    include_str!("../../../docs/schemas/pep.v1.inbound.child.schema.json");
/// The placement feed's schema, as published.
pub const PLACEMENT_SCHEMA: &str =
    include_str!("../../../docs/schemas/pep.v1.inbound.placement.schema.json");

/// An inbound feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feed {
    /// SSDA903 header rows: `pep.v1.inbound.<la>.child`.
    Child,
    /// SSDA903 episode rows: `pep.v1.inbound.<la>.placement`.
    Placement,
}

impl Feed {
    /// Both feeds.
    pub const ALL: [Feed; 2] = [Feed::Child, Feed::Placement];

    /// The feed's name in subjects and paths.
    pub fn as_str(self) -> &'static str {
        match self {
            Feed::Child => "child",
            Feed::Placement => "placement",
        }
    }

    /// Reads a feed name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|feed| feed.as_str() == text)
    }

    /// The published schema text.
    pub fn schema_text(self) -> &'static str {
        match self {
            Feed::Child => CHILD_SCHEMA,
            Feed::Placement => PLACEMENT_SCHEMA,
        }
    }

    /// The subject messages of this feed for `la` arrive on.
    pub fn inbound_subject(self, la: &str) -> String {
        format!("pep.v1.inbound.{la}.{}", self.as_str())
    }

    /// The subject refused messages of this feed for `la` go to.
    pub fn dead_letter_subject(self, la: &str) -> String {
        format!("pep.v1.dlq.{la}.{}", self.as_str())
    }
}

/// The validator of `feed`'s schema, built once.
pub fn feed_validator(feed: Feed) -> &'static Validator {
    static CHILD: OnceLock<Validator> = OnceLock::new();
    static PLACEMENT: OnceLock<Validator> = OnceLock::new();
    let slot = match feed {
        Feed::Child => &CHILD,
        Feed::Placement => &PLACEMENT,
    };
    slot.get_or_init(|| build_validator(feed.schema_text()))
}

#[allow(clippy::expect_used)]
fn build_validator(text: &str) -> Validator {
    // The schemas are compiled into the binary and a unit test builds both, so a broken one
    // never ships; failing loudly here is right.
    let schema: Value = serde_json::from_str(text).expect("an embedded inbound schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("an embedded inbound schema compiles")
}

/// Splits `pep.v1.inbound.<la>.<feed>` into its LA and feed.
pub fn parse_inbound_subject(subject: &str) -> Option<(String, Feed)> {
    let rest = subject.strip_prefix("pep.v1.inbound.")?;
    let (la, feed) = rest.split_once('.')?;
    Some((la.to_owned(), Feed::parse(feed)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_schemas_compile_and_check_formats() {
        for feed in Feed::ALL {
            let validator = feed_validator(feed);
            assert!(!validator.is_valid(&json!({})));
        }
        let child = json!({"message_id": "m", "source_system": "s", "la": "831",
            "la_child_id": "1", "sex": 2, "dob": "2023-02-30"});
        assert!(
            !feed_validator(Feed::Child).is_valid(&child),
            "30 February is refused"
        );
        let child = json!({"message_id": "m", "source_system": "s", "la": "831",
            "la_child_id": "1", "sex": 2, "dob": "2024-02-29"});
        assert!(feed_validator(Feed::Child).is_valid(&child));
    }

    #[test]
    fn subjects_name_la_and_feed() {
        assert_eq!(
            parse_inbound_subject("pep.v1.inbound.831.placement"),
            Some(("831".to_owned(), Feed::Placement))
        );
        assert_eq!(parse_inbound_subject("pep.v1.inbound.831.other"), None);
        assert_eq!(
            Feed::Child.dead_letter_subject("831"),
            "pep.v1.dlq.831.child"
        );
    }
}
