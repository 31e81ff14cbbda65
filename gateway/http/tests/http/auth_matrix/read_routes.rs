//! The read routes of the matrix, each with the roles the issue lets read it and, separately,
//! the roles that read every child of their LA through it. Written out by hand from the issue:
//! a designated teacher reads children on roll at their school, a carer and a young person only
//! their own child, an IRO the children they review, an auditor everything in their LA (and
//! writes nothing), an integration account nothing at all. The cohort routes (compliance, its
//! summary, funding) cover the whole LA, so only the LA-wide readers may ask for them; the audit
//! routes are for auditors and administrators. A record another LA shares with the caller's is
//! read with the same reach as the caller's own LA's children, but never listed by the cohort
//! routes or the search.

use super::routes::{ADMIN, AUDITOR, CARER, DT, SW, VS, YP};
use super::{ChildCase, Route, Target};
use crate::fixtures::{FINANCIAL_YEAR, VALID_UPN};
use axum::http::Method;

pub(super) const IRO: &str = "iro";

/// Everyone who may read a child's record (in their reach).
const READERS: &[&str] = &[VS, DT, SW, CARER, YP, IRO, AUDITOR, ADMIN];
/// The readers whose reach is every child of their LA.
const LA_WIDE_READERS: &[&str] = &[VS, AUDITOR, ADMIN];
/// Evidence for audit: auditors and the service administrator, both LA-wide.
const AUDITORS: &[&str] = &[AUDITOR, ADMIN];

fn child_path(case: &ChildCase, rest: &str) -> String {
    format!("/api/v1/children/{}{rest}", case.child_id)
}

pub(super) fn read_routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::GET,
            template: "/api/v1/children",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: &[],
            // Every fixture child has the same UPN, so the search finds each child the caller
            // reaches, and the matrix checks which of the three cases the answer holds.
            target: Target::Search,
            request: |_| (format!("/api/v1/children?upn={VALID_UPN}"), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/children/{child_id}",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: READERS,
            target: Target::Child,
            request: |case| (child_path(case, ""), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/children/{child_id}/timeline",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: READERS,
            target: Target::Child,
            request: |case| (child_path(case, "/timeline"), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/children/{child_id}/peps",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: READERS,
            target: Target::Child,
            request: |case| (child_path(case, "/peps"), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/children/{child_id}/funding",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: READERS,
            target: Target::Child,
            request: |case| (child_path(case, "/funding"), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/peps/{pep_id}",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: READERS,
            target: Target::Child,
            request: |case| (format!("/api/v1/peps/{}", case.pep.pep_id), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/peps/{pep_id}/attachments",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: READERS,
            target: Target::Child,
            request: |case| {
                (
                    format!("/api/v1/peps/{}/attachments", case.pep.pep_id),
                    None,
                )
            },
        },
        Route {
            method: Method::GET,
            template: "/api/v1/peps/{pep_id}/attachments/{attachment_id}",
            allowed: READERS,
            la_wide: LA_WIDE_READERS,
            shared: READERS,
            target: Target::Child,
            request: |case| {
                let path = format!(
                    "/api/v1/peps/{}/attachments/{}",
                    case.pep.pep_id, case.attachment_id
                );
                (path, None)
            },
        },
        Route {
            method: Method::GET,
            template: "/api/v1/compliance",
            allowed: LA_WIDE_READERS,
            la_wide: LA_WIDE_READERS,
            shared: &[],
            target: Target::Caller,
            request: |_| ("/api/v1/compliance".to_owned(), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/compliance/summary",
            allowed: LA_WIDE_READERS,
            la_wide: LA_WIDE_READERS,
            shared: &[],
            target: Target::Caller,
            request: |_| ("/api/v1/compliance/summary".to_owned(), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/funding",
            allowed: LA_WIDE_READERS,
            la_wide: LA_WIDE_READERS,
            shared: &[],
            target: Target::Caller,
            request: |_| {
                let path = format!("/api/v1/funding?financial_year={FINANCIAL_YEAR}");
                (path, None)
            },
        },
        Route {
            method: Method::GET,
            template: "/api/v1/audit/children/{child_id}",
            allowed: AUDITORS,
            la_wide: AUDITORS,
            shared: AUDITORS,
            target: Target::Child,
            request: |case| (format!("/api/v1/audit/children/{}", case.child_id), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/audit/verify",
            allowed: AUDITORS,
            la_wide: AUDITORS,
            shared: &[],
            target: Target::Caller,
            request: |_| ("/api/v1/audit/verify".to_owned(), None),
        },
    ]
}
