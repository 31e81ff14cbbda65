//! Given/when/then scenarios for sharing a child's record with another LA and ending it.

use super::*;
use crate::ids::ChildId;
use crate::testing::given;
use crate::values::LaCode;
use chrono::NaiveDate;
use uuid::Uuid;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn la(code: &str) -> LaCode {
    LaCode::parse(code).unwrap()
}

fn registered() -> ChildEvent {
    ChildEvent::Registered {
        child_id: ChildId::from_uuid(Uuid::from_u128(1)),
        la: la("831"),
        la_child_id: "566910".to_owned(),
        details: ChildDetails {
            date_of_birth: date(2012, 3, 27),
            sex: Sex::Female,
            upn: None,
            given_name: None,
            family_name: None,
        },
    }
}

fn share(with: &str, reason: &str) -> ChildCommand {
    ChildCommand::ShareRecord {
        with_la: la(with),
        reason: reason.to_owned(),
        shared_on: date(2025, 2, 3),
    }
}

fn shared(with: &str) -> ChildEvent {
    ChildEvent::RecordShared {
        with_la: la(with),
        reason: "placed out of area".to_owned(),
        shared_on: date(2025, 2, 3),
    }
}

fn end(with: &str) -> ChildCommand {
    ChildCommand::EndSharing {
        with_la: la(with),
        ended_on: date(2025, 7, 21),
    }
}

fn ended(with: &str) -> ChildEvent {
    ChildEvent::RecordSharingEnded {
        with_la: la(with),
        ended_on: date(2025, 7, 21),
    }
}

#[test]
fn the_placing_la_shares_the_record_with_another_la() {
    let state = given::<ChildDecider>([registered()])
        .when(share("830", "placed out of area"))
        .then([shared("830")]);
    assert_eq!(state.shared_with, [la("830")].into());
}

#[test]
fn sharing_again_with_the_same_la_records_nothing() {
    given::<ChildDecider>([registered(), shared("830")])
        .when(share("830", "a different reason"))
        .then([]);
}

#[test]
fn a_record_may_be_shared_with_several_las() {
    let state = given::<ChildDecider>([registered(), shared("830")])
        .when(share("832", "placed out of area"))
        .then([shared("832")]);
    assert_eq!(state.shared_with, [la("830"), la("832")].into());
}

#[test]
fn sharing_with_the_childs_own_la_is_refused_naming_both() {
    let refused = given::<ChildDecider>([registered()])
        .when(share("831", "placed out of area"))
        .outcome()
        .unwrap_err();
    assert_eq!(
        refused,
        ChildError::ShareWithOwnLa {
            child_la: la("831"),
            with_la: la("831"),
        }
    );
    let message = refused.to_string();
    assert!(message.contains("belongs to LA 831"), "{message}");
    assert!(message.contains("shared with LA 831"), "{message}");
}

#[test]
fn sharing_needs_a_reason() {
    given::<ChildDecider>([registered()])
        .when(share("830", "  "))
        .then_error(ChildError::EmptyField { field: "reason" });
}

#[test]
fn sharing_needs_a_registered_child() {
    given::<ChildDecider>([])
        .when(share("830", "placed out of area"))
        .then_error(ChildError::NotRegistered);
}

#[test]
fn ending_a_share_removes_the_la_and_only_that_one() {
    let state = given::<ChildDecider>([registered(), shared("830"), shared("832")])
        .when(end("830"))
        .then([ended("830")]);
    assert_eq!(state.shared_with, [la("832")].into());
}

#[test]
fn ending_a_share_that_does_not_exist_is_refused() {
    given::<ChildDecider>([registered()])
        .when(end("830"))
        .then_error(ChildError::NotShared { with_la: la("830") });
    // Ended once already: a second end has nothing to end.
    given::<ChildDecider>([registered(), shared("830"), ended("830")])
        .when(end("830"))
        .then_error(ChildError::NotShared { with_la: la("830") });
}

#[test]
fn a_record_can_be_shared_again_after_sharing_ended() {
    let state = given::<ChildDecider>([registered(), shared("830"), ended("830")])
        .when(share("830", "placed out of area"))
        .then([shared("830")]);
    assert!(state.shared_with.contains(&la("830")));
}
