//! Who did something: the roles of contracts.md §4 and the actor recorded on every event.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's role. The names are the `role` claim values of the bearer token and are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Virtual School head or education adviser: oversees the whole cohort, quality-assures PEPs.
    VirtualSchool,
    /// The school's designated teacher for looked-after children.
    DesignatedTeacher,
    /// The child's social worker: initiates the PEP, records placement and school changes.
    SocialWorker,
    /// Foster carer or residential key worker.
    Carer,
    /// The child or young person themself.
    YoungPerson,
    /// Independent Reviewing Officer: reads and is notified, writes nothing in the PEP.
    Iro,
    /// Auditor or inspector: reads and replays, writes nothing.
    Auditor,
    /// A social care system feeding placement and child messages.
    Integration,
    /// Service administrator.
    Admin,
    /// The service itself, acting through a process manager (never a person).
    System,
}

impl Role {
    /// Every role, in a stable order (used by tables and tests that must cover them all).
    pub const ALL: [Role; 10] = [
        Role::VirtualSchool,
        Role::DesignatedTeacher,
        Role::SocialWorker,
        Role::Carer,
        Role::YoungPerson,
        Role::Iro,
        Role::Auditor,
        Role::Integration,
        Role::Admin,
        Role::System,
    ];

    /// The stable wire name, as in tokens and event envelopes.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Role::VirtualSchool => "virtual_school",
            Role::DesignatedTeacher => "designated_teacher",
            Role::SocialWorker => "social_worker",
            Role::Carer => "carer",
            Role::YoungPerson => "young_person",
            Role::Iro => "iro",
            Role::Auditor => "auditor",
            Role::Integration => "integration",
            Role::Admin => "admin",
            Role::System => "system",
        }
    }

    /// Parses a wire name; `None` for anything not in [`Role::ALL`].
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The person or system that caused an event, as recorded in its envelope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The subject of the bearer token (`sub`), or the name of the process manager.
    pub id: String,
    /// The role the actor acted in.
    pub role: Role,
}

impl Actor {
    /// An actor acting in a role.
    pub fn new(id: impl Into<String>, role: Role) -> Self {
        Self {
            id: id.into(),
            role,
        }
    }
}

/// A named person around the child (social worker, designated teacher, carer, IRO...).
/// `id` matches the `sub` of that person's token so that ownership checks can compare them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonRef {
    /// Stable identifier, the same as the person's token subject.
    pub id: String,
    /// Display name.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_wire_names_round_trip() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("headteacher"), None);
    }
}
