//! The clock the time helpers (`weekdayRange`, `dateRange`, `timeRange`)
//! read.

use std::time::{SystemTime, UNIX_EPOCH};

/// What the time helpers read: the current instant and, optionally, the
/// local time zone's offset from UTC at that instant.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch, UTC.
    fn now_unix_ms(&self) -> i64;

    /// The local time's offset from UTC at `unix_ms`, in minutes east of
    /// Greenwich (UTC+2 is `120`). `None` means "the engine's local time
    /// zone": the JavaScript `Date` of the engine, which follows the C
    /// library (`TZ`, else `/etc/localtime`), daylight saving included.
    fn utc_offset_minutes(&self, unix_ms: i64) -> Option<i32>;
}

/// The system clock; local time is the C library's local time zone (as for
/// JavaScript's `new Date().getHours()` in the same process), daylight saving
/// included.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        }
    }

    fn utc_offset_minutes(&self, _unix_ms: i64) -> Option<i32> {
        None
    }
}

/// A clock stopped at one instant, in a time zone with a fixed offset; for
/// tests.
///
/// ```
/// use sessionkit_pac::{Clock, FixedClock};
///
/// // Friday 2024-03-15 10:30:00 UTC, seen from UTC+2.
/// let clock = FixedClock::new(1_710_498_600_000, 120);
/// assert_eq!(clock.utc_offset_minutes(0), Some(120));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedClock {
    unix_ms: i64,
    offset_minutes: i32,
}

impl FixedClock {
    /// A clock that always reads `unix_ms`, with local time `offset_minutes`
    /// east of UTC.
    pub const fn new(unix_ms: i64, offset_minutes: i32) -> Self {
        Self { unix_ms, offset_minutes }
    }

    /// A clock stopped at a UTC calendar time (`month` 1–12), with local
    /// time `offset_minutes` east of UTC.
    pub fn at_utc(
        (year, month, day): (i64, u32, u32),
        (hour, minute, second): (u32, u32, u32),
        offset_minutes: i32,
    ) -> Self {
        let days = crate::helpers::time::days_from_civil(year, month, day);
        let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
        Self::new(secs * 1000, offset_minutes)
    }
}

impl Clock for FixedClock {
    fn now_unix_ms(&self) -> i64 {
        self.unix_ms
    }

    fn utc_offset_minutes(&self, _unix_ms: i64) -> Option<i32> {
        Some(self.offset_minutes)
    }
}
