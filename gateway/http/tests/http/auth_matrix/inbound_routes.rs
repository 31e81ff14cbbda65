//! The inbound feed routes of the matrix: only integration accounts post feeds; the Virtual
//! School and the administrator look after refused messages; the LA-wide readers see the
//! data-quality view. All of them act on the caller's own LA only.

use super::routes::{ADMIN, AUDITOR, VS};
use super::{Route, Target};
use axum::http::Method;
use pep_inbound::{Feed, RejectionKind, rejection_id};
use serde_json::{Value, json};
use uuid::Uuid;

const INTEGRATION: &str = "integration";
const MAINTAINERS: &[&str] = &[VS, ADMIN];
const DATA_QUALITY_READERS: &[&str] = &[VS, AUDITOR, ADMIN];

/// A placement refused for its unknown placement type, posted before the matrix runs so the
/// rejection routes have something to find.
pub(super) const REFUSED_PLACEMENT: &str = r#"{"message_id":"matrix-refused","source_system":"matrix","la":"831","la_child_id":"matrix-1","start_date":"2024-09-02","reason_new_episode":"S","legal_status":"C2","placement_type":"Q9","placement_provider":"PR1"}"#;

/// Its rejection's id: the bytes as the matrix sends them (the JSON value re-serialised).
fn refused_id() -> String {
    let sent = serde_json::from_str::<Value>(REFUSED_PLACEMENT)
        .unwrap()
        .to_string();
    rejection_id(
        Feed::Placement,
        "831",
        sent.as_bytes(),
        RejectionKind::UnknownCode,
    )
}

fn child_message() -> Value {
    json!({"message_id": Uuid::now_v7().to_string(), "source_system": "matrix", "la": "831",
           "la_child_id": Uuid::now_v7().simple().to_string(), "sex": 2, "dob": "2012-03-27"})
}

fn placement_message() -> Value {
    json!({"message_id": Uuid::now_v7().to_string(), "source_system": "matrix", "la": "831",
           "la_child_id": Uuid::now_v7().simple().to_string(), "start_date": "2024-09-02",
           "reason_new_episode": "S", "legal_status": "C2", "placement_type": "U4",
           "placement_provider": "PR1"})
}

pub(super) fn inbound_routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::POST,
            template: "/api/v1/inbound/child",
            allowed: &[INTEGRATION],
            la_wide: &[INTEGRATION],
            // The caller's own LA only: a shared record opens nothing here.
            shared: &[],
            target: Target::Caller,
            request: |_| ("/api/v1/inbound/child".to_owned(), Some(child_message())),
        },
        Route {
            method: Method::POST,
            template: "/api/v1/inbound/placement",
            allowed: &[INTEGRATION],
            la_wide: &[INTEGRATION],
            // The caller's own LA only: a shared record opens nothing here.
            shared: &[],
            target: Target::Caller,
            request: |_| {
                let path = "/api/v1/inbound/placement".to_owned();
                (path, Some(placement_message()))
            },
        },
        Route {
            method: Method::GET,
            template: "/api/v1/inbound/rejections",
            allowed: MAINTAINERS,
            la_wide: MAINTAINERS,
            // The caller's own LA only: a shared record opens nothing here.
            shared: &[],
            target: Target::Caller,
            request: |_| ("/api/v1/inbound/rejections".to_owned(), None),
        },
        Route {
            method: Method::GET,
            template: "/api/v1/inbound/rejections/{rejection_id}",
            allowed: MAINTAINERS,
            la_wide: MAINTAINERS,
            // The caller's own LA only: a shared record opens nothing here.
            shared: &[],
            target: Target::Caller,
            request: |_| (format!("/api/v1/inbound/rejections/{}", refused_id()), None),
        },
        Route {
            method: Method::POST,
            template: "/api/v1/inbound/rejections/{rejection_id}/resubmit",
            allowed: MAINTAINERS,
            la_wide: MAINTAINERS,
            // The caller's own LA only: a shared record opens nothing here.
            shared: &[],
            target: Target::Caller,
            request: |_| {
                let path = format!("/api/v1/inbound/rejections/{}/resubmit", refused_id());
                let mut corrected: Value = serde_json::from_str(REFUSED_PLACEMENT).unwrap();
                corrected["placement_type"] = json!("U4");
                (path, Some(corrected))
            },
        },
        Route {
            method: Method::GET,
            template: "/api/v1/data-quality",
            allowed: DATA_QUALITY_READERS,
            la_wide: DATA_QUALITY_READERS,
            // The caller's own LA only: a shared record opens nothing here.
            shared: &[],
            target: Target::Caller,
            request: |_| ("/api/v1/data-quality".to_owned(), None),
        },
    ]
}
