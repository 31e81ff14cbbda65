//! The in-app inbox and read receipts, on both back ends: an IRO sees the notices addressed to
//! them (and no one else's), marks one read once (a second mark keeps the first time), the
//! social worker gets the copy the default policy sends, the Virtual School sees the receipts
//! on the deliveries listing, and a notice about a child with no IRO waits `unaddressed` in the
//! Virtual School's inbox until an IRO is assigned.

use crate::fixtures::{child_in_care, register_body};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use chrono::NaiveDate;
use commands::handlers::CommandContext;
use domain::child::{ChildCommand, NoticeReason};
use domain::ids::ChildId;
use domain::policy::NoticeRule;
use domain::{Actor, Role};
use pep_notify::dispatcher::NoticeDispatcher;
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;

on_both_back_ends!(
    inbox_read_receipts_and_unaddressed_notices,
    bad_webhooks_are_refused_and_deactivation_is_kept
);

/// Requests a notice about `child_id` as the process manager would, and dispatches it.
pub async fn notice_about(app: &TestApp, child_id: Uuid) -> Uuid {
    let notice_id = Uuid::now_v7();
    let context = CommandContext::new(
        Actor::new("process-manager", Role::System),
        Uuid::now_v7(),
        "test",
    );
    app.state
        .commands()
        .child(
            ChildId::from_uuid(child_id),
            ChildCommand::RequestIroNotice {
                notice_id,
                reason: NoticeReason::PlacementChange,
                about_event_id: Uuid::now_v7(),
                occurred_on: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(),
                summary: "placement changed on 2025-01-06".to_owned(),
            },
            &context,
        )
        .await
        .unwrap();
    dispatch(app).await;
    notice_id
}

/// Runs the dispatcher up to the head of the log (no NATS in these tests).
pub async fn dispatch(app: &TestApp) {
    NoticeDispatcher::new(
        app.store.clone(),
        app.records.clone(),
        NoticeRule::default(),
        false,
        Arc::new(tokio::sync::Notify::new()),
        app.state.clock().clone(),
    )
    .catch_up()
    .await
    .unwrap();
}

fn items(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["notice_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn inbox_read_receipts_and_unaddressed_notices(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let first = notice_about(&app, child).await;
    let second = notice_about(&app, child).await;
    let iro = Who::new("iro", "831")
        .sub("iro-user-1")
        .iro("iro-own")
        .token();
    let other_iro = Who::new("iro", "831").sub("iro-other").token();
    let social_worker = Who::new("social_worker", "831").sub("sw-own").token();
    let virtual_school = Who::new("virtual_school", "831").token();

    let page = app.get("/api/v1/inbox", &iro).await.ok();
    assert_eq!(items(&page), vec![second.to_string(), first.to_string()]);
    assert!(page["items"][0]["read_at"].is_null());
    assert_eq!(page["items"][0]["state"], "addressed");
    let paged = app.get("/api/v1/inbox?limit=1", &iro).await.ok();
    assert_eq!(items(&paged), vec![second.to_string()]);
    let cursor = paged["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&format!("/api/v1/inbox?limit=1&cursor={cursor}"), &iro)
        .await
        .ok();
    assert_eq!(items(&rest), vec![first.to_string()]);

    let read_path = format!("/api/v1/inbox/{first}/read");
    let receipt = app.post(&read_path, &iro, &json!({})).await.ok();
    assert_eq!(receipt["reader_id"], "iro-user-1");
    assert_eq!(receipt["reader_role"], "iro");
    let again = app.post(&read_path, &iro, &json!({})).await.ok();
    assert_eq!(
        again["read_at"], receipt["read_at"],
        "the first read is kept"
    );
    let unread = app.get("/api/v1/inbox?unread=true", &iro).await.ok();
    assert_eq!(items(&unread), vec![second.to_string()]);

    // Nobody else's inbox holds the IRO's notices; the social worker has their copy.
    assert!(items(&app.get("/api/v1/inbox", &other_iro).await.ok()).is_empty());
    app.post(&read_path, &other_iro, &json!({}))
        .await
        .assert_problem(404, "not-found");
    assert_eq!(
        items(&app.get("/api/v1/inbox", &social_worker).await.ok()).len(),
        2
    );
    assert!(items(&app.get("/api/v1/inbox", &virtual_school).await.ok()).is_empty());

    let listing = app
        .get(
            &format!("/api/v1/notices/{first}/deliveries"),
            &virtual_school,
        )
        .await
        .ok();
    let receipts = listing["read_receipts"].as_array().unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0]["reader_id"], "iro-user-1");
    let channels: Vec<&str> = listing["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|delivery| delivery["target"].as_str().unwrap())
        .collect();
    assert_eq!(channels, vec!["iro:iro-own", "social_worker:sw-own"]);

    // A child with no IRO: the notice waits, visible to the Virtual School, until one is
    // assigned; then it reaches the IRO.
    let registered = app
        .post(
            "/api/v1/children",
            &virtual_school,
            &register_body("831", "NO-IRO-1"),
        )
        .await
        .ok();
    let lonely: Uuid = registered["child_id"].as_str().unwrap().parse().unwrap();
    let waiting = notice_about(&app, lonely).await;
    let page = app.get("/api/v1/inbox", &virtual_school).await.ok();
    assert_eq!(items(&page), vec![waiting.to_string()]);
    assert_eq!(page["items"][0]["state"], "unaddressed");
    let listing = app
        .get(
            &format!("/api/v1/notices/{waiting}/deliveries"),
            &virtual_school,
        )
        .await
        .ok();
    assert_eq!(listing["state"], "unaddressed");
    app.post(
        &format!("/api/v1/children/{lonely}/assignments"),
        &virtual_school,
        &json!({"role": "iro", "person": {"id": "iro-late", "name": "A Person"},
            "from": "2025-01-07"}),
    )
    .await
    .ok();
    dispatch(&app).await;
    let late_iro = Who::new("iro", "831").sub("iro-late").token();
    assert_eq!(
        items(&app.get("/api/v1/inbox", &late_iro).await.ok()),
        vec![waiting.to_string()]
    );
    let listing = app
        .get(
            &format!("/api/v1/notices/{waiting}/deliveries"),
            &virtual_school,
        )
        .await
        .ok();
    assert_eq!(listing["state"], "addressed");
    assert_eq!(listing["iro_id"], "iro-late");
}

async fn bad_webhooks_are_refused_and_deactivation_is_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let virtual_school = Who::new("virtual_school", "831").token();
    for (url, message) in [
        ("ftp://receiver.example/hook", "https://"),
        ("not a url", "is not a URL"),
        ("https://user:pw@receiver.example/hook", "credentials"),
    ] {
        let refused = app
            .post("/api/v1/webhooks", &virtual_school, &json!({"url": url}))
            .await
            .assert_problem(422, "validation");
        assert_eq!(refused["errors"][0]["path"], "body.url");
        assert!(
            refused["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{refused}"
        );
    }
    app.post(
        "/api/v1/webhooks",
        &virtual_school,
        &json!({"url": "https://receiver.example/hook", "secret": "mine"}),
    )
    .await
    .assert_problem(422, "unknown-field");
    assert!(
        app.get("/api/v1/webhooks", &virtual_school).await.ok()["webhooks"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing refused was stored"
    );

    let created = app
        .post(
            "/api/v1/webhooks",
            &virtual_school,
            &json!({"url": "https://receiver.example/hook", "description": "case system"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201);
    let created = created.json();
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    let id = created["webhook_id"].as_str().unwrap();
    let listed = app.get("/api/v1/webhooks", &virtual_school).await.ok();
    assert_eq!(listed["webhooks"][0]["active"], true);
    assert!(
        listed["webhooks"][0].get("secret").is_none(),
        "the secret is shown once"
    );
    let delete = |token: String| {
        let app = &app;
        let path = format!("/api/v1/webhooks/{id}");
        async move {
            app.send(
                axum::http::Request::delete(path)
                    .header("authorization", format!("Bearer {token}"))
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    assert_eq!(delete(virtual_school.clone()).await.status.as_u16(), 204);
    assert_eq!(delete(virtual_school.clone()).await.status.as_u16(), 204);
    let other_la = Who::new("virtual_school", "832").token();
    delete(other_la).await.assert_problem(404, "not-found");
    let listed = app.get("/api/v1/webhooks", &virtual_school).await.ok();
    assert_eq!(listed["webhooks"][0]["active"], false);
    assert!(listed["webhooks"][0]["deactivated_at"].is_string());
}
