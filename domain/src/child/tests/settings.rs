//! Education-setting scenarios, apart because a school change must say which setting it follows and
//! why that one was left.

use super::*;

#[test]
fn the_first_setting_has_no_previous_and_no_leaving_reason() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("104567", "Oakfield Primary"),
            started_on: date(2024, 11, 4),
            leaving_reason: Some(LeavingReason::Other),
            leaving_detail: Some("ignored without a previous setting".to_owned()),
        })
        .then([ChildEvent::EducationSettingChanged {
            setting: school("104567", "Oakfield Primary"),
            started_on: date(2024, 11, 4),
            previous: None,
            leaving_reason: None,
            leaving_detail: None,
        }]);
}

fn at_oakfield() -> Vec<ChildEvent> {
    let mut history = in_care();
    history.push(ChildEvent::EducationSettingChanged {
        setting: school("104567", "Oakfield Primary"),
        started_on: date(2024, 11, 4),
        previous: None,
        leaving_reason: None,
        leaving_detail: None,
    });
    history
}

#[test]
fn a_school_change_records_the_previous_setting_and_why_it_was_left() {
    let state = given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2025, 4, 22),
            leaving_reason: Some(LeavingReason::PlacementMove),
            leaving_detail: Some("placement moved to Telford".to_owned()),
        })
        .then([ChildEvent::EducationSettingChanged {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2025, 4, 22),
            previous: Some(school("104567", "Oakfield Primary")),
            leaving_reason: Some(LeavingReason::PlacementMove),
            leaving_detail: Some("placement moved to Telford".to_owned()),
        }]);
    assert_eq!(state.settings[0].left_on, Some(date(2025, 4, 22)));
    assert_eq!(
        state.settings[0].leaving_reason,
        Some(LeavingReason::PlacementMove)
    );
}

#[test]
fn a_school_change_without_a_leaving_reason_is_refused() {
    given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2025, 4, 22),
            leaving_reason: None,
            leaving_detail: None,
        })
        .then_error(ChildError::MissingLeavingReason);
}

#[test]
fn a_school_change_dated_before_the_current_setting_is_refused() {
    given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("137001", "Riverside Academy"),
            started_on: date(2024, 9, 1),
            leaving_reason: Some(LeavingReason::ManagedMove),
            leaving_detail: None,
        })
        .then_error(ChildError::StartsBeforeCurrentSetting {
            started_on: date(2024, 9, 1),
            current_started_on: date(2024, 11, 4),
        });
}

#[test]
fn the_same_school_change_sent_again_records_nothing() {
    given::<ChildDecider>(at_oakfield())
        .when(ChildCommand::ChangeEducationSetting {
            setting: school("104567", "Oakfield Primary"),
            started_on: date(2024, 11, 4),
            leaving_reason: None,
            leaving_detail: None,
        })
        .then([]);
}

#[test]
fn a_setting_needs_a_name() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::ChangeEducationSetting {
            setting: EducationSetting {
                urn: None,
                name: String::new(),
            },
            started_on: date(2024, 11, 4),
            leaving_reason: None,
            leaving_detail: None,
        })
        .then_error(ChildError::EmptyField {
            field: "setting.name",
        });
}
