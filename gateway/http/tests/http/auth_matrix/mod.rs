//! Every route against every role, on the caller's own child, on another child of the same LA,
//! on a child of another LA, and on a child of another LA whose record is shared with the
//! caller's LA. The expectations are written out here by hand, from the rules,
//! independently of the authorisation table they check:
//!
//! - a role that may not take the operation gets 403 `forbidden`, whoever the child;
//! - a role that may gets through on its own child (whatever the domain then says; a read
//!   answers 200);
//! - on another child of the LA, only the route's LA-wide roles get through (Virtual School and
//!   admin for commands; auditors too for reads); everyone else gets 404 `not-found`, exactly
//!   as for a child that does not exist;
//! - on another LA's child everyone gets 404;
//! - on another LA's child shared with the caller's LA, only the roles the route lists in
//!   `shared` get through (readers with their usual reach; writers whose reach names the child:
//!   designated teacher, social worker, carer, young person, never the LA-wide Virtual School
//!   or admin); everyone else allowed gets 404; register and the budget stay another LA's;
//! - the child search answers 200 with exactly the children of the caller's LA it reaches (a
//!   shared child is reached by id, never listed);
//! - no refusal writes anything: no event, no access-log row.
//!
//! The own child (A), the other LA's child (C) and the other LA's shared child (S) are set up
//! identically (same school, same social worker and IRO, all in the carer's and young person's
//! `child_ids` and the social worker's caseload), so the only thing C's 404 can come from is the
//! LA, and the only thing that tells S from C is the sharing. The read routes run first, while
//! every child is still as the fixtures built it.

use crate::fixtures::{
    PepFixture, attachment, budget, child_in_care, funding_request, submitted_pep,
};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use axum::body::Body;
use axum::http::{Method, Request};
use pep_records::RecordDatabase;
use serde_json::Value;
use uuid::Uuid;

mod inbound_routes;
// The notice routes (webhooks, deliveries, inbox) have their own matrix.
mod notice_routes;
mod pep_routes;
mod read_routes;
mod routes;
mod sharing_routes;

use inbound_routes::{REFUSED_PLACEMENT, inbound_routes};
use read_routes::{IRO, read_routes};
use routes::{CARER, DT, SW, YP, routes};
use sharing_routes::sharing_routes;

on_both_back_ends!(every_route_every_role_own_child_other_child_other_la_shared);

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

#[derive(Debug, Clone, Copy)]
struct ChildCase {
    la: &'static str,
    school: &'static str,
    child_id: Uuid,
    pep: PepFixture,
    funding_request_id: Uuid,
    /// A file uploaded for the PEP.
    attachment_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Own,
    OtherChild,
    OtherLa,
    /// Another LA's child whose record that LA shares with the caller's.
    Shared,
}

/// How a route picks its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A child, a PEP or a PP+ request: all three cases apply.
    Child,
    /// The LA in the body or path (register, budget): own or other LA.
    LocalAuthority,
    /// Nothing but the caller's own LA (the access log, the cohort, the audit verification).
    Caller,
    /// A search of the caller's LA: all three cases apply, and the answer is 200 listing the
    /// case's child exactly when the caller reaches it.
    Search,
}

struct Route {
    method: Method,
    template: &'static str,
    allowed: &'static [&'static str],
    /// The allowed roles that reach every child of their LA through this route.
    la_wide: &'static [&'static str],
    /// The allowed roles that reach, through this route, another LA's child whose record is
    /// shared with their LA (and in their reach as the fixtures set it up).
    shared: &'static [&'static str],
    target: Target,
    /// The request for a child case: path and body (`None` for raw or no body).
    request: fn(&ChildCase) -> (String, Option<Value>),
}

/// The caller for a role, scoped to child A (and C and S, which differ from A only by their LA
/// and, for S, the sharing).
fn caller(role: &str, own: &ChildCase, other_la: &ChildCase, shared: &ChildCase) -> String {
    let children = [own.child_id, other_la.child_id, shared.child_id];
    let who = Who::new(role, "831");
    match role {
        DT => who.school("100001"),
        SW => who.sub("sw-own").caseload(&children),
        CARER | YP => who.children(&children),
        IRO => who.sub("iro-own").iro("iro-own"),
        _ => who,
    }
    .token()
}

async fn build_case(
    app: &TestApp,
    la: &'static str,
    school: &'static str,
    worker: &str,
    iro: &str,
) -> ChildCase {
    let child_id = child_in_care(app, la, school, worker, iro).await;
    let pep = submitted_pep(app, la, child_id, school, worker).await;
    let funding_request_id = funding_request(app, la, &pep).await;
    let attachment_id = attachment(app, la, pep.pep_id).await;
    ChildCase {
        la,
        school,
        child_id,
        pep,
        funding_request_id,
        attachment_id,
    }
}

async fn send(
    app: &TestApp,
    route: &Route,
    token: Option<&str>,
    path: &str,
    body: &Option<Value>,
) -> crate::support::TestResponse {
    let mut request = Request::builder().method(route.method.clone()).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None if route.method == Method::POST => request
            .header("content-type", "image/png")
            .body(Body::from(&b"\x89PNG a drawing"[..])),
        None => request.body(Body::empty()),
    };
    app.send(request.unwrap()).await
}

/// Rows of the access log, in every LA: what a refused read must leave unchanged.
async fn access_log_rows(app: &TestApp) -> i64 {
    let count = "SELECT COUNT(*) FROM gateway_access_log";
    match &app.records {
        RecordDatabase::Postgres(pool) => sqlx::query_scalar(count).fetch_one(pool).await,
        RecordDatabase::Sqlite(pool) => sqlx::query_scalar(count).fetch_one(pool).await,
    }
    .unwrap()
}

/// The start of a body, enough to see why an answer was wrong without drowning the report.
fn short(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(300).collect()
}

/// The ids of the children a search answered.
fn found_children(response: &crate::support::TestResponse) -> Vec<String> {
    response.json()["children"]
        .as_array()
        .map(|children| {
            children
                .iter()
                .filter_map(|child| child["child_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn every_route_every_role_own_child_other_child_other_la_shared(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    budget(&app, "831").await;
    budget(&app, "832").await;
    let own = build_case(&app, "831", "100001", "sw-own", "iro-own").await;
    let other_child = build_case(&app, "831", "100002", "sw-other", "iro-other").await;
    let other_la = build_case(&app, "832", "100001", "sw-own", "iro-own").await;
    // A refused feed message, for the rejection routes to find.
    let refused = send(
        &app,
        &inbound_routes()[1],
        Some(&Who::new("integration", "831").token()),
        "/api/v1/inbound/placement",
        &Some(serde_json::from_str(REFUSED_PLACEMENT).unwrap()),
    )
    .await;
    assert_eq!(refused.status.as_u16(), 422, "{}", short(&refused.body));
    let shared = build_case(&app, "832", "100001", "sw-own", "iro-own").await;
    app.post(
        &format!("/api/v1/children/{}/sharing", shared.child_id),
        &Who::new("virtual_school", "832").token(),
        &serde_json::json!({"la": "831", "reason": "Placed out of area, at school in 831"}),
    )
    .await
    .ok();
    // The search reads the chronology, so the read models must have seen the fixtures.
    app.catch_up().await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for route in read_routes()
        .into_iter()
        .chain(routes())
        .chain(inbound_routes())
        .chain(sharing_routes())
    {
        // Without a token, every route answers 401 and writes nothing.
        let (path, body) = (route.request)(&own);
        let head = app.head().await;
        let anonymous = send(&app, &route, None, &path, &body).await;
        if (anonymous.status.as_u16(), anonymous.problem().as_str()) != (401, "unauthenticated") {
            failures.push(format!(
                "{} {path} without a token: {}",
                route.method, anonymous.status
            ));
        }
        assert_eq!(app.head().await, head);
        for role in ROLES {
            let token = caller(role, &own, &other_la, &shared);
            for case in [Case::Own, Case::OtherChild, Case::OtherLa, Case::Shared] {
                let child = match (route.target, case) {
                    (Target::Caller, Case::OtherChild | Case::OtherLa | Case::Shared) => continue,
                    (Target::LocalAuthority, Case::OtherChild) => continue,
                    (_, Case::Own) => &own,
                    (_, Case::OtherChild) => &other_child,
                    (_, Case::OtherLa) => &other_la,
                    (_, Case::Shared) => &shared,
                };
                let (path, body) = (route.request)(child);
                let head = app.head().await;
                let access_rows = access_log_rows(&app).await;
                let response = send(&app, &route, Some(&token), &path, &body).await;
                let answer = (response.status.as_u16(), response.problem());
                let allowed = route.allowed.contains(&role);
                let what = format!("{role} {:?}: {} {path}", case, route.method);
                checked += 1;
                if allowed && route.target == Target::Search {
                    let reached = match case {
                        Case::Own => true,
                        Case::OtherChild => route.la_wide.contains(&role),
                        Case::OtherLa | Case::Shared => false,
                    };
                    if answer.0 != 200 {
                        failures.push(format!(
                            "{what}: expected 200, got {} {}",
                            answer.0,
                            short(&response.body)
                        ));
                    } else if found_children(&response).contains(&child.child_id.to_string())
                        != reached
                    {
                        failures.push(format!(
                            "{what}: expected the child {}listed, got {}",
                            if reached { "" } else { "not " },
                            short(&response.body)
                        ));
                    }
                    continue;
                }
                let expected_refusal = if !allowed {
                    Some((403, "forbidden"))
                } else {
                    match (case, route.target) {
                        (Case::Own, _) => None,
                        (Case::OtherChild, _) if route.la_wide.contains(&role) => None,
                        (Case::OtherChild, _) => Some((404, "not-found")),
                        (Case::Shared, Target::Child) if route.shared.contains(&role) => None,
                        (Case::OtherLa | Case::Shared, Target::LocalAuthority)
                            if route.template == "/api/v1/children" =>
                        {
                            Some((403, "forbidden"))
                        }
                        (Case::OtherLa | Case::Shared, _) => Some((404, "not-found")),
                    }
                };
                match expected_refusal {
                    Some((status, problem)) => {
                        if answer != (status, problem.to_owned()) {
                            failures.push(format!(
                                "{what}: expected {status} {problem}, got {} {}",
                                answer.0,
                                short(&response.body)
                            ));
                        }
                        if app.head().await != head {
                            failures.push(format!("{what}: a refused request wrote events"));
                        }
                        if access_log_rows(&app).await != access_rows {
                            failures.push(format!("{what}: a refused request was logged"));
                        }
                    }
                    None => {
                        let refused_by_auth = matches!(
                            (answer.0, answer.1.as_str()),
                            (401, _) | (403, "forbidden") | (404, "not-found")
                        );
                        let bad_test_request = matches!(
                            answer.1.as_str(),
                            "validation"
                                | "unknown-field"
                                | "malformed-json"
                                | "unsupported-media-type"
                        ) || answer.0 >= 500;
                        let read_failed = route.method == Method::GET && answer.0 != 200;
                        if refused_by_auth || bad_test_request || read_failed {
                            failures.push(format!(
                                "{what}: expected to get through, got {} {}",
                                answer.0,
                                short(&response.body)
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 1200, "only {checked} checks ran");
}
