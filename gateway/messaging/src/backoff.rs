//! Exponential backoff with full jitter, the one every retry loop uses: the n-th retry waits a
//! uniformly random time between zero and `min(cap, base * 2^(n-1))`, so processes that failed
//! together (every projector when NATS restarts, every webhook of a receiver that went down) do
//! not retry together.
//!
//! Two forms of the same rule:
//!
//! - [`retry_delay`] for loops that keep their own count of failures, such as the notice worker,
//!   whose attempts are stored with each delivery row.
//! - [`Backoff`] for loops that keep the count in memory, such as the relay between failed runs
//!   and each projection-feed task between failed attempts: it counts failures and starts over on
//!   [`Backoff::reset`] once something succeeds.

use std::fmt;
use std::time::Duration;

/// The wait before the retry that follows `failed_attempts` failures (1 for the first), given
/// a random number `random` (any `u64`; the worker draws one per retry).
pub fn retry_delay(failed_attempts: u32, base: Duration, cap: Duration, random: u64) -> Duration {
    let ceiling = retry_ceiling(failed_attempts, base, cap).as_millis();
    let ceiling = u64::try_from(ceiling).unwrap_or(u64::MAX);
    if ceiling == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(random % (ceiling + 1))
}

/// The longest wait [`retry_delay`] can give after `failed_attempts` failures: `base` doubled
/// once per failure after the first, never more than `cap`.
fn retry_ceiling(failed_attempts: u32, base: Duration, cap: Duration) -> Duration {
    let exponent = failed_attempts.saturating_sub(1).min(32);
    base.saturating_mul(2u32.saturating_pow(exponent)).min(cap)
}

/// A random number for the jitter. Should the system's random source fail, the clock's
/// nanoseconds still spread retries.
pub fn jitter_random() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        let nanos = chrono::Utc::now().timestamp_subsec_nanos();
        u64::from(nanos)
    })
}

/// A retry loop's backoff: counts failures since the last success and gives the wait before
/// the next attempt through [`retry_delay`].
///
/// The random numbers come from [`jitter_random`] unless another source is given with
/// [`Backoff::with_random`], which is how tests get the same delays on every run.
pub struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
    random: Box<dyn FnMut() -> u64 + Send>,
}

impl fmt::Debug for Backoff {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Backoff")
            .field("base", &self.base)
            .field("cap", &self.cap)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

impl Backoff {
    /// A backoff whose first wait is at most `base` and whose waits never exceed `cap`, jittered
    /// by the system's random source.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self::with_random(base, cap, jitter_random)
    }

    /// As [`Backoff::new`], drawing the jitter from `random` instead.
    pub fn with_random(
        base: Duration,
        cap: Duration,
        random: impl FnMut() -> u64 + Send + 'static,
    ) -> Self {
        Self {
            base,
            cap,
            failures: 0,
            random: Box::new(random),
        }
    }

    /// Counts one more failure and returns how long to wait before trying again: a random time
    /// between zero and [`Backoff::ceiling`] as it stood before the call.
    pub fn next_delay(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let random = (self.random)();
        retry_delay(self.failures, self.base, self.cap, random)
    }

    /// The longest wait the next call to [`Backoff::next_delay`] can return.
    pub fn ceiling(&self) -> Duration {
        retry_ceiling(self.failures.saturating_add(1), self.base, self.cap)
    }

    /// Failures counted since the backoff was made or last reset.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Forgets the failures after a success, so the next failure waits at most `base` again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn the_ceiling_doubles_up_to_the_cap_and_the_wait_stays_under_it() {
        let base = Duration::from_secs(5);
        let cap = Duration::from_secs(3600);
        assert_eq!(
            retry_delay(1, base, cap, u64::MAX),
            Duration::from_millis(3_210)
        );
        for attempts in 1..12 {
            let ceiling = (base * 2u32.pow(attempts - 1)).min(cap);
            assert_eq!(retry_ceiling(attempts, base, cap), ceiling);
            for random in [0, 1, 12_345, jitter_random(), u64::MAX] {
                assert!(retry_delay(attempts, base, cap, random) <= ceiling);
            }
        }
        assert_eq!(
            retry_delay(3, base, cap, 20_000),
            Duration::from_millis(20_000)
        );
        assert_eq!(retry_delay(3, base, cap, 20_001), Duration::ZERO);
        assert_eq!(retry_delay(40, base, cap, 3_600_000), cap);
        assert_eq!(retry_delay(1, Duration::ZERO, cap, 7), Duration::ZERO);
    }

    #[test]
    fn a_backoffs_ceiling_doubles_up_to_the_cap() {
        let mut backoff =
            Backoff::with_random(Duration::from_millis(100), Duration::from_millis(350), || 0);
        let mut ceilings = Vec::new();
        for _ in 0..5 {
            ceilings.push(backoff.ceiling().as_millis());
            backoff.next_delay();
        }
        assert_eq!(ceilings, vec![100, 200, 350, 350, 350]);
        assert_eq!(backoff.failures(), 5);
    }

    #[test]
    fn a_backoffs_delay_never_exceeds_its_ceiling() {
        for random in [0, 1, 99, 100, 101, 12_345, u64::MAX] {
            let mut backoff = Backoff::with_random(
                Duration::from_millis(100),
                Duration::from_millis(350),
                move || random,
            );
            for _ in 0..6 {
                let ceiling = backoff.ceiling();
                assert!(backoff.next_delay() <= ceiling);
            }
        }
        let mut jittered = Backoff::new(Duration::from_millis(100), Duration::from_millis(350));
        for _ in 0..50 {
            let ceiling = jittered.ceiling();
            assert!(jittered.next_delay() <= ceiling);
        }
    }

    #[test]
    fn reset_starts_the_backoff_over() {
        let mut backoff =
            Backoff::with_random(Duration::from_millis(100), Duration::from_secs(5), || 0);
        for _ in 0..4 {
            backoff.next_delay();
        }
        assert_eq!(backoff.ceiling(), Duration::from_millis(1_600));
        backoff.reset();
        assert_eq!(backoff.failures(), 0);
        assert_eq!(backoff.ceiling(), Duration::from_millis(100));
    }

    #[test]
    fn the_delays_come_from_the_injected_random_source() {
        // Each draw returns the next number, so the delays are known in advance: the draw
        // modulo one more than the ceiling in milliseconds (101, 201, 401, then 501 at the cap).
        let draws = Arc::new(AtomicU64::new(0));
        let counter = draws.clone();
        let sequence = [100, 150, 402, 1_000];
        let mut backoff = Backoff::with_random(
            Duration::from_millis(100),
            Duration::from_millis(500),
            move || {
                let index = counter.fetch_add(1, Ordering::SeqCst);
                sequence[usize::try_from(index).unwrap_or(0) % sequence.len()]
            },
        );
        let delays: Vec<u128> = (0..4).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, vec![100, 150, 1, 499]);
        assert_eq!(draws.load(Ordering::SeqCst), 4);
        backoff.reset();
        assert_eq!(backoff.next_delay(), Duration::from_millis(100));
    }
}
