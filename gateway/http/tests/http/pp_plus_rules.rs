//! The LA policy's PP+ rules through the API: the cap, the release condition, the rule that a
//! PEP rated red releases nothing and the rule that impact comes before more money all come from
//! the policy the service runs with, never from the caller, and each refusal is a problem+json
//! naming its rule. Allocations are paid in the policy's instalments, each once.

use crate::fixtures::{
    FINANCIAL_YEAR, child_in_care, funding_request, funding_request_body, id, submitted_pep,
};
use crate::support::{Backend, TestApp, Who, on_both_back_ends, test_policy};
use serde_json::json;
use std::sync::Arc;

/// The test policy, with impact required before further funding and two instalments.
fn strict_policy() -> domain::policy::LaPolicy {
    let mut policy = test_policy();
    policy.name = "Strict test policy".to_owned();
    policy
        .pupil_premium_plus
        .impact_required_before_further_funding = true;
    policy.pupil_premium_plus.termly_instalments = 2;
    policy
}

async fn strict_app(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |builder| builder.policy(Arc::new(strict_policy()))).await
}

async fn the_budget_takes_its_rules_from_the_policy_not_the_body(backend: Backend) {
    let app = strict_app(backend).await;
    let path = format!("/api/v1/funding/831/{FINANCIAL_YEAR}/budget");
    let virtual_school = Who::new("virtual_school", "831").token();
    let head = app.head().await;
    let refused = app
        .put(
            &path,
            &virtual_school,
            &json!({"budget": "£100,000.00", "per_child_cap": "£2,500.00"}),
        )
        .await
        .assert_problem(422, "validation");
    assert_eq!(refused["errors"][0]["path"], "per_child_cap");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Strict test policy") && message.contains("£1,900.00"),
        "{message}"
    );
    assert_eq!(app.head().await, head, "nothing is appended");
    app.put(&path, &virtual_school, &json!({"budget": "£100,000.00"}))
        .await
        .ok();
    let events = app.events(&format!("ppp-831-{FINANCIAL_YEAR}")).await;
    assert_eq!(events[0].payload["per_child_cap"], 190_000);
    assert_eq!(events[0].payload["release_condition"], "submitted");
    assert_eq!(
        events[0].payload["impact_required_before_further_funding"],
        true
    );
}

async fn money_follows_the_policy_from_request_to_payment(backend: Backend) {
    let app = strict_app(backend).await;
    let virtual_school = Who::new("virtual_school", "831").token();
    let budget_path = format!("/api/v1/funding/831/{FINANCIAL_YEAR}");
    app.put(
        &format!("{budget_path}/budget"),
        &virtual_school,
        &json!({"budget": "£100,000.00"}),
    )
    .await
    .ok();
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = submitted_pep(&app, "831", child_id, "100001", "sw-own").await;

    // Over the policy's cap.
    let over_cap = app
        .post(
            &format!("{budget_path}/requests"),
            &virtual_school,
            &json!({"pep_id": pep.pep_id, "target_ids": [pep.target_id],
                    "amount": "£1,900.01", "purpose": "Laptop", "intended_outcome": "Homework done"}),
        )
        .await
        .assert_problem(422, "rule-violation");
    assert_eq!(over_cap["rule"], "funding.cap_exceeded");

    // Allocated in October under a two-instalment policy: autumn and spring.
    let mut body = funding_request_body(&pep);
    body["school_urn"] = json!("100001");
    let requested = app
        .post(&format!("{budget_path}/requests"), &virtual_school, &body)
        .await
        .ok();
    let request_id = id(&requested, "funding_request_id");
    app.post(
        &format!("{budget_path}/requests/{request_id}/allocate"),
        &virtual_school,
        &json!({"amount": "£400.00", "allocated_on": "2024-10-20"}),
    )
    .await
    .ok();
    let events = app.events(&format!("ppp-831-{FINANCIAL_YEAR}")).await;
    let allocation = &events.last().unwrap().payload;
    assert_eq!(allocation["policy_name"], "Strict test policy");
    assert_eq!(
        allocation["instalments"],
        json!([
            {"number": 1, "term": "autumn", "year": 2024, "due_on": "2024-10-20", "amount": 20000},
            {"number": 2, "term": "spring", "year": 2025, "due_on": "2025-01-01", "amount": 20000}
        ])
    );

    // Impact before more.
    let again = app
        .post(
            &format!("{budget_path}/requests"),
            &virtual_school,
            &json!({"pep_id": pep.pep_id, "target_ids": [pep.target_id],
                    "amount": "£100.00", "purpose": "Books", "intended_outcome": "Reads daily"}),
        )
        .await
        .assert_problem(422, "rule-violation");
    assert_eq!(again["rule"], "funding.impact_not_recorded");

    // Each instalment is paid once.
    let payments = format!("{budget_path}/requests/{request_id}/payments");
    app.post(
        &payments,
        &virtual_school,
        &json!({"instalment": 1, "reference": "REM-2024-0193", "paid_on": "2024-10-25"}),
    )
    .await
    .ok();
    let twice = app
        .post(
            &payments,
            &virtual_school,
            &json!({"instalment": 1, "reference": "REM-2024-0194"}),
        )
        .await
        .assert_problem(409, "state-conflict");
    assert_eq!(twice["rule"], "funding.already_paid");
    let unknown = app
        .post(
            &payments,
            &virtual_school,
            &json!({"instalment": 3, "reference": "REM-2024-0195"}),
        )
        .await
        .assert_problem(422, "validation");
    assert_eq!(unknown["errors"][0]["path"], "instalment");
    let teacher = Who::new("designated_teacher", "831")
        .school("100001")
        .token();
    app.post(
        &payments,
        &teacher,
        &json!({"instalment": 2, "reference": "REM-2025-0001"}),
    )
    .await
    .assert_problem(403, "forbidden");
    let paid = app.events(&format!("ppp-831-{FINANCIAL_YEAR}")).await;
    let paid = paid.last().unwrap();
    assert_eq!(paid.event_type, "PupilPremiumPlusPaid");
    assert_eq!(paid.payload["amount"], 20000);
    assert_eq!(paid.payload["reference"], "REM-2024-0193");

    // The read side: what was paid when, the budget's paid and committed money, and the
    // school's remittance as CSV.
    app.catch_up().await;
    let funding = app
        .get(
            &format!("/api/v1/children/{child_id}/funding?financial_year={FINANCIAL_YEAR}"),
            &virtual_school,
        )
        .await
        .ok();
    let schedule = &funding["requests"][0]["payments"];
    assert_eq!(schedule[0]["paid_on"], "2024-10-25", "{funding}");
    assert_eq!(schedule[0]["reference"], "REM-2024-0193");
    assert_eq!(schedule[1]["paid_on"], serde_json::Value::Null);
    assert_eq!(schedule[1]["due_on"], "2025-01-01");
    let position = app
        .get(
            &format!("/api/v1/funding?financial_year={FINANCIAL_YEAR}"),
            &virtual_school,
        )
        .await
        .ok();
    assert_eq!(position["budget"]["paid_pence"], 20_000, "{position}");
    assert_eq!(position["budget"]["committed_pence"], 20_000);
    assert_eq!(
        position["budget"]["remaining_budget_pence"],
        10_000_000 - 40_000
    );
    let csv = app
        .get(
            &format!(
                "/api/v1/funding/remittance?financial_year={FINANCIAL_YEAR}&school_urn=100001&format=csv"
            ),
            &virtual_school,
        )
        .await;
    assert_eq!(csv.status, 200);
    let text = String::from_utf8(csv.body.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with("2024-10-25,REM-2024-0193,100001,"),
        "{text}"
    );
    assert!(
        lines[1].ends_with(",1,autumn term 2024,£200.00,20000"),
        "{text}"
    );
    let other_school = app
        .get(
            &format!(
                "/api/v1/funding/remittance?financial_year={FINANCIAL_YEAR}&school_urn=100002"
            ),
            &virtual_school,
        )
        .await
        .ok();
    assert_eq!(other_school["payments"], serde_json::json!([]));
    app.get(
        &format!("/api/v1/funding/remittance?financial_year={FINANCIAL_YEAR}"),
        &teacher,
    )
    .await
    .assert_problem(403, "forbidden");
}

async fn no_money_on_a_pep_rated_red(backend: Backend) {
    let app = strict_app(backend).await;
    let virtual_school = Who::new("virtual_school", "831").token();
    let budget_path = format!("/api/v1/funding/831/{FINANCIAL_YEAR}");
    app.put(
        &format!("{budget_path}/budget"),
        &virtual_school,
        &json!({"budget": "£100,000.00"}),
    )
    .await
    .ok();
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = submitted_pep(&app, "831", child_id, "100001", "sw-own").await;
    let request_id = funding_request(&app, "831", &pep).await;
    // Rated red after the request was made: the allocation is refused.
    app.post(
        &format!("/api/v1/peps/{}/quality-assurance", pep.pep_id),
        &virtual_school,
        &json!({"rating": "red", "comments": "No targets address attendance"}),
    )
    .await
    .ok();
    let head = app.head().await;
    let refused = app
        .post(
            &format!("{budget_path}/requests/{request_id}/allocate"),
            &virtual_school,
            &json!({"amount": "£400.00"}),
        )
        .await
        .assert_problem(422, "rule-violation");
    assert_eq!(refused["rule"], "funding.pep_rated_red");
    assert!(
        refused["detail"].as_str().unwrap().contains("rated red"),
        "{refused}"
    );
    assert_eq!(app.head().await, head, "nothing is appended");
}

on_both_back_ends!(
    the_budget_takes_its_rules_from_the_policy_not_the_body,
    money_follows_the_policy_from_request_to_payment,
    no_money_on_a_pep_rated_red,
);
