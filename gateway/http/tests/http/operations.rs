//! The operational surface: health and readiness (with injected probes), Prometheus metrics,
//! the OpenAPI document covering every route the router serves, authentication failures, rate
//! limiting, and production tokens (RS256, ES256) verified against a JWKS file.

use crate::fixtures::register_body;
use crate::support::{Backend, SECRET, TestApp, Who, on_both_back_ends};
use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Method, Request};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pep_auth::TokenVerifier;
use pep_auth::policy::RULES;
use pep_http::rate_limit::RateLimit;
use pep_http::{Limits, ReadinessProbe};
use pep_messaging::relay::RelayMetrics;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;

on_both_back_ends!(
    health_and_readiness_answer_and_a_failing_probe_makes_the_service_not_ready,
    metrics_count_requests_by_route_template_and_show_relay_lag,
    every_implemented_route_is_in_the_openapi_document_and_served,
    missing_expired_and_forged_tokens_get_401_and_busy_callers_429,
);

#[derive(Debug)]
struct NatsDown;

#[async_trait]
impl ReadinessProbe for NatsDown {
    fn name(&self) -> &str {
        "nats"
    }

    async fn check(&self) -> Result<(), String> {
        Err("connection refused to 127.0.0.1:4222".to_owned())
    }
}

async fn health_and_readiness_answer_and_a_failing_probe_makes_the_service_not_ready(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let health = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(health.ok()["status"], "ok");
    let ready = app
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    let ready = ready.ok();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["checks"], json!(["event-store", "gateway-tables"]));

    let app = TestApp::spawn_with(backend, |builder| {
        builder.readiness_probe(Arc::new(NatsDown))
    })
    .await;
    let not_ready = app
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(not_ready.header("retry-after"), Some("5"));
    let problem = not_ready.assert_problem(503, "unavailable");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("nats"), "{detail}");
    assert!(
        !detail.contains("4222"),
        "internal details never leak: {detail}"
    );
}

async fn metrics_count_requests_by_route_template_and_show_relay_lag(backend: Backend) {
    let relay = Arc::new(RelayMetrics::default());
    let app = TestApp::spawn_with(backend, |builder| builder.relay_metrics(relay.clone())).await;
    let token = Who::new("virtual_school", "831").token();
    let registered = app
        .post("/api/v1/children", &token, &register_body("831", "1"))
        .await
        .ok();
    let child_id = registered["child_id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/children/{child_id}/attendance"),
        &token,
        &json!({}),
    )
    .await
    .assert_problem(422, "validation");
    let metrics = app
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = String::from_utf8(metrics.body).unwrap();
    for expected in [
        "pep_http_requests_total{method=\"POST\",route=\"/api/v1/children\",status=\"201\"} 1",
        "route=\"/api/v1/children/{child_id}/attendance\",status=\"422\"} 1",
        "pep_events_appended_total 1",
        "pep_store_head_position 1",
        "pep_relay_lag_events 0",
        "pep_http_request_duration_seconds_bucket",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(
        !text.contains(child_id),
        "raw paths never become label values"
    );
}

async fn every_implemented_route_is_in_the_openapi_document_and_served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let served = app
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .ok();
    assert_eq!(served["openapi"], "3.1.0");
    let document = pep_http::openapi::openapi();
    assert_eq!(serde_json::to_value(&document).unwrap(), served);
    let documented: BTreeSet<(String, String)> =
        pep_http::openapi::documented_operations(&document)
            .into_iter()
            .collect();

    // Every route of the authorisation table, and every public route, is documented...
    let mut implemented: BTreeSet<(String, String)> = RULES
        .iter()
        .flat_map(|rule| rule.routes.iter())
        .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    for path in pep_http::openapi::PUBLIC_PATHS {
        implemented.insert(("GET".to_owned(), path.to_owned()));
    }
    let undocumented: Vec<_> = implemented.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    // ...and every documented operation is one the router serves and the table governs.
    let ungoverned: Vec<_> = documented.difference(&implemented).collect();
    assert!(
        ungoverned.is_empty(),
        "documented routes outside the table: {ungoverned:?}"
    );
    for (method, template) in &documented {
        let path = template
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    match segment {
                        "{la}" => "831".to_owned(),
                        "{financial_year}" => "2024-25".to_owned(),
                        "{section}" => "education_history".to_owned(),
                        _ => uuid::Uuid::now_v7().to_string(),
                    }
                } else {
                    segment.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let response = app
            .send(
                Request::builder()
                    .method(Method::from_bytes(method.as_bytes()).unwrap())
                    .uri(&path)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let problem = response.problem();
        assert!(
            problem != "no-such-route" && problem != "method-not-allowed",
            "{method} {template} is documented but not served"
        );
    }
    // Commands document their headers and problems.
    let register = &served["paths"]["/api/v1/children"]["post"];
    let headers: Vec<&str> = register["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| parameter["name"].as_str().unwrap())
        .collect();
    assert!(
        headers.contains(&"Idempotency-Key") && headers.contains(&"If-Match"),
        "{headers:?}"
    );
    assert_eq!(
        register["responses"]["409"]["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert!(register["responses"]["201"]["headers"]["ETag"].is_object());
    assert_eq!(register["security"][0]["bearer"], json!([]));
}

async fn missing_expired_and_forged_tokens_get_401_and_busy_callers_429(backend: Backend) {
    let app = TestApp::spawn_with(backend, |builder| {
        builder.limits(Limits {
            rate_limit: Some(RateLimit {
                burst: 2,
                per_second: 1,
            }),
            ..Limits::default()
        })
    })
    .await;
    let body = register_body("831", "1");
    let anonymous = app
        .send(
            Request::post("/api/v1/children")
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(
        anonymous.header("www-authenticate"),
        Some("Bearer realm=\"pep-ledger\"")
    );
    anonymous.assert_problem(401, "unauthenticated");

    let who = Who::new("virtual_school", "831");
    let expired = pep_auth::issue_development_token(SECRET.as_bytes(), &who.claims(1_000)).unwrap();
    let problem = app
        .post("/api/v1/children", &expired, &body)
        .await
        .assert_problem(401, "unauthenticated");
    assert!(problem["detail"].as_str().unwrap().contains("expired"));

    let forged = pep_auth::issue_development_token(
        b"someone else's secret, also 32+ bytes long",
        &who.claims(jsonwebtoken::get_current_timestamp() + 600),
    )
    .unwrap();
    app.post("/api/v1/children", &forged, &body)
        .await
        .assert_problem(401, "unauthenticated");
    let system = Who::new("system", "831");
    let system_token = pep_auth::issue_development_token(
        SECRET.as_bytes(),
        &system.claims(jsonwebtoken::get_current_timestamp() + 600),
    )
    .unwrap();
    app.post("/api/v1/children", &system_token, &body)
        .await
        .assert_problem(401, "unauthenticated");

    let token = who.token();
    for la_child_id in ["a", "b"] {
        app.post(
            "/api/v1/children",
            &token,
            &register_body("831", la_child_id),
        )
        .await
        .ok();
    }
    let head = app.head().await;
    let limited = app
        .post("/api/v1/children", &token, &register_body("831", "c"))
        .await;
    assert_eq!(limited.header("retry-after"), Some("1"));
    limited.assert_problem(429, "rate-limited");
    assert_eq!(app.head().await, head);
}

fn jwks_token(key: EncodingKey, algorithm: Algorithm, key_id: &str) -> String {
    let mut header = Header::new(algorithm);
    header.kid = Some(key_id.to_owned());
    let claims = Who::new("auditor", "831").claims(jsonwebtoken::get_current_timestamp() + 600);
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

#[test]
fn rs256_and_es256_tokens_verify_against_a_jwks_file() {
    // Test-only keys, generated for this suite; they protect nothing.
    let rsa = EncodingKey::from_rsa_pem(tests::keys::RSA_PEM).unwrap();
    let ec = EncodingKey::from_ec_pem(tests::keys::EC_PEM).unwrap();
    let mut rsa_jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&rsa, Algorithm::RS256).unwrap();
    rsa_jwk.common.key_id = Some("rsa-1".to_owned());
    let mut ec_jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&ec, Algorithm::ES256).unwrap();
    ec_jwk.common.key_id = Some("ec-1".to_owned());
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("jwks.json");
    std::fs::write(&file, json!({"keys": [rsa_jwk, ec_jwk]}).to_string()).unwrap();
    let verifier = TokenVerifier::from_jwks_file(&file).unwrap();

    let principal = verifier
        .verify(&jwks_token(rsa.clone(), Algorithm::RS256, "rsa-1"))
        .unwrap();
    assert_eq!(principal.role, domain::Role::Auditor);
    verifier
        .verify(&jwks_token(ec.clone(), Algorithm::ES256, "ec-1"))
        .unwrap();
    // A key id the set does not have, or a key used under another's id, is refused.
    assert!(
        verifier
            .verify(&jwks_token(rsa.clone(), Algorithm::RS256, "rsa-2"))
            .is_err()
    );
    assert!(
        verifier
            .verify(&jwks_token(ec, Algorithm::ES256, "rsa-1"))
            .is_err()
    );
    // HS256 tokens are never accepted by a JWKS verifier.
    let hs256 = Who::new("auditor", "831").token();
    assert!(verifier.verify(&hs256).is_err());
    assert!(TokenVerifier::from_jwks_file(&directory.path().join("missing.json")).is_err());
}
