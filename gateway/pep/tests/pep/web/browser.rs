//! The web pages in a real, headless Chromium, as people use them: each role signs in from the
//! demonstration list; the Virtual School's dashboard shows the cohort's overdue children and
//! the same percentage the API serves; a number drills down to the children it counts and on to
//! a child; the child's timeline shows a placement change sent on the inbound feed moments
//! before; the IRO sees the notice it caused and marks it read; a child of another LA and a
//! page the role may not open are refused, and the forbidden page is never linked; every page
//! passes axe-core with no serious or critical violation and is readable 320 px wide. Each page
//! is photographed into `docs/ui/`, which the README shows.

use super::demo_service;
use crate::client::send;
use crate::service::{token_for, virtual_school_token};
use serde_json::json;
use std::time::Duration;
use tests::browser::{Browser, screenshots_directory};

pub(super) const LA: &str = "831";

/// Checks a page as every page is checked, and photographs it.
pub(super) async fn check_page(browser: &Browser, name: &str) {
    browser.assert_accessible(name).await;
    let overflow = sideways_overflow(browser).await;
    assert!(
        overflow <= 0,
        "{name} scrolls sideways by {overflow} px at 1280 px"
    );
    browser.screenshot(&screenshots_directory(), name).await;
}

/// How far the page scrolls sideways, in px (0 or less when it does not).
async fn sideways_overflow(browser: &Browser) -> i64 {
    browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap_or_default()
}

/// Opens `path` in the narrow window: it passes axe-core and nothing scrolls sideways.
async fn check_narrow(browser: &Browser, base: &str, path: &str) {
    browser.goto(&format!("{base}{path}")).await;
    browser
        .assert_accessible(&format!("{path} at 320 px"))
        .await;
    let overflow = sideways_overflow(browser).await;
    if overflow > 0 {
        let culprits = browser.client.execute(STICKING_OUT, vec![]).await.unwrap();
        panic!("{path} scrolls sideways by {overflow} px at 320 px; sticking out: {culprits}");
    }
}

async fn sign_in(browser: &Browser, base: &str, choice: &str) {
    browser.goto(&format!("{base}/sign-in")).await;
    browser.choose(choice).await;
    browser.click_button("Sign in").await;
}

pub(super) async fn sign_out(browser: &Browser) {
    browser.click_button("Sign out").await;
    let text = browser.text().await;
    assert!(
        text.contains("You have signed out"),
        "signing out at {} showed: {text}",
        browser.current_path().await
    );
}

/// The innermost elements whose right edge is beyond the window, outside any element that
/// scrolls on its own: what makes a page scroll sideways.
const STICKING_OUT: &str = "const width = document.documentElement.clientWidth;\
    const scroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {\
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true; }\
      return false; };\
    return [width, document.documentElement.scrollWidth, window.innerWidth].concat(Array.from(document.body.querySelectorAll('*'))\
      .filter(el => el.getBoundingClientRect().right > width + 1 && !scroller(el))\
      .filter(el => !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 1))\
      .slice(0, 8)\
      .map(el => el.tagName.toLowerCase() + '.' + el.className + ' \"' + (el.textContent || '').trim().slice(0, 40) + '\" right=' + Math.round(el.getBoundingClientRect().right)));";

/// The number in a heading such as "Unread (3)", found by the words before it.
fn count_in(text: &str, words: &str) -> u64 {
    let start = text
        .lines()
        .find_map(|line| line.trim().strip_prefix(words))
        .unwrap_or_else(|| panic!("no heading {words:?} in {text}"));
    start
        .trim_end_matches(')')
        .parse()
        .unwrap_or_else(|error| panic!("{words:?} is followed by {start:?}: {error}"))
}

/// Waits (bounded) until `path` shows `text`, reloading it.
async fn wait_for_text(browser: &Browser, url: &str, text: &str) {
    for _ in 0..100 {
        browser.goto(url).await;
        if browser.text().await.contains(text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "{url} never showed {text:?}; it shows: {}",
        browser.text().await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_of_every_role_use_the_pages_in_a_real_browser() {
    let (service, _directory) = demo_service(|_| {}).await;
    let base = format!("http://{}", service.address);
    let browser = Browser::start().await;

    // The sign-in page.
    browser.goto(&format!("{base}/")).await;
    assert_eq!(browser.heading().await, "Sign in to PEP Ledger");
    check_page(&browser, "sign-in").await;

    // The Virtual School officer's dashboard, once the read models hold the cohort.
    sign_in(&browser, &base, "Alex Morgan, Virtual School officer").await;
    assert_eq!(browser.current_path().await, "/dashboard");
    wait_for_text(&browser, &format!("{base}/dashboard"), "children in care").await;
    let shown = browser
        .client
        .find(fantoccini::Locator::Id("headline-percent"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let api = send(
        service.address,
        "GET",
        "/api/v1/compliance/summary",
        Some(&virtual_school_token(LA)),
        None,
    )
    .await
    .expect(200);
    let api_percent = api["summary"]["percent_with_in_date_pep"]
        .as_f64()
        .map(|value| format!("{value:.1}%"))
        .unwrap_or_else(|| "No children".to_owned());
    assert_eq!(shown, api_percent, "the dashboard and the API disagree");
    let page = browser.text().await;
    assert!(page.contains("Overdue"));
    // The month-by-month table ends with this month, as the API's series does.
    let months = api["monthly"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    let this_month = &months[11];
    let row = format!(
        "{} {}",
        this_month["children"], this_month["with_in_date_pep"]
    );
    let words = page.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Up-to-date PEPs over the last 12 months") && words.contains(&row),
        "no month row with {row}: {page}"
    );
    check_page(&browser, "dashboard").await;

    // Each PEP status counted links to exactly the children it counts.
    let without_pep = api["summary"]["children_by_pep_status"]["missing"]
        .as_u64()
        .unwrap_or_default();
    browser.click_link_to("/children?pep_status=missing").await;
    let list = browser.text().await;
    assert!(
        list.contains(&format!("{without_pep} children, most urgent first"))
            && list.contains("PEP status: No PEP"),
        "{list}"
    );
    browser.goto(&format!("{base}/dashboard")).await;

    // Drill from a number to the children it counts, and on to a child.
    browser.click_link_to("/children?status=").await;
    assert!(
        browser
            .current_path()
            .await
            .starts_with("/children?status=")
    );
    check_page(&browser, "children").await;
    browser.click_link_to("/children/").await;
    assert!(browser.text().await.contains("Due dates"));
    check_page(&browser, "child").await;

    // A child with PP+ this year: the page shows each request and the totals the API gives.
    super::pp_plus::the_child_page_shows_the_years_pp_plus(&browser, &service, &base).await;

    // A child arrives on the inbound feed with the IRO assigned, then changes placement.
    let integration = token_for("integration", "lcs", LA);
    let feed = |path: &'static str, body: serde_json::Value| {
        let integration = integration.clone();
        async move {
            send(
                service.address,
                "POST",
                path,
                Some(&integration),
                Some(&body),
            )
            .await
        }
    };
    let child = feed(
        "/api/v1/inbound/child",
        json!({"message_id": "web-c-1", "source_system": "lcs", "la": LA,
               "la_child_id": "WEB-0001", "sex": "F", "dob": "2013-03-27",
               "upn": "D051910639385", "given_name": "Robin", "family_name": "Browser"}),
    )
    .await;
    assert!(child.status < 300, "{}", child.text());
    let child_id = child.json()["child_id"].as_str().unwrap().to_owned();
    let placement = |id: &str, start: &str, reason: &str| {
        json!({"message_id": id, "source_system": "lcs", "la": LA,
               "la_child_id": "WEB-0001", "start_date": start,
               "reason_new_episode": reason, "legal_status": "C2",
               "placement_type": "U4", "placement_provider": "PR1",
               "reason_place_change": if reason == "S" { serde_json::Value::Null } else { json!("CARPL") },
               "end_date": serde_json::Value::Null, "reason_ceased": serde_json::Value::Null,
               "placement_postcode": "WV27 9FW", "setting_urn": serde_json::Value::Null})
    };
    let first = feed(
        "/api/v1/inbound/placement",
        placement("web-p-1", "2024-09-02", "S"),
    )
    .await;
    assert!(first.status < 300, "{}", first.text());
    let assigned = send(
        service.address,
        "POST",
        &format!("/api/v1/children/{child_id}/assignments"),
        Some(&virtual_school_token(LA)),
        Some(&json!({"role": "iro", "person": {"id": "iro-1", "name": "Helen Ford"}, "from": "2024-09-02"})),
    )
    .await;
    assert!(assigned.status < 300, "{}", assigned.text());
    let moved = feed(
        "/api/v1/inbound/placement",
        placement("web-p-2", "2025-01-06", "P"),
    )
    .await;
    assert!(moved.status < 300, "{}", moved.text());
    let timeline = format!("{base}/children/{child_id}?kind=care");
    wait_for_text(&browser, &timeline, "6 January 2025").await;

    // A child of another LA is not found.
    let other = send(
        service.address,
        "POST",
        "/api/v1/children",
        Some(&virtual_school_token("999")),
        Some(&json!({"la": "999", "la_child_id": "ELSEWHERE-1",
                     "details": {"date_of_birth": "2013-02-01", "sex": "M"}})),
    )
    .await
    .expect(201);
    browser
        .goto(&format!(
            "{base}/children/{}",
            other["child_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(browser.heading().await, "Page not found");
    check_page(&browser, "not-found").await;

    browser.goto(&format!("{base}/data-quality")).await;
    assert_eq!(browser.heading().await, "Data quality");
    check_page(&browser, "data-quality").await;
    sign_out(&browser).await;
    check_page(&browser, "signed-out").await;

    // The IRO sees the notice the placement change caused, and reads it.
    sign_in(
        &browser,
        &base,
        "Helen Ford, Independent reviewing officer (IRO)",
    )
    .await;
    wait_for_text(&browser, &format!("{base}/inbox"), "Placement changed").await;
    check_page(&browser, "inbox").await;
    let before = browser.text().await;
    let unread = count_in(&before, "Unread (");
    let read = count_in(&before, "Read (");
    assert!(unread > 0, "{before}");
    browser.click_button_starting("Mark as read").await;
    let after = browser.text().await;
    assert_eq!(browser.current_path().await, "/inbox");
    assert_eq!(
        (count_in(&after, "Unread ("), count_in(&after, "Read (")),
        (unread - 1, read + 1),
        "marking one notice read moves it from unread to read: {after}"
    );
    sign_out(&browser).await;

    // A designated teacher is never shown the dashboard, and is refused it with who may.
    sign_in(&browser, &base, "Mrs J. Patel, Designated teacher").await;
    assert_eq!(browser.current_path().await, "/my-children");
    assert!(!browser.has_link("Dashboard").await);
    check_page(&browser, "my-children").await;
    browser.goto(&format!("{base}/dashboard")).await;
    assert_eq!(browser.heading().await, "You cannot see this page");
    assert!(browser.text().await.contains("Virtual School officer"));
    check_page(&browser, "forbidden").await;
    sign_out(&browser).await;

    // The auditor's view of a record.
    sign_in(&browser, &base, "Chris Evans, Auditor").await;
    browser
        .goto(&format!(
            "{base}/audit/children/{child_id}?as_of=2024-12-31"
        ))
        .await;
    assert!(
        browser
            .text()
            .await
            .contains("The record has not been altered")
    );
    check_page(&browser, "audit").await;

    // Readable on a phone: at 320 px no page scrolls sideways and axe-core still finds
    // nothing serious (a table that scrolls inside its region must be reachable by keyboard).
    browser.set_width(320).await;
    let auditor_pages = [
        "/dashboard".to_owned(),
        "/children".to_owned(),
        format!("/children/{child_id}"),
        "/audit".to_owned(),
        format!("/audit/children/{child_id}?as_of=2024-12-31"),
    ];
    for path in &auditor_pages {
        check_narrow(&browser, &base, path).await;
    }
    sign_out(&browser).await;
    check_narrow(&browser, &base, "/sign-in").await;
    sign_in(&browser, &base, "Alex Morgan, Virtual School officer").await;
    check_narrow(&browser, &base, "/data-quality").await;
    sign_out(&browser).await;
    sign_in(&browser, &base, "Mrs J. Patel, Designated teacher").await;
    check_narrow(&browser, &base, "/my-children").await;
    sign_out(&browser).await;
    sign_in(
        &browser,
        &base,
        "Helen Ford, Independent reviewing officer (IRO)",
    )
    .await;
    check_narrow(&browser, &base, "/inbox").await;
    sign_out(&browser).await;
    browser.close().await;
    service.stop().await;
}
