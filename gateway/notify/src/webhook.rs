//! The webhook channel: POST the notice's JSON, signed (see [`super::signature`]), with
//! `Pep-Notice-Id`, `Pep-Delivery-Id` and `Pep-Delivery-Attempt`. A 2xx answer is delivered;
//! anything else, a timeout or a connection failure is a failed attempt.

use super::signature::{SIGNATURE_HEADER, signature_header};
use uuid::Uuid;

/// How a POST ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAnswer {
    /// The HTTP status, when the receiver answered.
    pub status: Option<u16>,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

impl WebhookAnswer {
    /// No error, and a 2xx answer when there was an HTTP answer at all (a NATS
    /// acknowledgement has none).
    pub fn delivered(&self) -> bool {
        self.error.is_none()
            && self
                .status
                .is_none_or(|status| (200..300).contains(&status))
    }
}

/// One webhook POST, signed as of `signed_at` (the attempt's start on the worker's clock). The
/// client's timeout bounds it.
#[allow(clippy::too_many_arguments)]
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    notice_id: Uuid,
    delivery_id: Uuid,
    attempt: u32,
    payload: &str,
    signed_at: chrono::DateTime<chrono::Utc>,
) -> WebhookAnswer {
    let Ok(signature) = signature_header(secret, signed_at.timestamp(), payload.as_bytes()) else {
        return WebhookAnswer {
            status: None,
            error: Some("the notice could not be signed".to_owned()),
        };
    };
    let result = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header("Pep-Notice-Id", notice_id.to_string())
        .header("Pep-Delivery-Id", delivery_id.to_string())
        .header("Pep-Delivery-Attempt", attempt.to_string())
        .body(payload.to_owned())
        .send()
        .await;
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            WebhookAnswer {
                status: Some(status),
                error: (!response.status().is_success())
                    .then(|| format!("the receiver answered {status}")),
            }
        }
        Err(error) => WebhookAnswer {
            status: None,
            error: Some(if error.is_timeout() {
                "the receiver did not answer in time".to_owned()
            } else if error.is_connect() {
                "could not connect to the receiver".to_owned()
            } else {
                format!("the request failed: {error}")
            }),
        },
    }
}
