//! Counters of the inbound feeds for `/metrics`: messages by feed and outcome, rejections by
//! feed and kind, and dead letters published. They are made before the HTTP state exists (the
//! consumer starts first) and registered into its registry when it is built.

use super::outcome::InboundOutcome;
use super::schema::Feed;
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// The inbound counters. Clones share their values.
#[derive(Debug, Clone)]
pub struct InboundMetrics {
    messages: IntCounterVec,
    rejections: IntCounterVec,
    dead_lettered: IntCounter,
}

impl Default for InboundMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl InboundMetrics {
    /// Fresh counters at zero.
    #[allow(clippy::expect_used)]
    pub fn new() -> Self {
        Self {
            messages: IntCounterVec::new(
                Opts::new(
                    "pep_inbound_messages_total",
                    "Inbound feed messages handled, by feed and outcome \
                     (applied, duplicate, waiting_for_child, rejected)",
                ),
                &["feed", "outcome"],
            )
            .expect("valid metric"),
            rejections: IntCounterVec::new(
                Opts::new(
                    "pep_inbound_rejections_total",
                    "Inbound feed messages refused, by feed and kind of problem",
                ),
                &["feed", "kind"],
            )
            .expect("valid metric"),
            dead_lettered: IntCounter::new(
                "pep_inbound_dead_lettered_total",
                "Refused inbound messages published to their dead-letter subject",
            )
            .expect("valid metric"),
        }
    }

    /// Adds these counters to `registry` (once per registry).
    pub fn register(&self, registry: &Registry) {
        for collector in [
            Box::new(self.messages.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(self.rejections.clone()),
            Box::new(self.dead_lettered.clone()),
        ] {
            if let Err(error) = registry.register(collector) {
                tracing::warn!(%error, "inbound metrics not registered");
            }
        }
    }

    pub(super) fn count(&self, feed: Feed, outcome: &InboundOutcome) {
        self.messages
            .with_label_values(&[feed.as_str(), outcome.name()])
            .inc();
        if let InboundOutcome::Rejected { reason, .. } = outcome {
            self.rejections
                .with_label_values(&[feed.as_str(), reason.kind.as_str()])
                .inc();
        }
    }

    pub(super) fn count_dead_lettered(&self) {
        self.dead_lettered.inc();
    }

    /// Messages of `feed` with `outcome` so far (tests and summaries).
    pub fn messages(&self, feed: Feed, outcome: &str) -> u64 {
        self.messages
            .with_label_values(&[feed.as_str(), outcome])
            .get()
    }
}
