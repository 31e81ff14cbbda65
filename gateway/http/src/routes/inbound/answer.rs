//! How the inbound routes answer, shared by the feed endpoints and the rejections endpoints: the
//! handler the server was started with (or 503 without it), the handler's errors as problems,
//! and what a message became as a response. A resubmission answers exactly as a first
//! delivery does, so both kinds of endpoint need the same words.

use crate::problem::{ApiError, FieldError, ProblemKind};
use axum::Json;
use axum::extract::Extension;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pep_inbound::{InboundError, InboundHandler, InboundOutcome};

pub(super) fn inbound(
    extension: Option<Extension<InboundHandler>>,
) -> Result<InboundHandler, ApiError> {
    extension.map(|Extension(handler)| handler).ok_or_else(|| {
        ApiError::unavailable(
            "this server was started without the inbound feeds",
            crate::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        )
    })
}

pub(super) fn inbound_error(error: InboundError) -> ApiError {
    match error {
        InboundError::Unavailable(reason) => ApiError::unavailable(
            reason,
            crate::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        ),
        InboundError::Failed(reason) => ApiError::internal(reason),
    }
}

pub(super) fn log_error(error: projections::runtime::ProjectionError) -> ApiError {
    inbound_error(error.into())
}

/// What a message became: 200 applied or duplicate, 202 waiting for its child, and 422
/// `inbound-rejected` (with the rejection's id and every problem) when it was refused.
pub(super) fn outcome_response(outcome: InboundOutcome) -> Result<Response, ApiError> {
    match outcome {
        InboundOutcome::Rejected {
            rejection_id,
            reason,
        } => Err(ApiError::new(
            ProblemKind::InboundRejected,
            format!(
                "the message was refused ({}) and recorded as rejection {rejection_id}; \
                 see /api/v1/inbound/rejections/{rejection_id}",
                reason.summary()
            ),
        )
        .with_rule(format!("inbound.{}", reason.kind.as_str()))
        .with_errors(
            reason
                .problems
                .into_iter()
                .map(|problem| FieldError {
                    path: if problem.path.is_empty() {
                        "body".to_owned()
                    } else {
                        format!("body{}", problem.path.replace('/', "."))
                    },
                    message: problem.message,
                })
                .collect(),
        )),
        outcome @ InboundOutcome::WaitingForChild { .. } => {
            Ok((StatusCode::ACCEPTED, Json(outcome)).into_response())
        }
        outcome => Ok((StatusCode::OK, Json(outcome)).into_response()),
    }
}
