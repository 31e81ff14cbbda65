//! The cohort reads are reads of every child they show: a compliance page, and funding totals
//! by child, leave one access-log row per child shown (the page only), named by the request id
//! and queryable through the auditors' route; totals by school show no child and log none; and a
//! page whose rows cannot be written is not served.

use crate::fixtures::{budget, child_in_care, funding_request, submitted_pep};
use crate::support::{Backend, TestApp, TestResponse, Who, on_both_back_ends};
use axum::body::Body;
use axum::http::Request;
use pep_records::RecordDatabase;
use serde_json::Value;
use std::collections::BTreeSet;
use uuid::Uuid;

on_both_back_ends!(
    a_cohort_page_logs_exactly_the_children_it_shows,
    a_cohort_page_whose_log_cannot_be_written_is_refused_with_503,
);

async fn get(app: &TestApp, path: &str, token: &str, request_id: Uuid) -> TestResponse {
    app.send(
        Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .header("x-request-id", request_id.to_string())
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// The children whose access-log rows, as the auditors' route answers them, carry `request_id`.
async fn logged_children(
    app: &TestApp,
    children: &[Uuid],
    request_id: Uuid,
    what: &str,
) -> Vec<Uuid> {
    let auditor = Who::new("auditor", "831").sub("auditor-query").token();
    let mut logged = Vec::new();
    for child_id in children {
        let page = app
            .get(
                &format!("/api/v1/audit/access-log?child_id={child_id}&limit=1000"),
                &auditor,
            )
            .await
            .ok();
        for entry in page["entries"].as_array().unwrap() {
            if entry["request_id"] == request_id.to_string() {
                assert_eq!(entry["what"], what, "{entry}");
                assert_eq!(entry["child_id"], child_id.to_string());
                logged.push(*child_id);
            }
        }
    }
    logged
}

fn page_children(body: &Value) -> BTreeSet<Uuid> {
    body["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|child| Uuid::parse_str(child["child_id"].as_str().unwrap()).unwrap())
        .collect()
}

async fn a_cohort_page_logs_exactly_the_children_it_shows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    budget(&app, "831").await;
    let mut children = Vec::new();
    for (school, worker) in [("100001", "sw-a"), ("100002", "sw-b"), ("100003", "sw-c")] {
        children.push(child_in_care(&app, "831", school, worker, "iro-1").await);
    }
    let elsewhere = child_in_care(&app, "832", "100001", "sw-a", "iro-1").await;
    for (child_id, school, worker) in [
        (children[0], "100001", "sw-a"),
        (children[1], "100002", "sw-b"),
    ] {
        let pep = submitted_pep(&app, "831", child_id, school, worker).await;
        funding_request(&app, "831", &pep).await;
    }
    app.catch_up().await;
    let mut everyone = children.clone();
    everyone.push(elsewhere);
    let auditor = Who::new("auditor", "831").sub("auditor-ada").token();

    // Page 1 of 2: two of the three children, and exactly those two are logged.
    let first = Uuid::now_v7();
    let response = get(&app, "/api/v1/compliance?page_size=2", &auditor, first).await;
    let body = response.ok();
    assert_eq!(body["total"], 3, "{body}");
    let shown = page_children(&body);
    assert_eq!(shown.len(), 2);
    let logged = logged_children(&app, &everyone, first, "GET /api/v1/compliance").await;
    assert_eq!(logged.len(), 2, "one row per child on the page: {logged:?}");
    assert_eq!(logged.iter().copied().collect::<BTreeSet<_>>(), shown);

    // Page 2: the third child only.
    let second = Uuid::now_v7();
    let body = get(
        &app,
        "/api/v1/compliance?page_size=2&page=2",
        &auditor,
        second,
    )
    .await
    .ok();
    let shown = page_children(&body);
    assert_eq!(shown.len(), 1);
    let logged = logged_children(&app, &everyone, second, "GET /api/v1/compliance").await;
    assert_eq!(logged.iter().copied().collect::<BTreeSet<_>>(), shown);

    // Funding totals by child show the two children with requests; by school, none.
    let by_child = Uuid::now_v7();
    let body = get(
        &app,
        "/api/v1/funding?financial_year=2024-25&group_by=child",
        &auditor,
        by_child,
    )
    .await
    .ok();
    assert_eq!(body["totals"].as_array().unwrap().len(), 2, "{body}");
    let logged = logged_children(&app, &everyone, by_child, "GET /api/v1/funding").await;
    assert_eq!(
        logged.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([children[0], children[1]])
    );
    let by_school = Uuid::now_v7();
    get(
        &app,
        "/api/v1/funding?financial_year=2024-25&group_by=school",
        &auditor,
        by_school,
    )
    .await
    .ok();
    assert!(
        logged_children(&app, &everyone, by_school, "GET /api/v1/funding")
            .await
            .is_empty()
    );

    // Roles that read children one by one are refused here, and the refusal logs nothing.
    let refused = Uuid::now_v7();
    get(
        &app,
        "/api/v1/compliance",
        &Who::new("designated_teacher", "831")
            .school("100001")
            .token(),
        refused,
    )
    .await
    .assert_problem(403, "forbidden");
    assert!(
        logged_children(&app, &everyone, refused, "GET /api/v1/compliance")
            .await
            .is_empty()
    );
}

async fn a_cohort_page_whose_log_cannot_be_written_is_refused_with_503(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-a", "iro-1").await;
    app.catch_up().await;
    let auditor = Who::new("auditor", "831").token();
    get(&app, "/api/v1/compliance", &auditor, Uuid::now_v7())
        .await
        .ok();
    // The gateway's own tables become unreachable; the read models (their own pool) still
    // answer, so only the access log fails.
    match &app.records {
        RecordDatabase::Postgres(pool) => pool.close().await,
        RecordDatabase::Sqlite(pool) => pool.close().await,
    }
    let refused = get(&app, "/api/v1/compliance", &auditor, Uuid::now_v7()).await;
    refused.assert_problem(503, "unavailable");
    assert!(
        !String::from_utf8_lossy(&refused.body).contains(&child_id.to_string()),
        "no child is shown when its read cannot be logged"
    );
}
