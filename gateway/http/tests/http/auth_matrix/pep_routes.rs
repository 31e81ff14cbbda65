//! The commands on a PEP in the matrix: sections, attachments, the child's views, meetings,
//! targets, actions and the workflow from submission to sign-off and withdrawal.

use super::routes::{ADMIN, CARER, DT, LA_WIDE_WRITERS, SW, VS, YP};
use super::{ChildCase, Route, Target};
use axum::http::Method;
use serde_json::json;

fn pep_path(case: &ChildCase, rest: &str) -> String {
    format!("/api/v1/peps/{}{rest}", case.pep.pep_id)
}

pub(super) fn pep_routes() -> Vec<Route> {
    vec![
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
    ]
}
