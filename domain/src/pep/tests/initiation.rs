//! Initiation scenarios, apart because every other command depends on a PEP being started once and
//! only once.

use super::*;

#[test]
fn initiating_starts_the_pep_with_the_targets_to_review() {
    let state = given::<PepDecider>([]).when(initiate()).then([initiated()]);
    assert_eq!(state.status(), PepStatus::NotStarted);
    assert!(state.targets.contains_key(&target(90)));
}

#[test]
fn initiating_twice_is_refused() {
    given::<PepDecider>([initiated()])
        .when(initiate())
        .then_error(PepError::AlreadyInitiated);
}

#[test]
fn nothing_happens_to_a_pep_before_it_is_initiated() {
    given::<PepDecider>([])
        .when(draft(PepSection::CareContext, Role::SocialWorker))
        .then_error(PepError::NotInitiated);
}
