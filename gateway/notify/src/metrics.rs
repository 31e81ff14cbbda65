//! Delivery counters for `/metrics`: notices delivered and given up by channel, attempts by
//! channel and outcome, and the time from a delivery row being written to its delivery.

use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};
use std::fmt;

/// The counters. One per process; the worker counts, `/metrics` renders.
pub struct NoticeMetrics {
    registry: Registry,
    delivered: IntCounterVec,
    failed: IntCounterVec,
    attempts: IntCounterVec,
    latency: HistogramVec,
}

impl fmt::Debug for NoticeMetrics {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("NoticeMetrics")
            .finish_non_exhaustive()
    }
}

impl Default for NoticeMetrics {
    fn default() -> Self {
        Self::new()
    }
}

// The names and labels are constants checked by the unit test below, so building them cannot
// fail at run time.
#[allow(clippy::expect_used)]
fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let counter = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    registry
        .register(Box::new(counter.clone()))
        .expect("unique metric");
    counter
}

impl NoticeMetrics {
    /// Fresh counters.
    #[allow(clippy::expect_used)]
    pub fn new() -> Self {
        let registry = Registry::new();
        let delivered = counter(
            &registry,
            "pep_notices_delivered_total",
            "Notice deliveries that succeeded, by channel",
            &["channel"],
        );
        let failed = counter(
            &registry,
            "pep_notices_failed_total",
            "Notice deliveries given up after the bound of attempts, by channel",
            &["channel"],
        );
        let attempts = counter(
            &registry,
            "pep_notice_delivery_attempts_total",
            "Notice delivery attempts, by channel and outcome",
            &["channel", "outcome"],
        );
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "pep_notice_delivery_latency_seconds",
                "Time from a delivery being queued to its success, by channel",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 300.0, 3600.0,
            ]),
            &["channel"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(latency.clone()))
            .expect("unique metric");
        Self {
            registry,
            delivered,
            failed,
            attempts,
            latency,
        }
    }

    /// Counts one attempt; `latency_seconds` when it delivered.
    pub fn attempt(&self, channel: &str, delivered: bool, latency_seconds: Option<f64>) {
        let outcome = if delivered { "delivered" } else { "failed" };
        self.attempts.with_label_values(&[channel, outcome]).inc();
        if delivered {
            self.delivered.with_label_values(&[channel]).inc();
            if let Some(seconds) = latency_seconds {
                self.latency.with_label_values(&[channel]).observe(seconds);
            }
        }
    }

    /// Counts a delivery given up.
    pub fn gave_up(&self, channel: &str) {
        self.failed.with_label_values(&[channel]).inc();
    }

    /// The Prometheus text of these counters.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(%error, "cannot encode the notice metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_appear_in_the_text() {
        let metrics = NoticeMetrics::new();
        metrics.attempt("webhook", false, None);
        metrics.attempt("webhook", true, Some(0.2));
        metrics.gave_up("nats");
        let text = metrics.render();
        assert!(
            text.contains("pep_notices_delivered_total{channel=\"webhook\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("pep_notices_failed_total{channel=\"nats\"} 1"),
            "{text}"
        );
        assert!(text.contains(
            "pep_notice_delivery_attempts_total{channel=\"webhook\",outcome=\"failed\"} 1"
        ));
        assert!(text.contains("pep_notice_delivery_latency_seconds_count{channel=\"webhook\"} 1"));
    }
}
