//! The cohort queries over the rows of `rows.rs`'s cohort: filters, most-urgent-first
//! pagination, the summary's percentages and groupings, and one child's judged items.

use super::history::projector;
use super::rows::{item_rows, make_cohort};
use crate::support::{TestEnv, date, on_both_back_ends};
use domain::calendar::KeyStage;
use domain::compliance::{DueItem, DueStatus};
use domain::ids::ChildId;
use domain::pep::QaRating;
use projections::compliance::{CohortFilter, ComplianceProjector, Page};
use uuid::Uuid;

on_both_back_ends!(cohort_queries_filter_paginate_and_summarise);

async fn cohort_queries_filter_paginate_and_summarise(env: TestEnv) {
    let cohort = make_cohort(&env).await;
    let projector: ComplianceProjector = projector();
    super::history::caught_up(&env, &projector).await;
    let today = date(2025, 3, 20);
    let all = CohortFilter::default();

    // On 20 March: B's initial PEP (due 17 Feb) and the PEP before its first care review (due
    // 26 Feb) are overdue, its placement-change PEP (24 Mar) due soon; A's next is the spring
    // review on 4 April, 15 days away: upcoming. C was never in care and is not in the cohort.
    let page = projector
        .cohort(&env.read, &all, today, Page::first(10))
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    let order: Vec<ChildId> = page.children.iter().map(|child| child.child_id).collect();
    assert_eq!(order, [cohort.b, cohort.a], "most urgent first");
    let b = &page.children[0];
    assert_eq!(b.status, Some(DueStatus::Overdue));
    assert_eq!((b.counts.overdue, b.counts.due_soon), (2, 1));
    assert!(!b.has_in_date_pep);
    assert_eq!(b.key_stage, Some(KeyStage::KeyStage4));
    assert_eq!(
        b.next_due.as_ref().unwrap().item.due_date,
        date(2025, 2, 17)
    );
    assert!(b.items.is_empty(), "a cohort page leaves the items out");
    let a = &page.children[1];
    assert_eq!(a.status, Some(DueStatus::Upcoming));
    assert!(a.has_in_date_pep);
    assert!(a.pp_plus_linked);
    assert!(!b.pp_plus_linked);
    assert_eq!(a.key_stage, Some(KeyStage::KeyStage2));
    assert_eq!(
        a.last_quality_assurance.map(|quality| quality.rating),
        Some(QaRating::Green)
    );
    assert_eq!(a.next_due.as_ref().unwrap().item.due_date, date(2025, 4, 4));

    // Pagination keeps the order and the total.
    let second = projector
        .cohort(
            &env.read,
            &all,
            today,
            Page {
                offset: 1,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(second.total, 2);
    assert_eq!(second.children.len(), 1);
    assert_eq!(second.children[0].child_id, cohort.a);
    let refused = projector
        .cohort(&env.read, &all, today, Page::first(0))
        .await;
    assert!(refused.is_err());

    // Each filter narrows to the one child it names.
    let filters = [
        CohortFilter {
            status: Some(DueStatus::Overdue),
            ..CohortFilter::default()
        },
        CohortFilter {
            key_stage: Some(KeyStage::KeyStage4),
            ..CohortFilter::default()
        },
        CohortFilter {
            social_worker_id: Some("sw-2".to_owned()),
            ..CohortFilter::default()
        },
    ];
    for filter in &filters {
        let page = projector
            .cohort(&env.read, filter, today, Page::first(10))
            .await
            .unwrap();
        let children: Vec<ChildId> = page.children.iter().map(|child| child.child_id).collect();
        assert_eq!(children, [cohort.b], "{filter:?}");
    }
    let at_oak = CohortFilter {
        school_urn: Some("100001".to_owned()),
        ..CohortFilter::default()
    };
    let page = projector
        .cohort(&env.read, &at_oak, today, Page::first(10))
        .await
        .unwrap();
    assert_eq!(page.children.len(), 1);
    assert_eq!(page.children[0].child_id, cohort.a);
    let everyone = CohortFilter {
        include_left_care: true,
        ..CohortFilter::default()
    };
    let page = projector
        .cohort(&env.read, &everyone, today, Page::first(10))
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(
        page.children[2].child_id, cohort.c,
        "nothing owed comes last"
    );
    assert_eq!(page.children[2].status, None);

    // The summary: one of two children has an in-date PEP; of the four obligations decided by
    // 20 March (A's two met on time, B's two overdue), two were met within timescale.
    let summary = projector
        .cohort_summary(&env.read, &all, today)
        .await
        .unwrap();
    assert_eq!(summary.children, 2);
    assert_eq!(summary.with_in_date_pep, 1);
    assert_eq!(summary.percent_with_in_date_pep, Some(50.0));
    assert_eq!(summary.obligations_decided, 4);
    assert_eq!(summary.obligations_met_on_time, 2);
    assert_eq!(summary.percent_completed_within_timescale, Some(50.0));
    let by_status: Vec<(&str, u64)> = summary
        .children_by_status
        .iter()
        .map(|(status, count)| (status.as_str(), *count))
        .collect();
    assert_eq!(by_status, [("overdue", 1), ("upcoming", 1)]);
    let key_stages: Vec<(&str, u64)> = summary
        .by_key_stage
        .iter()
        .map(|(key_stage, group)| (key_stage.as_str(), group.children))
        .collect();
    assert_eq!(key_stages, [("ks2", 1), ("ks4", 1)]);
    let oak = &summary.by_school["100001"];
    assert_eq!(oak.name.as_deref(), Some("Oak Primary"));
    assert_eq!((oak.children, oak.with_in_date_pep, oak.overdue), (1, 1, 0));
    assert_eq!(summary.by_school["not_recorded"].overdue, 1);
    let workers: Vec<(&str, u64)> = summary
        .by_social_worker
        .iter()
        .map(|(worker, group)| (worker.as_str(), group.overdue))
        .collect();
    assert_eq!(workers, [("sw-1", 0), ("sw-2", 1)]);

    // One child, with every item judged; an unknown child is absent.
    let one = projector
        .child(&env.read, cohort.b, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.items.len(), b_item_count(&env, cohort.b).await);
    let judged: Vec<(DueItem, DueStatus)> = one
        .items
        .iter()
        .map(|judged| (judged.item.clone(), judged.status))
        .collect();
    assert!(judged.iter().any(|(item, status)| {
        item.due_date == date(2025, 3, 24) && *status == DueStatus::DueSoon
    }));
    let unknown = ChildId::from_uuid(Uuid::now_v7());
    assert!(
        projector
            .child(&env.read, unknown, today)
            .await
            .unwrap()
            .is_none()
    );
}

async fn b_item_count(env: &TestEnv, child_id: ChildId) -> usize {
    item_rows(env, child_id).await.len()
}
