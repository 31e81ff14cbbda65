//! Target scenarios, apart because SMART targets and their reviews carry over from one PEP to the
//! next.

use super::*;

#[test]
fn a_smart_target_is_set() {
    given::<PepDecider>([initiated()])
        .when(smart_target(1))
        .then([target_set(1)]);
}

#[test]
fn a_target_that_is_not_smart_is_refused() {
    type Spoil = Box<dyn Fn(&mut PepCommand)>;
    let cases: Vec<(Spoil, &str)> = vec![
        (
            Box::new(|command| {
                if let PepCommand::SetTarget { description, .. } = command {
                    description.clear();
                }
            }),
            "it must say specifically what is to be achieved",
        ),
        (
            Box::new(|command| {
                if let PepCommand::SetTarget {
                    success_criterion, ..
                } = command
                {
                    *success_criterion = " ".to_owned();
                }
            }),
            "it needs a measurable success criterion",
        ),
        (
            Box::new(|command| {
                if let PepCommand::SetTarget { owner, .. } = command {
                    owner.name.clear();
                }
            }),
            "it must be assigned to a named person",
        ),
        (
            Box::new(|command| {
                if let PepCommand::SetTarget { due_on, set_on, .. } = command {
                    *due_on = *set_on;
                }
            }),
            "its due date must be after the date it is set",
        ),
    ];
    for (spoil, reason) in cases {
        let mut command = smart_target(1);
        spoil(&mut command);
        given::<PepDecider>([initiated()])
            .when(command)
            .then_error(PepError::NotSmart(reason));
    }
}

#[test]
fn target_ids_are_unique_and_carried_targets_must_exist() {
    given::<PepDecider>([initiated(), target_set(1)])
        .when(smart_target(1))
        .then_error(PepError::DuplicateId {
            kind: "target",
            id: target(1).to_string(),
        });
    let mut command = smart_target(2);
    if let PepCommand::SetTarget { carried_from, .. } = &mut command {
        *carried_from = Some(target(55));
    }
    given::<PepDecider>([initiated()])
        .when(command)
        .then_error(PepError::Unknown {
            kind: "target",
            id: target(55).to_string(),
        });
}

#[test]
fn targets_carried_in_and_set_here_are_reviewed_once() {
    let state = given::<PepDecider>([initiated()])
        .when(review(target(90)))
        .then([PepEvent::TargetReviewed {
            target_id: target(90),
            outcome: TargetOutcome::PartlyMet,
            comment: Some("reading age 8.6".to_owned()),
            reviewed_on: date(2025, 1, 20),
        }]);
    assert_eq!(
        state.targets[&target(90)].outcome,
        Some(TargetOutcome::PartlyMet)
    );
    let reviewed = PepEvent::TargetReviewed {
        target_id: target(90),
        outcome: TargetOutcome::PartlyMet,
        comment: None,
        reviewed_on: date(2025, 1, 20),
    };
    given::<PepDecider>([initiated(), reviewed])
        .when(review(target(90)))
        .then_error(PepError::TargetAlreadyReviewed(target(90)));
    given::<PepDecider>([initiated()])
        .when(review(target(3)))
        .then_error(PepError::Unknown {
            kind: "target",
            id: target(3).to_string(),
        });
}

#[test]
fn unreviewed_targets_set_here_are_carried_to_the_next_pep() {
    use crate::event::Decider;
    let mut history = ready();
    history.push(target_set(2));
    history.push(PepEvent::TargetReviewed {
        target_id: target(2),
        outcome: TargetOutcome::Met,
        comment: None,
        reviewed_on: date(2025, 1, 25),
    });
    let carried = PepDecider::replay(&history).targets_to_carry();
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].target_id, target(1));
    assert_eq!(carried[0].set_in, pep_id());
}
