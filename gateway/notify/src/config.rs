//! How notices are delivered: timeouts, the bound of attempts, backoff, and how often the
//! overdue sweeper runs. Tests shorten every duration.

use std::time::Duration;

/// Delivery settings (`[notices]` of the configuration file, see docs/configuration.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeConfig {
    /// How long one webhook request or NATS publish may take.
    pub attempt_timeout: Duration,
    /// Attempts before a delivery is given up as `failed`.
    pub max_attempts: u32,
    /// The first retry waits up to this long (full jitter).
    pub backoff_base: Duration,
    /// No retry waits longer than this.
    pub backoff_cap: Duration,
    /// The worker looks for due retries at least this often.
    pub poll_interval: Duration,
    /// How often the overdue sweeper runs.
    pub sweep_interval: Duration,
    /// Deliveries attempted at once.
    pub batch_size: u32,
}

impl Default for NoticeConfig {
    fn default() -> Self {
        Self {
            attempt_timeout: Duration::from_secs(10),
            max_attempts: 8,
            backoff_base: Duration::from_secs(5),
            backoff_cap: Duration::from_secs(60 * 60),
            poll_interval: Duration::from_secs(1),
            sweep_interval: Duration::from_secs(15 * 60),
            batch_size: 32,
        }
    }
}
