//! Scenarios for opening and closing PEPs, apart because they hold the rule of one open PEP per
//! looked-after child.

use super::*;

fn open_pep(n: u128) -> ChildCommand {
    ChildCommand::OpenPep {
        pep_id: pep_id(n),
        kind: PepKind::Initial,
        trigger: PepTrigger::EnteredCare,
        opened_on: date(2024, 11, 4),
    }
}

fn pep_opened(n: u128) -> ChildEvent {
    ChildEvent::PepOpened {
        pep_id: pep_id(n),
        kind: PepKind::Initial,
        trigger: PepTrigger::EnteredCare,
        opened_on: date(2024, 11, 4),
    }
}

#[test]
fn a_pep_opens_for_a_looked_after_child() {
    let state = given::<ChildDecider>(in_care())
        .when(open_pep(1))
        .then([pep_opened(1)]);
    assert_eq!(state.open_pep, Some(pep_id(1)));
}

#[test]
fn only_one_pep_is_open_at_a_time() {
    let mut history = in_care();
    history.push(pep_opened(1));
    given::<ChildDecider>(history)
        .when(open_pep(2))
        .then_error(ChildError::PepAlreadyOpen { open: pep_id(1) });
}

#[test]
fn a_pep_id_cannot_be_reused_after_closing() {
    let mut history = in_care();
    history.push(pep_opened(1));
    history.push(ChildEvent::PepClosed {
        pep_id: pep_id(1),
        closed_on: date(2024, 12, 1),
        completed: true,
    });
    given::<ChildDecider>(history.clone())
        .when(open_pep(1))
        .then_error(ChildError::DuplicatePepId(pep_id(1)));
    given::<ChildDecider>(history)
        .when(open_pep(2))
        .then([pep_opened(2)]);
}

#[test]
fn no_pep_opens_for_a_child_not_in_care() {
    given::<ChildDecider>([registered()])
        .when(open_pep(1))
        .then_error(ChildError::NotInCare);
    let mut history = in_care();
    history.push(ChildEvent::CareEpisodeEnded {
        start_date: date(2024, 11, 1),
        end_date: date(2025, 6, 30),
        reason_ceased: "E4A".to_owned(),
    });
    given::<ChildDecider>(history)
        .when(open_pep(1))
        .then_error(ChildError::NotInCare);
}

#[test]
fn closing_the_open_pep_frees_the_child_for_the_next() {
    let mut history = in_care();
    history.push(pep_opened(1));
    let state = given::<ChildDecider>(history.clone())
        .when(ChildCommand::ClosePep {
            pep_id: pep_id(1),
            closed_on: date(2024, 12, 1),
            completed: true,
        })
        .then([ChildEvent::PepClosed {
            pep_id: pep_id(1),
            closed_on: date(2024, 12, 1),
            completed: true,
        }]);
    assert_eq!(state.open_pep, None);
    given::<ChildDecider>(history)
        .when(ChildCommand::ClosePep {
            pep_id: pep_id(9),
            closed_on: date(2024, 12, 1),
            completed: false,
        })
        .then_error(ChildError::PepNotOpen(pep_id(9)));
}
