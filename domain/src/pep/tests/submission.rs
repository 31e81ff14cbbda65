//! Submission and quality-assurance scenarios, apart because they are the steps where the Virtual
//! School judges the PEP.

use super::*;

fn submit(by: Role) -> PepCommand {
    PepCommand::Submit {
        by: as_role(by),
        submitted_on: date(2025, 1, 21),
    }
}

#[test]
fn a_pep_is_ready_once_everything_required_is_there_and_is_then_submitted() {
    use crate::event::Decider;
    assert_eq!(PepDecider::replay(&ready()).status(), PepStatus::Ready);
    given::<PepDecider>(ready())
        .when(submit(Role::DesignatedTeacher))
        .then([PepEvent::Submitted {
            submitted_on: date(2025, 1, 21),
            by_role: Role::DesignatedTeacher,
            resubmission: false,
        }]);
}

#[test]
fn submitting_an_incomplete_pep_says_what_is_missing() {
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(submit(Role::SocialWorker))
        .then_error(PepError::NotReady(vec![
            "section education_history is not complete".to_owned(),
            "section current_arrangements is not complete".to_owned(),
            "section attendance_and_conduct is not complete".to_owned(),
            "section attainment_and_progress is not complete".to_owned(),
            "section care_context is not complete".to_owned(),
            "no PEP meeting has been held".to_owned(),
            "no SMART target has been set".to_owned(),
            "the child's views have not been recorded".to_owned(),
        ]));
}

#[test]
fn a_carer_cannot_submit() {
    given::<PepDecider>(ready())
        .when(submit(Role::Carer))
        .then_error(PepError::RoleNotAllowed {
            action: "submit",
            by: Role::Carer,
        });
}

#[test]
fn a_submitted_pep_cannot_be_edited_or_submitted_again() {
    given::<PepDecider>(submitted())
        .when(draft(PepSection::CareContext, Role::SocialWorker))
        .then_error(PepError::Locked {
            status: PepStatus::Submitted,
        });
    given::<PepDecider>(submitted())
        .when(submit(Role::DesignatedTeacher))
        .then_error(PepError::WrongStatus {
            action: "submit",
            status: PepStatus::Submitted,
        });
}

fn return_pep(by: Role, reason: &str) -> PepCommand {
    PepCommand::Return {
        by: as_role(by),
        returned_on: date(2025, 1, 24),
        reason: reason.to_owned(),
    }
}

#[test]
fn the_virtual_school_returns_a_submitted_pep_which_can_then_be_fixed_and_resubmitted() {
    let reason = "targets are not measurable enough";
    given::<PepDecider>(submitted())
        .when(return_pep(Role::VirtualSchool, reason))
        .then([PepEvent::ReturnedForImprovement {
            returned_on: date(2025, 1, 24),
            reason: reason.to_owned(),
        }]);
    let mut history = submitted();
    history.push(PepEvent::ReturnedForImprovement {
        returned_on: date(2025, 1, 24),
        reason: reason.to_owned(),
    });
    given::<PepDecider>(history.clone())
        .when(smart_target(2))
        .then([target_set(2)]);
    history.push(target_set(2));
    given::<PepDecider>(history)
        .when(submit(Role::DesignatedTeacher))
        .then([PepEvent::Submitted {
            submitted_on: date(2025, 1, 21),
            by_role: Role::DesignatedTeacher,
            resubmission: true,
        }]);
}

#[test]
fn returning_is_refused_for_other_roles_without_a_reason_or_when_not_submitted() {
    given::<PepDecider>(submitted())
        .when(return_pep(Role::DesignatedTeacher, "x"))
        .then_error(PepError::RoleNotAllowed {
            action: "return",
            by: Role::DesignatedTeacher,
        });
    given::<PepDecider>(submitted())
        .when(return_pep(Role::VirtualSchool, " "))
        .then_error(PepError::EmptyField { field: "reason" });
    given::<PepDecider>(ready())
        .when(return_pep(Role::VirtualSchool, "x"))
        .then_error(PepError::WrongStatus {
            action: "return",
            status: PepStatus::Ready,
        });
}

fn assure(by: Role) -> PepCommand {
    PepCommand::QualityAssure {
        by: as_role(by),
        assured_on: date(2025, 1, 28),
        rating: QaRating::Green,
        comments: None,
    }
}

#[test]
fn the_virtual_school_rates_a_submitted_pep() {
    given::<PepDecider>(submitted())
        .when(assure(Role::VirtualSchool))
        .then([quality_assured().last().unwrap().clone()]);
    given::<PepDecider>(ready())
        .when(assure(Role::VirtualSchool))
        .then_error(PepError::WrongStatus {
            action: "quality assure",
            status: PepStatus::Ready,
        });
    given::<PepDecider>(submitted())
        .when(assure(Role::SocialWorker))
        .then_error(PepError::RoleNotAllowed {
            action: "quality assure",
            by: Role::SocialWorker,
        });
}
