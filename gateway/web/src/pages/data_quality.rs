//! Inbound data quality, for the Virtual School and administrators: feed messages the service
//! refused (with the reason and the field each problem is in, and whether it has been replayed
//! or resolved), and the children whose records carry data-quality flags the social care
//! system owns (an invalid UPN, overlapping episodes), so someone can ring the social care
//! team; each child listed is written to the access log. The same queries as `GET /api/v1/inbound/rejections` and `GET /api/v1/data-quality`.

use crate::WebState;
use crate::error::{PageError, render};
use crate::nav::Layout;
use crate::session::SignedIn;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use pep_auth::Operation;
use pep_inbound::RejectionQuery;

/// The most rows of each list the page shows.
pub const LIMIT: u32 = 100;

struct RejectionRow {
    received: String,
    feed: String,
    subject: String,
    problems: Vec<String>,
    state: String,
    times: i64,
}

struct FlaggedRow {
    href: String,
    label: String,
    issues: Vec<String>,
}

#[derive(Template)]
#[template(path = "data_quality.html")]
struct DataQualityPage {
    layout: Layout,
    rejections: Vec<RejectionRow>,
    rejections_available: bool,
    flagged: Vec<FlaggedRow>,
    flagged_total: u64,
}

/// `GET /data-quality`.
pub async fn page(
    State(state): State<WebState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    let principal = &signed_in.principal;
    crate::error::require(
        principal,
        Operation::ReadDataQuality,
        "see inbound data quality",
    )?;
    let la = principal.la.as_str().to_owned();
    let may_see_rejections =
        pep_auth::policy::reach(principal, Operation::ManageInboundRejections).is_ok();
    let rejections = match (state.inbound_log(), may_see_rejections) {
        (Some(log), true) => log
            .rejections(&RejectionQuery {
                la: la.clone(),
                feed: None,
                kind: None,
                state: None,
                from: None,
                to: None,
                before: None,
                limit: LIMIT,
            })
            .await
            .map_err(|error| PageError::internal(error.to_string(), request_id))?
            .into_iter()
            .map(|rejection| RejectionRow {
                received: rejection
                    .last_received_at
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .replace('T', " "),
                feed: rejection.feed.clone(),
                subject: rejection.subject.clone(),
                problems: rejection
                    .reason
                    .problems
                    .iter()
                    .map(|problem| format!("{}: {}", problem.path, problem.message))
                    .collect(),
                state: match (rejection.state.as_str(), &rejection.resolution) {
                    ("resolved", Some(resolution)) => format!("Resolved ({resolution})"),
                    ("resolved", None) => "Resolved".to_owned(),
                    _ => "Open".to_owned(),
                },
                times: rejection.times_received,
            })
            .collect(),
        _ => Vec::new(),
    };
    let side = state.read();
    let (flagged_total, rows) =
        projections::compliance::data_quality(side.database(), &la, None, 0, u64::from(LIMIT))
            .await
            .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    // Each flagged child the page names is a read of that child's record, as for the API.
    let mut shown = Vec::with_capacity(rows.len());
    for row in &rows {
        let child_id: domain::ids::ChildId = row.child_id.parse().map_err(|_| {
            PageError::internal(
                format!("data quality names a child {:?}", row.child_id),
                request_id,
            )
        })?;
        shown.push((child_id, la.clone()));
    }
    pep_http::access::log_cohort_read(
        state.api(),
        principal,
        shown,
        "GET /data-quality (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let flagged = rows
        .into_iter()
        .map(|row| FlaggedRow {
            href: format!("/children/{}", row.child_id),
            label: format!("Child {}", row.la_child_id),
            issues: row
                .issues
                .as_array()
                .map(|issues| issues.iter().map(issue_words).collect())
                .unwrap_or_default(),
        })
        .collect();
    render(&DataQualityPage {
        layout: Layout::signed_in(&signed_in, "Data quality", "/data-quality"),
        rejections_available: state.inbound_log().is_some() && may_see_rejections,
        rejections,
        flagged,
        flagged_total,
    })
    .into_ok()
}

/// One stored flag in words.
fn issue_words(issue: &serde_json::Value) -> String {
    let text = |name: &str| issue[name].as_str().unwrap_or_default().to_owned();
    match issue["kind"].as_str().unwrap_or_default() {
        "invalid_upn" => format!("UPN {} is not valid: {}", text("upn"), text("reason")),
        "overlapping_episodes" => format!(
            "Care episodes starting {} and {} overlap",
            text("first_start"),
            text("second_start")
        ),
        "first_episode_not_start" => format!(
            "The earliest episode ({}) does not start a period of care",
            text("start_date")
        ),
        _ => issue.to_string(),
    }
}

trait IntoOk {
    fn into_ok(self) -> Result<Response, PageError>;
}

impl IntoOk for Response {
    fn into_ok(self) -> Result<Response, PageError> {
        Ok(self)
    }
}
