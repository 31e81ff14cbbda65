//! Sharing a record when things go wrong: a retried request (same `Idempotency-Key`) answers as
//! the first attempt and writes nothing more, even where repeating it without the key would be
//! refused; a stale `If-Match` answers 409; with PostgreSQL unreachable the share answers 503,
//! writes nothing, and succeeds once the database is back.

use crate::fixtures::child_in_care;
use crate::support::{Backend, TestApp, TestResponse, Who, on_both_back_ends};
use crate::unavailable::admin;
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

on_both_back_ends!(
    a_retried_end_of_sharing_answers_as_the_first_and_writes_nothing_more,
    a_stale_if_match_on_sharing_answers_409
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

async fn a_retried_end_of_sharing_answers_as_the_first_and_writes_nothing_more(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "832", "100001", "sw-832", "iro-832").await;
    let placing = Who::new("virtual_school", "832").token();
    let share = json!({"la": "831", "reason": "Placed out of area"});
    let sharing = format!("/api/v1/children/{child_id}/sharing");
    let key = [("idempotency-key", "share-831")];
    let first = post_with(&app, &sharing, &placing, &share, &key).await;
    assert_eq!(first.status, 200, "{:?}", first.json());
    let head = app.head().await;
    let retry = post_with(&app, &sharing, &placing, &share, &key).await;
    assert_eq!(retry.json(), first.json());
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(app.head().await, head);

    let end = format!("/api/v1/children/{child_id}/sharing/831/end");
    let key = [("idempotency-key", "end-831")];
    let ended = post_with(&app, &end, &placing, &json!({}), &key).await;
    assert_eq!(ended.status, 200, "{:?}", ended.json());
    let head = app.head().await;
    // A lost answer retried with its key is answered from the first attempt...
    let retry = post_with(&app, &end, &placing, &json!({}), &key).await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.json(), ended.json());
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    // ...while a new request to end it again finds nothing to end.
    post_with(&app, &end, &placing, &json!({}), &[])
        .await
        .assert_problem(409, "state-conflict");
    assert_eq!(app.head().await, head);
}

async fn a_stale_if_match_on_sharing_answers_409(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "832", "100001", "sw-832", "iro-832").await;
    let placing = Who::new("virtual_school", "832").token();
    let head = app.head().await;
    let problem = post_with(
        &app,
        &format!("/api/v1/children/{child_id}/sharing"),
        &placing,
        &json!({"la": "831", "reason": "Placed out of area"}),
        &[("if-match", "\"1\"")],
    )
    .await
    .assert_problem(409, "version-conflict");
    assert_eq!(problem["expected_version"], 1);
    assert_eq!(app.head().await, head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_answers_503_and_writes_nothing_while_postgres_is_unreachable() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let child_id = child_in_care(&app, "832", "100001", "sw-832", "iro-832").await;
    let placing = Who::new("virtual_school", "832").token();
    let sharing = format!("/api/v1/children/{child_id}/sharing");
    let share = json!({"la": "831", "reason": "Placed out of area"});
    let head = app.head().await;
    let name = app.database.as_ref().unwrap().name.clone();
    admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;
    let refused = app.post(&sharing, &placing, &share).await;
    assert_eq!(refused.header("retry-after"), Some("5"));
    refused.assert_problem(503, "unavailable");

    admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
    assert_eq!(app.head().await, head, "the refused share wrote nothing");
    let shared = app.post(&sharing, &placing, &share).await.ok();
    assert!(shared["position"].is_u64(), "{shared}");
    assert_eq!(app.head().await, head + 1);
}
