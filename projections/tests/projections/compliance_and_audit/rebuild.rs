//! A rebuild of the compliance read model from a generated history of many children has exactly
//! the live rows (checksums compared), so its stored state and JSON are deterministic.

use super::history::{caught_up, projector};
use crate::generator::{EVENTS_PER_CHILD, generate_history};
use crate::support::{TestEnv, on_both_back_ends};
use projections::runtime::{RebuildMode, RebuildOptions, rebuild_with};

on_both_back_ends!(a_rebuild_of_compliance_equals_the_live_rows);

async fn a_rebuild_of_compliance_equals_the_live_rows(env: TestEnv) {
    let children = 300;
    let appended = generate_history(&env.store, children, 100).await;
    assert_eq!(appended, children as u64 * EVENTS_PER_CHILD + 1);
    let projector = projector();
    let started = std::time::Instant::now();
    caught_up(&env, &projector).await;
    let live_in = started.elapsed();
    let options = RebuildOptions {
        batch_size: 5000,
        mode: RebuildMode::CompareOnly,
    };
    let report = rebuild_with(&env.read, &projector, &env.log, options, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.position, appended);
    assert!(report.matched, "{report:?}");
    let children_rows = &report.live_checksum.tables[0];
    assert_eq!(children_rows.table, "compliance_children");
    assert_eq!(children_rows.rows, children as u64);
    let items = &report.live_checksum.tables[1];
    assert!(
        items.rows > children as u64,
        "every child has due items: {items:?}"
    );
    eprintln!(
        "compliance: {appended} events projected live in {live_in:?}, rebuilt and compared in {:.1} s",
        report.elapsed_seconds
    );
}
