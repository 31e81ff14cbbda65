//! A placement change recorded late moves the due dates, and a replay "as known at" an instant
//! before the late recording shows the old dates; "as of" a business date and "who changed what
//! since" answer the auditor's other questions.

use super::history::*;
use crate::support::{TestEnv, date, on_both_back_ends, text_rows};
use chrono::{DateTime, TimeZone, Utc};
use domain::Role;
use domain::compliance::{DueKind, DueStatus, ReportedChange};
use domain::ids::ChildId;
use domain::pep::{PepStatus, PepTrigger};
use domain::policy::LaPolicy;
use projections::audit::{AuditError, replay_child};

on_both_back_ends!(a_late_placement_change_moves_due_dates_and_replay_shows_the_old_ones);

/// (kind label, trigger, due date, met on) of every stored item of a child.
async fn stored_dates(env: &TestEnv, child_id: ChildId) -> Vec<Vec<String>> {
    let sql = format!(
        "SELECT label, trigger_date, due_date, met_on FROM compliance_due_items \
         WHERE child_id = '{child_id}' ORDER BY item_number"
    );
    text_rows(&env.read, &sql).await
}

fn instant(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, 0, 0).unwrap()
}

async fn a_late_placement_change_moves_due_dates_and_replay_shows_the_old_ones(env: TestEnv) {
    let projector = projector();
    let policy = LaPolicy::default();
    recording_on(&env, date(2024, 11, 1));
    let child_id = register(&env, "LC-E", date(2014, 5, 10), None).await;
    enter_care(&env, child_id, date(2024, 11, 1)).await;
    recording_on(&env, date(2024, 11, 4));
    let pep_id = open_pep(&env, child_id, date(2024, 11, 4), PepTrigger::EnteredCare).await;
    recording_on(&env, date(2024, 11, 12));
    make_ready(&env, pep_id, date(2024, 11, 12)).await;
    recording_on(&env, date(2024, 11, 14));
    submit(&env, pep_id, date(2024, 11, 14)).await;
    let runner = caught_up(&env, &projector).await;
    let dates_before = stored_dates(&env, child_id).await;
    let today = date(2025, 3, 20);
    let before = projector
        .child(&env.read, child_id, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.status, Some(DueStatus::Upcoming));
    assert_eq!(before.next_due.unwrap().item.due_date, date(2025, 4, 4));

    // On 20 March the social care system reports a placement move that happened on Monday
    // 3 March: the episode begun on 1 Nov ends that day (X1) and a P episode begins.
    recording_on(&env, date(2025, 3, 20));
    change_placement(&env, child_id, date(2024, 11, 1), "S", date(2025, 3, 3)).await;
    runner.catch_up(&env.log).await.unwrap();
    let dates_after = stored_dates(&env, child_id).await;
    assert_ne!(
        dates_after, dates_before,
        "the late change moved the due dates"
    );
    let added: Vec<&Vec<String>> = dates_after
        .iter()
        .filter(|row| !dates_before.contains(row))
        .collect();
    assert_eq!(
        added,
        [&vec![
            "Placement change PEP".to_owned(),
            "2025-03-03".to_owned(),
            // Ten working days from the day it happened, not the day it was recorded: already
            // three days overdue when it arrived.
            "2025-03-17".to_owned(),
            "NULL".to_owned(),
        ]]
    );
    let after = projector
        .child(&env.read, child_id, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.status, Some(DueStatus::Overdue));
    let next = after.next_due.unwrap();
    assert_eq!(next.item.due_date, date(2025, 3, 17));
    assert!(
        next.item.basis.ends_with("(recorded 20 Mar 2025)"),
        "{}",
        next.item.basis
    );

    // As known at the evening of 19 March: the old dates, exactly as the read model had them.
    let known_at = instant(2025, 3, 19, 18);
    let replay = replay_child(&env.log, child_id, Some(known_at), None)
        .await
        .unwrap();
    let replayed = replay.due_dates(&policy, &calendar());
    let replayed_dates: Vec<Vec<String>> = replayed
        .items
        .iter()
        .map(|item| {
            vec![
                item.kind.to_string(),
                item.trigger_date.to_string(),
                item.due_date.to_string(),
                item.met_on.map_or("NULL".to_owned(), |met| met.to_string()),
            ]
        })
        .collect();
    assert_eq!(replayed_dates, dates_before);
    assert!(
        !replayed
            .items
            .iter()
            .any(|item| item.kind == DueKind::PlacementChangeReview)
    );
    assert_eq!(replay.facts.as_ref().unwrap().placement_changes, []);
    assert!(replay.child.in_care());
    assert_eq!(replay.peps.len(), 1);
    assert_eq!(replay.peps[0].state.status(), PepStatus::Submitted);

    // Who changed what since: the two episode events of 20 March, by the social worker.
    let changes: Vec<(&str, &str, DateTime<Utc>, DateTime<Utc>)> = replay
        .changes_since
        .iter()
        .map(|change| {
            (
                change.event_type.as_str(),
                change.actor.id.as_str(),
                change.recorded_at,
                change.occurred_at,
            )
        })
        .collect();
    let recorded = ten_o_clock(date(2025, 3, 20));
    let occurred = instant(2025, 3, 3, 0);
    assert_eq!(
        changes,
        [
            ("CareEpisodeEnded", "social_worker-1", recorded, occurred),
            ("PlacementChanged", "social_worker-1", recorded, occurred),
        ]
    );
    assert!(
        replay
            .changes_since
            .iter()
            .all(|change| change.actor.role == Role::SocialWorker)
    );

    // As known now, the replay agrees with the read model.
    let now = replay_child(&env.log, child_id, None, None).await.unwrap();
    let now_dates: Vec<(String, String)> = now
        .due_dates(&policy, &calendar())
        .items
        .iter()
        .map(|item| (item.kind.to_string(), item.due_date.to_string()))
        .collect();
    let stored: Vec<(String, String)> = dates_after
        .iter()
        .map(|row| (row[0].clone(), row[2].clone()))
        .collect();
    assert_eq!(now_dates, stored);
    assert!(now.changes_since.is_empty());

    // As of a business date: on 5 March the move had happened (as known now); on 2 March not.
    let as_of_fifth = replay_child(&env.log, child_id, None, Some(date(2025, 3, 5)))
        .await
        .unwrap();
    assert_eq!(
        as_of_fifth.facts.unwrap().placement_changes,
        [ReportedChange {
            occurred_on: date(2025, 3, 3),
            recorded_on: Some(date(2025, 3, 20)),
        }]
    );
    let as_of_second = replay_child(&env.log, child_id, None, Some(date(2025, 3, 2)))
        .await
        .unwrap();
    assert_eq!(as_of_second.facts.unwrap().placement_changes, []);
    // Both axes at once: as of 5 March, as known on 19 March, the move was not yet known.
    let both = replay_child(&env.log, child_id, Some(known_at), Some(date(2025, 3, 5)))
        .await
        .unwrap();
    assert_eq!(both.facts.unwrap().placement_changes, []);

    // Earlier instants: the PEP was ready but not submitted on 13 Nov; nothing was known on
    // 31 Oct, when the record did not exist yet.
    let ready = replay_child(&env.log, child_id, Some(instant(2024, 11, 13, 12)), None)
        .await
        .unwrap();
    assert_eq!(ready.peps[0].state.status(), PepStatus::Ready);
    let summary = ready.summary();
    assert_eq!(summary.peps[0].status, PepStatus::Ready);
    assert_eq!(summary.la_child_id.as_deref(), Some("LC-E"));
    assert_eq!(
        summary.peps[0].sections[&domain::pep::PepSection::CareContext].content,
        "care_context as written on 2024-11-12"
    );
    let nothing = replay_child(&env.log, child_id, Some(instant(2024, 10, 31, 12)), None)
        .await
        .unwrap();
    assert!(nothing.child.registration.is_none());
    assert!(nothing.peps.is_empty());
    assert!(nothing.facts.is_none());
    assert_eq!(
        nothing.changes_since.len(),
        replay_event_count(&env, child_id).await
    );

    let unknown = ChildId::from_uuid(uuid::Uuid::now_v7());
    let error = replay_child(&env.log, unknown, None, None)
        .await
        .unwrap_err();
    assert!(matches!(error, AuditError::UnknownChild(id) if id == unknown));
}

/// Every event of the child and its PEPs.
async fn replay_event_count(env: &TestEnv, child_id: ChildId) -> usize {
    replay_child(&env.log, child_id, None, None)
        .await
        .unwrap()
        .events
        .len()
}
