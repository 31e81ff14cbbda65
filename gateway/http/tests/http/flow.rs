//! A child's record and PEPs driven through the API from registration to sign-off and PP+,
//! checking what the answers say and what the store then holds.

use crate::fixtures::{
    FINANCIAL_YEAR, budget, child_in_care, funding_request, id, register_body, submitted_pep,
};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use uuid::Uuid;

on_both_back_ends!(
    registering_answers_201_with_location_etag_and_the_actor_and_ids_in_the_event,
    a_pep_goes_from_initiation_to_sign_off_and_closes_on_the_child_record,
    pp_plus_is_budgeted_requested_allocated_and_its_impact_recorded,
    a_young_person_attaches_a_drawing_to_their_views,
);

async fn registering_answers_201_with_location_etag_and_the_actor_and_ids_in_the_event(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let token = Who::new("virtual_school", "831").sub("vs-anne").token();
    let request_id = Uuid::now_v7();
    let correlation_id = Uuid::now_v7();
    let response = app
        .send(
            Request::post("/api/v1/children")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header("x-request-id", request_id.to_string())
                .header("x-correlation-id", correlation_id.to_string())
                .body(Body::from(register_body("831", "566910").to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, 201, "{:?}", response.json());
    let body = response.json();
    let child_id = id(&body, "child_id");
    assert_eq!(
        response.header("location"),
        Some(format!("/api/v1/children/{child_id}").as_str())
    );
    assert_eq!(response.header("etag"), Some("\"1\""));
    assert_eq!(
        response.header("x-request-id"),
        Some(request_id.to_string().as_str())
    );
    assert_eq!(body["stream_id"], format!("child-{child_id}"));
    assert_eq!(body["version"], 1);
    assert_eq!(body["position"], app.head().await);
    let events = app.events(&format!("child-{child_id}")).await;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.event_type, "ChildRegistered");
    assert_eq!(event.actor.id, "vs-anne");
    assert_eq!(event.actor.role, domain::Role::VirtualSchool);
    assert_eq!(event.correlation_id, correlation_id);
    assert_eq!(event.causation_id, request_id);
    assert_eq!(event.source, "http");
    assert_eq!(event.la, "831");
    assert_eq!(event.payload["details"]["upn"], "H801200001001");
}

async fn a_pep_goes_from_initiation_to_sign_off_and_closes_on_the_child_record(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = submitted_pep(&app, "831", child_id, "100001", "sw-own").await;
    let virtual_school = Who::new("virtual_school", "831").token();
    let path = format!("/api/v1/peps/{}", pep.pep_id);
    let assured = app
        .post(
            &format!("{path}/quality-assurance"),
            &virtual_school,
            &json!({"rating": "green", "comments": "Clear, SMART targets."}),
        )
        .await
        .ok();
    let signed_off = app
        .post(
            &format!("{path}/sign-off"),
            &virtual_school,
            &json!({"by_name": "V School Head"}),
        )
        .await
        .ok();
    assert_eq!(
        signed_off["version"].as_u64(),
        assured["version"].as_u64().map(|version| version + 1)
    );
    let streams: Vec<&str> = signed_off["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stream| stream["stream_id"].as_str().unwrap())
        .collect();
    assert!(
        streams.contains(&format!("child-{child_id}").as_str()),
        "{streams:?}"
    );
    let child_events = app.events(&format!("child-{child_id}")).await;
    assert_eq!(child_events.last().unwrap().event_type, "PepClosed");
    let pep_types: Vec<String> = app
        .events(&format!("pep-{}", pep.pep_id))
        .await
        .into_iter()
        .map(|event| event.event_type)
        .collect();
    for expected in [
        "PepInitiated",
        "PepSectionDrafted",
        "PepSectionCompleted",
        "PepMeetingScheduled",
        "PepMeetingHeld",
        "ChildViewsRecorded",
        "SmartTargetSet",
        "PepActionAgreed",
        "PepSubmitted",
        "PepQualityAssured",
        "PepSignedOff",
    ] {
        assert!(
            pep_types.iter().any(|event_type| event_type == expected),
            "{expected} missing: {pep_types:?}"
        );
    }
    // A signed-off PEP never changes again.
    app.put(
        &format!("{path}/sections/education_history"),
        &virtual_school,
        &json!({"content": "A late edit"}),
    )
    .await
    .assert_problem(409, "state-conflict");
    // The next PEP carries the unreviewed target in to be reviewed.
    let review = app
        .post(
            &format!("/api/v1/children/{child_id}/peps"),
            &Who::new("social_worker", "831").sub("sw-own").token(),
            &json!({"kind": "review", "trigger": "termly_review"}),
        )
        .await
        .ok();
    let review_pep = id(&review, "pep_id");
    app.post(
        &format!("/api/v1/peps/{review_pep}/targets/{}/review", pep.target_id),
        &virtual_school,
        &json!({"outcome": "met", "comment": "Reading age 10.2"}),
    )
    .await
    .ok();
}

async fn pp_plus_is_budgeted_requested_allocated_and_its_impact_recorded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = submitted_pep(&app, "831", child_id, "100001", "sw-own").await;
    budget(&app, "831").await;
    let request_id = funding_request(&app, "831", &pep).await;
    let budget_path = format!("/api/v1/funding/831/{FINANCIAL_YEAR}");
    let virtual_school = Who::new("virtual_school", "831").token();
    let allocated = app
        .post(
            &format!("{budget_path}/requests/{request_id}/allocate"),
            &virtual_school,
            &json!({"amount": 40000, "allocated_on": "2024-10-20"}),
        )
        .await
        .ok();
    assert_eq!(allocated["stream_id"], format!("ppp-831-{FINANCIAL_YEAR}"));
    let teacher = Who::new("designated_teacher", "831")
        .school("100001")
        .token();
    app.post(
        &format!("{budget_path}/requests/{request_id}/impact"),
        &teacher,
        &json!({"impact": "Reading age rose by 14 months", "recorded_on": "2025-03-01"}),
    )
    .await
    .ok();
    let events = app.events(&format!("ppp-831-{FINANCIAL_YEAR}")).await;
    let types: Vec<&str> = events
        .iter()
        .map(|event| event.event_type.as_str())
        .collect();
    assert_eq!(types.len(), 4, "{types:?}");
    let allocation = events
        .iter()
        .find(|event| event.event_type == "PupilPremiumPlusAllocated")
        .expect("the allocation is recorded");
    assert_eq!(
        allocation.payload["amount"], 40000,
        "money is kept in pence"
    );
    assert_eq!(allocation.actor.role, domain::Role::VirtualSchool);
    // More than the cap is refused by the budget's rule.
    let second_pep = pep;
    let over_cap = app
        .post(
            &format!("{budget_path}/requests"),
            &virtual_school,
            &json!({"pep_id": second_pep.pep_id, "target_ids": [second_pep.target_id],
                    "amount": "£1,900.01", "purpose": "Laptop", "intended_outcome": "Homework done"}),
        )
        .await
        .assert_problem(422, "rule-violation");
    assert_eq!(over_cap["rule"], "funding.cap_exceeded");
}

async fn a_young_person_attaches_a_drawing_to_their_views(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = app
        .post(
            &format!("/api/v1/children/{child_id}/peps"),
            &Who::new("virtual_school", "831").token(),
            &json!({"kind": "initial", "trigger": "entered_care"}),
        )
        .await
        .ok();
    let pep_id = id(&pep, "pep_id");
    let young_person = Who::new("young_person", "831")
        .children(&[child_id])
        .token();
    let drawing = b"\x89PNG\r\n\x1a\n a drawing of my house".to_vec();
    let uploaded = app
        .send(
            Request::post(format!(
                "/api/v1/peps/{pep_id}/attachments?file_name=my%20house.png"
            ))
            .header("authorization", format!("Bearer {young_person}"))
            .header("content-type", "image/png")
            .body(Body::from(drawing.clone()))
            .unwrap(),
        )
        .await;
    assert_eq!(uploaded.status, 201, "{:?}", uploaded.json());
    let reference = uploaded.json();
    assert_eq!(reference["file_name"], "my house.png");
    assert_eq!(reference["size_bytes"], drawing.len());
    let expected_hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&drawing))
    };
    assert_eq!(reference["sha256"], expected_hash);
    let stored = app
        .records
        .attachment_content(Uuid::parse_str(reference["attachment_id"].as_str().unwrap()).unwrap())
        .await
        .unwrap();
    assert_eq!(stored, Some(drawing));

    let mut forged = reference.clone();
    forged["sha256"] = json!("0".repeat(64));
    let head = app.head().await;
    let refused = app
        .post(
            &format!("/api/v1/peps/{pep_id}/child-views"),
            &young_person,
            &json!({"views": "", "attachments": [forged]}),
        )
        .await
        .assert_problem(422, "validation");
    assert_eq!(refused["errors"][0]["path"], "attachments[0]");
    assert_eq!(app.head().await, head);

    app.post(
        &format!("/api/v1/peps/{pep_id}/child-views"),
        &young_person,
        &json!({"views": "", "attachments": [reference], "in_own_words": true}),
    )
    .await
    .ok();
    let views = app
        .events(&format!("pep-{pep_id}"))
        .await
        .into_iter()
        .find(|event| event.event_type == "ChildViewsRecorded")
        .unwrap();
    assert_eq!(views.payload["attachments"][0]["sha256"], expected_hash);
    assert_eq!(views.actor.role, domain::Role::YoungPerson);

    // Only the allow-listed media types are accepted.
    app.send(
        Request::post(format!(
            "/api/v1/peps/{pep_id}/attachments?file_name=run.sh"
        ))
        .header("authorization", format!("Bearer {young_person}"))
        .header("content-type", "application/x-sh")
        .body(Body::from("echo hi"))
        .unwrap(),
    )
    .await
    .assert_problem(415, "unsupported-media-type");
}
