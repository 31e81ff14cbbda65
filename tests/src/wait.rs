//! Bounded waits for eventual consistency: poll a condition until it holds, failing the test
//! with what was awaited once the time is up, never a bare sleep.

use std::future::Future;
use std::time::Duration;

/// Polls `condition` until it holds, failing the test after `timeout`.
pub async fn wait_until<F, Fut>(timeout: Duration, what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    wait_until_every(Duration::from_millis(20), timeout, what, condition).await;
}

/// [`wait_until`] with a chosen polling period, for conditions that only hold briefly.
pub async fn wait_until_every<F, Fut>(
    period: Duration,
    timeout: Duration,
    what: &str,
    mut condition: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if condition().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting until {what}"
        );
        tokio::time::sleep(period).await;
    }
}
