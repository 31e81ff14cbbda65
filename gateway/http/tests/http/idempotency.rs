//! Retries and concurrent edits: an `Idempotency-Key` makes a retry answer exactly as the first
//! attempt did without writing again, a reused key with another request is refused, keys are
//! per caller, and `If-Match` with a stale version answers 409 with the current one.

use crate::fixtures::{child_in_care, episode_body, register_body};
use crate::support::{Backend, TestApp, TestResponse, Who, on_both_back_ends};
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

on_both_back_ends!(
    a_retried_command_answers_as_the_first_and_writes_nothing_more,
    a_key_reused_for_another_request_is_refused_and_keys_are_per_caller,
    a_stale_if_match_answers_409_with_the_current_version,
    a_repeated_change_is_a_no_op_with_no_position,
);

async fn post_with(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> TestResponse {
    let mut request = Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::from(body.to_string())).unwrap())
        .await
}

async fn a_retried_command_answers_as_the_first_and_writes_nothing_more(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = Who::new("virtual_school", "831").token();
    let body = register_body("831", "777");
    let key = [("idempotency-key", "register-777")];
    let first = post_with(&app, "/api/v1/children", &token, &body, &key).await;
    assert_eq!(first.status, 201, "{:?}", first.json());
    assert_eq!(first.header("idempotent-replayed"), None);
    let head = app.head().await;
    let retry = post_with(&app, "/api/v1/children", &token, &body, &key).await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.json(), first.json(), "the same answer, ids included");
    assert_eq!(retry.header("etag"), first.header("etag"));
    assert_eq!(retry.header("location"), first.header("location"));
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(app.head().await, head, "the retry wrote nothing");

    // The same holds for a command that creates something inside a PEP.
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = app
        .post(
            &format!("/api/v1/children/{child_id}/peps"),
            &token,
            &json!({"kind": "initial", "trigger": "entered_care"}),
        )
        .await
        .ok();
    let targets = format!("/api/v1/peps/{}/targets", pep["pep_id"].as_str().unwrap());
    let target = json!({"area": "maths", "description": "Know times tables to 12",
        "success_criterion": "95% on the spring check", "owner": {"id": "dt-1", "name": "D T"},
        "set_on": "2024-10-01", "due_on": "2025-03-01", "horizon": "short_term"});
    let key = [("idempotency-key", "target-1")];
    let first = post_with(&app, &targets, &token, &target, &key).await;
    let head = app.head().await;
    let retry = post_with(&app, &targets, &token, &target, &key).await;
    assert_eq!(retry.json()["target_id"], first.json()["target_id"]);
    assert_eq!(app.head().await, head);
}

async fn a_key_reused_for_another_request_is_refused_and_keys_are_per_caller(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anne = Who::new("virtual_school", "831").sub("vs-anne").token();
    let bob = Who::new("virtual_school", "831").sub("vs-bob").token();
    let key = [("idempotency-key", "shared-key")];
    let first = post_with(
        &app,
        "/api/v1/children",
        &anne,
        &register_body("831", "1"),
        &key,
    )
    .await;
    assert_eq!(first.status, 201);
    let head = app.head().await;
    post_with(
        &app,
        "/api/v1/children",
        &anne,
        &register_body("831", "2"),
        &key,
    )
    .await
    .assert_problem(422, "idempotency-key-reused");
    assert_eq!(app.head().await, head);

    // Another person's identical key and body is their own request, not a replay of Anne's:
    // it is decided afresh, and the record refuses a second registration of the same child.
    let bobs_repeat = post_with(
        &app,
        "/api/v1/children",
        &bob,
        &register_body("831", "1"),
        &key,
    )
    .await;
    assert_eq!(bobs_repeat.header("idempotent-replayed"), None);
    bobs_repeat.assert_problem(409, "state-conflict");
    // Under the same key, Bob registers another child as his own request.
    let bobs = post_with(
        &app,
        "/api/v1/children",
        &bob,
        &register_body("831", "4"),
        &[("idempotency-key", "bobs-key")],
    )
    .await;
    assert_eq!(bobs.status, 201);
    let bobs_with_annes_key = post_with(
        &app,
        "/api/v1/children",
        &bob,
        &register_body("831", "5"),
        &key,
    )
    .await;
    assert_eq!(bobs_with_annes_key.status, 201);
    assert_eq!(bobs_with_annes_key.header("idempotent-replayed"), None);
    assert_ne!(bobs.json()["child_id"], first.json()["child_id"]);

    post_with(
        &app,
        "/api/v1/children",
        &anne,
        &register_body("831", "3"),
        &[("idempotency-key", "")],
    )
    .await
    .assert_problem(400, "malformed-header");
}

async fn a_stale_if_match_answers_409_with_the_current_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let token = Who::new("designated_teacher", "831")
        .school("100001")
        .token();
    let path = format!("/api/v1/children/{child_id}/attendance");
    let attendance = json!({"period_start": "2024-09-02", "period_end": "2024-10-18",
        "possible_sessions": 62, "attended_sessions": 60, "unauthorised_absence_sessions": 0});
    let current = app.events(&format!("child-{child_id}")).await.len() as u64;

    let head = app.head().await;
    let stale = post_with(&app, &path, &token, &attendance, &[("if-match", "\"1\"")]).await;
    let problem = stale.assert_problem(409, "version-conflict");
    assert_eq!(problem["current_version"], current);
    assert_eq!(problem["expected_version"], 1);
    assert_eq!(problem["stream_id"], format!("child-{child_id}"));
    assert_eq!(
        stale.header("etag"),
        Some(format!("\"{current}\"").as_str())
    );
    assert_eq!(app.head().await, head);

    let fresh = post_with(
        &app,
        &path,
        &token,
        &attendance,
        &[("if-match", &format!("\"{current}\""))],
    )
    .await;
    let body = fresh.ok();
    assert_eq!(body["version"], current + 1);
    assert_eq!(
        fresh.header("etag"),
        Some(format!("\"{}\"", current + 1).as_str())
    );

    post_with(&app, &path, &token, &attendance, &[("if-match", "W/\"3\"")])
        .await
        .assert_problem(400, "malformed-header");
}

async fn a_repeated_change_is_a_no_op_with_no_position(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let token = Who::new("virtual_school", "831").token();
    let head = app.head().await;
    let repeat = app
        .post(
            &format!("/api/v1/children/{child_id}/episodes"),
            &token,
            &episode_body(),
        )
        .await
        .ok();
    assert_eq!(repeat["position"], Value::Null);
    assert_eq!(app.head().await, head);
}
