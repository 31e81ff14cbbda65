//! The delivery worker: attempts due NATS and webhook deliveries, logs each attempt with its
//! outcome, HTTP status, error and duration, and reschedules failures with exponential backoff
//! and full jitter until the bound, when the delivery becomes `failed`.
//!
//! It wakes at once when the dispatcher or a manual retry queues rows (a `Notify` in the
//! process) and otherwise when the next retry falls due, at least every poll interval (rows
//! queued by another process). The record of an attempt is written after the attempt, so a
//! crash in between repeats it: delivery is at least once, deduplicated by the stable ids.

use super::config::NoticeConfig;
use super::metrics::NoticeMetrics;
use super::nats::NoticePublisher;
use super::tables::{AttemptOutcome, AttemptRecord, DueDelivery};
use super::webhook::{WebhookAnswer, post};
use crate::tables::NoticeTables;
use commands::clock::Clock;
use pep_messaging::backoff::{jitter_random, retry_delay};
use pep_records::RecordDatabase;
use pep_records::RecordError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Attempts deliveries.
#[derive(Debug, Clone)]
pub struct DeliveryWorker {
    records: NoticeTables,
    config: NoticeConfig,
    nats: Option<Arc<NoticePublisher>>,
    http: reqwest::Client,
    wake: Arc<Notify>,
    metrics: Arc<NoticeMetrics>,
    /// Decides which deliveries are due, stamps attempts and schedules retries; tests fix it.
    clock: Arc<dyn Clock>,
}

impl DeliveryWorker {
    /// A worker reading the time from `clock`; `nats` is `None` in embedded mode (NATS rows are
    /// then never written).
    pub fn new(
        records: RecordDatabase,
        config: NoticeConfig,
        nats: Option<Arc<NoticePublisher>>,
        wake: Arc<Notify>,
        metrics: Arc<NoticeMetrics>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.attempt_timeout)
            .connect_timeout(config.attempt_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("pep-ledger-notices/1")
            .build()?;
        Ok(Self {
            records: NoticeTables::new(records),
            config,
            nats,
            http,
            wake,
            metrics,
            clock,
        })
    }

    /// Attempts every delivery due now, concurrently; returns how many were attempted.
    pub async fn run_once(&self) -> Result<usize, RecordError> {
        let due = self
            .records
            .due_deliveries(self.clock.now(), self.config.batch_size.max(1))
            .await?;
        let count = due.len();
        let results =
            futures::future::join_all(due.into_iter().map(|delivery| self.attempt(delivery))).await;
        results.into_iter().collect::<Result<Vec<()>, _>>()?;
        Ok(count)
    }

    /// Delivers until `stop` is cancelled; returns on a database error (the caller restarts).
    pub async fn run(&self, stop: &tokio_util::sync::CancellationToken) -> Result<(), RecordError> {
        while !stop.is_cancelled() {
            if self.run_once().await? > 0 {
                continue;
            }
            let wait = match self.records.next_due_at().await? {
                Some(at) => (at - self.clock.now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(self.config.poll_interval),
                None => self.config.poll_interval,
            };
            tokio::select! {
                () = stop.cancelled() => {}
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        Ok(())
    }

    async fn attempt(&self, delivery: DueDelivery) -> Result<(), RecordError> {
        let number = delivery.attempts + 1;
        let started_at = self.clock.now();
        // The duration is measured on the monotonic clock: it is how long the attempt took, not
        // a time of day, and a manual clock standing still would make every attempt last 0 ms.
        let stopwatch = Instant::now();
        let answer = self.send(&delivery, number, started_at).await;
        let duration_ms = u64::try_from(stopwatch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let delivered = answer.delivered();
        let since_retry = delivery.attempts_since_retry + 1;
        let outcome = if delivered {
            AttemptOutcome::Delivered
        } else if answer.status.is_none() && answer.error.as_deref() == Some(GONE)
            || since_retry >= self.config.max_attempts
        {
            AttemptOutcome::GiveUp
        } else {
            let delay = retry_delay(
                since_retry,
                self.config.backoff_base,
                self.config.backoff_cap,
                jitter_random(),
            );
            AttemptOutcome::Retry(
                self.clock.now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX),
            )
        };
        let record = AttemptRecord {
            attempt: number,
            started_at,
            duration_ms,
            outcome: if delivered { "delivered" } else { "failed" }.to_owned(),
            http_status: answer.status,
            error: answer.error.clone(),
        };
        self.records
            .record_attempt(delivery.delivery_id, &record, &outcome)
            .await?;
        let latency = delivered.then(|| {
            (self.clock.now() - delivery.created_at)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .as_secs_f64()
        });
        self.metrics.attempt(&delivery.channel, delivered, latency);
        match outcome {
            AttemptOutcome::GiveUp => {
                self.metrics.gave_up(&delivery.channel);
                tracing::warn!(
                    delivery_id = %delivery.delivery_id,
                    notice_id = %delivery.notice_id,
                    channel = %delivery.channel,
                    attempts = number,
                    error = answer.error.as_deref().unwrap_or(""),
                    "a notice delivery failed for good"
                );
            }
            AttemptOutcome::Retry(at) => tracing::info!(
                delivery_id = %delivery.delivery_id,
                channel = %delivery.channel,
                attempt = number,
                retry_at = %at,
                error = answer.error.as_deref().unwrap_or(""),
                "a notice delivery failed; retrying later"
            ),
            AttemptOutcome::Delivered => {}
        }
        Ok(())
    }

    async fn send(
        &self,
        delivery: &DueDelivery,
        attempt: u32,
        started_at: chrono::DateTime<chrono::Utc>,
    ) -> WebhookAnswer {
        match delivery.channel.as_str() {
            "nats" => {
                let Some(nats) = &self.nats else {
                    return failure("NATS is not configured on the process delivering notices");
                };
                let publish = nats.publish(
                    &delivery.target,
                    delivery.delivery_id,
                    delivery.notice_id,
                    &delivery.payload,
                );
                match tokio::time::timeout(self.config.attempt_timeout, publish).await {
                    Ok(Ok(_)) => WebhookAnswer {
                        status: None,
                        error: None,
                    },
                    Ok(Err(error)) => failure(&error),
                    Err(_) => failure("NATS did not acknowledge in time"),
                }
            }
            "webhook" => match self.records.webhook_endpoint(&delivery.target).await {
                Ok(Some((url, secret))) => {
                    post(
                        &self.http,
                        &url,
                        &secret,
                        delivery.notice_id,
                        delivery.delivery_id,
                        attempt,
                        &delivery.payload,
                        started_at,
                    )
                    .await
                }
                Ok(None) => failure(GONE),
                Err(error) => failure(&format!("could not read the webhook: {error}")),
            },
            other => failure(&format!("unknown channel {other:?}")),
        }
    }
}

/// The error of a delivery whose webhook was deactivated: nothing left to deliver to.
const GONE: &str = "the webhook was deactivated";

fn failure(reason: &str) -> WebhookAnswer {
    WebhookAnswer {
        status: None,
        error: Some(reason.to_owned()),
    }
}

#[cfg(test)]
#[path = "worker_tests.rs"]
mod tests;
