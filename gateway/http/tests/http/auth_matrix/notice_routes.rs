//! The notice routes against every role, in the caller's own LA and another LA, with the
//! expectations written out by hand from the issue:
//!
//! - webhooks, the deliveries listing and the manual retry belong to the Virtual School and
//!   administrators of the LA; every other role gets 403; another LA's webhook or notice is 404;
//! - the inbox is for IROs, social workers and the Virtual School, each reading only what is
//!   addressed to them: marking a notice read that is not in one's inbox (another LA's, or not
//!   addressed to the caller) is 404; every other role gets 403;
//! - without a token every route is 401, and no refusal writes an event.

use crate::fixtures::child_in_care;
use crate::notices::notice_about;
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;
use uuid::Uuid;

on_both_back_ends!(every_notice_route_every_role_own_la_other_la);

const ROLES: [&str; 9] = [
    "virtual_school",
    "designated_teacher",
    "social_worker",
    "carer",
    "young_person",
    "iro",
    "auditor",
    "integration",
    "admin",
];

/// What one LA has: a webhook and a notice about a child whose IRO is `iro-own` and social
/// worker `sw-own`, and the notice's inbox delivery (retried only when failed, so a retry of it
/// is a 409 for those who may retry).
struct LaCase {
    webhook_id: String,
    notice_id: Uuid,
    delivery_id: String,
}

async fn build(app: &TestApp, la: &'static str) -> LaCase {
    let virtual_school = Who::new("virtual_school", la).token();
    let webhook = app
        .post(
            "/api/v1/webhooks",
            &virtual_school,
            &json!({"url": "https://receiver.example/hook", "description": "case system"}),
        )
        .await
        .ok();
    let child = child_in_care(app, la, "100001", "sw-own", "iro-own").await;
    let notice_id = notice_about(app, child).await;
    let listing = app
        .get(
            &format!("/api/v1/notices/{notice_id}/deliveries"),
            &virtual_school,
        )
        .await
        .ok();
    LaCase {
        webhook_id: webhook["webhook_id"].as_str().unwrap().to_owned(),
        notice_id,
        delivery_id: listing["deliveries"][0]["delivery_id"]
            .as_str()
            .unwrap()
            .to_owned(),
    }
}

fn token(role: &str) -> String {
    let who = Who::new(role, "831");
    match role {
        "iro" => who.sub("iro-own").iro("iro-own"),
        "social_worker" => who.sub("sw-own"),
        "designated_teacher" => who.school("100001"),
        _ => who,
    }
    .token()
}

struct Route {
    method: Method,
    path: fn(&LaCase) -> String,
    /// The answer for each role on its own LA's thing, by hand.
    own: fn(&str) -> u16,
    /// The roles that may take the route at all (the rest get 403 everywhere).
    allowed: &'static [&'static str],
    /// Whether the route names a thing of an LA (then another LA's answers 404).
    names_a_thing: bool,
}

const MANAGERS: &[&str] = &["virtual_school", "admin"];
const INBOX_READERS: &[&str] = &["iro", "social_worker", "virtual_school"];

fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::POST,
            path: |_| "/api/v1/webhooks".to_owned(),
            own: |_| 201,
            allowed: MANAGERS,
            names_a_thing: false,
        },
        Route {
            method: Method::GET,
            path: |_| "/api/v1/webhooks".to_owned(),
            own: |_| 200,
            allowed: MANAGERS,
            names_a_thing: false,
        },
        Route {
            method: Method::DELETE,
            path: |case| format!("/api/v1/webhooks/{}", case.webhook_id),
            own: |_| 204,
            allowed: MANAGERS,
            names_a_thing: true,
        },
        Route {
            method: Method::GET,
            path: |case| format!("/api/v1/notices/{}/deliveries", case.notice_id),
            own: |_| 200,
            allowed: MANAGERS,
            names_a_thing: true,
        },
        Route {
            method: Method::POST,
            path: |case| {
                format!(
                    "/api/v1/notices/{}/deliveries/{}/retry",
                    case.notice_id, case.delivery_id
                )
            },
            // The inbox delivery is delivered, not failed: past authorisation, a conflict.
            own: |_| 409,
            allowed: MANAGERS,
            names_a_thing: true,
        },
        Route {
            method: Method::GET,
            path: |_| "/api/v1/inbox".to_owned(),
            own: |_| 200,
            allowed: INBOX_READERS,
            names_a_thing: false,
        },
        Route {
            method: Method::POST,
            path: |case| format!("/api/v1/inbox/{}/read", case.notice_id),
            // Addressed to the IRO with a copy to the social worker; the default policy does
            // not copy the Virtual School, so it is not in the Virtual School's inbox.
            own: |role| if role == "virtual_school" { 404 } else { 200 },
            allowed: INBOX_READERS,
            names_a_thing: true,
        },
    ]
}

async fn send(app: &TestApp, method: &Method, path: &str, token: Option<&str>) -> (u16, String) {
    let mut request = Request::builder().method(method.clone()).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = if *method == Method::POST && path == "/api/v1/webhooks" {
        request = request.header("content-type", "application/json");
        Body::from(json!({"url": "https://other.example/hook"}).to_string())
    } else {
        Body::empty()
    };
    let response = app.send(request.body(body).unwrap()).await;
    (response.status.as_u16(), response.problem())
}

async fn every_notice_route_every_role_own_la_other_la(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let own = build(&app, "831").await;
    let other_la = build(&app, "832").await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for route in routes() {
        let path = (route.path)(&own);
        let head = app.head().await;
        if send(&app, &route.method, &path, None).await.0 != 401 {
            failures.push(format!(
                "{} {path} without a token is not 401",
                route.method
            ));
        }
        for role in ROLES {
            let token = token(role);
            let cases: &[(&LaCase, bool)] = if route.names_a_thing {
                &[(&own, true), (&other_la, false)]
            } else {
                &[(&own, true)]
            };
            for (case, is_own) in cases {
                let path = (route.path)(case);
                let expected = match (route.allowed.contains(&role), is_own) {
                    (false, _) => 403,
                    (true, true) => (route.own)(role),
                    (true, false) => 404,
                };
                let (status, problem) = send(&app, &route.method, &path, Some(&token)).await;
                checked += 1;
                if status != expected {
                    failures.push(format!(
                        "{role} {} {path} ({}): expected {expected}, got {status} {problem}",
                        route.method,
                        if *is_own { "own LA" } else { "other LA" }
                    ));
                }
            }
        }
        if app.head().await != head {
            failures.push(format!("{} {path} wrote events", route.method));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 80, "only {checked} checks ran");
}
