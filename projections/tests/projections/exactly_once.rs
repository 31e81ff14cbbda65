//! Exactly-once application: redelivery, out-of-order delivery, gaps and a crash between
//! applying and committing all leave exactly the rows of one clean pass.

use crate::fixtures::mixed_history;
use crate::support::{TestEnv, live_checksum, on_both_back_ends, reset, start_instant};
use projections::chronology::ChronologyProjector;
use projections::funding::FundingProjector;
use projections::notices::NoticesProjector;
use projections::runtime::{Gap, Projector};
use std::sync::Arc;

fn projectors() -> Vec<Arc<dyn Projector>> {
    vec![
        Arc::new(ChronologyProjector),
        Arc::new(FundingProjector),
        Arc::new(NoticesProjector),
    ]
}

async fn the_same_batch_twice_leaves_identical_rows(env: TestEnv) {
    mixed_history(&env).await;
    let events = env.all_events().await;
    let head = events.last().unwrap().global_position;
    for projector in projectors() {
        let runner = env.runner(projector.clone()).await;
        let first = runner.apply_batch(&events).await.unwrap();
        assert_eq!(first.applied, events.len(), "{}", runner.name());
        assert_eq!(first.checkpoint_after, head);
        let after_first = live_checksum(&env.read, projector.as_ref()).await;
        assert!(after_first.tables[0].rows > 0, "{}", runner.name());

        let second = runner.apply_batch(&events).await.unwrap();
        assert_eq!(second.applied, 0);
        assert_eq!(second.skipped, events.len());
        assert_eq!(second.checkpoint_after, head);
        assert_eq!(
            live_checksum(&env.read, projector.as_ref()).await,
            after_first,
            "{}",
            runner.name()
        );
    }
}

async fn out_of_order_redelivery_leaves_identical_rows(env: TestEnv) {
    mixed_history(&env).await;
    let events = env.all_events().await;
    let head = events.last().unwrap().global_position;
    let third = events.len() / 3;
    let (early, rest) = events.split_at(third);
    let (middle, late) = rest.split_at(third);
    for projector in projectors() {
        let runner = env.runner(projector.clone()).await;
        runner.apply_batch(&events).await.unwrap();
        let reference = live_checksum(&env.read, projector.as_ref()).await;
        reset(&runner).await;

        // The middle arrives first: nothing is applied across the gap.
        let outcome = runner.apply_batch(middle).await.unwrap();
        assert_eq!(outcome.applied, 0);
        assert_eq!(
            outcome.gap,
            Some(Gap {
                expected_position: 1,
                found_position: middle[0].global_position
            })
        );
        assert_eq!(runner.checkpoint().await.unwrap(), 0);

        // The early part arrives reversed, then the middle again, then everything shuffled.
        let reversed: Vec<_> = early.iter().rev().cloned().collect();
        assert_eq!(
            runner.apply_batch(&reversed).await.unwrap().applied,
            early.len()
        );
        assert_eq!(
            runner.apply_batch(middle).await.unwrap().applied,
            middle.len()
        );
        let mut shuffled: Vec<_> = late.iter().chain(early).chain(middle).cloned().collect();
        shuffled.swap(0, late.len() - 1);
        let outcome = runner.apply_batch(&shuffled).await.unwrap();
        assert_eq!(outcome.applied, late.len());
        assert_eq!(outcome.skipped, early.len() + middle.len());
        assert_eq!(outcome.checkpoint_after, head);

        assert_eq!(
            live_checksum(&env.read, projector.as_ref()).await,
            reference,
            "{}",
            runner.name()
        );
    }
}

async fn a_crash_between_apply_and_commit_applies_nothing(env: TestEnv) {
    mixed_history(&env).await;
    let events = env.all_events().await;
    for projector in projectors() {
        let runner = env.runner(projector.clone()).await;
        let empty = live_checksum(&env.read, projector.as_ref()).await;

        let mut transaction = env.read.begin().await.unwrap();
        let outcome = runner
            .apply_batch_within(&mut transaction, &events)
            .await
            .unwrap();
        assert_eq!(outcome.applied, events.len());
        // The process dies here: the transaction is dropped without a commit.
        drop(transaction);

        assert_eq!(runner.checkpoint().await.unwrap(), 0);
        assert_eq!(live_checksum(&env.read, projector.as_ref()).await, empty);

        // Redelivery after the restart applies everything exactly once.
        let outcome = runner.apply_batch(&events).await.unwrap();
        assert_eq!(outcome.applied, events.len());
        let after_restart = live_checksum(&env.read, projector.as_ref()).await;
        reset(&runner).await;
        runner.apply_batch(&events).await.unwrap();
        assert_eq!(
            live_checksum(&env.read, projector.as_ref()).await,
            after_restart,
            "{}",
            runner.name()
        );
    }
}

async fn a_delivered_batch_after_a_gap_catches_up_from_the_log(env: TestEnv) {
    mixed_history(&env).await;
    let events = env.all_events().await;
    let head = events.last().unwrap().global_position;
    for projector in projectors() {
        let runner = env.runner(projector.clone()).await;
        runner.apply_batch(&events).await.unwrap();
        let reference = live_checksum(&env.read, projector.as_ref()).await;
        reset(&runner).await;

        runner.apply_batch(&events[..3]).await.unwrap();
        let outcome = runner.deliver(&events[10..], &env.log).await.unwrap();
        assert_eq!(
            outcome.gap,
            Some(Gap {
                expected_position: 4,
                found_position: 11
            })
        );
        assert_eq!(outcome.applied, events.len() - 3);
        assert_eq!(outcome.checkpoint_after, head);
        assert_eq!(
            live_checksum(&env.read, projector.as_ref()).await,
            reference
        );
    }
}

async fn lag_counts_positions_and_seconds_behind_the_head(env: TestEnv) {
    let child_id = crate::fixtures::child_in_care(&env).await;
    let applied_up_to = env.store.head_position().await.unwrap();
    env.set_clock(start_instant() + chrono::Duration::seconds(90));
    crate::fixtures::child_command(
        &env,
        child_id,
        domain::child::ChildCommand::AssignPerson {
            role: domain::child::AssignedRole::Iro,
            person: crate::fixtures::person("iro-1"),
            from: crate::support::date(2024, 11, 4),
        },
    )
    .await;
    let runner = env.runner(Arc::new(ChronologyProjector)).await;
    let lag = runner.lag(&env.log).await.unwrap();
    assert_eq!(lag.checkpoint, 0);
    assert_eq!(lag.positions_behind, applied_up_to + 1);
    assert_eq!(lag.seconds_behind, 90.0);

    let events = env.all_events().await;
    runner
        .apply_batch(&events[..usize::try_from(applied_up_to).unwrap()])
        .await
        .unwrap();
    let lag = runner.lag(&env.log).await.unwrap();
    assert_eq!(lag.checkpoint, applied_up_to);
    assert_eq!(lag.head_position, applied_up_to + 1);
    assert_eq!(lag.positions_behind, 1);
    assert_eq!(lag.seconds_behind, 90.0);

    let report = runner.catch_up(&env.log).await.unwrap();
    assert_eq!(report.applied, 1);
    let lag = runner.lag(&env.log).await.unwrap();
    assert_eq!((lag.positions_behind, lag.seconds_behind), (0, 0.0));
}

on_both_back_ends!(
    the_same_batch_twice_leaves_identical_rows,
    out_of_order_redelivery_leaves_identical_rows,
    a_crash_between_apply_and_commit_applies_nothing,
    a_delivered_batch_after_a_gap_catches_up_from_the_log,
    lag_counts_positions_and_seconds_behind_the_head,
);
