//! The routes of the matrix, each with the roles the issue allows and a valid request for a
//! child case. The bodies repeat what the fixtures set up (same school, same episode), so that
//! the own child stays in every role's reach however the run goes.

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

fn pep_path(case: &ChildCase, rest: &str) -> String {
    format!("/api/v1/peps/{}{rest}", case.pep.pep_id)
}

fn funding_path(case: &ChildCase, rest: &str) -> String {
    format!("/api/v1/funding/{}/{FINANCIAL_YEAR}{rest}", case.la)
}

pub(super) fn routes() -> Vec<Route> {
    vec![
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
            method: Method::PUT,
            template: "/api/v1/peps/{pep_id}/sections/{section}",
            allowed: &[VS, DT, SW, CARER, YP],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW, CARER, YP],
            target: Target::Child,
            request: |case| {
                let body = json!({"content": "My views on school"});
                (pep_path(case, "/sections/child_views"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/sections/{section}/complete",
            allowed: &[VS, DT, SW, CARER, YP],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW, CARER, YP],
            target: Target::Child,
            request: |case| {
                (
                    pep_path(case, "/sections/child_views/complete"),
                    Some(json!({})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/attachments",
            allowed: &[VS, DT, SW, CARER, YP],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW, CARER, YP],
            target: Target::Child,
            request: |case| (pep_path(case, "/attachments?file_name=drawing.png"), None),
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/child-views",
            allowed: &[VS, DT, SW, CARER, YP],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW, CARER, YP],
            target: Target::Child,
            request: |case| {
                (
                    pep_path(case, "/child-views"),
                    Some(json!({"views": "I want to stay at this school"})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/meetings",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| {
                (
                    pep_path(case, "/meetings"),
                    Some(json!({"scheduled_for": "2025-01-15"})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/meetings/{meeting_id}/held",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| {
                let body = json!({"child_attended": false, "child_absence_reason": "Unwell",
                                  "attendees": [{"person": {"id": "dt-1", "name": "D Teacher"},
                                                 "capacity": "designated teacher"}]});
                (
                    pep_path(case, &format!("/meetings/{}/held", case.pep.meeting_id)),
                    Some(body),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/targets",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| {
                let body = json!({"area": "attendance", "description": "Attend every day",
                                  "success_criterion": "Attendance above 95% in spring",
                                  "owner": {"id": "dt-1", "name": "D Teacher"},
                                  "set_on": "2024-10-01", "due_on": "2025-04-01",
                                  "horizon": "short_term"});
                (pep_path(case, "/targets"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/targets/{target_id}/review",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| {
                let path = format!("/targets/{}/review", case.pep.target_id);
                (
                    pep_path(case, &path),
                    Some(json!({"outcome": "partly_met"})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/actions",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| {
                let body = json!({"description": "Book a careers talk",
                                  "owner": {"id": "dt-1", "name": "D Teacher"},
                                  "agreed_on": "2024-10-01", "due_on": "2024-11-01"});
                (pep_path(case, "/actions"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/actions/{action_id}/complete",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| {
                let path = format!("/actions/{}/complete", case.pep.action_id);
                (pep_path(case, &path), Some(json!({})))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/submit",
            allowed: &[VS, DT, SW],
            la_wide: LA_WIDE_WRITERS,
            shared: &[DT, SW],
            target: Target::Child,
            request: |case| (pep_path(case, "/submit"), Some(json!({}))),
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/return",
            allowed: &[VS],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::Child,
            request: |case| {
                (
                    pep_path(case, "/return"),
                    Some(json!({"reason": "Targets are vague"})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/quality-assurance",
            allowed: &[VS],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::Child,
            request: |case| {
                (
                    pep_path(case, "/quality-assurance"),
                    Some(json!({"rating": "amber"})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/sign-off",
            allowed: &[VS],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::Child,
            request: |case| {
                (
                    pep_path(case, "/sign-off"),
                    Some(json!({"by_name": "V Head"})),
                )
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/peps/{pep_id}/withdraw",
            allowed: &[VS, SW, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[SW],
            target: Target::Child,
            request: |case| {
                (
                    pep_path(case, "/withdraw"),
                    Some(json!({"reason": "Left care"})),
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
    ]
}
