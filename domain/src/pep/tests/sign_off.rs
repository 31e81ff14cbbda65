//! Sign-off and withdrawal scenarios, apart because they end the PEP and nothing may change it
//! afterwards.

use super::*;

fn sign_off() -> PepCommand {
    PepCommand::SignOff {
        by: as_role(Role::VirtualSchool),
        by_name: "Dr Adeyemi".to_owned(),
        signed_off_on: date(2025, 1, 29),
    }
}

#[test]
fn a_quality_assured_pep_is_signed_off_and_never_changes_again() {
    let state = given::<PepDecider>(quality_assured())
        .when(sign_off())
        .then([signed_off().last().unwrap().clone()]);
    assert_eq!(state.status(), PepStatus::SignedOff);
    given::<PepDecider>(submitted())
        .when(sign_off())
        .then_error(PepError::WrongStatus {
            action: "sign off",
            status: PepStatus::Submitted,
        });
    given::<PepDecider>(signed_off())
        .when(smart_target(5))
        .then_error(PepError::Locked {
            status: PepStatus::SignedOff,
        });
    given::<PepDecider>(signed_off())
        .when(review(target(1)))
        .then_error(PepError::Locked {
            status: PepStatus::SignedOff,
        });
}

fn withdraw(by: Role, reason: &str) -> PepCommand {
    PepCommand::Withdraw {
        by: as_role(by),
        withdrawn_on: date(2025, 2, 1),
        reason: reason.to_owned(),
    }
}

#[test]
fn a_pep_can_be_withdrawn_until_it_is_signed_off() {
    given::<PepDecider>(ready())
        .when(withdraw(Role::SocialWorker, "child returned home"))
        .then([PepEvent::Withdrawn {
            withdrawn_on: date(2025, 2, 1),
            reason: "child returned home".to_owned(),
        }]);
    given::<PepDecider>(signed_off())
        .when(withdraw(Role::VirtualSchool, "duplicate"))
        .then_error(PepError::WrongStatus {
            action: "withdraw",
            status: PepStatus::SignedOff,
        });
    given::<PepDecider>(ready())
        .when(withdraw(Role::Carer, "moving"))
        .then_error(PepError::RoleNotAllowed {
            action: "withdraw",
            by: Role::Carer,
        });
    given::<PepDecider>(ready())
        .when(withdraw(Role::SocialWorker, ""))
        .then_error(PepError::EmptyField { field: "reason" });
}
