//! The routes of the matrix, each with the roles the issue allows and a valid request for a
//! child case. The bodies repeat what the fixtures set up (same school, same episode), so that
//! the own child stays in every role's reach however the run goes.

use super::pep_routes::pep_routes;
use super::{ChildCase, Route, Target};
use crate::fixtures::{
    FINANCIAL_YEAR, budget_body, episode_body, funding_request_body, register_body,
};
use axum::http::Method;
use serde_json::json;
use uuid::Uuid;

pub(super) const VS: &str = "virtual_school";
pub(super) const DT: &str = "designated_teacher";
pub(super) const SW: &str = "social_worker";
pub(super) const CARER: &str = "carer";
pub(super) const YP: &str = "young_person";
pub(super) const ADMIN: &str = "admin";
pub(super) const AUDITOR: &str = "auditor";

/// The writers whose reach is every child of their LA.
pub(super) const LA_WIDE_WRITERS: &[&str] = &[VS, ADMIN];

pub(super) fn child_path(case: &ChildCase, rest: &str) -> String {
    format!("/api/v1/children/{}{rest}", case.child_id)
}

fn funding_path(case: &ChildCase, rest: &str) -> String {
    format!("/api/v1/funding/{}/{FINANCIAL_YEAR}{rest}", case.la)
}

/// The commands on a child's record and the PP+ budget, then [`pep_routes`], then the access
/// log.
pub(super) fn routes() -> Vec<Route> {
    let mut routes = vec![
        Route {
            method: Method::POST,
            template: "/api/v1/children",
            allowed: &[VS, SW, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::LocalAuthority,
            request: |case| {
                let body = register_body(case.la, &Uuid::now_v7().simple().to_string());
                ("/api/v1/children".to_owned(), Some(body))
            },
        },
        Route {
            method: Method::PUT,
            template: "/api/v1/children/{child_id}/details",
            allowed: &[VS, SW, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[SW],
            target: Target::Child,
            request: |case| {
                let body = json!({"details": {"date_of_birth": "2012-05-14", "sex": 2}});
                (child_path(case, "/details"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/episodes",
            allowed: &[VS, SW, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[SW],
            target: Target::Child,
            request: |case| (child_path(case, "/episodes"), Some(episode_body())),
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/education-settings",
            allowed: &[VS, SW, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[SW],
            target: Target::Child,
            request: |case| {
                // The same school and start date as the fixture: a repeat, so every designated
                // teacher keeps the children they had.
                let body = json!({"setting": {"urn": case.school, "name": "Example School"},
                                  "started_on": "2024-09-02"});
                (child_path(case, "/education-settings"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/assignments",
            allowed: &[VS, SW, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[SW],
            target: Target::Child,
            request: |case| {
                let body = json!({"role": "virtual_school_officer",
                                  "person": {"id": "vso-1", "name": "V Officer"}});
                (child_path(case, "/assignments"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/sen-status",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| {
                let body = json!({"provision": "sen_support", "effective_from": "2024-09-02"});
                (child_path(case, "/sen-status"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/attendance",
            allowed: &[VS, DT],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT],
            target: Target::Child,
            request: |case| {
                let body = json!({"period_start": "2024-09-02", "period_end": "2024-10-18",
                                  "possible_sessions": 62, "attended_sessions": 58,
                                  "unauthorised_absence_sessions": 1});
                (child_path(case, "/attendance"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/exclusions",
            allowed: &[VS, DT],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT],
            target: Target::Child,
            request: |case| {
                let body = json!({"kind": "suspension", "start_date": "2024-10-07", "days": 1,
                                  "reason": "Persistent disruption"});
                (child_path(case, "/exclusions"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/attainment",
            allowed: &[VS, DT],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT],
            target: Target::Child,
            request: |case| {
                let body = json!({"subject": "Maths", "assessment": "Autumn test",
                                  "result": "Working at expected", "assessed_on": "2024-10-18"});
                (child_path(case, "/attainment"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/peps",
            allowed: &[VS, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[SW],
            target: Target::Child,
            request: |case| {
                let body = json!({"kind": "review", "trigger": "requested"});
                (child_path(case, "/peps"), Some(body))
            },
        },
        Route {
            method: Method::PUT,
            template: "/api/v1/funding/{la}/{financial_year}/budget",
            allowed: &[VS],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::LocalAuthority,
            request: |case| (funding_path(case, "/budget"), Some(budget_body())),
        },
        Route {
            method: Method::POST,
            template: "/api/v1/funding/{la}/{financial_year}/requests",
            allowed: &[VS, DT],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT],
            target: Target::Child,
            request: |case| {
                let mut body = funding_request_body(&case.pep);
                body["amount"] = json!(100);
                (funding_path(case, "/requests"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/allocate",
            allowed: &[VS],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::Child,
            request: |case| {
                let path = format!("/requests/{}/allocate", case.funding_request_id);
                (funding_path(case, &path), Some(json!({"amount": 100})))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/impact",
            allowed: &[VS, DT],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT],
            target: Target::Child,
            request: |case| {
                let path = format!("/requests/{}/impact", case.funding_request_id);
                (
                    funding_path(case, &path),
                    Some(json!({"impact": "Reading improved"})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/reject",
            allowed: &[VS],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::Child,
            request: |case| {
                let path = format!("/requests/{}/reject", case.funding_request_id);
                (
                    funding_path(case, &path),
                    Some(json!({"reason": "Covered by the school"})),
                )
            },
        },
        Route {
            method: Method::GET,
            template: "/api/v1/audit/access-log",
            allowed: &[AUDITOR, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::Caller,
            request: |_| ("/api/v1/audit/access-log".to_owned(), None),
        },
    ];
    routes.extend(pep_routes());
    routes
}
