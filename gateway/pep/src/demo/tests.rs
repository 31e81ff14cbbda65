//! The demo cohort seeded into a real SQLite store through the real command handler.

use super::*;
use commands::store::SqliteEventStore;
use domain::event::{Decider, DomainEvent};
use domain::funding::{FundingDecider, FundingEvent, budget_stream_id};
use domain::pep::{PepDecider, PepEvent};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 20).unwrap()
}

async fn empty_store(directory: &tempfile::TempDir) -> Arc<dyn EventStore> {
    let store = SqliteEventStore::open(&directory.path().join("pep.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Arc::new(store)
}

fn options(children: usize, force: bool) -> DemoOptions {
    DemoOptions {
        children,
        today: today(),
        force,
    }
}

/// Every PEP stream's status, folded from the stored events rather than taken from the summary.
async fn stored_pep_statuses(store: &Arc<dyn EventStore>) -> Vec<PepStatus> {
    let mut streams: BTreeMap<String, Vec<PepEvent>> = BTreeMap::new();
    for event in store.read_all(0, 1_000_000).await.unwrap() {
        if let Ok(pep_event) =
            PepEvent::decode(&event.event_type, event.schema_version, &event.payload)
        {
            streams.entry(event.stream_id).or_default().push(pep_event);
        }
    }
    streams
        .values()
        .map(|events| PepDecider::replay(events).status())
        .collect()
}

#[tokio::test]
async fn forty_children_cover_every_pep_status_and_a_funded_budget() {
    let directory = tempfile::tempdir().unwrap();
    let store = empty_store(&directory).await;
    let mut reported = Vec::new();
    let summary = seed_demo(store.clone(), &options(40, false), &mut |done, total| {
        reported.push((done, total));
    })
    .await
    .unwrap();
    assert_eq!(summary.children, 40);
    assert_eq!(reported.last(), Some(&(40, 40)));
    assert_eq!(summary.events, store.head_position().await.unwrap());

    let statuses = stored_pep_statuses(&store).await;
    for status in STATUS_CYCLE {
        assert!(statuses.contains(&status), "no PEP is {status:?}");
        assert!(
            summary.peps_by_status.contains_key(&status_label(status)),
            "the summary has no {status:?}"
        );
    }

    let la = LaCode::parse(DEMO_LA).unwrap();
    let budget_stream = budget_stream_id(&la, child_script::current_year(today()));
    let budget_events: Vec<FundingEvent> = store
        .read_stream(&budget_stream, commands::store::ReadStreamOptions::all())
        .await
        .unwrap()
        .iter()
        .map(|event| {
            FundingEvent::decode(&event.event_type, event.schema_version, &event.payload).unwrap()
        })
        .collect();
    let budget = FundingDecider::replay(&budget_events);
    assert!(budget.rules.is_some(), "the budget was not set");
    assert!(
        budget.total_allocated().pence() > 0,
        "nothing was allocated"
    );
    assert!(summary.funding_allocations > 0);
    assert!(summary.funding_requests > summary.funding_allocations);
}

#[tokio::test]
async fn a_database_with_events_is_refused_without_force() {
    let directory = tempfile::tempdir().unwrap();
    let store = empty_store(&directory).await;
    seed_demo(store.clone(), &options(3, false), &mut |_, _| {})
        .await
        .unwrap();
    let head = store.head_position().await.unwrap();

    let error = seed_demo(store.clone(), &options(3, false), &mut |_, _| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, DemoSeedError::NotEmpty { events } if events == head),
        "{error}"
    );
    assert_eq!(
        store.head_position().await.unwrap(),
        head,
        "nothing written"
    );
    assert_eq!(
        seed_demo_if_empty(store.clone(), today(), DEFAULT_DEMO_CHILDREN)
            .await
            .unwrap(),
        None
    );

    // With --force a second cohort is added beside the first, under fresh ids.
    let forced = seed_demo(store.clone(), &options(3, true), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(forced.children, 3);
    assert!(store.head_position().await.unwrap() > head);
}

#[tokio::test]
async fn the_same_day_gives_the_same_history() {
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut histories = Vec::new();
    for directory in [&first, &second] {
        let store = empty_store(directory).await;
        seed_demo(store.clone(), &options(8, false), &mut |_, _| {})
            .await
            .unwrap();
        let events: Vec<_> = store
            .read_all(0, 100_000)
            .await
            .unwrap()
            .into_iter()
            .map(|event| (event.event_id, event.stream_id, event.payload))
            .collect();
        histories.push(events);
    }
    assert_eq!(histories[0], histories[1]);
}

#[test]
fn the_demo_budget_covers_a_large_cohort_and_keeps_the_default_for_a_small_one() {
    assert_eq!(demo_budget_pence(24), 25_000_000);
    assert_eq!(demo_budget_pence(100_000), 25_700_000_000);
    assert_eq!(demo_budget_pence(usize::MAX), i64::MAX);
}
