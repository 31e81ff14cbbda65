//! The web pages through `pep serve --demo`, over plain HTTP as a browser sends it: demo
//! sign-in with its CSRF token, the pages each role may open (and the 403 page for one it may
//! not, never linked), a child of another LA answering 404, reads written to the access log,
//! sign-out ending the session on the server, an idle session expiring, the security headers,
//! and the GOV.UK assets served from the binary. [`browser`] drives the same pages in Chromium.

mod browser;
mod editor;
mod pp_plus;
pub(crate) mod user;
mod walk;

use crate::client::send;
use crate::service::{Service, test_config, token_for, virtual_school_token};
use serde_json::json;
use std::time::Duration;
use user::{WebUser, csrf_token, first_link};

/// A small demo cohort, so the service starts quickly.
const DEMO_CHILDREN: usize = 24;

async fn demo_service(
    configure: impl FnOnce(&mut pep::serve::ServeConfig),
) -> (Service, tempfile::TempDir) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    demo_service_on(listener, configure).await
}

/// [`demo_service`] on a listener bound beforehand, so the configuration can name the
/// service's own address.
pub(crate) async fn demo_service_on(
    listener: tokio::net::TcpListener,
    configure: impl FnOnce(&mut pep::serve::ServeConfig),
) -> (Service, tempfile::TempDir) {
    let directory = tempfile::tempdir().unwrap();
    let mut config = test_config(directory.path());
    config.demo = true;
    config.demo_children = DEMO_CHILDREN;
    configure(&mut config);
    (Service::start_on(listener, config).await, directory)
}

/// Waits (bounded) until the read models have the demo cohort.
async fn wait_for_cohort(user: &mut WebUser) -> String {
    for _ in 0..100 {
        let page = user.get("/children").await;
        if page.status == 200 && page.text().contains("href=\"/children/") {
            return page.text();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the demo cohort never reached the children list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_school_officer_signs_in_reads_a_child_and_signs_out_for_good() {
    let (service, _directory) = demo_service(|_| {}).await;
    let mut user = WebUser::new(service.address);

    // Not signed in: the start page sends people to sign in, and a page remembers where.
    let start = user.get("/").await;
    assert_eq!(
        (start.status, start.header("location")),
        (303, Some("/sign-in"))
    );
    let guarded = user.get("/dashboard").await;
    assert_eq!(guarded.status, 303);
    assert_eq!(
        guarded.header("location"),
        Some("/sign-in?return_to=/dashboard")
    );

    // The sign-in form refuses a post without its token.
    let page = user.get("/sign-in").await;
    assert!(page.text().contains("Alex Morgan"), "{}", page.text());
    assert!(page.text().contains("This is a demonstration"));
    let forged = user
        .post_form(
            "/sign-in/demo",
            &[("person", "virtual-school"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(!user.cookies.contains_key("pep_session"));

    // Signing in sets an HttpOnly, SameSite=Lax session cookie and lands on the dashboard.
    let token = csrf_token(&page.text());
    let signed_in = user
        .post_form(
            "/sign-in/demo",
            &[
                ("person", "virtual-school"),
                ("csrf_token", &token),
                ("return_to", "/"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text());
    assert_eq!(signed_in.header("location"), Some("/dashboard"));
    let cookie = signed_in
        .headers_named("set-cookie")
        .into_iter()
        .find(|cookie| cookie.starts_with("pep_session="))
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");

    let children = wait_for_cohort(&mut user).await;
    let dashboard = user.get("/dashboard").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text());
    let html = dashboard.text();
    assert!(html.contains("Children with an up-to-date PEP"));
    assert!(html.contains("You are signed in as a demonstration person"));
    let policy = dashboard.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(dashboard.header("x-frame-options"), Some("DENY"));
    assert_eq!(dashboard.header("cache-control"), Some("no-store"));

    // A number on the dashboard links to the children it counts.
    let overdue = first_link(&html, "/children?status=overdue").expect("an overdue link");
    let overdue_page = user.get(&overdue.replace("&amp;", "&")).await;
    assert_eq!(overdue_page.status, 200);
    // "Nothing due" links to the children with no obligation, not to the whole cohort.
    let nothing_due = first_link(&html, "/children?status=none").expect("a nothing-due link");
    let nothing_due_page = user.get(&nothing_due.replace("&amp;", "&")).await;
    assert_eq!(nothing_due_page.status, 200, "{}", nothing_due_page.text());
    let nothing_due_html = nothing_due_page.text();
    assert!(nothing_due_html.contains("Status: Nothing due"));
    for other in [
        ">Overdue</strong>",
        ">Due soon</strong>",
        ">On time</strong>",
    ] {
        assert!(!nothing_due_html.contains(other), "{other} listed");
    }

    // A child's page, whose read is in the access log.
    let child_link = first_link(&children, "/children/").unwrap();
    let child_page = user.get(&child_link).await;
    assert_eq!(child_page.status, 200, "{}", child_page.text());
    let child_html = child_page.text();
    for heading in ["Due dates", "Current PEP", "Education timeline", "People"] {
        assert!(child_html.contains(heading), "{heading} missing");
    }
    // The sections read from the child's record, each under its own heading (the timeline's
    // kind filter also says "Attendance", so the heading itself is looked for).
    for heading in ["Attendance", "Exclusions", "Attainment", "Earlier PEPs"] {
        assert!(
            child_html.contains(&format!("{heading}</h2>")),
            "the {heading} heading is missing"
        );
    }
    assert!(
        child_html.contains(">Pupil Premium Plus (PP+) in 20"),
        "the PP+ heading, naming the financial year, is missing"
    );
    for row in ["Legal status", "Placement", "Special educational needs"] {
        assert!(
            child_html.contains(&format!("<dt class=\"govuk-summary-list__key\">{row}</dt>")),
            "the {row} row is missing from About"
        );
    }
    // Each of them either lists what is recorded or says nothing is.
    for (heading, none) in [
        ("Attendance", "No attendance has been recorded"),
        (
            "Exclusions",
            "No suspension or permanent exclusion has been recorded",
        ),
        (
            "Attainment",
            "No attainment or progress result has been recorded",
        ),
        ("Earlier PEPs", "This child has no earlier PEPs"),
    ] {
        let section = child_html
            .split(&format!("{heading}</h2>"))
            .nth(1)
            .unwrap()
            .split("</h2>")
            .next()
            .unwrap();
        assert!(
            section.contains("<caption") || section.contains(none),
            "{heading}: neither a table nor {none:?}"
        );
    }
    // What the school reports shows up at once, most recent first, in words, and escaped.
    let child_id = child_link.trim_start_matches("/children/");
    for (path, body) in [
        (
            "attendance",
            json!({"period_start": "2025-01-06", "period_end": "2025-02-14",
                   "possible_sessions": 60, "attended_sessions": 45,
                   "unauthorised_absence_sessions": 10}),
        ),
        (
            "attendance",
            json!({"period_start": "2025-02-24", "period_end": "2025-04-04",
                   "possible_sessions": 60, "attended_sessions": 57,
                   "unauthorised_absence_sessions": 1}),
        ),
        (
            "exclusions",
            json!({"kind": "suspension", "start_date": "2025-03-10", "days": 2,
                   "reason": "Damage to <b>property</b>"}),
        ),
        (
            "attainment",
            json!({"subject": "Reading", "assessment": "Year 6 spring data drop",
                   "result": "Working towards", "assessed_on": "2025-03-28",
                   "on_track": false}),
        ),
    ] {
        let recorded = send(
            service.address,
            "POST",
            &format!("/api/v1/children/{child_id}/{path}"),
            Some(&virtual_school_token("831")),
            Some(&body),
        )
        .await;
        assert!(recorded.status < 300, "{path}: {}", recorded.text());
    }
    let reported = user.get(&child_link).await.text();
    let newer = reported.find("24 February 2025 to 4 April 2025").unwrap();
    let older = reported.find("6 January 2025 to 14 February 2025").unwrap();
    assert!(newer < older, "attendance is not most recent first");
    for text in [
        "95.0%",
        "57 of 60",
        "75.0%",
        "Suspension (fixed-term)",
        "2 school days",
        "Damage to &#60;b&#62;property&#60;/b&#62;",
        "Year 6 spring data drop",
        "Not on track",
    ] {
        assert!(reported.contains(text), "{text} is not on the child's page");
    }
    assert!(
        !reported.contains("<b>property"),
        "the reason is not escaped"
    );
    let log = send(
        service.address,
        "GET",
        &format!("/api/v1/audit/access-log?child_id={child_id}"),
        Some(&token_for("auditor", "auditor-1", "831")),
        None,
    )
    .await
    .expect(200);
    let reads = log.to_string();
    assert!(reads.contains("GET /children/{id} (web page)"), "{reads}");
    assert!(reads.contains("vs-demo"), "{reads}");

    // Sign-out ends the session on the server: the old cookie no longer opens anything.
    let old_session = user.cookies.get("pep_session").unwrap().clone();
    let token = csrf_token(&child_html);
    let signed_out = user.post_form("/sign-out", &[("csrf_token", &token)]).await;
    assert_eq!(signed_out.header("location"), Some("/signed-out"));
    assert!(!user.cookies.contains_key("pep_session"));
    user.cookies.insert("pep_session".to_owned(), old_session);
    let after = user.get("/dashboard").await;
    assert_eq!(after.status, 303);
    assert!(after.header("location").unwrap().starts_with("/sign-in"));
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_opens_only_its_pages_and_another_las_child_is_not_found() {
    let (service, _directory) = demo_service(|_| {}).await;
    let mut officer = WebUser::new(service.address);
    officer.sign_in_as("virtual-school").await;
    let children = wait_for_cohort(&mut officer).await;

    // A child of another LA, registered through the API.
    let other = send(
        service.address,
        "POST",
        "/api/v1/children",
        Some(&virtual_school_token("999")),
        Some(&json!({
            "la": "999",
            "la_child_id": "OTHER-1",
            "details": {"date_of_birth": "2013-02-01", "sex": "M", "given_name": "Sam", "family_name": "Other"}
        })),
    )
    .await
    .expect(201);
    let other_child = other["child_id"].as_str().unwrap().to_owned();
    let hidden = officer.get(&format!("/children/{other_child}")).await;
    assert_eq!(hidden.status, 404);
    assert!(hidden.text().contains("Page not found"));

    // A designated teacher: no dashboard link, and the dashboard itself is refused with the
    // roles that may see it; their own pupils are listed.
    let mut teacher = WebUser::new(service.address);
    let home = teacher.sign_in_as("designated-teacher").await;
    assert_eq!(home, "/my-children");
    let mine = teacher.get("/my-children").await;
    assert_eq!(mine.status, 200, "{}", mine.text());
    assert!(!mine.text().contains("href=\"/dashboard\""));
    let refused = teacher.get("/dashboard").await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.text().contains("Virtual School officer"),
        "{}",
        refused.text()
    );
    assert!(!refused.text().contains("panicked"));
    // The refusal keeps the teacher's own frame: their pages and the way to sign out.
    assert!(
        refused.text().contains("href=\"/my-children\""),
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains(">Sign out</button>"),
        "{}",
        refused.text()
    );
    assert!(!refused.text().contains("href=\"/dashboard\""));
    // A page for no one signed in keeps the frame of a page for no one.
    let stranger = WebUser::new(service.address).get("/no-such-page").await;
    assert_eq!(stranger.status, 404);
    assert!(!stranger.text().contains(">Sign out</button>"));

    // A social worker sees their caseload; an auditor the audit view, read-only.
    let mut worker = WebUser::new(service.address);
    worker.sign_in_as("social-worker").await;
    let caseload = worker.get("/my-children").await;
    assert_eq!(caseload.status, 200);
    assert!(
        caseload.text().contains("href=\"/children/"),
        "{}",
        caseload.text()
    );
    let mut auditor = WebUser::new(service.address);
    auditor.sign_in_as("auditor").await;
    let child_link = first_link(&children, "/children/").unwrap();
    let audit = auditor
        .get(&child_link.replace("/children/", "/audit/children/"))
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text());
    assert!(audit.text().contains("The record has not been altered"));
    // A child arrives from the social care system with a UPN whose check letter is wrong: the
    // record is kept and flagged, the data-quality page lists the child, and listing them is a
    // read of their record in the access log.
    let arrived = send(
        service.address,
        "POST",
        "/api/v1/inbound/child",
        Some(&token_for("integration", "lcs", "831")),
        Some(
            &serde_json::json!({"message_id": "web-dq-1", "source_system": "lcs", "la": "831",
               "la_child_id": "DQ-0001", "sex": "M", "dob": "2014-05-01",
               "upn": "A051910639385", "given_name": "Sam", "family_name": "Flagged"}),
        ),
    )
    .await;
    assert!(arrived.status < 300, "{}", arrived.text());
    let flagged_id = arrived.json()["child_id"].as_str().unwrap().to_owned();
    let mut listed = String::new();
    for _ in 0..100 {
        listed = officer.get("/data-quality").await.text();
        if listed.contains(&format!("/children/{flagged_id}")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        listed.contains(&format!("/children/{flagged_id}")),
        "{listed}"
    );
    let log = send(
        service.address,
        "GET",
        &format!("/api/v1/audit/access-log?child_id={flagged_id}"),
        Some(&token_for("auditor", "auditor-1", "831")),
        None,
    )
    .await
    .expect(200);
    assert!(
        log.to_string().contains("GET /data-quality (web page)"),
        "{log}"
    );
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires_and_the_page_says_so() {
    let (service, _directory) = demo_service(|config| {
        config.web.idle_timeout = Duration::from_secs(1);
    })
    .await;
    let mut user = WebUser::new(service.address);
    user.sign_in_as("virtual-school").await;
    assert_eq!(user.get("/dashboard").await.status, 200);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let expired = user.get("/dashboard").await;
    assert_eq!(expired.header("location"), Some("/session-expired"));
    let page = user.get("/session-expired").await;
    assert!(page.text().contains("we signed you out"));
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_served_from_the_binary_and_unknown_pages_are_a_govuk_404() {
    let (service, _directory) = demo_service(|_| {}).await;
    let mut user = WebUser::new(service.address);
    let css = user.get("/assets/app/app.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let climbing = user.get("/assets/../Cargo.toml").await;
    assert_eq!(climbing.status, 404);
    let missing = user.get("/no-such-page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));
    // The API keeps its own answer for a path it does not have.
    let api_missing = send(service.address, "GET", "/api/v1/nope", None, None).await;
    assert_eq!(api_missing.status, 404);
    assert_eq!(
        api_missing.header("content-type"),
        Some("application/problem+json")
    );
    service.stop().await;
}
