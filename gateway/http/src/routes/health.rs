//! Operational routes, open without a token: `/healthz` (the process answers), `/readyz` (the
//! store and every injected probe answer, so a load balancer sends traffic only where it can be
//! served), `/metrics` (Prometheus text) and the OpenAPI document.

use crate::problem::{ApiError, Problem, ProblemKind};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use utoipa::ToSchema;

/// How long one readiness check may take before it counts as failed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Seconds a load balancer should wait before asking again when not ready.
const NOT_READY_RETRY_AFTER_SECONDS: u64 = 5;

/// The answer of `/healthz` and of a ready `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok` or `ready`.
    pub status: String,
    /// What was checked (readiness only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process answers", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        checks: Vec::new(),
    })
}

/// The event store, the gateway's tables and every injected probe (NATS, read models) answer.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Not ready; the failing checks are named", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    let mut reasons = Vec::new();
    let mut record = |name: &str, result: Result<(), String>| match result {
        Ok(()) => passed.push(name.to_owned()),
        Err(reason) => {
            failed.push(name.to_owned());
            reasons.push(format!("{name}: {reason}"));
        }
    };
    let store = timed(async {
        state
            .store()
            .head_position()
            .await
            .map(|_| ())
            .map_err(|error| error.to_string())
    })
    .await;
    record("event-store", store);
    let records = timed(async {
        state
            .records()
            .ping()
            .await
            .map_err(|error| error.to_string())
    })
    .await;
    record("gateway-tables", records);
    for probe in state.readiness_probes() {
        let result = timed(probe.check()).await;
        record(probe.name(), result);
    }
    if failed.is_empty() {
        Ok(Json(Health {
            status: "ready".to_owned(),
            checks: passed,
        }))
    } else {
        Err(ApiError::new(
            ProblemKind::Unavailable,
            format!("not ready: {} cannot be reached", failed.join(", ")),
        )
        .with_internal_reason(reasons.join("; "))
        .with_retry_after(NOT_READY_RETRY_AFTER_SECONDS))
    }
}

async fn timed(check: impl Future<Output = Result<(), String>>) -> Result<(), String> {
    tokio::time::timeout(CHECK_TIMEOUT, check)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {CHECK_TIMEOUT:?}")))
}

/// Metrics in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", body = String,
        content_type = "text/plain; version=0.0.4")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    if let Ok(Ok(head)) = tokio::time::timeout(CHECK_TIMEOUT, state.store().head_position()).await {
        state.metrics().set_store_head(head);
    }
    let mut text = state.metrics().render();
    text.push_str(&state.notices().metrics.render());
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The OpenAPI document, generated from the code, as served.
#[derive(Debug, Clone)]
pub struct OpenApiDocument(pub Arc<serde_json::Value>);

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub async fn openapi_json(
    Extension(document): Extension<OpenApiDocument>,
) -> Json<serde_json::Value> {
    Json(document.0.as_ref().clone())
}
