//! How every way a command can fail becomes a problem document: each domain error gets a
//! stable kind (validation with a field path where the error names a field, forbidden-by-rule,
//! state conflict, rule violation, not found) and a stable `rule` code clients can match on;
//! store failures become 503 or an opaque 500.

use super::problem::{ApiError, FieldError, ProblemKind};
use commands::handlers::HandleError;
use domain::DomainError;
use domain::child::{ChildError, EpisodeError};
use domain::funding::FundingError;
use domain::pep::PepError;

/// Seconds a client should wait before retrying when the store is unreachable.
pub const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 5;

impl From<HandleError> for ApiError {
    fn from(error: HandleError) -> Self {
        match error {
            HandleError::Rejected(domain) => domain_problem(&domain),
            HandleError::NotFound { stream_id } => ApiError::not_found(format!(
                "{} was not found",
                describe_stream(&stream_id)
            )),
            HandleError::Conflict {
                stream_id,
                expected,
                actual,
            } => ApiError::new(
                ProblemKind::VersionConflict,
                format!(
                    "{} is at version {actual}, not {expected}; read it again and retry with If-Match: \"{actual}\" if your change still applies",
                    describe_stream(&stream_id)
                ),
            )
            .with_conflict(stream_id, expected, actual),
            HandleError::IdempotencyKeyReused { .. } => ApiError::new(
                ProblemKind::IdempotencyKeyReused,
                "this Idempotency-Key was already used for a different request (method, path or body); use a new key for a new request",
            ),
            HandleError::Unavailable(reason) => {
                ApiError::unavailable(reason, UNAVAILABLE_RETRY_AFTER_SECONDS)
            }
            HandleError::Invalid(reason) => ApiError::internal(format!("invalid append: {reason}")),
            HandleError::Corrupt(reason) => {
                ApiError::internal(format!("stored history unreadable: {reason}"))
            }
        }
    }
}

/// `child-<uuid>` → "child <uuid>", and so on, for details a person reads.
fn describe_stream(stream_id: &str) -> String {
    for (prefix, name) in [("child-", "child"), ("pep-", "PEP"), ("ppp-", "PP+ budget")] {
        if let Some(rest) = stream_id.strip_prefix(prefix) {
            return format!("{name} {rest}");
        }
    }
    stream_id.to_owned()
}

fn field(path: impl Into<String>, message: impl Into<String>) -> ApiError {
    ApiError::validation(vec![FieldError {
        path: path.into(),
        message: message.into(),
    }])
}

fn with_rule(kind: ProblemKind, detail: String, rule: &str) -> ApiError {
    ApiError::new(kind, detail).with_rule(rule)
}

/// The problem for a business rule's refusal.
pub fn domain_problem(error: &DomainError) -> ApiError {
    match error {
        DomainError::Child(error) => child_problem(error),
        DomainError::Pep(error) => pep_problem(error),
        DomainError::Funding(error) => funding_problem(error),
    }
}

/// An episode row's fault, at the path of the field at fault.
pub fn episode_problem(prefix: &str, error: &EpisodeError) -> ApiError {
    let path = match error {
        EpisodeError::EndsBeforeStart { .. } => "end_date",
        EpisodeError::EndWithoutReason => "reason_ceased",
        EpisodeError::Code { field, .. } => field,
    };
    let message = match error {
        EpisodeError::Code { source, .. } => source.to_string(),
        other => other.to_string(),
    };
    field(format!("{prefix}{path}"), message).with_rule("child.invalid_episode")
}

fn child_problem(error: &ChildError) -> ApiError {
    use ProblemKind::{NotFound, RuleViolation, StateConflict};
    let detail = error.to_string();
    match error {
        ChildError::AlreadyRegistered => {
            with_rule(StateConflict, detail, "child.already_registered")
        }
        ChildError::NotRegistered => with_rule(NotFound, detail, "child.not_registered"),
        ChildError::EmptyField { field: name } => {
            field(*name, "must not be empty").with_rule("child.empty_field")
        }
        ChildError::InvalidEpisode(episode) => episode_problem("episode.", episode),
        ChildError::MissingLeavingReason => field(
            "leaving_reason",
            "is required: say why the current setting is left",
        )
        .with_rule("child.missing_leaving_reason"),
        ChildError::StartsBeforeCurrentSetting { .. } => {
            field("started_on", detail).with_rule("child.starts_before_current_setting")
        }
        ChildError::PeriodEndsBeforeStart { .. } => {
            field("period_end", detail).with_rule("child.period_ends_before_start")
        }
        ChildError::InconsistentAttendance(reason) => {
            let path = if reason.starts_with("possible_sessions") {
                "possible_sessions"
            } else if reason.starts_with("attended_sessions") {
                "attended_sessions"
            } else {
                "unauthorised_absence_sessions"
            };
            field(path, *reason).with_rule("child.inconsistent_attendance")
        }
        ChildError::InvalidExclusionLength => {
            field("days", detail).with_rule("child.invalid_exclusion_length")
        }
        ChildError::PepAlreadyOpen { .. } => {
            with_rule(StateConflict, detail, "child.pep_already_open")
        }
        ChildError::NotInCare => with_rule(RuleViolation, detail, "child.not_in_care"),
        ChildError::DuplicatePepId(_) => with_rule(StateConflict, detail, "child.duplicate_pep_id"),
        ChildError::PepNotOpen(_) => with_rule(StateConflict, detail, "child.pep_not_open"),
        ChildError::ShareWithOwnLa { .. } => {
            field("la", detail).with_rule("child.share_with_own_la")
        }
        ChildError::NotShared { .. } => with_rule(StateConflict, detail, "child.not_shared"),
    }
}

fn pep_problem(error: &PepError) -> ApiError {
    use ProblemKind::{ForbiddenByRule, NotFound, RuleViolation, StateConflict};
    let detail = error.to_string();
    match error {
        PepError::AlreadyInitiated => with_rule(StateConflict, detail, "pep.already_initiated"),
        PepError::NotInitiated => with_rule(NotFound, detail, "pep.not_initiated"),
        PepError::Locked { .. } => with_rule(StateConflict, detail, "pep.locked"),
        PepError::NotSectionOwner { .. } => {
            with_rule(ForbiddenByRule, detail, "pep.not_section_owner")
        }
        PepError::SectionEmpty(_) => with_rule(RuleViolation, detail, "pep.section_empty"),
        PepError::SectionChanged {
            revision, content, ..
        } => with_rule(StateConflict, detail, "pep.section_changed")
            .with_section_conflict(*revision, content.clone()),
        PepError::EmptyField { field: name } => {
            let path = name.replace("[]", "");
            field(path, "must not be empty").with_rule("pep.empty_field")
        }
        PepError::DuplicateId { .. } => with_rule(StateConflict, detail, "pep.duplicate_id"),
        PepError::Unknown { .. } => with_rule(NotFound, detail, "pep.unknown_item"),
        PepError::MeetingAlreadyHeld(_) => {
            with_rule(StateConflict, detail, "pep.meeting_already_held")
        }
        PepError::MissingAbsenceReason => {
            field("child_absence_reason", detail).with_rule("pep.missing_absence_reason")
        }
        PepError::NotSmart(_) => with_rule(RuleViolation, detail, "pep.target_not_smart"),
        PepError::TargetAlreadyReviewed(_) => {
            with_rule(StateConflict, detail, "pep.target_already_reviewed")
        }
        PepError::DueBeforeAgreed { .. } => {
            field("due_on", detail).with_rule("pep.due_before_agreed")
        }
        PepError::ActionAlreadyComplete(_) => {
            with_rule(StateConflict, detail, "pep.action_already_complete")
        }
        PepError::WrongStatus { .. } => with_rule(StateConflict, detail, "pep.wrong_status"),
        PepError::NotReady(_) => with_rule(RuleViolation, detail, "pep.not_ready"),
        PepError::RoleNotAllowed { .. } => {
            with_rule(ForbiddenByRule, detail, "pep.role_not_allowed")
        }
    }
}

fn funding_problem(error: &FundingError) -> ApiError {
    use ProblemKind::{NotFound, RuleViolation, StateConflict};
    let detail = error.to_string();
    match error {
        FundingError::BudgetNotSet => with_rule(RuleViolation, detail, "funding.budget_not_set"),
        FundingError::WrongBudget { .. } => {
            with_rule(RuleViolation, detail, "funding.wrong_budget")
        }
        FundingError::BudgetBelowAllocated { .. } => {
            field("budget", detail).with_rule("funding.budget_below_allocated")
        }
        FundingError::NotPositive { field: name } => {
            field(*name, "must be more than £0.00").with_rule("funding.not_positive")
        }
        FundingError::DuplicateRequest(_) => {
            with_rule(StateConflict, detail, "funding.duplicate_request")
        }
        FundingError::UnknownRequest(_) => with_rule(NotFound, detail, "funding.unknown_request"),
        FundingError::PepNotForChild(_) => {
            field("pep_id", detail).with_rule("funding.pep_not_for_child")
        }
        FundingError::PepNotEligible { .. } => {
            with_rule(RuleViolation, detail, "funding.pep_not_eligible")
        }
        FundingError::NoTargetsLinked => {
            field("target_ids", detail).with_rule("funding.no_targets_linked")
        }
        FundingError::TargetNotInPep(_) => {
            field("target_ids", detail).with_rule("funding.target_not_in_pep")
        }
        FundingError::EmptyField { field: name } => {
            field(*name, "must not be empty").with_rule("funding.empty_field")
        }
        FundingError::ImpactNotRecorded(_) => {
            with_rule(RuleViolation, detail, "funding.impact_not_recorded")
        }
        FundingError::CapExceeded { .. } => {
            with_rule(RuleViolation, detail, "funding.cap_exceeded")
        }
        FundingError::BudgetExceeded { .. } => {
            with_rule(RuleViolation, detail, "funding.budget_exceeded")
        }
        FundingError::MoreThanRequested { .. } => {
            field("amount", detail).with_rule("funding.more_than_requested")
        }
        FundingError::AlreadyDecided(_) => {
            with_rule(StateConflict, detail, "funding.already_decided")
        }
        FundingError::NotAllocated(_) => with_rule(StateConflict, detail, "funding.not_allocated"),
        FundingError::ImpactAlreadyRecorded(_) => {
            with_rule(StateConflict, detail, "funding.impact_already_recorded")
        }
        FundingError::PepRatedRed(_) => with_rule(RuleViolation, detail, "funding.pep_rated_red"),
        FundingError::UnknownInstalment { .. } => {
            field("instalment", detail).with_rule("funding.unknown_instalment")
        }
        FundingError::AlreadyPaid { .. } => {
            with_rule(StateConflict, detail, "funding.already_paid")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn an_episode_ending_before_it_starts_is_reported_at_its_end_date() {
        let error = ChildError::InvalidEpisode(EpisodeError::EndsBeforeStart {
            start_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
        });
        let problem = domain_problem(&DomainError::Child(error)).to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].path, "episode.end_date");
        assert_eq!(problem.rule.as_deref(), Some("child.invalid_episode"));
    }

    #[test]
    fn a_stale_version_is_a_409_naming_the_current_version() {
        let problem = ApiError::from(HandleError::Conflict {
            stream_id: "pep-1".to_owned(),
            expected: 3,
            actual: 5,
        })
        .to_problem();
        assert_eq!(problem.status, 409);
        assert_eq!(problem.current_version, Some(5));
        assert_eq!(problem.expected_version, Some(3));
        assert_eq!(problem.stream_id.as_deref(), Some("pep-1"));
    }

    #[test]
    fn store_failures_never_show_their_reason() {
        let unavailable = ApiError::from(HandleError::Unavailable("tcp 5432 refused".to_owned()));
        assert_eq!(unavailable.kind, ProblemKind::Unavailable);
        assert!(!unavailable.to_problem().detail.contains("5432"));
        let corrupt = ApiError::from(HandleError::Corrupt("row 17 bad json".to_owned()));
        assert_eq!(corrupt.kind, ProblemKind::Internal);
        assert!(!corrupt.to_problem().detail.contains("row 17"));
    }

    #[test]
    fn a_section_owned_by_another_role_is_forbidden_by_rule() {
        let error = PepError::NotSectionOwner {
            section: "care_context",
            owner: domain::Role::SocialWorker,
            by: domain::Role::Carer,
            verb: "draft",
        };
        let problem = domain_problem(&DomainError::Pep(error)).to_problem();
        assert_eq!(problem.status, 403);
        assert!(problem.problem_type.ends_with("/forbidden-by-rule"));
    }
}
