//! `POST/GET /api/v1/webhooks`, `DELETE /api/v1/webhooks/{webhook_id}`: the receivers an LA
//! registers for its IRO notices (`docs/notices.md`). The Virtual School and administrators of
//! the LA manage them; another LA's webhook answers as not found. The signing secret is shown
//! once, in the answer to the registration.

use crate::access;
use crate::command::path_id;
use crate::extract::{Caller, read_json};
use crate::problem::{ApiError, FieldError};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pep_auth::Operation;
use pep_notify::signature::new_secret;
use pep_notify::tables::{NewWebhook, Webhook};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The longest URL accepted.
const MAX_URL_LENGTH: usize = 2000;
/// The longest description accepted.
const MAX_DESCRIPTION_LENGTH: usize = 500;

/// A webhook to register.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterWebhookBody {
    /// Where notices are POSTed (`https://...`; `http://` for receivers on a private network).
    pub url: String,
    /// What it is for ("case management system").
    #[serde(default)]
    pub description: String,
}

/// A registered webhook, with its signing secret (shown only here).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegisteredWebhook {
    /// The webhook.
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The HMAC-SHA256 key of `Pep-Signature`. Keep it: it is never shown again.
    pub secret: String,
}

/// An LA's webhooks.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookList {
    /// Active and deactivated, oldest first.
    pub webhooks: Vec<Webhook>,
}

fn check_url(url: &str) -> Result<(), FieldError> {
    let problem = |message: &str| FieldError {
        path: "body.url".to_owned(),
        message: message.to_owned(),
    };
    if url.len() > MAX_URL_LENGTH {
        return Err(problem("is longer than 2000 characters"));
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| problem("is not a URL"))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(problem("must be an https:// (or http://) URL"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(problem("has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(problem(
            "must not carry credentials; notices are signed instead",
        ));
    }
    Ok(())
}

/// Registers a webhook for the caller's LA; every notice requested from now on is POSTed to it.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "notices",
    request_body = RegisterWebhookBody,
    responses((status = 201, description = "Registered; the secret is shown only now", body = RegisteredWebhook))
)]
pub async fn register_webhook(
    State(state): State<AppState>,
    caller: Caller,
    body: Body,
) -> Result<(StatusCode, Json<RegisteredWebhook>), ApiError> {
    access::require_role(&caller.principal, Operation::ManageWebhooks)?;
    let input = read_json::<RegisterWebhookBody>(&state, &caller, body).await?;
    let mut errors = Vec::new();
    if let Err(error) = check_url(&input.value.url) {
        errors.push(error);
    }
    if input.value.description.chars().count() > MAX_DESCRIPTION_LENGTH {
        errors.push(FieldError {
            path: "body.description".to_owned(),
            message: "is longer than 500 characters".to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let secret = new_secret()
        .map_err(|error| ApiError::internal(format!("no randomness for the secret: {error}")))?;
    let webhook = NewWebhook {
        webhook_id: Uuid::now_v7(),
        la: caller.principal.la.to_string(),
        url: input.value.url,
        description: input.value.description,
        secret: secret.clone(),
        created_by: caller.principal.subject.clone(),
        created_at: state.clock().now(),
    };
    state.notice_tables().add_webhook(&webhook).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredWebhook {
            webhook: Webhook {
                webhook_id: webhook.webhook_id,
                la: webhook.la,
                url: webhook.url,
                description: webhook.description,
                active: true,
                created_by: webhook.created_by,
                created_at: webhook.created_at,
                deactivated_at: None,
            },
            secret,
        }),
    ))
}

/// The caller's LA's webhooks (without secrets).
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "notices",
    responses((status = 200, description = "The LA's webhooks", body = WebhookList))
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<WebhookList>, ApiError> {
    access::require_role(&caller.principal, Operation::ManageWebhooks)?;
    let webhooks = state
        .notice_tables()
        .webhooks(caller.principal.la.as_str())
        .await?;
    Ok(Json(WebhookList { webhooks }))
}

/// Deactivates a webhook: no new delivery is made to it, and its pending ones fail. Kept in
/// the list (deactivated) so past deliveries stay explained.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{webhook_id}",
    tag = "notices",
    params(("webhook_id" = Uuid, Path, description = "The webhook")),
    responses((status = 204, description = "Deactivated"))
)]
pub async fn deactivate_webhook(
    State(state): State<AppState>,
    Path(webhook_id): Path<String>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    access::require_role(&caller.principal, Operation::ManageWebhooks)?;
    let webhook_id: Uuid = path_id("webhook_id", &webhook_id)?;
    let found = state
        .notice_tables()
        .deactivate_webhook(
            caller.principal.la.as_str(),
            webhook_id,
            state.clock().now(),
        )
        .await?;
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "webhook {webhook_id} was not found"
        )))
    }
}
