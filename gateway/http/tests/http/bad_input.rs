//! Bad requests get a precise problem of the right type, and write nothing: malformed JSON,
//! unknown fields, wrong types, impossible dates, a wrong UPN check letter, codes not in the
//! year's list, an oversized body, the wrong media type, malformed path ids.

use crate::fixtures::{WRONG_CHECK_LETTER_UPN, child_in_care, register_body};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use axum::body::Body;
use axum::http::Request;
use pep_http::Limits;
use serde_json::json;

on_both_back_ends!(
    malformed_unknown_and_mistyped_bodies_are_told_apart_and_write_nothing,
    a_wrong_upn_check_letter_and_impossible_dates_are_refused_at_their_paths,
    episodes_are_checked_against_the_code_list_of_their_year,
    oversized_bodies_are_refused_with_413_before_anything_is_written,
    wrong_media_types_path_ids_routes_and_methods_are_problems_too,
);

async fn malformed_unknown_and_mistyped_bodies_are_told_apart_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = Who::new("virtual_school", "831").token();
    let head = app.head().await;
    let raw = |body: &'static str| {
        Request::post("/api/v1/children")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let malformed = app
        .send(raw(r#"{"la": "831", "la_child_id": "1",,}"#))
        .await
        .assert_problem(400, "malformed-json");
    assert!(
        malformed["detail"]
            .as_str()
            .unwrap()
            .contains("line 1, column"),
        "{malformed}"
    );

    let mut unknown = register_body("831", "1");
    unknown["details"]["favourite_colour"] = json!("blue");
    let problem = app
        .post("/api/v1/children", &token, &unknown)
        .await
        .assert_problem(422, "unknown-field");
    assert_eq!(problem["errors"][0]["path"], "details.favourite_colour");

    let mut mistyped = register_body("831", "1");
    mistyped["details"]["date_of_birth"] = json!(20120514);
    let problem = app
        .post("/api/v1/children", &token, &mistyped)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "details.date_of_birth");

    let mut missing = register_body("831", "1");
    missing.as_object_mut().unwrap().remove("la_child_id");
    let problem = app
        .post("/api/v1/children", &token, &missing)
        .await
        .assert_problem(422, "validation");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("la_child_id")
    );

    let blank = app
        .post("/api/v1/children", &token, &register_body("831", "  "))
        .await
        .assert_problem(422, "validation");
    assert_eq!(blank["errors"][0]["path"], "la_child_id");
    assert_eq!(app.head().await, head, "nothing was written");
}

async fn a_wrong_upn_check_letter_and_impossible_dates_are_refused_at_their_paths(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let token = Who::new("virtual_school", "831").token();
    let head = app.head().await;
    let mut wrong_upn = register_body("831", "1");
    wrong_upn["details"]["upn"] = json!(WRONG_CHECK_LETTER_UPN);
    let problem = app
        .post("/api/v1/children", &token, &wrong_upn)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "details.upn");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check letter"),
        "{problem}"
    );

    let mut impossible = register_body("831", "1");
    impossible["details"]["date_of_birth"] = json!("2012-02-30");
    let problem = app
        .post("/api/v1/children", &token, &impossible)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "details.date_of_birth");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a real date")
    );

    let mut badly_written = register_body("831", "1");
    badly_written["details"]["date_of_birth"] = json!("14/05/2012");
    let problem = app
        .post("/api/v1/children", &token, &badly_written)
        .await
        .assert_problem(422, "validation");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD")
    );

    let mut wrong_la = register_body("831", "1");
    wrong_la["la"] = json!("83");
    let problem = app
        .post("/api/v1/children", &token, &wrong_la)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "la");
    assert_eq!(app.head().await, head, "nothing was written");
}

async fn episodes_are_checked_against_the_code_list_of_their_year(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let token = Who::new("virtual_school", "831").token();
    let path = format!("/api/v1/children/{child_id}/episodes");
    let head = app.head().await;
    let ends_before_start = json!({"episode": {"start_date": "2024-11-01", "reason_new_episode": "P",
        "legal_status": "C2", "placement_type": "U4", "placement_provider": "PR1",
        "end_date": "2024-10-01", "reason_ceased": "E11"}});
    let problem = app
        .post(&path, &token, &ends_before_start)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "episode.end_date");

    let unknown_code = json!({"episode": {"start_date": "2024-11-01", "reason_new_episode": "P",
        "legal_status": "Z9", "placement_type": "U4", "placement_provider": "PR1"}});
    let problem = app
        .post(&path, &token, &unknown_code)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "episode.legal_status");

    let bad_urn = json!({"episode": {"start_date": "2024-11-01", "reason_new_episode": "P",
        "legal_status": "C2", "placement_type": "U4", "placement_provider": "PR1",
        "setting_urn": "12"}});
    let problem = app
        .post(&path, &token, &bad_urn)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "episode.setting_urn");
    assert_eq!(app.head().await, head, "nothing was written");
}

async fn oversized_bodies_are_refused_with_413_before_anything_is_written(backend: Backend) {
    let app = TestApp::spawn_with(backend, |builder| {
        builder.limits(Limits {
            json_body_bytes: 2048,
            attachment_bytes: 4096,
            ..Limits::default()
        })
    })
    .await;
    let token = Who::new("virtual_school", "831").token();
    let head = app.head().await;
    let mut large = register_body("831", "1");
    large["details"]["given_name"] = json!("x".repeat(4000));
    app.post("/api/v1/children", &token, &large)
        .await
        .assert_problem(413, "payload-too-large");

    // Without a Content-Length the body is refused as it streams past the limit.
    let chunks: Vec<Result<String, std::io::Error>> =
        (0..10).map(|_| Ok("y".repeat(1000))).collect();
    let streamed = app
        .send(
            Request::post("/api/v1/children")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from_stream(futures::stream::iter(chunks)))
                .unwrap(),
        )
        .await;
    streamed.assert_problem(413, "payload-too-large");

    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = app
        .post(
            &format!("/api/v1/children/{child_id}/peps"),
            &token,
            &json!({"kind": "initial", "trigger": "entered_care"}),
        )
        .await
        .ok();
    let head_before_upload = app.head().await;
    app.send(
        Request::post(format!(
            "/api/v1/peps/{}/attachments?file_name=video.mp4",
            pep["pep_id"].as_str().unwrap()
        ))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "video/mp4")
        .body(Body::from(vec![0_u8; 5000]))
        .unwrap(),
    )
    .await
    .assert_problem(413, "payload-too-large");
    assert_eq!(app.head().await, head_before_upload);
    assert!(head_before_upload > head);
}

async fn wrong_media_types_path_ids_routes_and_methods_are_problems_too(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = Who::new("virtual_school", "831").token();
    let head = app.head().await;
    app.send(
        Request::post("/api/v1/children")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "text/plain")
            .body(Body::from(register_body("831", "1").to_string()))
            .unwrap(),
    )
    .await
    .assert_problem(415, "unsupported-media-type");

    let problem = app
        .post("/api/v1/children/not-a-uuid/attendance", &token, &json!({}))
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "path.child_id");

    let problem = app
        .put(
            &format!("/api/v1/peps/{}/sections/hobbies", uuid::Uuid::now_v7()),
            &token,
            &json!({"content": "x"}),
        )
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "path.section");

    let problem = app
        .put("/api/v1/funding/831/2024-26/budget", &token, &json!({}))
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "path.financial_year");

    let mut fractional = crate::fixtures::budget_body();
    fractional["budget"] = json!(100000.5);
    let problem = app
        .put("/api/v1/funding/831/2024-25/budget", &token, &fractional)
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["errors"][0]["path"], "budget");

    app.post("/api/v1/nowhere", &token, &json!({}))
        .await
        .assert_problem(404, "no-such-route");
    app.send(
        Request::delete("/api/v1/children")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .assert_problem(405, "method-not-allowed");
    assert_eq!(app.head().await, head, "nothing was written");
}
