//! Answers the routes themselves never give, each as a problem document like every other
//! error: no such route, a method the route does not take, a handler that panicked, a request
//! that ran out of time, and a body over the service-wide size bound.

use crate::problem::{ApiError, PROBLEM_JSON, ProblemKind};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::any::Any;
use std::time::Duration;

/// The answer for a path no route takes.
pub async fn no_such_route(request: Request) -> Response {
    ApiError::new(
        ProblemKind::NoSuchRoute,
        format!(
            "no route matches {} {}",
            request.method(),
            request.uri().path()
        ),
    )
    .into_response()
}

/// The answer for a route that does not take the method.
pub async fn method_not_allowed(request: Request) -> Response {
    ApiError::new(
        ProblemKind::MethodNotAllowed,
        format!(
            "{} does not take {}",
            request.uri().path(),
            request.method()
        ),
    )
    .into_response()
}

/// The answer when a handler panics: a 500 problem whose reason (the panic's message) is logged
/// under the request id and never shown. The process and every other request carry on.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    ApiError::internal(format!("the handler panicked: {message}")).into_response()
}

/// The status the timeout layer answers with; turned into a problem by
/// [`bare_errors_as_problems`].
pub const TIMEOUT_STATUS: StatusCode = StatusCode::SERVICE_UNAVAILABLE;

/// Turns the answers of `tower-http`'s timeout layer (no body) and body-limit layer (a line of
/// plain text) into problem documents. Every other response passes unchanged, the readiness
/// check's own 503 document included.
pub fn bare_errors_as_problems(response: Response, timeout: Duration) -> Response {
    if is_problem(&response) {
        return response;
    }
    let bodiless = !response.headers().contains_key(header::CONTENT_TYPE);
    match response.status() {
        TIMEOUT_STATUS if bodiless => ApiError::new(
            ProblemKind::Unavailable,
            format!(
                "the request took longer than {} seconds and was stopped; a change it asked for may or may not have been recorded, so retry it with the same Idempotency-Key, which answers the first result if there was one",
                timeout.as_secs()
            ),
        )
        .with_retry_after(1)
        .with_internal_reason(format!("request timed out after {timeout:?}"))
        .into_response(),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            ProblemKind::PayloadTooLarge,
            "the body is larger than any operation of this service accepts",
        )
        .into_response(),
        _ => response,
    }
}

/// Whether a response is a problem document.
pub fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_timeout_becomes_an_unavailable_problem_with_retry_after() {
        let bare = TIMEOUT_STATUS.into_response();
        let answer = bare_errors_as_problems(bare, Duration::from_secs(30));
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(is_problem(&answer));
        assert_eq!(answer.headers()[header::RETRY_AFTER], "1");
    }

    #[test]
    fn a_problem_already_made_passes_unchanged() {
        let made = ApiError::unavailable("pool timed out", 5).into_response();
        let answer = bare_errors_as_problems(made, Duration::from_secs(30));
        assert_eq!(answer.headers()[header::RETRY_AFTER], "5");
    }

    #[test]
    fn a_panic_answers_500_and_keeps_its_message_out_of_the_body() {
        let answer = panic_response(Box::new("index out of bounds"));
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(is_problem(&answer));
        let reason = answer
            .extensions()
            .get::<crate::problem::InternalReason>()
            .unwrap();
        assert!(reason.0.contains("index out of bounds"));
    }
}
