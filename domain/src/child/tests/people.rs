//! Scenarios for the people around the child, apart because assignments are recorded once per role
//! and need a named person.

use super::*;

#[test]
fn assigning_a_person_is_recorded_once() {
    let social_worker = person("sw-17", "Priya Shah");
    let state = given::<ChildDecider>(in_care())
        .when(ChildCommand::AssignPerson {
            role: AssignedRole::SocialWorker,
            person: social_worker.clone(),
            from: date(2024, 11, 1),
        })
        .then([ChildEvent::PersonAssigned {
            role: AssignedRole::SocialWorker,
            person: social_worker.clone(),
            from: date(2024, 11, 1),
        }]);
    let mut history = in_care();
    history.push(ChildEvent::PersonAssigned {
        role: AssignedRole::SocialWorker,
        person: social_worker.clone(),
        from: date(2024, 11, 1),
    });
    given::<ChildDecider>(history)
        .when(ChildCommand::AssignPerson {
            role: AssignedRole::SocialWorker,
            person: social_worker.clone(),
            from: date(2024, 12, 1),
        })
        .then([]);
    assert_eq!(
        state.people.get(&AssignedRole::SocialWorker),
        Some(&social_worker)
    );
}

#[test]
fn assigning_an_unnamed_person_is_refused() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::AssignPerson {
            role: AssignedRole::Iro,
            person: person("iro-3", " "),
            from: date(2024, 11, 1),
        })
        .then_error(ChildError::EmptyField {
            field: "person.name",
        });
}
