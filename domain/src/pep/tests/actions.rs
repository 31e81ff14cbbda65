//! Action scenarios, apart because actions have owners and due dates of their own, independent of
//! the workflow.

use super::*;

fn agree(action_id: ActionId, due_on: NaiveDate, target_id: Option<TargetId>) -> PepCommand {
    PepCommand::AgreeAction {
        action_id,
        description: "arrange weekly reading with a mentor".to_owned(),
        owner: person("dt-1", "Mr Evans"),
        agreed_on: date(2025, 1, 20),
        due_on,
        target_id,
    }
}

#[test]
fn actions_are_agreed_with_an_owner_and_a_date_and_completed_once() {
    let agreed = PepEvent::ActionAgreed {
        action_id: action(1),
        description: "arrange weekly reading with a mentor".to_owned(),
        owner: person("dt-1", "Mr Evans"),
        agreed_on: date(2025, 1, 20),
        due_on: date(2025, 2, 7),
        target_id: Some(target(1)),
    };
    given::<PepDecider>([initiated(), target_set(1)])
        .when(agree(action(1), date(2025, 2, 7), Some(target(1))))
        .then([agreed.clone()]);
    let done = PepEvent::ActionCompleted {
        action_id: action(1),
        completed_on: date(2025, 2, 3),
    };
    given::<PepDecider>([initiated(), target_set(1), agreed.clone()])
        .when(PepCommand::CompleteAction {
            action_id: action(1),
            completed_on: date(2025, 2, 3),
        })
        .then([done.clone()]);
    given::<PepDecider>([initiated(), target_set(1), agreed, done])
        .when(PepCommand::CompleteAction {
            action_id: action(1),
            completed_on: date(2025, 2, 4),
        })
        .then_error(PepError::ActionAlreadyComplete(action(1)));
}

#[test]
fn bad_actions_are_refused() {
    given::<PepDecider>([initiated()])
        .when(agree(action(1), date(2025, 1, 10), None))
        .then_error(PepError::DueBeforeAgreed {
            agreed_on: date(2025, 1, 20),
            due_on: date(2025, 1, 10),
        });
    given::<PepDecider>([initiated()])
        .when(agree(action(1), date(2025, 2, 7), Some(target(8))))
        .then_error(PepError::Unknown {
            kind: "target",
            id: target(8).to_string(),
        });
    given::<PepDecider>([initiated()])
        .when(PepCommand::CompleteAction {
            action_id: action(4),
            completed_on: date(2025, 2, 3),
        })
        .then_error(PepError::Unknown {
            kind: "action",
            id: action(4).to_string(),
        });
    given::<PepDecider>([initiated()])
        .when(PepCommand::AgreeAction {
            action_id: action(1),
            description: String::new(),
            owner: person("dt-1", "Mr Evans"),
            agreed_on: date(2025, 1, 20),
            due_on: date(2025, 2, 7),
            target_id: None,
        })
        .then_error(PepError::EmptyField {
            field: "description",
        });
}
