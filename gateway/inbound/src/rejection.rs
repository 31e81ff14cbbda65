//! Why an inbound message was refused, in a form people, metrics and the dead-letter subject
//! share: a stable kind (for counting and filtering) and each problem with its JSON path.

use serde::{Deserialize, Serialize};

/// The kinds of malformed message (contracts.md §1). Their names are stable: dashboards and
/// alert rules filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionKind {
    /// Not JSON at all, or cut short.
    NotJson,
    /// A property the feed does not take.
    UnknownField,
    /// A required property is absent.
    MissingField,
    /// A date that does not exist, or is not YYYY-MM-DD.
    InvalidDate,
    /// A value of the wrong type or shape.
    InvalidValue,
    /// An SSDA903 code not in the code list of its collection year.
    UnknownCode,
    /// DEC before DECOM.
    EndBeforeStart,
    /// DEC without REC, or REC without DEC.
    EndWithoutReason,
    /// The body names another LA than the subject or token it came with.
    LaMismatch,
    /// The `message_id` was already used by this source for a different message.
    MessageIdReused,
    /// A business rule of the child record refused the change.
    RuleViolation,
}

impl RejectionKind {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectionKind::NotJson => "not_json",
            RejectionKind::UnknownField => "unknown_field",
            RejectionKind::MissingField => "missing_field",
            RejectionKind::InvalidDate => "invalid_date",
            RejectionKind::InvalidValue => "invalid_value",
            RejectionKind::UnknownCode => "unknown_code",
            RejectionKind::EndBeforeStart => "end_before_start",
            RejectionKind::EndWithoutReason => "end_without_reason",
            RejectionKind::LaMismatch => "la_mismatch",
            RejectionKind::MessageIdReused => "message_id_reused",
            RejectionKind::RuleViolation => "rule_violation",
        }
    }

    /// Reads a stable name back.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.as_str() == text)
    }

    /// Every kind, for metrics and documentation.
    pub const ALL: [RejectionKind; 11] = [
        RejectionKind::NotJson,
        RejectionKind::UnknownField,
        RejectionKind::MissingField,
        RejectionKind::InvalidDate,
        RejectionKind::InvalidValue,
        RejectionKind::UnknownCode,
        RejectionKind::EndBeforeStart,
        RejectionKind::EndWithoutReason,
        RejectionKind::LaMismatch,
        RejectionKind::MessageIdReused,
        RejectionKind::RuleViolation,
    ];

    /// Which kind names a rejection when a schema reports several problems: the structural
    /// ones first, since they usually explain the rest.
    pub(super) fn precedence(self) -> u8 {
        match self {
            RejectionKind::NotJson => 0,
            RejectionKind::UnknownField => 1,
            RejectionKind::MissingField => 2,
            RejectionKind::InvalidDate => 3,
            _ => 4,
        }
    }
}

/// One problem in a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectionProblem {
    /// JSON pointer into the message (`/end_date`); empty for the whole body.
    pub path: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectionReason {
    /// The kind that names the rejection.
    pub kind: RejectionKind,
    /// Every problem found (at least one).
    pub problems: Vec<RejectionProblem>,
}

impl RejectionReason {
    /// A rejection with one problem.
    pub fn single(kind: RejectionKind, path: &str, message: impl Into<String>) -> Self {
        Self {
            kind,
            problems: vec![RejectionProblem {
                path: path.to_owned(),
                message: message.into(),
            }],
        }
    }

    /// A rejection named by the first of `problems` (already in precedence order).
    pub(super) fn many(problems: Vec<(RejectionKind, String, String)>) -> Self {
        let kind = problems
            .first()
            .map_or(RejectionKind::InvalidValue, |(kind, _, _)| *kind);
        Self {
            kind,
            problems: problems
                .into_iter()
                .map(|(_, path, message)| RejectionProblem { path, message })
                .collect(),
        }
    }

    /// One line for people: the kind and the problems.
    pub fn summary(&self) -> String {
        let problems: Vec<String> = self
            .problems
            .iter()
            .map(|problem| {
                if problem.path.is_empty() {
                    problem.message.clone()
                } else {
                    format!("{}: {}", problem.path, problem.message)
                }
            })
            .collect();
        format!("{}: {}", self.kind.as_str(), problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_names() {
        for kind in RejectionKind::ALL {
            assert_eq!(RejectionKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RejectionKind::parse("nonsense"), None);
    }

    #[test]
    fn the_summary_names_the_kind_and_every_problem() {
        let reason = RejectionReason::many(vec![
            (
                RejectionKind::UnknownField,
                "".to_owned(),
                "x is not allowed".to_owned(),
            ),
            (
                RejectionKind::InvalidValue,
                "/la".to_owned(),
                "bad".to_owned(),
            ),
        ]);
        assert_eq!(reason.kind, RejectionKind::UnknownField);
        assert_eq!(
            reason.summary(),
            "unknown_field: x is not allowed; /la: bad"
        );
    }
}
