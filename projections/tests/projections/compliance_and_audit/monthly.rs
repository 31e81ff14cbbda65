//! The dashboard over the rows of `rows.rs`'s cohort: the headline figure month by month, judged
//! on each month's last day from one load, agreeing with the summary on today, narrowed by the
//! filters, and refusing a filter value or a length it does not know.

use super::history::projector;
use super::rows::make_cohort;
use crate::support::{TestEnv, date, on_both_back_ends};
use projections::compliance::{CohortFilter, ComplianceProjector, DEFAULT_MONTHS, MonthlyFigure};
use projections::runtime::ProjectionError;

on_both_back_ends!(the_monthly_series_judges_each_month_end_on_what_had_happened_by_then);

fn figures(monthly: &[MonthlyFigure]) -> Vec<(&str, u64, u64, Option<f64>)> {
    monthly
        .iter()
        .map(|figure| {
            (
                figure.month.as_str(),
                figure.children,
                figure.with_in_date_pep,
                figure.percent_with_in_date_pep,
            )
        })
        .collect()
}

async fn the_monthly_series_judges_each_month_end_on_what_had_happened_by_then(env: TestEnv) {
    let _cohort = make_cohort(&env).await;
    let projector: ComplianceProjector = projector();
    super::history::caught_up(&env, &projector).await;
    let today = date(2025, 3, 20);
    let all = CohortFilter::default();

    // A entered care on 1 Nov 2024 and its PEP met both obligations on 14 Nov: in date from
    // the end of November. B entered care on 3 Feb 2025 and its initial PEP (due 17 Feb) was
    // never met: counted, not in date, from the end of February. C was never in care.
    let dashboard = projector
        .dashboard(&env.read, &all, today, 6)
        .await
        .unwrap();
    assert_eq!(
        figures(&dashboard.monthly),
        [
            ("2024-10", 0, 0, None),
            ("2024-11", 1, 1, Some(100.0)),
            ("2024-12", 1, 1, Some(100.0)),
            ("2025-01", 1, 1, Some(100.0)),
            ("2025-02", 2, 1, Some(50.0)),
            ("2025-03", 2, 1, Some(50.0)),
        ]
    );
    let days: Vec<_> = dashboard.monthly.iter().map(|figure| figure.on).collect();
    assert_eq!(days[1], date(2024, 11, 30));
    assert_eq!(days[4], date(2025, 2, 28));
    assert_eq!(days[5], today, "the current month is judged on today");

    // The summary is the one the summary query gives, and today's figure agrees with it.
    let summary = projector
        .cohort_summary(&env.read, &all, today)
        .await
        .unwrap();
    assert_eq!(dashboard.summary, summary);
    let now = dashboard.monthly.last().unwrap();
    assert_eq!(
        (now.children, now.with_in_date_pep),
        (summary.children, summary.with_in_date_pep)
    );
    assert_eq!(
        summary
            .children_by_pep_status
            .iter()
            .map(|(status, count)| (status.as_str(), *count))
            .collect::<Vec<_>>(),
        [("in_progress", 1), ("quality_assured", 1)]
    );
    assert_eq!(
        summary
            .by_qa_rating
            .iter()
            .map(|(rating, count)| (rating.as_str(), *count))
            .collect::<Vec<_>>(),
        [("green", 1), ("not_rated", 1)]
    );

    // A year by default, ending with the current month.
    let year = projector
        .dashboard(&env.read, &all, today, DEFAULT_MONTHS)
        .await
        .unwrap();
    assert_eq!(year.monthly.len(), 12);
    assert_eq!(year.monthly[0].month, "2024-04");
    assert_eq!(year.monthly[11].month, "2025-03");

    // The drill-down filters narrow the series and the summary alike.
    let not_in_date = CohortFilter {
        in_date_pep: Some(false),
        ..CohortFilter::default()
    };
    let narrowed = projector
        .dashboard(&env.read, &not_in_date, today, 6)
        .await
        .unwrap();
    assert_eq!(
        figures(&narrowed.monthly)[3..],
        [
            ("2025-01", 0, 0, None),
            ("2025-02", 1, 0, Some(0.0)),
            ("2025-03", 1, 0, Some(0.0)),
        ]
    );
    assert_eq!(
        (narrowed.summary.children, narrowed.summary.with_in_date_pep),
        (1, 0)
    );
    for filter in [
        CohortFilter {
            pep_status: Some("quality_assured".to_owned()),
            ..CohortFilter::default()
        },
        CohortFilter {
            qa_rating: Some("green".to_owned()),
            ..CohortFilter::default()
        },
        CohortFilter {
            school_urn: Some("100001".to_owned()),
            ..CohortFilter::default()
        },
    ] {
        let only_a = projector
            .dashboard(&env.read, &filter, today, 6)
            .await
            .unwrap();
        let counted: Vec<u64> = only_a
            .monthly
            .iter()
            .map(|figure| figure.children)
            .collect();
        assert_eq!(counted, [0, 1, 1, 1, 1, 1], "{filter:?}");
        assert_eq!(only_a.summary.children, 1, "{filter:?}");
    }
    let missing = CohortFilter {
        pep_status: Some("missing".to_owned()),
        ..CohortFilter::default()
    };
    let none = projector
        .dashboard(&env.read, &missing, today, 6)
        .await
        .unwrap();
    assert_eq!(none.summary.children, 0);
    assert!(none.monthly.iter().all(|figure| figure.children == 0));

    // A value no child can have, and a length outside 1 to 24 months, are refused.
    let unknown = CohortFilter {
        pep_status: Some("draft".to_owned()),
        ..CohortFilter::default()
    };
    let refused = projector.dashboard(&env.read, &unknown, today, 6).await;
    assert!(
        matches!(refused, Err(ProjectionError::InvalidQuery(_))),
        "{refused:?}"
    );
    for months in [0, 25] {
        let refused = projector.dashboard(&env.read, &all, today, months).await;
        assert!(
            matches!(refused, Err(ProjectionError::InvalidQuery(_))),
            "{months}: {refused:?}"
        );
    }
}
