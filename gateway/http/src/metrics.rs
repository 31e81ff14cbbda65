//! The numbers `/metrics` serves in the Prometheus text format: requests by route and status,
//! their latency, events appended, the store's head position, and, when the relay and the
//! projectors run in this process, the relay's lag and counters and each projector's lag (so an
//! alert can say which read model is behind, by how many events and how many seconds). Each
//! state has its own registry, so tests never share counts.

use pep_messaging::projection_feed::ProjectionStatus;
use pep_messaging::relay::RelayMetrics;
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
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

/// Every projector's numbers, one series per projector, read from the projection status at each
/// scrape. A projector whose lag has not been measured yet (or cannot be, while the database is
/// down) has no lag series: an absent series is honest, a zero would say "caught up".
#[derive(Debug)]
struct ProjectorGauges {
    source: ProjectionStatus,
    positions_behind: IntGaugeVec,
    seconds_behind: GaugeVec,
    checkpoint: IntGaugeVec,
    caught_up_once: IntGaugeVec,
    failures: IntCounterVec,
}

impl ProjectorGauges {
    #[allow(clippy::expect_used)]
    fn new(registry: &Registry, source: ProjectionStatus) -> Self {
        let labels = &["projector"];
        let int_gauges = |name: &str, help: &str| {
            register(
                registry,
                IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric"),
            )
        };
        Self {
            positions_behind: int_gauges(
                "pep_projector_lag_events",
                "Events committed to the log that the projector has not applied yet",
            ),
            seconds_behind: register(
                registry,
                GaugeVec::new(
                    Opts::new(
                        "pep_projector_lag_seconds",
                        "Recorded time between the log's head and the projector's last applied event",
                    ),
                    labels,
                )
                .expect("valid metric"),
            ),
            checkpoint: int_gauges(
                "pep_projector_checkpoint_position",
                "Global position the projector has applied (as of its last lag measurement)",
            ),
            caught_up_once: int_gauges(
                "pep_projector_caught_up",
                "1 once the projector has caught up with the log since it started",
            ),
            failures: register(
                registry,
                IntCounterVec::new(
                    Opts::new(
                        "pep_projector_failures_total",
                        "Feed or database failures the projector retried after",
                    ),
                    labels,
                )
                .expect("valid metric"),
            ),
            source,
        }
    }

    fn refresh(&self) {
        for status in self.source.snapshot() {
            let labels = [status.projector];
            self.caught_up_once
                .with_label_values(&labels)
                .set(i64::from(status.caught_up_once));
            let failures = self.failures.with_label_values(&labels);
            // The status counts only up; catch the exported counter up to it.
            failures.inc_by(status.failures.saturating_sub(failures.get()));
            match status.lag {
                Some(lag) => {
                    self.positions_behind
                        .with_label_values(&labels)
                        .set(as_gauge(lag.positions_behind));
                    self.seconds_behind
                        .with_label_values(&labels)
                        .set(lag.seconds_behind);
                    self.checkpoint
                        .with_label_values(&labels)
                        .set(as_gauge(lag.checkpoint));
                }
                None => {
                    // Removing a series that was never set fails harmlessly.
                    let _ = self.positions_behind.remove_label_values(&labels);
                    let _ = self.seconds_behind.remove_label_values(&labels);
                    let _ = self.checkpoint.remove_label_values(&labels);
                }
            }
        }
    }
}

fn as_gauge(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
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
    projectors: Option<ProjectorGauges>,
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
    /// Fresh metrics, with the relay's and the projectors' when they run in this process.
    #[allow(clippy::expect_used)]
    pub fn new(relay: Option<Arc<RelayMetrics>>, projections: Option<ProjectionStatus>) -> Self {
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
        let projectors = projections.map(|source| ProjectorGauges::new(&registry, source));
        Self {
            registry,
            requests,
            latency,
            events_appended,
            store_head,
            relay,
            projectors,
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
        self.store_head.set(as_gauge(position));
    }

    /// The registry, for other parts of the process (the inbound feeds) to add their own
    /// collectors to this state's `/metrics`.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        if let Some(relay) = &self.relay {
            let status = relay.source.status();
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
        if let Some(projectors) = &self.projectors {
            projectors.refresh();
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
        let metrics = HttpMetrics::new(Some(Arc::new(RelayMetrics::default())), None);
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
        let text = HttpMetrics::new(None, None).render();
        assert!(!text.contains("pep_relay_"));
        assert!(!text.contains("pep_projector_"));
    }

    #[test]
    fn each_projector_shows_its_lag_once_measured() {
        use pep_messaging::projection_feed::FeedKind;
        use projections::runtime::ProjectorLag;

        let status = ProjectionStatus::new(&["chronology", "funding"], FeedKind::Bus);
        let metrics = HttpMetrics::new(None, Some(status.clone()));
        let text = metrics.render();
        assert!(
            text.contains("pep_projector_caught_up{projector=\"funding\"} 0"),
            "{text}"
        );
        assert!(
            !text.contains("pep_projector_lag_events{"),
            "unmeasured: no series\n{text}"
        );

        status.update("funding", |projector| {
            projector.caught_up_once = true;
            projector.failures = 2;
            projector.lag = Some(ProjectorLag {
                projector: "funding",
                checkpoint: 40,
                head_position: 47,
                positions_behind: 7,
                seconds_behind: 2.5,
            });
        });
        let text = metrics.render();
        for line in [
            "pep_projector_lag_events{projector=\"funding\"} 7",
            "pep_projector_lag_seconds{projector=\"funding\"} 2.5",
            "pep_projector_checkpoint_position{projector=\"funding\"} 40",
            "pep_projector_caught_up{projector=\"funding\"} 1",
            "pep_projector_failures_total{projector=\"funding\"} 2",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        assert!(!text.contains("pep_projector_lag_events{projector=\"chronology\"}"));

        status.update("funding", |projector| projector.lag = None);
        let text = metrics.render();
        assert!(
            !text.contains("pep_projector_lag_events{projector=\"funding\"}"),
            "{text}"
        );
        assert!(text.contains("pep_projector_failures_total{projector=\"funding\"} 2"));
    }
}
