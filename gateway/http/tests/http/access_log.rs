//! The access log: every authorised read of a child's record (through the helper the read
//! routes call) leaves an entry an auditor of the LA can query; refused reads leave none and
//! other LAs' auditors see nothing. Every read route that shows a child's record writes one
//! entry per read, named by the request's id.

use crate::fixtures::{VALID_UPN, child_in_care, submitted_pep};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use axum::body::Body;
use axum::http::Request;
use domain::ids::ChildId;
use domain::values::LaCode;
use pep_auth::{Claims, Principal};
use pep_http::access::authorize_child_read;
use pep_records::AccessLogQuery;
use uuid::Uuid;

on_both_back_ends!(
    reads_are_logged_and_auditors_query_their_own_la,
    every_child_read_route_writes_an_access_log_row
);

fn principal(who: &Who) -> Principal {
    let claims: Claims = who.claims(jsonwebtoken::get_current_timestamp() + 600);
    Principal::from_claims(&claims).unwrap()
}

async fn reads_are_logged_and_auditors_query_their_own_la(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let child = ChildId::from_uuid(child_id);
    let teacher = principal(
        &Who::new("designated_teacher", "831")
            .sub("dt-anne")
            .school("100001"),
    );
    let other_teacher = principal(
        &Who::new("designated_teacher", "831")
            .sub("dt-bob")
            .school("100002"),
    );
    let integration = principal(&Who::new("integration", "831"));
    let request_id = Uuid::now_v7();

    let read = authorize_child_read(
        &app.state,
        &teacher,
        child,
        "GET /api/v1/children/{child_id}",
        request_id,
    )
    .await
    .unwrap();
    assert_eq!(read.registration.unwrap().child_id, child);
    let hidden = authorize_child_read(
        &app.state,
        &other_teacher,
        child,
        "GET /api/v1/children/{child_id}",
        Uuid::now_v7(),
    )
    .await
    .unwrap_err();
    assert_eq!(hidden.kind, pep_http::ProblemKind::NotFound);
    let refused = authorize_child_read(
        &app.state,
        &integration,
        child,
        "GET /api/v1/children/{child_id}",
        Uuid::now_v7(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.kind, pep_http::ProblemKind::Forbidden);
    authorize_child_read(
        &app.state,
        &principal(&Who::new("iro", "831").sub("iro-own")),
        child,
        "GET /api/v1/children/{child_id}/timeline",
        Uuid::now_v7(),
    )
    .await
    .unwrap();

    let auditor = Who::new("auditor", "831").token();
    let page = app
        .get(
            &format!("/api/v1/audit/access-log?child_id={child_id}"),
            &auditor,
        )
        .await
        .ok();
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "only the authorised reads: {page}");
    assert_eq!(entries[0]["actor_role"], "iro", "newest first");
    assert_eq!(entries[1]["actor_id"], "dt-anne");
    assert_eq!(entries[1]["what"], "GET /api/v1/children/{child_id}");
    assert_eq!(entries[1]["request_id"], request_id.to_string());
    assert_eq!(entries[1]["child_la"], "831");

    let by_anne = app
        .get(
            "/api/v1/audit/access-log?actor_id=dt-anne&limit=10",
            &auditor,
        )
        .await
        .ok();
    assert_eq!(by_anne["entries"].as_array().unwrap().len(), 1);
    let future = app
        .get(
            "/api/v1/audit/access-log?from=2999-01-01T00:00:00Z",
            &auditor,
        )
        .await
        .ok();
    assert_eq!(future["entries"].as_array().unwrap().len(), 0);

    let elsewhere = app
        .get(
            "/api/v1/audit/access-log",
            &Who::new("auditor", "832").token(),
        )
        .await
        .ok();
    assert_eq!(
        elsewhere["entries"].as_array().unwrap().len(),
        0,
        "another LA sees nothing"
    );

    app.get(
        "/api/v1/audit/access-log",
        &Who::new("virtual_school", "831").token(),
    )
    .await
    .assert_problem(403, "forbidden");
    let problem = app
        .get("/api/v1/audit/access-log?from=yesterday&limit=0", &auditor)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
}

async fn every_child_read_route_writes_an_access_log_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = submitted_pep(&app, "831", child_id, "100001", "sw-own").await;
    app.catch_up().await;
    // An auditor may take every one of these routes, the audit replay included.
    let auditor = Who::new("auditor", "831").sub("auditor-ada").token();
    let paths = [
        (
            format!("/api/v1/children?upn={VALID_UPN}"),
            "GET /api/v1/children",
        ),
        (
            format!("/api/v1/children/{child_id}"),
            "GET /api/v1/children/{id}",
        ),
        (
            format!("/api/v1/children/{child_id}/timeline"),
            "GET /api/v1/children/{id}/timeline",
        ),
        (
            format!("/api/v1/children/{child_id}/timeline?format=csv"),
            "GET /api/v1/children/{id}/timeline",
        ),
        (
            format!("/api/v1/children/{child_id}/peps"),
            "GET /api/v1/children/{id}/peps",
        ),
        (
            format!("/api/v1/peps/{}", pep.pep_id),
            "GET /api/v1/peps/{id}",
        ),
        (
            format!("/api/v1/audit/children/{child_id}"),
            "GET /api/v1/audit/children/{id}",
        ),
    ];
    let query = AccessLogQuery {
        la: LaCode::parse("831").unwrap(),
        child_id: Some(ChildId::from_uuid(child_id)),
        actor_id: None,
        from: None,
        to: None,
        limit: 1000,
    };
    for (path, route) in &paths {
        let request_id = Uuid::now_v7();
        let before = app.records.access_log(&query).await.unwrap().len();
        let response = app
            .send(
                Request::get(path)
                    .header("authorization", format!("Bearer {auditor}"))
                    .header("x-request-id", request_id.to_string())
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            response.status.as_u16(),
            200,
            "{path}: {}",
            String::from_utf8_lossy(&response.body)
        );
        let entries = app.records.access_log(&query).await.unwrap();
        assert_eq!(entries.len(), before + 1, "{path} wrote one row");
        let entry = entries
            .iter()
            .find(|entry| entry.request_id == request_id)
            .unwrap_or_else(|| panic!("{path}: no row for request {request_id}: {entries:?}"));
        assert_eq!(entry.child_id, child_id, "{path}");
        assert_eq!(
            (entry.actor_id.as_str(), entry.actor_role.as_str()),
            ("auditor-ada", "auditor"),
            "{path}"
        );
        assert_eq!(
            (entry.actor_la.as_str(), entry.child_la.as_str()),
            ("831", "831")
        );
        assert_eq!(
            entry.what, *route,
            "{path}: the row names the route that was read"
        );
    }
}
