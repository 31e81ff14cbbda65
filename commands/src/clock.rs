//! Time and identifiers arrive from here, so tests can fix both and every run is repeatable.
//!
//! The store stamps `recorded_at` from a [`Clock`] and callers make event ids from an
//! [`IdSource`]; production wires [`SystemClock`] and [`UuidV7Ids`], tests wire
//! [`ManualClock`] and [`SequentialIds`].

use chrono::{DateTime, Duration, Utc};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct ManualClock {
    /// Behind a mutex because tests move the clock while the store's writer task reads it.
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Shows `instant` from now on.
    pub fn set(&self, instant: DateTime<Utc>) {
        *self.lock() = instant;
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.lock();
        *now += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A poisoned lock only means another thread panicked while holding a plain value;
        // the value itself is still a valid instant.
        self.now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

/// A source of new identifiers (event ids, command ids, aggregate ids).
pub trait IdSource: Send + Sync + fmt::Debug {
    /// A fresh identifier, never returned before by this source.
    fn new_id(&self) -> Uuid;
}

/// Time-ordered UUID v7 identifiers, as the envelope contract asks for event ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidV7Ids;

impl IdSource for UuidV7Ids {
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
    }
}

/// Deterministic identifiers for tests: `00000000-0000-7000-8000-000000000001`, then `...02`.
///
/// They carry the v7 version and RFC 4122 variant bits, so they look like what production makes
/// to any code that inspects them.
#[derive(Debug, Default)]
pub struct SequentialIds {
    /// The last number handed out; atomic so a shared source can be used from many tasks.
    last: AtomicU64,
}

impl SequentialIds {
    /// A source whose first id ends in `...01`.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdSource for SequentialIds {
    fn new_id(&self) -> Uuid {
        let number = self.last.fetch_add(1, Ordering::Relaxed) + 1;
        const VERSION_7: u128 = 0x7 << 76;
        const VARIANT_RFC4122: u128 = 0b10 << 62;
        Uuid::from_u128(VERSION_7 | VARIANT_RFC4122 | u128::from(number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = Utc.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).unwrap();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::minutes(5));
        assert_eq!(clock.now(), start + Duration::minutes(5));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn sequential_ids_are_deterministic_v7_shaped_and_distinct() {
        let ids = SequentialIds::new();
        let first = ids.new_id();
        let second = ids.new_id();
        assert_eq!(first.to_string(), "00000000-0000-7000-8000-000000000001");
        assert_eq!(second.to_string(), "00000000-0000-7000-8000-000000000002");
        assert_eq!(first.get_version_num(), 7);
        assert_eq!(first.get_variant(), uuid::Variant::RFC4122);
    }

    #[test]
    fn uuid_v7_ids_are_time_ordered() {
        let ids = UuidV7Ids;
        let first = ids.new_id();
        let second = ids.new_id();
        assert_eq!(first.get_version_num(), 7);
        assert!(second > first);
    }
}
