//! IRO notice scenarios, apart because a notice must be requested once per event however often that
//! event is seen.

use super::*;

fn notice(about: u128, summary: &str) -> ChildCommand {
    ChildCommand::RequestIroNotice {
        notice_id: Uuid::from_u128(900 + about),
        reason: NoticeReason::PlacementChange,
        about_event_id: Uuid::from_u128(about),
        occurred_on: date(2025, 2, 3),
        summary: summary.to_owned(),
    }
}

#[test]
fn an_iro_notice_is_requested_once_per_event() {
    let requested = ChildEvent::IroNoticeRequested {
        notice_id: Uuid::from_u128(901),
        reason: NoticeReason::PlacementChange,
        about_event_id: Uuid::from_u128(1),
        occurred_on: date(2025, 2, 3),
        summary: "placement changed".to_owned(),
    };
    given::<ChildDecider>(in_care())
        .when(notice(1, "placement changed"))
        .then([requested.clone()]);
    let mut history = in_care();
    history.push(requested);
    given::<ChildDecider>(history)
        .when(notice(1, "placement changed"))
        .then([]);
    given::<ChildDecider>(in_care())
        .when(notice(2, ""))
        .then_error(ChildError::EmptyField { field: "summary" });
}
