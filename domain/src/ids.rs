//! Typed identifiers, so a PEP id can never be passed where a child id is expected.
//!
//! Ids are made at the edge (UUID v7 from an id source) and arrive in commands; the domain
//! never generates one, which keeps every decision reproducible in tests.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Wraps an id made at the edge.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(formatter)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }
    };
}

uuid_id!(
    /// One looked-after child's record (`child-<uuid>` stream).
    ChildId
);
uuid_id!(
    /// One PEP document (`pep-<uuid>` stream).
    PepId
);
uuid_id!(
    /// One SMART target inside a PEP.
    TargetId
);
uuid_id!(
    /// One action agreed at a PEP meeting.
    ActionId
);
uuid_id!(
    /// One PEP meeting.
    MeetingId
);
uuid_id!(
    /// One Pupil Premium Plus request, from request to impact.
    FundingRequestId
);

impl ChildId {
    /// The event stream that holds this child's record.
    pub fn stream_id(&self) -> String {
        format!("child-{}", self.0)
    }
}

impl PepId {
    /// The event stream that holds this PEP document.
    pub fn stream_id(&self) -> String {
        format!("pep-{}", self.0)
    }
}
