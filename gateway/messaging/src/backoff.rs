//! Exponential backoff with full jitter: the n-th retry waits a uniformly random time between
//! zero and `min(cap, base * 2^(n-1))`, so receivers that failed together do not retry together.

use std::time::Duration;

/// The wait before the retry that follows `failed_attempts` failures (1 for the first), given
/// a random number `random` (any `u64`; the worker draws one per retry).
pub fn retry_delay(failed_attempts: u32, base: Duration, cap: Duration, random: u64) -> Duration {
    let exponent = failed_attempts.saturating_sub(1).min(32);
    let ceiling = base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(cap)
        .as_millis();
    let ceiling = u64::try_from(ceiling).unwrap_or(u64::MAX);
    if ceiling == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(random % (ceiling + 1))
}

/// A random number for the jitter. Should the system's random source fail, the clock's
/// nanoseconds still spread retries.
pub fn jitter_random() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        let nanos = chrono::Utc::now().timestamp_subsec_nanos();
        u64::from(nanos)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
