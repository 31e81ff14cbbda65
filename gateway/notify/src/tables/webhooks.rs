//! The LAs' registered webhooks. The signing secret is stored (the worker signs with it) but
//! only ever shown once, in the answer to the registration.

use super::NoticeTables;
use super::{instant, micros, on_pool, uuid};
use chrono::{DateTime, Utc};
use pep_records::RecordError;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;
use uuid::Uuid;

/// A webhook as listed (without its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Webhook {
    /// Its id.
    pub webhook_id: Uuid,
    /// The LA whose notices it receives.
    pub la: String,
    /// Where notices are POSTed.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// False once deactivated.
    pub active: bool,
    /// Who registered it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was deactivated.
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// A webhook to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    /// Its id.
    pub webhook_id: Uuid,
    /// The LA.
    pub la: String,
    /// The URL.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The signing secret.
    pub secret: String,
    /// Who registers it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "webhook_id, la, url, description, active, created_by, created_at_micros, \
    deactivated_at_micros";

impl NoticeTables {
    /// Registers a webhook.
    pub async fn add_webhook(&self, webhook: &NewWebhook) -> Result<(), RecordError> {
        on_pool!(&self.database, pool => {
            sqlx::query(
                "INSERT INTO gateway_webhooks (webhook_id, la, url, description, secret, active, \
                 created_by, created_at_micros, deactivated_at_micros) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $7, NULL)",
            )
            .bind(webhook.webhook_id.to_string())
            .bind(&webhook.la)
            .bind(&webhook.url)
            .bind(&webhook.description)
            .bind(&webhook.secret)
            .bind(&webhook.created_by)
            .bind(micros(webhook.created_at))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// An LA's webhooks, active and deactivated, oldest first.
    pub async fn webhooks(&self, la: &str) -> Result<Vec<Webhook>, RecordError> {
        self.webhooks_where("la = $1 ORDER BY created_at_micros, webhook_id", la)
            .await
    }

    /// The LA's active webhooks, which every new notice is delivered to.
    pub async fn active_webhooks(&self, la: &str) -> Result<Vec<Webhook>, RecordError> {
        self.webhooks_where(
            "la = $1 AND active = 1 ORDER BY created_at_micros, webhook_id",
            la,
        )
        .await
    }

    async fn webhooks_where(&self, condition: &str, la: &str) -> Result<Vec<Webhook>, RecordError> {
        let sql = format!("SELECT {COLUMNS} FROM gateway_webhooks WHERE {condition}");
        on_pool!(&self.database, pool => {
            let rows = sqlx::query(&sql).bind(la).fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    let deactivated: Option<i64> = row.try_get("deactivated_at_micros")?;
                    Ok(Webhook {
                        webhook_id: uuid(&row.try_get::<String, _>("webhook_id")?)?,
                        la: row.try_get("la")?,
                        url: row.try_get("url")?,
                        description: row.try_get("description")?,
                        active: row.try_get::<i64, _>("active")? == 1,
                        created_by: row.try_get("created_by")?,
                        created_at: instant(row.try_get("created_at_micros")?)?,
                        deactivated_at: deactivated.map(instant).transpose()?,
                    })
                })
                .collect::<Result<Vec<_>, RecordError>>()
        })
    }

    /// Where and with what secret to deliver to a webhook; `None` when it is unknown or
    /// deactivated.
    pub async fn webhook_endpoint(
        &self,
        webhook_id: &str,
    ) -> Result<Option<(String, String)>, RecordError> {
        on_pool!(&self.database, pool => {
            let row = sqlx::query(
                "SELECT url, secret FROM gateway_webhooks WHERE webhook_id = $1 AND active = 1",
            )
            .bind(webhook_id)
            .fetch_optional(pool)
            .await?;
            row.map(|row| Ok((row.try_get("url")?, row.try_get("secret")?)))
                .transpose()
        })
    }

    /// Deactivates an LA's webhook; `false` when the LA has no such webhook. Deactivating
    /// twice is not an error.
    pub async fn deactivate_webhook(
        &self,
        la: &str,
        webhook_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool, RecordError> {
        on_pool!(&self.database, pool => {
            let found = sqlx::query(
                "UPDATE gateway_webhooks SET active = 0, \
                 deactivated_at_micros = COALESCE(deactivated_at_micros, $1) \
                 WHERE webhook_id = $2 AND la = $3",
            )
            .bind(micros(now))
            .bind(webhook_id.to_string())
            .bind(la)
            .execute(pool)
            .await?
            .rows_affected();
            Ok(found > 0)
        })
    }
}
