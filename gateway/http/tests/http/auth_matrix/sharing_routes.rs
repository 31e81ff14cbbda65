//! The routes of the matrix that share a child's record with another LA and end the sharing:
//! only the placing LA's Virtual School and admin may, so on a record another LA shares with
//! the caller's everyone gets 404 (LA-wide writes never carry over to the host LA). They run
//! after every other route, sharing the case's child with LA 830 (in no caller's LA) and ending
//! it again, so no other route's expectations change.

use super::routes::{ADMIN, LA_WIDE_WRITERS, VS, child_path};
use super::{Route, Target};
use axum::http::Method;
use serde_json::json;

pub(super) fn sharing_routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/sharing",
            allowed: &[VS, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            // Only the placing LA shares its child's record: the host LA's Virtual School and
            // admin are LA-wide writers, whose reach does not carry over.
            shared: &[],
            target: Target::Child,
            request: |case| {
                let body = json!({"la": "830", "reason": "Placed out of area"});
                (child_path(case, "/sharing"), Some(body))
            },
        },
        Route {
            method: Method::POST,
            template: "/api/v1/children/{child_id}/sharing/{la}/end",
            allowed: &[VS, ADMIN],
            la_wide: LA_WIDE_WRITERS,
            shared: &[],
            target: Target::Child,
            // After the route above shared the record with 830 (the first caller ends it; a
            // second end is a state conflict, which still got through).
            request: |case| (child_path(case, "/sharing/830/end"), Some(json!({}))),
        },
    ]
}
