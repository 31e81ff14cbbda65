//! The child page's PP+ section in the browser, against what the API answers for the child.

use crate::client::send;
use crate::service::{Service, virtual_school_token};
use tests::browser::Browser;

use super::browser::LA;

/// Opens the page of a demo child with PP+ requests this year and checks it shows the year,
/// the amount given (as the API totals it) and every request the API lists.
pub(super) async fn the_child_page_shows_the_years_pp_plus(
    browser: &Browser,
    service: &Service,
    base: &str,
) {
    let year = domain::funding::FinancialYear::containing(pep_http::command::london_date(
        chrono::Utc::now(),
    ))
    .to_string();
    let totals = send(
        service.address,
        "GET",
        &format!("/api/v1/funding?financial_year={year}&group_by=child"),
        Some(&virtual_school_token(LA)),
        None,
    )
    .await
    .expect(200);
    let funded = totals["totals"][0]["key"]
        .as_str()
        .expect("the demo cohort has PP+ requests this year")
        .to_owned();
    let funding = send(
        service.address,
        "GET",
        &format!("/api/v1/children/{funded}/funding"),
        Some(&virtual_school_token(LA)),
        None,
    )
    .await
    .expect(200);
    browser.goto(&format!("{base}/children/{funded}")).await;
    let words = browser
        .text()
        .await
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let given = pep_web::format::pounds(funding["totals"]["allocated_pence"].as_i64().unwrap());
    assert!(
        words.contains(&format!("PP+ requests in {year}"))
            && words.contains(&format!("Given this year {given}")),
        "{words}"
    );
    for request in funding["requests"].as_array().unwrap() {
        let purpose = request["purpose"].as_str().unwrap();
        assert!(
            words.contains(purpose),
            "no request for {purpose:?}: {words}"
        );
    }
}
