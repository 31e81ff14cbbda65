//! Status is judged at query time from the stored due dates: the same rows read on different
//! "todays" give the statuses of those days, across the end of the spring term and over the
//! Easter and Early May bank holidays, with no new event.

use super::history::*;
use crate::support::{TestEnv, date, on_both_back_ends};
use chrono::NaiveDate;
use domain::compliance::{DueKind, DueStatus};
use domain::ids::ChildId;
use domain::pep::{PepTrigger, QaRating};
use projections::compliance::{CohortFilter, ComplianceProjector, JudgedItem, Page};

on_both_back_ends!(statuses_follow_the_day_asked_across_a_term_end_and_bank_holidays);

/// In care from 1 Nov 2024 (first PEP met on time); a second PEP submitted on Thu 10 April
/// 2025, in the Easter holiday after the spring term ended on Fri 4 April; the placement moved
/// on Thu 17 April, the day before Good Friday.
async fn history(env: &TestEnv) -> ChildId {
    recording_on(env, date(2024, 11, 1));
    let child_id = register(env, "LC-D", date(2014, 5, 10), None).await;
    enter_care(env, child_id, date(2024, 11, 1)).await;
    recording_on(env, date(2024, 11, 4));
    let first = open_pep(env, child_id, date(2024, 11, 4), PepTrigger::EnteredCare).await;
    recording_on(env, date(2024, 11, 14));
    make_ready(env, first, date(2024, 11, 14)).await;
    submit(env, first, date(2024, 11, 14)).await;
    recording_on(env, date(2024, 11, 20));
    quality_assure(env, first, date(2024, 11, 20), QaRating::Amber).await;
    sign_off(env, first, date(2024, 11, 20)).await;
    recording_on(env, date(2025, 4, 7));
    let second = open_pep(env, child_id, date(2025, 4, 7), PepTrigger::TermlyReview).await;
    recording_on(env, date(2025, 4, 10));
    make_ready(env, second, date(2025, 4, 10)).await;
    submit(env, second, date(2025, 4, 10)).await;
    recording_on(env, date(2025, 4, 17));
    change_placement(env, child_id, date(2024, 11, 1), "S", date(2025, 4, 17)).await;
    child_id
}

async fn item_on(
    projector: &ComplianceProjector,
    env: &TestEnv,
    child_id: ChildId,
    today: NaiveDate,
    is_it: impl Fn(&DueKind) -> bool,
) -> JudgedItem {
    let child = projector
        .child(&env.read, child_id, today)
        .await
        .unwrap()
        .unwrap();
    child
        .items
        .into_iter()
        .find(|judged| is_it(&judged.item.kind))
        .unwrap()
}

async fn statuses_follow_the_day_asked_across_a_term_end_and_bank_holidays(env: TestEnv) {
    let child_id = history(&env).await;
    let projector = projector();
    caught_up(&env, &projector).await;
    let spring = |kind: &DueKind| kind.to_string() == "Termly review (spring 2024-25)";
    let placement = |kind: &DueKind| *kind == DueKind::PlacementChangeReview;

    // The spring review is due on the term's last day and met late by the holiday PEP.
    let judged = item_on(&projector, &env, child_id, date(2025, 4, 30), spring).await;
    assert_eq!(judged.item.due_date, date(2025, 4, 4));
    assert_eq!(judged.item.met_on, Some(date(2025, 4, 10)));
    for (today, expected) in [
        // 15 days before the due date: outside the 14-day window.
        (date(2025, 3, 20), DueStatus::Upcoming),
        (date(2025, 3, 21), DueStatus::DueSoon),
        (date(2025, 4, 4), DueStatus::DueSoon),
        // The first Monday of the Easter holiday: the term has ended, nothing is met yet.
        (date(2025, 4, 7), DueStatus::Overdue),
        (date(2025, 4, 9), DueStatus::Overdue),
        (date(2025, 4, 10), DueStatus::MetLate),
        (date(2025, 6, 1), DueStatus::MetLate),
    ] {
        let judged = item_on(&projector, &env, child_id, today, spring).await;
        assert_eq!(judged.status, expected, "spring review on {today}");
    }

    // Ten working days after Thu 17 April skip Good Friday (18 Apr), Easter Monday (21 Apr)
    // and the Early May bank holiday (5 May): Tue 6 May, not Thu 1 May.
    let judged = item_on(&projector, &env, child_id, date(2025, 4, 30), placement).await;
    assert_eq!(judged.item.trigger_date, date(2025, 4, 17));
    assert_eq!(judged.item.due_date, date(2025, 5, 6));
    assert_eq!(
        judged.item.basis,
        "10 working days after the placement change on 17 Apr 2025"
    );
    for (today, expected) in [
        (date(2025, 4, 21), DueStatus::Upcoming),
        (date(2025, 4, 22), DueStatus::DueSoon),
        (date(2025, 5, 5), DueStatus::DueSoon),
        (date(2025, 5, 6), DueStatus::DueSoon),
        (date(2025, 5, 7), DueStatus::Overdue),
    ] {
        let judged = item_on(&projector, &env, child_id, today, placement).await;
        assert_eq!(judged.status, expected, "placement-change PEP on {today}");
    }

    // The headline and the cohort filter move with the day too.
    let overdue = CohortFilter {
        status: Some(DueStatus::Overdue),
        ..CohortFilter::default()
    };
    for (today, headline, in_date, listed_as_overdue) in [
        (date(2025, 4, 7), DueStatus::Overdue, false, true),
        (date(2025, 4, 10), DueStatus::Upcoming, true, false),
        (date(2025, 5, 7), DueStatus::Overdue, false, true),
    ] {
        let child = projector
            .child(&env.read, child_id, today)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(child.status, Some(headline), "headline on {today}");
        assert_eq!(child.has_in_date_pep, in_date, "in-date PEP on {today}");
        let page = projector
            .cohort(&env.read, &overdue, today, Page::first(10))
            .await
            .unwrap();
        assert_eq!(
            page.total == 1,
            listed_as_overdue,
            "overdue list on {today}"
        );
    }
    let child = projector
        .child(&env.read, child_id, date(2025, 4, 30))
        .await
        .unwrap()
        .unwrap();
    let quality = child.last_quality_assurance.unwrap();
    assert_eq!(
        (quality.rating, quality.assured_on),
        (QaRating::Amber, date(2024, 11, 20))
    );
    assert_eq!(
        child.current_pep_status,
        Some(domain::pep::PepStatus::Submitted)
    );
}
