//! A per-caller token bucket, so one runaway client (a script replaying an extract too fast, a
//! stuck retry loop) cannot starve everyone else. Callers are keyed by token subject; the bucket
//! lives in this process, which is enough to protect it (each replica protects itself).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// How many requests a caller may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed at once after a quiet spell.
    pub burst: u32,
    /// Requests allowed per second, sustained.
    pub per_second: u32,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Buckets by caller.
#[derive(Debug)]
pub struct RateLimiter {
    limit: Option<RateLimit>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// Buckets beyond this many are pruned of the full ones, which carry no information.
const MAX_TRACKED_CALLERS: usize = 10_000;

impl RateLimiter {
    /// A limiter enforcing `limit` (none when `None`).
    pub fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `caller`'s bucket, or says how many whole seconds until one is
    /// available.
    pub fn check(&self, caller: &str) -> Result<(), u64> {
        self.check_at(caller, Instant::now())
    }

    fn check_at(&self, caller: &str, now: Instant) -> Result<(), u64> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let burst = f64::from(limit.burst.max(1));
        let rate = f64::from(limit.per_second.max(1));
        // A poisoned lock only means a panic elsewhere mid-update of plain numbers; the map is
        // still usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > MAX_TRACKED_CALLERS {
            buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry(caller.to_owned()).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let refilled = bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * rate;
        bucket.tokens = refilled.min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / rate).ceil();
            Err((wait as u64).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refused_until_the_bucket_refills() {
        let limiter = RateLimiter::new(Some(RateLimit {
            burst: 2,
            per_second: 1,
        }));
        let start = Instant::now();
        assert_eq!(limiter.check_at("a", start), Ok(()));
        assert_eq!(limiter.check_at("a", start), Ok(()));
        assert_eq!(limiter.check_at("a", start), Err(1));
        assert_eq!(limiter.check_at("b", start), Ok(()), "callers are separate");
        assert_eq!(
            limiter.check_at("a", start + Duration::from_secs(1)),
            Ok(())
        );
    }

    #[test]
    fn no_limit_allows_everything() {
        let limiter = RateLimiter::new(None);
        for _ in 0..1000 {
            assert_eq!(limiter.check("a"), Ok(()));
        }
    }
}
