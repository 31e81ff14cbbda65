//! The Virtual School dashboard: the headline figure Virtual Schools report (the percentage of
//! children in care with an up-to-date PEP), counts by status, key stage, school and social
//! worker, PP+ committed and spent against the budget as a chart with its table, and the overdue
//! and due-soon children. Every number links to the children it counts (`/children?...`), and
//! the filters are in the URL, so a view can be shared and the back button works.
//!
//! Only the LA-wide readers (Virtual School, auditors, administrators) see it, as for
//! `GET /api/v1/compliance`. The figures come from the compliance and funding read models.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format;
use crate::nav::{Layout, reads_whole_la};
use crate::pages::children::{ChildRow, row};
use crate::session::SignedIn;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::calendar::{FinancialYear, KeyStage};
use projections::compliance::{
    CohortFilter, DEFAULT_MONTHS, GroupSummary, PEP_STATUS_KEYS, QA_RATING_KEYS,
};
use serde::Deserialize;

mod money;
mod monthly;

pub(crate) use money::MoneyRow;
pub(crate) use monthly::MonthRow;

/// How many overdue and due-soon children the dashboard lists (the rest are a link away).
const URGENT_SHOWN: u64 = 10;

/// The dashboard's filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DashboardQuery {
    /// Only children in this key stage.
    pub key_stage: Option<String>,
    /// Only children at this school.
    pub school: Option<String>,
    /// Only children with this social worker.
    pub social_worker: Option<String>,
}

/// A figure that links to the children it counts.
pub(crate) struct Count {
    pub(crate) label: String,
    pub(crate) value: u64,
    pub(crate) href: String,
}

pub(crate) struct GroupRow {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) children: u64,
    pub(crate) in_date: u64,
    pub(crate) percent: String,
    pub(crate) overdue: u64,
    pub(crate) overdue_href: String,
}

pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    today: String,
    headline: String,
    with_in_date: u64,
    children: u64,
    all_href: String,
    in_timescale: String,
    statuses: Vec<Count>,
    pep_statuses: Vec<Count>,
    qa_ratings: Vec<Count>,
    in_date_href: String,
    not_in_date_href: String,
    monthly_rows: Vec<MonthRow>,
    monthly_chart: String,
    key_stages: Vec<GroupRow>,
    schools: Vec<GroupRow>,
    social_workers: Vec<GroupRow>,
    key_stage_choices: Vec<Choice>,
    school: String,
    social_worker: String,
    filtered: bool,
    financial_year: String,
    money: Vec<MoneyRow>,
    money_chart: String,
    overdue: Vec<ChildRow>,
    overdue_total: u64,
    overdue_href: String,
    due_soon: Vec<ChildRow>,
    due_soon_href: String,
    due_soon_total: u64,
}

/// `GET /dashboard`.
pub async fn page(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    if !reads_whole_la(&signed_in.principal) {
        return Err(PageError::Forbidden {
            what: "see the dashboard, which covers every child in the local authority".to_owned(),
            roles: vec![
                "Virtual School officer".to_owned(),
                "Auditor".to_owned(),
                "Service administrator".to_owned(),
            ],
        });
    }
    let key_stage: Option<KeyStage> = match query.key_stage.as_deref().filter(|v| !v.is_empty()) {
        None => None,
        Some(text) => Some(
            serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
                PageError::BadRequest {
                    message: format!("{text} is not a key stage."),
                }
            })?,
        ),
    };
    let school = query.school.clone().filter(|value| !value.is_empty());
    let social_worker = query
        .social_worker
        .clone()
        .filter(|value| !value.is_empty());
    let la = signed_in.principal.la.as_str().to_owned();
    let filter = CohortFilter {
        la: Some(la.clone()),
        key_stage,
        school_urn: school.clone(),
        social_worker_id: social_worker.clone(),
        ..CohortFilter::default()
    };
    let today = pep_http::command::london_date(state.api().clock().now());
    let side = state.read();
    let internal = |error: projections::runtime::ProjectionError| {
        PageError::internal(error.to_string(), request_id)
    };
    // One judging of the cohort gives the figures and the most urgent children.
    let (dashboard, overdue, due_soon) = side
        .compliance()
        .dashboard_with_urgent(
            side.database(),
            &filter,
            today,
            DEFAULT_MONTHS,
            URGENT_SHOWN,
        )
        .await
        .map_err(internal)?;
    let summary = &dashboard.summary;
    pep_http::access::log_cohort_read(
        state.api(),
        &signed_in.principal,
        overdue
            .children
            .iter()
            .chain(&due_soon.children)
            .map(|child| (child.child_id, child.la.clone())),
        "GET /dashboard (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;

    let link = |extra: &[(&str, Option<&str>)]| {
        let mut pairs: Vec<(&str, Option<&str>)> = vec![
            ("key_stage", query.key_stage.as_deref()),
            ("school", school.as_deref()),
            ("social_worker", social_worker.as_deref()),
        ];
        for (name, value) in extra {
            pairs.retain(|(existing, _)| existing != name);
            pairs.push((name, *value));
        }
        format!("/children{}", format::query_string(&pairs))
    };
    let statuses = [
        "overdue", "due_soon", "upcoming", "met_late", "on_time", "none",
    ]
    .iter()
    .map(|key| Count {
        label: format::due_status_name(key).to_owned(),
        value: summary
            .children_by_status
            .get(*key)
            .copied()
            .unwrap_or_default(),
        href: link(&[("status", Some(key))]),
    })
    .collect();
    let counted = |counts: &std::collections::BTreeMap<String, u64>,
                   keys: &[&str],
                   parameter: &str,
                   name: &dyn Fn(&str) -> String| {
        keys.iter()
            .map(|key| Count {
                label: name(key),
                value: counts.get(*key).copied().unwrap_or_default(),
                href: link(&[(parameter, Some(key))]),
            })
            .collect::<Vec<_>>()
    };
    let pep_statuses = counted(
        &summary.children_by_pep_status,
        &PEP_STATUS_KEYS,
        "pep_status",
        &format::pep_status_name,
    );
    let qa_ratings = counted(
        &summary.by_qa_rating,
        &QA_RATING_KEYS,
        "qa_rating",
        &format::qa_rating_name,
    );
    let groups = |groups: &std::collections::BTreeMap<String, GroupSummary>,
                  parameter: &str,
                  name_of: &dyn Fn(&str, &GroupSummary) -> String| {
        let mut rows: Vec<GroupRow> = groups
            .iter()
            .map(|(key, group)| {
                let value = (key != projections::compliance::NOT_RECORDED).then_some(key.as_str());
                GroupRow {
                    name: name_of(key, group),
                    href: link(&[(parameter, value)]),
                    children: group.children,
                    in_date: group.with_in_date_pep,
                    percent: format::percent(group.percent_with_in_date_pep),
                    overdue: group.overdue,
                    overdue_href: link(&[(parameter, value), ("status", Some("overdue"))]),
                }
            })
            .collect();
        rows.sort_by(|left, right| {
            right
                .overdue
                .cmp(&left.overdue)
                .then(left.name.cmp(&right.name))
        });
        rows
    };
    let named = |key: &str, group: &GroupSummary| {
        group
            .name
            .clone()
            .unwrap_or_else(|| format::key_stage_name(key))
    };
    let key_stages = groups(&summary.by_key_stage, "key_stage", &|key, _| {
        format::key_stage_name(key)
    });
    let schools = groups(&summary.by_school, "school", &named);
    let social_workers = groups(&summary.by_social_worker, "social_worker", &named);

    // PP+ for the financial year.
    let year = FinancialYear::containing(today);
    let budget = projections::funding::budget_summary(side.database(), &la, year)
        .await
        .map_err(internal)?;
    let (money, money_chart) = money::figures(budget.as_ref(), year);
    let (monthly_rows, monthly_chart) = monthly::figures(&dashboard.monthly);

    let overdue_href = link(&[("status", Some("overdue"))]);
    let due_soon_href = link(&[("status", Some("due_soon"))]);
    let in_date_href = link(&[("in_date_pep", Some("true"))]);
    let not_in_date_href = link(&[("in_date_pep", Some("false"))]);
    let all_href = link(&[]);
    let key_stage_choices = std::iter::once(("", "All key stages".to_owned()))
        .chain(
            ["eyfs", "ks1", "ks2", "ks3", "ks4", "16-19"]
                .into_iter()
                .map(|key| (key, format::key_stage_name(key))),
        )
        .map(|(value, label)| Choice {
            selected: query.key_stage.as_deref().unwrap_or("") == value,
            value: value.to_owned(),
            label,
        })
        .collect();
    render(&DashboardPage {
        layout: Layout::signed_in(&signed_in, "Dashboard", "/dashboard"),
        today: format::date(today),
        headline: format::percent(summary.percent_with_in_date_pep),
        with_in_date: summary.with_in_date_pep,
        children: summary.children,
        all_href,
        in_date_href,
        not_in_date_href,
        in_timescale: format::percent(summary.percent_completed_within_timescale),
        statuses,
        pep_statuses,
        qa_ratings,
        monthly_rows,
        monthly_chart,
        key_stages,
        schools,
        social_workers,
        key_stage_choices,
        school: school.unwrap_or_default(),
        social_worker: social_worker.unwrap_or_default(),
        filtered: query.key_stage.as_deref().is_some_and(|v| !v.is_empty())
            || query.school.as_deref().is_some_and(|v| !v.is_empty())
            || query
                .social_worker
                .as_deref()
                .is_some_and(|v| !v.is_empty()),
        financial_year: year.to_string(),
        money,
        money_chart,
        overdue: overdue.children.iter().map(row).collect(),
        overdue_total: overdue.total,
        overdue_href,
        due_soon_href,
        due_soon: due_soon.children.iter().map(row).collect(),
        due_soon_total: due_soon.total,
    })
    .into_ok()
}

trait IntoOk {
    fn into_ok(self) -> Result<Response, PageError>;
}

impl IntoOk for Response {
    fn into_ok(self) -> Result<Response, PageError> {
        Ok(self)
    }
}
