//! `GET /api/v1/children/{child_id}/funding`: one child's PP+ for a year, read by the people
//! who may read the child's record, logged as a read of it, and answered 404 to another LA.

use crate::fixtures::{FINANCIAL_YEAR, budget, child_in_care, funding_request, submitted_pep};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use uuid::Uuid;

on_both_back_ends!(a_childs_pp_plus_is_read_by_its_readers_and_logged);

async fn a_childs_pp_plus_is_read_by_its_readers_and_logged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    budget(&app, "831").await;
    let child_id = child_in_care(&app, "831", "100001", "sw-a", "iro-1").await;
    let other = child_in_care(&app, "831", "100002", "sw-b", "iro-1").await;
    let pep = submitted_pep(&app, "831", child_id, "100001", "sw-a").await;
    let request_id = funding_request(&app, "831", &pep).await;
    app.catch_up().await;

    // The designated teacher of the child's school reads the year's request and its totals.
    let teacher = Who::new("designated_teacher", "831")
        .school("100001")
        .sub("dt-1")
        .token();
    let path = format!("/api/v1/children/{child_id}/funding?financial_year={FINANCIAL_YEAR}");
    let body = app.get(&path, &teacher).await.ok();
    assert_eq!(body["child_id"], child_id.to_string(), "{body}");
    assert_eq!(body["la"], "831");
    assert_eq!(body["financial_year"], FINANCIAL_YEAR);
    assert_eq!(body["per_child_cap_pence"], 190_000, "{body}");
    let requests = body["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{body}");
    assert_eq!(requests[0]["request_id"], request_id.to_string());
    assert_eq!(requests[0]["requested_pence"], 40_000);
    assert_eq!(requests[0]["status"], "requested");
    assert_eq!(body["totals"]["pending_pence"], 40_000, "{body}");
    assert_eq!(body["totals"]["remaining_against_cap_pence"], 190_000);

    // The read is in the access log, under the route's name.
    let auditor = Who::new("auditor", "831").token();
    let log = app
        .get(
            &format!("/api/v1/audit/access-log?child_id={child_id}&actor_id=dt-1"),
            &auditor,
        )
        .await
        .ok();
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["what"] == "GET /api/v1/children/{id}/funding"),
        "{log}"
    );

    // A child with nothing asked: no totals, no requests. Another year: nothing either.
    let vs = Who::new("virtual_school", "831").token();
    let none = app
        .get(
            &format!("/api/v1/children/{other}/funding?financial_year={FINANCIAL_YEAR}"),
            &vs,
        )
        .await
        .ok();
    assert!(none["totals"].is_null(), "{none}");
    assert!(none["requests"].as_array().unwrap().is_empty());
    let next_year = app
        .get(
            &format!("/api/v1/children/{child_id}/funding?financial_year=2030-31"),
            &vs,
        )
        .await
        .ok();
    assert!(next_year["requests"].as_array().unwrap().is_empty());
    assert!(next_year["per_child_cap_pence"].is_null(), "{next_year}");

    // Another school's teacher, and another LA, are told the child does not exist; a year
    // that is not one is a field error.
    app.get(
        &path,
        &Who::new("designated_teacher", "831")
            .school("100002")
            .token(),
    )
    .await
    .assert_problem(404, "not-found");
    app.get(&path, &Who::new("virtual_school", "832").token())
        .await
        .assert_problem(404, "not-found");
    let unknown = Uuid::now_v7();
    app.get(&format!("/api/v1/children/{unknown}/funding"), &vs)
        .await
        .assert_problem(404, "not-found");
    app.get(
        &format!("/api/v1/children/{child_id}/funding?financial_year=2024"),
        &vs,
    )
    .await
    .assert_problem(422, "validation");
}
