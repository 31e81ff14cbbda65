//! Registration scenarios, apart because every other child command needs a registered child with an
//! identity first.

use super::*;

#[test]
fn the_first_message_registers_the_child() {
    given::<ChildDecider>([])
        .when(ChildCommand::Register {
            child_id: child_id(),
            la: LaCode::parse("831").unwrap(),
            la_child_id: "566910".to_owned(),
            details: details(),
        })
        .then([registered()]);
}

#[test]
fn registering_twice_is_refused() {
    given::<ChildDecider>([registered()])
        .when(ChildCommand::Register {
            child_id: child_id(),
            la: LaCode::parse("831").unwrap(),
            la_child_id: "566910".to_owned(),
            details: details(),
        })
        .then_error(ChildError::AlreadyRegistered);
}

#[test]
fn registering_without_an_la_child_id_is_refused() {
    given::<ChildDecider>([])
        .when(ChildCommand::Register {
            child_id: child_id(),
            la: LaCode::parse("831").unwrap(),
            la_child_id: "  ".to_owned(),
            details: details(),
        })
        .then_error(ChildError::EmptyField {
            field: "la_child_id",
        });
}

#[test]
fn every_other_command_needs_a_registered_child() {
    given::<ChildDecider>([])
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2024, 11, 1), "S"),
        })
        .then_error(ChildError::NotRegistered);
    given::<ChildDecider>([])
        .when(ChildCommand::UpdateDetails { details: details() })
        .then_error(ChildError::NotRegistered);
}

#[test]
fn updating_details_records_the_change_and_a_repeat_records_nothing() {
    let mut changed = details();
    changed.family_name = Some("Okafor-Reid".to_owned());
    given::<ChildDecider>([registered()])
        .when(ChildCommand::UpdateDetails {
            details: changed.clone(),
        })
        .then([ChildEvent::DetailsUpdated { details: changed }]);
    given::<ChildDecider>([registered()])
        .when(ChildCommand::UpdateDetails { details: details() })
        .then([]);
}
