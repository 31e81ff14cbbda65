//! What each running projector is doing and how far behind the log it is, shared between the
//! projector tasks that update it and the HTTP layer that reads it for `/metrics` and `/readyz`.

use projections::runtime::ProjectorLag;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Where a projector's events come from while it follows the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    /// A durable JetStream pull consumer on `PEP_EVENTS`.
    JetStream,
    /// The in-process bus (embedded mode).
    Bus,
}

/// What a projector task is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedState {
    /// Reading the store from its checkpoint to the head before following the feed.
    CatchingUp,
    /// Applying what the feed delivers.
    Following,
    /// The feed or the database failed; waiting before trying again (and catching up from the
    /// store meanwhile, when the database allows).
    Retrying,
    /// Shut down.
    Stopped,
}

/// One projector's state, counters and lag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectorStatus {
    /// The projector (its checkpoint key).
    pub projector: &'static str,
    /// Where its events come from.
    pub feed: FeedKind,
    /// What it is doing.
    pub state: FeedState,
    /// True once it has caught up with the store at least once since it started: until then
    /// its read model may be far behind, and the service is not ready.
    pub caught_up_once: bool,
    /// The last lag measured (every `lag_interval`); `None` before the first measurement or
    /// while the database cannot be asked.
    pub lag: Option<ProjectorLag>,
    /// Events applied from feed deliveries, including any gap a delivery filled from the store.
    pub applied_from_feed: u64,
    /// Events applied by catching up from the store (at start, while the feed is down, or when
    /// the feed is idle but the store is ahead).
    pub applied_from_store: u64,
    /// Delivered events skipped because the checkpoint already covered them (redeliveries).
    pub skipped_redeliveries: u64,
    /// Feed messages that were not events (acknowledged and ignored; the store is the truth).
    pub ignored_messages: u64,
    /// Failures since start (feed or database); each is followed by a backoff and a retry.
    pub failures: u64,
    /// The latest failure, cleared once the projector makes progress again.
    pub last_error: Option<String>,
}

impl ProjectorStatus {
    fn new(projector: &'static str, feed: FeedKind) -> Self {
        Self {
            projector,
            feed,
            state: FeedState::CatchingUp,
            caught_up_once: false,
            lag: None,
            applied_from_feed: 0,
            applied_from_store: 0,
            skipped_redeliveries: 0,
            ignored_messages: 0,
            failures: 0,
            last_error: None,
        }
    }
}

/// Every projector's status. Cheap to clone; clones share the same values.
#[derive(Debug, Clone, Default)]
pub struct ProjectionStatus {
    projectors: Arc<RwLock<BTreeMap<&'static str, ProjectorStatus>>>,
}

impl ProjectionStatus {
    /// A status board for `projectors`, all catching up.
    pub fn new(projectors: &[&'static str], feed: FeedKind) -> Self {
        let map = projectors
            .iter()
            .map(|name| (*name, ProjectorStatus::new(name, feed)))
            .collect();
        Self {
            projectors: Arc::new(RwLock::new(map)),
        }
    }

    /// Every projector's status, by name.
    pub fn snapshot(&self) -> Vec<ProjectorStatus> {
        match self.projectors.read() {
            Ok(map) => map.values().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().values().cloned().collect(),
        }
    }

    /// One projector's status.
    pub fn projector(&self, name: &str) -> Option<ProjectorStatus> {
        self.snapshot()
            .into_iter()
            .find(|status| status.projector == name)
    }

    /// Ready when every projector has caught up once, has a measured lag, and is at most
    /// `max_positions_behind` behind the head; otherwise the reasons, one per projector.
    pub fn readiness(&self, max_positions_behind: u64) -> Result<(), Vec<String>> {
        let reasons: Vec<String> = self
            .snapshot()
            .iter()
            .filter_map(|status| {
                if !status.caught_up_once {
                    return Some(format!(
                        "{} has not caught up with the log yet",
                        status.projector
                    ));
                }
                match &status.lag {
                    None => Some(format!("{}: lag unknown", status.projector)),
                    Some(lag) if lag.positions_behind > max_positions_behind => Some(format!(
                        "{} is {} events ({:.1} s) behind the log",
                        status.projector, lag.positions_behind, lag.seconds_behind
                    )),
                    Some(_) => None,
                }
            })
            .collect();
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(reasons)
        }
    }

    /// Changes one projector's status.
    pub fn update(&self, name: &str, change: impl FnOnce(&mut ProjectorStatus)) {
        let mut map = match self.projectors.write() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(status) = map.get_mut(name) {
            change(status);
        }
    }

    /// Records a failure and the state it leaves the projector in.
    pub(crate) fn failed(&self, name: &str, error: &dyn std::fmt::Display) {
        let message = error.to_string();
        self.update(name, |status| {
            status.state = FeedState::Retrying;
            status.failures += 1;
            status.last_error = Some(message);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lag(positions_behind: u64) -> ProjectorLag {
        ProjectorLag {
            projector: "chronology",
            checkpoint: 10 - positions_behind,
            head_position: 10,
            positions_behind,
            seconds_behind: positions_behind as f64,
        }
    }

    #[test]
    fn ready_only_once_every_projector_caught_up_and_is_close_to_the_head() {
        let status = ProjectionStatus::new(&["chronology", "funding"], FeedKind::Bus);
        let reasons = status.readiness(5).unwrap_err();
        assert_eq!(reasons.len(), 2);
        assert!(reasons[0].contains("has not caught up"), "{reasons:?}");

        for name in ["chronology", "funding"] {
            status.update(name, |projector| {
                projector.caught_up_once = true;
                projector.lag = Some(lag(0));
            });
        }
        assert_eq!(status.readiness(5), Ok(()));

        status.update("funding", |projector| projector.lag = Some(lag(7)));
        let reasons = status.readiness(5).unwrap_err();
        assert_eq!(
            reasons,
            vec!["funding is 7 events (7.0 s) behind the log".to_owned()]
        );
    }

    #[test]
    fn a_failure_is_counted_and_kept_until_cleared() {
        let status = ProjectionStatus::new(&["notices"], FeedKind::JetStream);
        status.failed("notices", &"nats down");
        let notices = status.projector("notices").unwrap();
        assert_eq!(notices.state, FeedState::Retrying);
        assert_eq!(notices.failures, 1);
        assert_eq!(notices.last_error.as_deref(), Some("nats down"));
        assert_eq!(notices.feed, FeedKind::JetStream);
    }
}
