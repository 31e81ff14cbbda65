//! The numbers `/metrics` serves in the Prometheus text format: requests by route and status,
//! their latency, events appended, the store's head position, and, when the relay runs in this
//! process, its lag and counters. Each state has its own registry, so tests never share counts.

use crate::relay::RelayMetrics;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use std::sync::Arc;

/// The relay's numbers, read from its live counters at each scrape.
#[derive(Debug)]
struct RelayGauges {
    source: Arc<RelayMetrics>,
    lag: IntGauge,
    head: IntGauge,
    checkpoint: IntGauge,
    is_leader: IntGauge,
    published: IntCounter,
    duplicates: IntCounter,
    restarts: IntCounter,
}

/// The gateway's metrics.
#[derive(Debug)]
pub struct HttpMetrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    events_appended: IntCounter,
    store_head: IntGauge,
    relay: Option<RelayGauges>,
}

// Metric names and labels are constants (a unit test builds them), so creating and registering
// them cannot fail at run time; a failure would be a programming error caught by that test.
#[allow(clippy::expect_used)]
fn register<M: prometheus::core::Collector + Clone + 'static>(registry: &Registry, metric: M) -> M {
    registry
        .register(Box::new(metric.clone()))
        .expect("metric names are constant and unique");
    metric
}

#[allow(clippy::expect_used)]
fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    register(
        registry,
        IntCounter::new(name, help).expect("valid metric name"),
    )
}

#[allow(clippy::expect_used)]
fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    register(
        registry,
        IntGauge::new(name, help).expect("valid metric name"),
    )
}

impl HttpMetrics {
    /// Fresh metrics, with the relay's when it runs in this process.
    #[allow(clippy::expect_used)]
    pub fn new(relay: Option<Arc<RelayMetrics>>) -> Self {
        let registry = Registry::new();
        let requests = register(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "pep_http_requests_total",
                    "HTTP requests answered, by route and status",
                ),
                &["method", "route", "status"],
            )
            .expect("valid metric"),
        );
        let latency = register(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "pep_http_request_duration_seconds",
                    "Time to answer an HTTP request, by route",
                ),
                &["method", "route"],
            )
            .expect("valid metric"),
        );
        let events_appended = counter(
            &registry,
            "pep_events_appended_total",
            "Events appended to the store by commands received over HTTP",
        );
        let store_head = gauge(
            &registry,
            "pep_store_head_position",
            "Global position of the last committed event, as of the last scrape",
        );
        let relay = relay.map(|source| RelayGauges {
            source,
            lag: gauge(
                &registry,
                "pep_relay_lag_events",
                "Events committed but not yet relayed",
            ),
            head: gauge(
                &registry,
                "pep_relay_head_position",
                "Last position the relay has seen",
            ),
            checkpoint: gauge(
                &registry,
                "pep_relay_checkpoint_position",
                "Position the relay has saved as done",
            ),
            is_leader: gauge(
                &registry,
                "pep_relay_is_leader",
                "1 when this relay is the active one",
            ),
            published: counter(&registry, "pep_relay_published_total", "Events published"),
            duplicates: counter(
                &registry,
                "pep_relay_duplicates_total",
                "Publishes the destination already had",
            ),
            restarts: counter(
                &registry,
                "pep_relay_restarts_total",
                "Relay runs restarted after an error",
            ),
        });
        Self {
            registry,
            requests,
            latency,
            events_appended,
            store_head,
            relay,
        }
    }

    /// Counts one answered request. `route` is the matched template, never the raw path, so the
    /// number of series stays bounded.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// Counts events a command appended.
    pub fn count_appended(&self, events: usize) {
        self.events_appended.inc_by(events as u64);
    }

    /// Records the store's head position.
    pub fn set_store_head(&self, position: u64) {
        self.store_head
            .set(i64::try_from(position).unwrap_or(i64::MAX));
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        if let Some(relay) = &self.relay {
            let status = relay.source.status();
            let as_gauge = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
            relay.lag.set(as_gauge(status.lag()));
            relay.head.set(as_gauge(status.head));
            relay.checkpoint.set(as_gauge(status.checkpoint));
            relay.is_leader.set(i64::from(status.is_leader));
            // The relay's counters only grow; catch the exported counters up to them.
            for (counter, value) in [
                (&relay.published, status.published),
                (&relay.duplicates, status.duplicates),
                (&relay.restarts, status.restarts),
            ] {
                counter.inc_by(value.saturating_sub(counter.get()));
            }
        }
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(%error, "cannot encode metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_relay_lag_appear_in_the_text_format() {
        let metrics = HttpMetrics::new(Some(Arc::new(RelayMetrics::default())));
        metrics.observe_request("POST", "/api/v1/children", 201, 0.01);
        metrics.count_appended(2);
        let text = metrics.render();
        assert!(text.contains(
            "pep_http_requests_total{method=\"POST\",route=\"/api/v1/children\",status=\"201\"} 1"
        ));
        assert!(text.contains("pep_events_appended_total 2"));
        assert!(text.contains("pep_relay_lag_events 0"));
        assert!(text.contains("pep_http_request_duration_seconds_bucket"));
    }

    #[test]
    fn without_a_relay_no_relay_metrics_are_exported() {
        let text = HttpMetrics::new(None).render();
        assert!(!text.contains("pep_relay_"));
    }
}
