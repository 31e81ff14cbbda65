//! Rebuild: a rebuilt read model has exactly the live rows (checksums compared), on a large
//! generated history, while the live runner keeps applying, and repairs a damaged model.

use crate::generator::{EVENTS_PER_CHILD, generate_history};
use crate::support::{Backend, TestEnv, live_checksum, on_both_back_ends};
use chrono::{Datelike, NaiveDate};
use domain::calendar::{BankHolidays, Calendar, SchoolTerms};
use domain::policy::LaPolicy;
use govuk_bank_holidays::{BankHolidayCalendar, Division, MonToFriWorkDays};
use projections::chronology::ChronologyProjector;
use projections::compliance::ComplianceProjector;
use projections::funding::FundingProjector;
use projections::notices::NoticesProjector;
use projections::runtime::{
    Projector, RebuildMode, RebuildOptions, RebuildPhase, RebuildProgress, rebuild, rebuild_with,
};
use std::sync::Arc;
use std::time::Duration;

/// The compliance projector under the statutory default policy, the real gov.uk bank holidays
/// and the demo term dates, as the service runs it.
fn compliance() -> ComplianceProjector {
    let govuk: BankHolidayCalendar<NaiveDate, MonToFriWorkDays> = BankHolidayCalendar::cached();
    let dates: Vec<NaiveDate> = govuk
        .holidays(Some(Division::EnglandAndWales))
        .into_iter()
        .map(|holiday| *holiday.date())
        .collect();
    let last_year = dates.iter().map(|date| date.year()).max().unwrap();
    let known_through = NaiveDate::from_ymd_opt(last_year, 12, 31).unwrap();
    let calendar = Calendar::new(
        BankHolidays::from_dates(dates, known_through).unwrap(),
        SchoolTerms::demo().unwrap(),
    );
    ComplianceProjector::new(LaPolicy::default(), calendar)
}

fn projectors() -> Vec<Arc<dyn Projector>> {
    vec![
        Arc::new(ChronologyProjector),
        Arc::new(FundingProjector),
        Arc::new(NoticesProjector),
        Arc::new(compliance()),
    ]
}

/// Projects the generated history live, rebuilds each projector and checks the report.
async fn rebuild_equals_live(env: &TestEnv, children: usize) {
    let started = std::time::Instant::now();
    let appended = generate_history(&env.store, children, 100).await;
    let head = env.store.head_position().await.unwrap();
    assert_eq!(head, appended);
    assert_eq!(appended, children as u64 * EVENTS_PER_CHILD + 1);
    let generated_in = started.elapsed();

    for projector in projectors() {
        let live_started = std::time::Instant::now();
        let runner = env.runner(projector.clone()).await.with_batch_size(5000);
        let caught_up = runner.catch_up(&env.log).await.unwrap();
        assert_eq!(caught_up.to_position, head);
        let live_in = live_started.elapsed();
        let live = live_checksum(&env.read, projector.as_ref()).await;

        let mut progress: Vec<RebuildProgress> = Vec::new();
        let report = rebuild(&env.read, projector.as_ref(), &env.log, &mut |step| {
            progress.push(step.clone())
        })
        .await
        .unwrap();
        eprintln!(
            "{:?} {}: {head} events generated in {generated_in:?}, projected live in \
             {live_in:?}, rebuilt in {:.1}s; {:?}",
            env.backend,
            runner.name(),
            report.elapsed_seconds,
            report.live_checksum.tables
        );

        assert!(report.matched, "{}: {report:?}", runner.name());
        assert!(report.swapped);
        assert_eq!(report.position, head);
        assert_eq!(report.events_applied, head);
        assert_eq!(report.live_checksum, live);
        assert_eq!(report.shadow_checksum, live);
        assert_eq!(live_checksum(&env.read, projector.as_ref()).await, live);
        assert_eq!(runner.checkpoint().await.unwrap(), head);

        let filling: Vec<_> = progress
            .iter()
            .filter(|step| step.phase == RebuildPhase::Filling)
            .collect();
        assert_eq!(filling.len() as u64, head.div_ceil(5000));
        assert!(
            filling
                .windows(2)
                .all(|pair| pair[0].events_done < pair[1].events_done)
        );
        assert!(filling.iter().all(|step| step.events_per_second > 0.0));
        assert_eq!(filling.last().unwrap().eta_seconds, Some(0.0));
        let done = progress.last().unwrap();
        assert_eq!((done.phase, done.events_done), (RebuildPhase::Done, head));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_equals_live_on_100_000_events_on_postgres() {
    let env = TestEnv::open(Backend::Postgres).await;
    // 2,400 children × 42 events + the budget = 100,801 events.
    rebuild_equals_live(&env, 2_400).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_equals_live_on_10_000_events_on_sqlite() {
    let env = TestEnv::open(Backend::Sqlite).await;
    rebuild_equals_live(&env, 240).await;
}

async fn a_second_rebuild_swaps_again(env: TestEnv) {
    generate_history(&env.store, 30, 10).await;
    for projector in projectors() {
        let runner = env.runner(projector.clone()).await;
        runner.catch_up(&env.log).await.unwrap();
        for _ in 0..2 {
            let report = rebuild(&env.read, projector.as_ref(), &env.log, &mut |_| {})
                .await
                .unwrap();
            assert!(report.matched && report.swapped, "{report:?}");
        }
        // The swapped-in tables keep working for the live runner.
        generate_history(&env.store, 2, 2).await;
        runner.catch_up(&env.log).await.unwrap();
        let report = compare_only(&env, projector.as_ref()).await;
        assert!(report.matched, "{report:?}");
    }
}

async fn compare_only(
    env: &TestEnv,
    projector: &dyn Projector,
) -> projections::runtime::RebuildReport {
    let options = RebuildOptions {
        batch_size: 500,
        mode: RebuildMode::CompareOnly,
    };
    rebuild_with(&env.read, projector, &env.log, options, &mut |_| {})
        .await
        .unwrap()
}

async fn a_rebuild_repairs_a_damaged_model_and_says_it_differed(env: TestEnv) {
    generate_history(&env.store, 20, 10).await;
    let projector = ChronologyProjector;
    let runner = env.runner(Arc::new(projector)).await;
    runner.catch_up(&env.log).await.unwrap();
    let healthy = live_checksum(&env.read, &projector).await;
    sqlx::query("DELETE FROM chronology_entries WHERE position = 7")
        .execute(env.read.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE chronology_entries SET summary = 'edited' WHERE position = 8")
        .execute(env.read.pool())
        .await
        .unwrap();
    let damaged = live_checksum(&env.read, &projector).await;
    assert_ne!(damaged, healthy);

    // Comparing changes nothing and reports the difference.
    let report = compare_only(&env, &projector).await;
    assert!(!report.matched && !report.swapped);
    assert_eq!(report.live_checksum, damaged);
    assert_eq!(report.shadow_checksum, healthy);
    assert_eq!(live_checksum(&env.read, &projector).await, damaged);

    // Rebuilding swaps the healthy rows in and still says the live ones differed.
    let report = rebuild(&env.read, &projector, &env.log, &mut |_| {})
        .await
        .unwrap();
    assert!(!report.matched && report.swapped);
    assert_eq!(live_checksum(&env.read, &projector).await, healthy);
    assert!(compare_only(&env, &projector).await.matched);
}

async fn rebuild_while_the_live_runner_keeps_applying(env: TestEnv) {
    generate_history(&env.store, 60, 20).await;
    let projector: Arc<dyn Projector> = Arc::new(ChronologyProjector);
    let runner = env.runner(projector.clone()).await.with_batch_size(200);
    runner.catch_up(&env.log).await.unwrap();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writer = {
        let store = env.store.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            let mut batches = 0;
            while !*stopped.borrow() && batches < 500 {
                generate_history(&store, 2, 2).await;
                batches += 1;
            }
            batches
        })
    };
    let follower = {
        let runner = runner.clone();
        let log = env.log.clone();
        tokio::spawn(async move {
            runner.follow(&log, Duration::from_millis(5), stopped).await;
        })
    };

    let head_before = env.store.head_position().await.unwrap();
    let options = RebuildOptions {
        batch_size: 100,
        mode: RebuildMode::Swap,
    };
    let report = rebuild_with(
        &env.read,
        projector.as_ref(),
        &env.log,
        options,
        &mut |_| {},
    )
    .await
    .unwrap();
    let head_after = env.store.head_position().await.unwrap();
    stop.send(true).unwrap();
    let batches = writer.await.unwrap();
    follower.await.unwrap();

    assert!(report.matched, "{report:?}");
    assert!(
        head_after > head_before && batches > 0,
        "the writer appended while the rebuild ran ({head_before} → {head_after})"
    );
    assert!(report.position >= head_before);

    // The live runner carried on after the swap, on the new tables.
    runner.catch_up(&env.log).await.unwrap();
    let head = env.store.head_position().await.unwrap();
    assert_eq!(runner.checkpoint().await.unwrap(), head);
    let rows =
        crate::support::text_rows(&env.read, "SELECT COUNT(*) FROM chronology_entries").await;
    let events = env.all_events().await;
    let on_timelines = events
        .iter()
        .filter(|event| event.event_type != "PupilPremiumPlusBudgetSet")
        .count();
    assert_eq!(rows, vec![vec![on_timelines.to_string()]]);
    assert!(compare_only(&env, projector.as_ref()).await.matched);
}

async fn a_rebuild_of_an_empty_log_swaps_in_empty_tables(env: TestEnv) {
    for projector in projectors() {
        let report = rebuild(&env.read, projector.as_ref(), &env.log, &mut |_| {})
            .await
            .unwrap();
        assert!(report.matched && report.swapped);
        assert_eq!((report.position, report.events_applied), (0, 0));
        assert!(
            report
                .live_checksum
                .tables
                .iter()
                .all(|table| table.rows == 0)
        );
    }
}

async fn a_second_rebuild_of_the_same_projector_is_refused_while_one_runs(env: TestEnv) {
    generate_history(&env.store, 10, 10).await;
    let projector = NoticesProjector;
    let (mut first_progress, mut second_progress) = (|_: &_| {}, |_: &_| {});
    let (first, second) = tokio::join!(
        rebuild(&env.read, &projector, &env.log, &mut first_progress),
        rebuild(&env.read, &projector, &env.log, &mut second_progress),
    );
    assert!(first.unwrap().matched);
    assert!(matches!(
        second,
        Err(
            projections::runtime::ProjectionError::RebuildAlreadyRunning {
                projector: "notices"
            }
        )
    ));
    // Once the first has finished, the next one runs.
    assert!(
        rebuild(&env.read, &projector, &env.log, &mut |_| {})
            .await
            .unwrap()
            .matched
    );
}

on_both_back_ends!(
    a_second_rebuild_of_the_same_projector_is_refused_while_one_runs,
    a_second_rebuild_swaps_again,
    a_rebuild_repairs_a_damaged_model_and_says_it_differed,
    rebuild_while_the_live_runner_keeps_applying,
    a_rebuild_of_an_empty_log_swaps_in_empty_tables,
);
