//! The cohort's copy in memory answers exactly what a fresh read of the tables answers: after
//! new events (a child arrives, a school changes, a PP+ request is made) it reads again only
//! what changed and agrees with a projector that has never read anything; after a rebuild that
//! swaps in tables dated under another policy it reads everything again.

use super::history::{
    assign_social_worker, caught_up, enter_care, person, projector, recording_on, register,
    start_school,
};
use super::rows::{make_cohort, reject_funding, request_funding};
use crate::support::{TestEnv, date, on_both_back_ends};
use domain::calendar::{Deadline, DeadlineUnit};
use domain::child::LeavingReason;
use domain::compliance::DueStatus;
use domain::policy::LaPolicy;
use projections::compliance::{CohortFilter, ComplianceProjector, Page};
use projections::runtime::{RebuildMode, RebuildOptions, rebuild_with};

on_both_back_ends!(the_copy_in_memory_answers_what_the_tables_say_after_events_and_a_rebuild);

/// One child as a cohort page lists them: the LA's id, the next due date and whether PP+ is
/// linked to the current PEP.
type Row = (String, Option<String>, bool);

/// What a projector answers for the whole cohort on `today`: the dashboard, and the first page
/// of the cohort with every child's next due date and PP+ link.
async fn answers(env: &TestEnv, projector: &ComplianceProjector) -> (String, Vec<Row>) {
    answers_on(env, projector, date(2025, 3, 20)).await
}

/// [`answers`] on another day.
async fn answers_on(
    env: &TestEnv,
    projector: &ComplianceProjector,
    today: chrono::NaiveDate,
) -> (String, Vec<Row>) {
    let all = CohortFilter::default();
    let dashboard = projector
        .dashboard(&env.read, &all, today, 6)
        .await
        .unwrap();
    let page = projector
        .cohort(&env.read, &all, today, Page::first(50))
        .await
        .unwrap();
    let rows = page
        .children
        .iter()
        .map(|child| {
            (
                child.la_child_id.clone(),
                child
                    .next_due
                    .as_ref()
                    .map(|next| next.item.due_date.to_string()),
                child.pp_plus_linked,
            )
        })
        .collect();
    (serde_json::to_string(&dashboard).unwrap(), rows)
}

async fn the_copy_in_memory_answers_what_the_tables_say_after_events_and_a_rebuild(env: TestEnv) {
    let cohort = make_cohort(&env).await;
    let cached = projector();
    caught_up(&env, &cached).await;
    let before = answers(&env, &cached).await;
    assert_eq!(before, answers(&env, &projector()).await);

    // New events: a new child in care, and a school change for child A.
    recording_on(&env, date(2025, 3, 12));
    let d = register(&env, "LC-D", date(2012, 6, 1), None).await;
    enter_care(&env, d, date(2025, 3, 10)).await;
    assign_social_worker(&env, d, person("sw-1", "Sam Social")).await;
    start_school(
        &env,
        cohort.a,
        "100009",
        "Elm Academy",
        date(2025, 3, 11),
        Some(LeavingReason::ManagedMove),
    )
    .await;
    caught_up(&env, &cached).await;
    let after = answers(&env, &cached).await;
    assert_ne!(after, before, "the new child and the new school are seen");
    assert!(after.1.iter().any(|(id, ..)| id == "LC-D"), "{:?}", after.1);
    assert_eq!(
        after,
        answers(&env, &projector()).await,
        "the refreshed copy and a fresh read agree"
    );
    let filtered = CohortFilter {
        school_urn: Some("100009".to_owned()),
        ..CohortFilter::default()
    };
    let at_elm = cached
        .cohort(&env.read, &filtered, date(2025, 3, 20), Page::first(10))
        .await
        .unwrap();
    assert_eq!(
        at_elm.total, 1,
        "the copy filters on the school as SQL would"
    );

    // PP+ events change no child's row but the count of requests: a rejection unlinks A's
    // PEP, a new request links it again, and the copy sees both.
    let linked = |rows: &[Row]| {
        rows.iter()
            .find(|(id, ..)| id == "LC-A")
            .map(|(.., linked)| *linked)
    };
    assert_eq!(linked(&after.1), Some(true), "{:?}", after.1);
    reject_funding(&env, cohort.a_request).await;
    caught_up(&env, &cached).await;
    let rejected = answers(&env, &cached).await;
    assert_eq!(linked(&rejected.1), Some(false), "{:?}", rejected.1);
    assert_eq!(rejected, answers(&env, &projector()).await);
    request_funding(&env, cohort.a_pep, cohort.a_target).await;
    caught_up(&env, &cached).await;
    let requested = answers(&env, &cached).await;
    assert_eq!(linked(&requested.1), Some(true), "{:?}", requested.1);
    assert_eq!(requested, answers(&env, &projector()).await);

    // The copy keeps its children judged on the last day asked: asking about another day judges
    // them all again on it, and asking about the first day again brings back its answer.
    let later = answers_on(&env, &cached, date(2025, 6, 30)).await;
    assert_ne!(later, requested, "a later day judges differently");
    assert_eq!(
        later,
        answers_on(&env, &projector(), date(2025, 6, 30)).await
    );
    assert_eq!(requested, answers(&env, &cached).await);

    // The dashboard page's lists, from its one judging, are the cohort pages by status.
    let today = date(2025, 3, 20);
    let all = CohortFilter::default();
    let (dashboard, overdue, due_soon) = cached
        .dashboard_with_urgent(&env.read, &all, today, 6, 10)
        .await
        .unwrap();
    assert_eq!(
        dashboard,
        cached.dashboard(&env.read, &all, today, 6).await.unwrap()
    );
    for (list, status) in [
        (overdue, DueStatus::Overdue),
        (due_soon, DueStatus::DueSoon),
    ] {
        let by_status = CohortFilter {
            status: Some(status),
            ..CohortFilter::default()
        };
        let page = cached
            .cohort(&env.read, &by_status, today, Page::first(10))
            .await
            .unwrap();
        assert_eq!(list, page, "{status:?}");
    }
    assert!(
        dashboard.summary.children_by_status.contains_key("overdue"),
        "the cohort has an overdue child, so the comparison above compares something: {:?}",
        dashboard.summary.children_by_status
    );

    // A rebuild under a policy that dates the initial PEP differently swaps in new tables: the
    // copy, which the cached projector still holds, is read again in full.
    let mut longer = LaPolicy::default();
    longer.initial_pep.due_within = Deadline::new(20, DeadlineUnit::WorkingDays).unwrap();
    let rebuilder = ComplianceProjector::new(longer, super::history::calendar());
    let options = RebuildOptions {
        batch_size: 1000,
        mode: RebuildMode::Swap,
    };
    rebuild_with(&env.read, &rebuilder, &env.log, options, &mut |_| {})
        .await
        .unwrap();
    let rebuilt = answers(&env, &cached).await;
    assert_ne!(
        rebuilt.1, after.1,
        "the due dates under the new policy are seen"
    );
    assert_eq!(rebuilt, answers(&env, &projector()).await);
}
