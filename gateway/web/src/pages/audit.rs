//! The audit view, for auditors and administrators: a child's record as it was known at an
//! instant (what the service had been told by then) and as of a date (what had happened by
//! then), beside the record as known today; the hash chain's verification; and the access log
//! of who read the record. The same replay, verification and access log as the API's
//! `/api/v1/audit/*` routes, and, like them, itself written to the access log.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format;
use crate::nav::Layout;
use crate::session::SignedIn;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::ChildId;
use pep_auth::Operation;
use pep_messaging::event_log::StoreEventLog;
use pep_records::AccessLogQuery;
use projections::audit::{ReplaySummary, replay_child};
use serde::Deserialize;

/// Access-log rows shown.
pub const ACCESS_LOG_LIMIT: u32 = 100;

#[derive(Template)]
#[template(path = "audit_search.html")]
struct SearchPage {
    layout: Layout,
}

/// `GET /audit`: how to reach a child's audit view.
pub async fn search(signed_in: SignedIn) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::QueryAccessLog,
        "audit records",
    )?;
    Ok(render(&SearchPage {
        layout: Layout::signed_in(&signed_in, "Audit", "/audit"),
    }))
}

/// The two points in time to compare with today.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    /// As known at this instant or day (`2026-03-01` or `2026-03-01T12:00:00Z`).
    pub as_known_at: Option<String>,
    /// As of this day.
    pub as_of: Option<String>,
}

struct Comparison {
    key: String,
    then: String,
    now: String,
    changed: bool,
}

struct ReadRow {
    when: String,
    who: String,
    role: String,
    what: String,
}

#[derive(Template)]
#[template(path = "audit_child.html")]
struct ChildAuditPage {
    layout: Layout,
    child_href: String,
    label: String,
    as_known_at: String,
    as_of: String,
    heading_then: String,
    rows: Vec<Comparison>,
    chain_intact: bool,
    events_checked: u64,
    head_hash: String,
    reads: Vec<ReadRow>,
    error: Option<String>,
}

fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|day| day.and_hms_opt(23, 59, 59))
                .map(|moment| moment.and_utc())
        })
}

fn facts(summary: &ReplaySummary) -> Vec<(String, String)> {
    let setting = summary
        .settings
        .iter()
        .rev()
        .find(|setting| setting.left_on.is_none())
        .map(|setting| setting.name.clone())
        .unwrap_or_else(|| "None".to_owned());
    let episode = summary
        .episodes
        .last()
        .map(|episode| {
            format!(
                "{} from {} (legal status {})",
                episode.placement_type,
                format::date(episode.start_date),
                episode.legal_status
            )
        })
        .unwrap_or_else(|| "None".to_owned());
    vec![
        (
            "Events included".to_owned(),
            summary.events_included.to_string(),
        ),
        (
            "In care".to_owned(),
            if summary.in_care { "Yes" } else { "No" }.to_owned(),
        ),
        ("Latest placement".to_owned(), episode),
        ("School".to_owned(), setting),
        ("PEPs".to_owned(), summary.peps.len().to_string()),
        (
            "UPN".to_owned(),
            summary
                .details
                .as_ref()
                .and_then(|details| details.upn.clone())
                .unwrap_or_else(|| "Not recorded".to_owned()),
        ),
        (
            "Data-quality flags".to_owned(),
            summary.data_quality.len().to_string(),
        ),
    ]
}

/// `GET /audit/children/{child_id}`.
pub async fn child(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(child_id): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    let principal = &signed_in.principal;
    crate::error::require(principal, Operation::QueryAccessLog, "audit records")?;
    let child_id: ChildId = child_id.parse().map_err(|_| PageError::NotFound)?;
    let child = pep_http::access::authorize_child_read(
        state.api(),
        principal,
        child_id,
        "GET /audit/children/{id} (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let mut error = None;
    let as_known_at = match query
        .as_known_at
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        None => None,
        Some(text) => {
            let parsed = parse_instant(text);
            if parsed.is_none() {
                error = Some(
                    "Known at must be a date like 2026-03-01, or a time like 2026-03-01T12:00:00Z"
                        .to_owned(),
                );
            }
            parsed
        }
    };
    let as_of = match query
        .as_of
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        None => None,
        Some(text) => {
            let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            if parsed.is_none() {
                error = Some("As of must be a date like 2026-03-01".to_owned());
            }
            parsed
        }
    };
    let log = StoreEventLog::new(state.api().store().clone());
    let internal =
        |error: projections::audit::AuditError| PageError::internal(error.to_string(), request_id);
    let now = replay_child(&log, child_id, None, None)
        .await
        .map_err(internal)?
        .summary();
    let then = replay_child(&log, child_id, as_known_at, as_of)
        .await
        .map_err(internal)?
        .summary();
    let rows = facts(&then)
        .into_iter()
        .zip(facts(&now))
        .map(|((key, then), (_, now))| Comparison {
            changed: then != now,
            key,
            then,
            now,
        })
        .collect();
    let chain = log
        .chain_check()
        .await
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let reads = state
        .api()
        .records()
        .access_log(&AccessLogQuery {
            la: principal.la.clone(),
            child_id: Some(child_id),
            actor_id: None,
            from: None,
            to: None,
            limit: ACCESS_LOG_LIMIT,
        })
        .await
        .map_err(|error| PageError::from_records(error, request_id))?
        .into_iter()
        .map(|entry| ReadRow {
            when: entry
                .accessed_at
                .format("%-d %B %Y %H:%M:%S UTC")
                .to_string(),
            who: entry.actor_id,
            role: domain::Role::parse(&entry.actor_role)
                .map(format::role_name)
                .unwrap_or("Unknown role")
                .to_owned(),
            what: entry.what,
        })
        .collect();
    let heading_then = match (as_known_at, as_of) {
        (None, None) => "Choose a time to compare".to_owned(),
        (Some(known), None) => format!("As known at {}", known.format("%-d %B %Y %H:%M UTC")),
        (None, Some(day)) => format!("As of {}", format::date(day)),
        (Some(known), Some(day)) => format!(
            "As of {}, as known at {}",
            format::date(day),
            known.format("%-d %B %Y %H:%M UTC")
        ),
    };
    let label = format!(
        "Child {}",
        child
            .registration
            .as_ref()
            .map(|registration| registration.la_child_id.clone())
            .unwrap_or_default()
    );
    Ok(render(&ChildAuditPage {
        layout: Layout::signed_in(&signed_in, &format!("Audit: {label}"), "/audit"),
        child_href: format!("/children/{child_id}"),
        label,
        as_known_at: query.as_known_at.clone().unwrap_or_default(),
        as_of: query.as_of.clone().unwrap_or_default(),
        heading_then,
        rows,
        chain_intact: chain.intact,
        events_checked: chain.events_checked,
        head_hash: chain.verified_head_hash,
        reads,
        error,
    }))
}
