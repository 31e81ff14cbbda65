//! The cohort's compliance summary over children seeded through the API (one with an in-date
//! PEP, one whose PEP came too late for the first care-plan review, one with none): the headline
//! percentage is the children with an in-date PEP over the children counted, the monthly series
//! covers a year ending with the current month and agrees with the summary on today, the
//! drill-down filters narrow the compliance page, an unknown PEP status answers 422 naming its
//! parameter, roles that read children one by one are refused, and the summary writes no
//! access-log row.

use crate::fixtures::{child_in_care, submitted_pep, submitted_pep_on};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use pep_http::reads::READ_POSITION_HEADER;
use pep_records::RecordDatabase;
use serde_json::Value;

on_both_back_ends!(the_summary_counts_the_cohort_and_its_months_and_the_filters_narrow_it);

/// The day everything is judged on: after both PEPs were submitted (2 Oct 2024).
const TODAY: &str = "2024-11-15";

fn count(body: &Value, field: &str) -> u64 {
    body[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
}

/// Rows of the access log, in every LA.
async fn access_log_rows(app: &TestApp) -> i64 {
    let count = "SELECT COUNT(*) FROM gateway_access_log";
    match &app.records {
        RecordDatabase::Postgres(pool) => sqlx::query_scalar(count).fetch_one(pool).await,
        RecordDatabase::Sqlite(pool) => sqlx::query_scalar(count).fetch_one(pool).await,
    }
    .unwrap()
}

async fn the_summary_counts_the_cohort_and_its_months_and_the_filters_narrow_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Three children of 831 in care since 2 Sep 2024, two of them with a PEP submitted; one of
    // another LA, who is never counted.
    let mut children = Vec::new();
    for (school, worker) in [("100001", "sw-a"), ("100002", "sw-b"), ("100003", "sw-c")] {
        children.push(child_in_care(&app, "831", school, worker, "iro-1").await);
    }
    child_in_care(&app, "832", "100001", "sw-a", "iro-1").await;
    // The first child's PEP reaches the IRO before the first care-plan review (the item due on
    // 25 Sep 2024), so nothing is overdue and the PEP is in date; the second's comes on 2 Oct,
    // too late for that review, so it stays overdue; the third has no PEP.
    submitted_pep_on(
        &app,
        "831",
        children[0],
        "100001",
        "sw-a",
        "2024-09-19",
        "2024-09-20",
    )
    .await;
    submitted_pep(&app, "831", children[1], "100002", "sw-b").await;
    app.catch_up().await;
    let virtual_school = Who::new("virtual_school", "831").token();

    let logged_before = access_log_rows(&app).await;
    let response = app
        .get(
            &format!("/api/v1/compliance/summary?today={TODAY}"),
            &virtual_school,
        )
        .await;
    assert!(response.header(READ_POSITION_HEADER).is_some());
    let body = response.ok();
    assert_eq!(
        access_log_rows(&app).await,
        logged_before,
        "the summary shows no child's record, so it logs none"
    );
    assert_eq!(body["today"], TODAY);
    let summary = &body["summary"];
    let counted = count(summary, "children");
    let in_date = count(summary, "with_in_date_pep");
    assert_eq!(counted, 3, "{summary}");
    assert_eq!(in_date, 1, "{summary}");
    let expected = (in_date as f64 * 1000.0 / counted as f64).round() / 10.0;
    assert_eq!(summary["percent_with_in_date_pep"].as_f64(), Some(expected));
    assert_eq!(
        summary["children_by_pep_status"]["submitted"], 2,
        "{summary}"
    );
    assert_eq!(summary["children_by_pep_status"]["missing"], 1, "{summary}");
    assert_eq!(summary["by_qa_rating"]["not_rated"], 3, "{summary}");

    // A year of months, oldest first, ending with today's month judged on today, where the
    // figure is the summary's; before the children entered care nobody is counted.
    let monthly = body["monthly"].as_array().unwrap();
    assert_eq!(monthly.len(), 12);
    let last = &monthly[11];
    assert_eq!(last["month"], "2024-11");
    assert_eq!(last["on"], TODAY);
    assert_eq!(
        (count(last, "children"), count(last, "with_in_date_pep")),
        (counted, in_date)
    );
    assert_eq!(monthly[0]["month"], "2023-12");
    assert_eq!(monthly[0]["on"], "2023-12-31");
    assert_eq!(count(&monthly[8], "children"), 0, "{}", monthly[8]);
    assert!(monthly[8]["percent_with_in_date_pep"].is_null());
    assert_eq!(count(&monthly[9], "children"), 3, "{}", monthly[9]);
    let six = app
        .get(
            &format!("/api/v1/compliance/summary?today={TODAY}&months=6"),
            &virtual_school,
        )
        .await
        .ok();
    assert_eq!(six["monthly"].as_array().unwrap().len(), 6);

    // The drill-down filters narrow the compliance page to the children the summary counts.
    for (filter, total) in [
        ("in_date_pep=true", in_date),
        ("in_date_pep=false", counted - in_date),
        ("pep_status=missing", 1),
        ("pep_status=submitted", 2),
        ("qa_rating=green", 0),
        ("qa_rating=not_rated", 3),
    ] {
        let page = app
            .get(
                &format!("/api/v1/compliance?today={TODAY}&{filter}"),
                &virtual_school,
            )
            .await
            .ok();
        assert_eq!(count(&page, "total"), total, "{filter}: {page}");
        if filter == "in_date_pep=true" {
            for child in page["children"].as_array().unwrap() {
                assert_eq!(child["has_in_date_pep"], true, "{child}");
            }
        }
    }
    let narrowed = app
        .get(
            &format!("/api/v1/compliance/summary?today={TODAY}&pep_status=missing"),
            &virtual_school,
        )
        .await
        .ok();
    assert_eq!(count(&narrowed["summary"], "children"), 1);
    assert_eq!(count(&narrowed["summary"], "with_in_date_pep"), 0);

    // A value no child can have is refused, naming the parameter, on both routes.
    for path in [
        "/api/v1/compliance/summary?pep_status=draft",
        "/api/v1/compliance?pep_status=draft",
    ] {
        let problem = app
            .get(path, &virtual_school)
            .await
            .assert_problem(422, "validation");
        assert_eq!(
            problem["errors"][0]["path"], "query.pep_status",
            "{problem}"
        );
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("submitted"),
            "the valid values are listed: {message}"
        );
    }
    let problem = app
        .get("/api/v1/compliance/summary?qa_rating=gold", &virtual_school)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "query.qa_rating");
    for months in ["0", "25"] {
        let problem = app
            .get(
                &format!("/api/v1/compliance/summary?months={months}"),
                &virtual_school,
            )
            .await
            .assert_problem(422, "validation");
        assert_eq!(problem["errors"][0]["path"], "query.months");
    }

    // The LA-wide readers only: a designated teacher reads children one by one.
    let teacher = Who::new("designated_teacher", "831")
        .school("100001")
        .token();
    app.get("/api/v1/compliance/summary", &teacher)
        .await
        .assert_problem(403, "forbidden");
    for role in ["auditor", "admin"] {
        app.get(
            &format!("/api/v1/compliance/summary?today={TODAY}"),
            &Who::new(role, "831").token(),
        )
        .await
        .ok();
    }
}
