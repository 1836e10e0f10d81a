//! A token bucket for the optional bandwidth limits (per item and per manager).
//!
//! The bucket runs on debt: taking `n` bytes always succeeds and returns how long
//! the caller must wait before taking more, so a chunk larger than the bucket
//! never stalls forever and the long-run rate is exact. Unused credit is capped
//! at a quarter of a second of traffic, so a limit holds after an idle spell.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Bucket {
    /// Credit in bytes; negative while in debt.
    tokens: f64,
    last: Instant,
}

/// A shared, adjustable rate limit in bytes per second.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    /// Bytes per second; 0 means no limit.
    rate: AtomicU64,
    bucket: Mutex<Bucket>,
}

impl RateLimiter {
    pub(crate) fn new(rate: Option<u64>) -> Self {
        Self {
            rate: AtomicU64::new(rate.unwrap_or(0)),
            bucket: Mutex::new(Bucket { tokens: 0.0, last: Instant::now() }),
        }
    }

    pub(crate) fn set_rate(&self, rate: Option<u64>) {
        self.rate.store(rate.unwrap_or(0), Ordering::Relaxed);
    }

    pub(crate) fn rate(&self) -> Option<u64> {
        match self.rate.load(Ordering::Relaxed) {
            0 => None,
            r => Some(r),
        }
    }

    /// Takes `n` bytes; returns the wait before the next take, if any.
    #[allow(clippy::cast_precision_loss)] // rates and chunk sizes are far below 2^52
    pub(crate) fn take(&self, n: usize) -> Option<Duration> {
        let rate = self.rate()? as f64;
        let mut bucket = self.bucket.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.last = now;
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate / 4.0);
        bucket.tokens -= n as f64;
        (bucket.tokens < 0.0).then(|| Duration::from_secs_f64(-bucket.tokens / rate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_never_waits() {
        let l = RateLimiter::new(None);
        assert_eq!(l.take(1 << 30), None);
    }

    #[test]
    fn debt_gives_the_exact_wait() {
        let l = RateLimiter::new(Some(1000));
        let wait = l.take(1500).unwrap();
        // Credit starts at zero: 1500 bytes at 1000 B/s is about 1.5 s of debt.
        assert!(wait > Duration::from_millis(1400) && wait <= Duration::from_millis(1500));
        l.set_rate(None);
        assert_eq!(l.take(10), None);
    }
}
