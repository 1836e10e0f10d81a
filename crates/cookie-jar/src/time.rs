//! Time: [`Timestamp`] (microseconds since the Unix epoch) and the injectable [`Clock`].

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

const MICROS_PER_SECOND: i64 = 1_000_000;
/// Seconds from 1601-01-01T00:00:00Z to the Unix epoch.
const SECONDS_1601_TO_1970: i64 = 11_644_473_600;
/// 9999-12-31T23:59:59Z in Unix seconds.
const SECONDS_TO_9999_END: i64 = 253_402_300_799;

/// A point in time: microseconds since 1970-01-01T00:00:00Z (UTC, no leap seconds).
///
/// The range is the one Chromium's cookie code can express and the cookie-date
/// grammar can produce: 1601-01-01T00:00:00Z ([`Timestamp::MIN`]) to
/// 9999-12-31T23:59:59.999999Z ([`Timestamp::MAX`]). Constructors clamp into that
/// range; arithmetic saturates at its ends.
///
/// Serialised as the integer number of microseconds.
/// The default is the Unix epoch.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// 1601-01-01T00:00:00Z, the earliest representable instant.
    pub const MIN: Self = Self(-SECONDS_1601_TO_1970 * MICROS_PER_SECOND);
    /// 9999-12-31T23:59:59.999999Z, the latest representable instant.
    pub const MAX: Self = Self(SECONDS_TO_9999_END * MICROS_PER_SECOND + 999_999);
    /// The Unix epoch.
    pub const UNIX_EPOCH: Self = Self(0);

    /// From microseconds since the Unix epoch, clamped into range.
    #[must_use]
    pub const fn from_micros(micros: i64) -> Self {
        if micros < Self::MIN.0 {
            Self::MIN
        } else if micros > Self::MAX.0 {
            Self::MAX
        } else {
            Self(micros)
        }
    }

    /// Microseconds since the Unix epoch.
    #[must_use]
    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// From whole seconds since the Unix epoch, clamped into range.
    #[must_use]
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Self::from_micros(seconds.saturating_mul(MICROS_PER_SECOND))
    }

    /// Whole seconds since the Unix epoch (rounded towards negative infinity).
    #[must_use]
    pub const fn unix_seconds(self) -> i64 {
        self.0.div_euclid(MICROS_PER_SECOND)
    }

    /// From Electron's `expirationDate` form: float seconds since the Unix epoch.
    ///
    /// Returns `None` for NaN; infinities and out-of-range values clamp.
    #[must_use]
    pub fn from_electron_seconds(seconds: f64) -> Option<Self> {
        if seconds.is_nan() {
            return None;
        }
        let micros = (seconds * 1e6).round();
        // `as` saturates for floats out of i64 range; the clamp does the rest.
        #[allow(clippy::cast_possible_truncation)]
        Some(Self::from_micros(micros as i64))
    }

    /// Electron's `expirationDate` form: float seconds since the Unix epoch.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn electron_seconds(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// From a [`SystemTime`], clamped into range.
    #[must_use]
    pub fn from_system_time(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Self::from_micros(i64::try_from(after.as_micros()).unwrap_or(i64::MAX)),
            Err(before) => Self::from_micros(
                i64::try_from(before.duration().as_micros()).map_or(i64::MIN, |m| -m),
            ),
        }
    }

    /// As a [`SystemTime`].
    #[must_use]
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_micros(self.0.unsigned_abs());
        if self.0 >= 0 { UNIX_EPOCH + magnitude } else { UNIX_EPOCH - magnitude }
    }

    /// The current time from the system clock.
    #[must_use]
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Adds (or with a negative value subtracts) microseconds, saturating at the range ends.
    #[must_use]
    pub const fn saturating_add_micros(self, micros: i64) -> Self {
        Self::from_micros(self.0.saturating_add(micros))
    }

    /// Adds whole seconds, saturating at the range ends.
    #[must_use]
    pub const fn saturating_add_seconds(self, seconds: i64) -> Self {
        self.saturating_add_micros(seconds.saturating_mul(MICROS_PER_SECOND))
    }

    /// Microseconds from `earlier` to `self` (negative when `earlier` is later).
    #[must_use]
    pub const fn micros_since(self, earlier: Self) -> i64 {
        self.0 - earlier.0
    }

    /// From a UTC calendar date and time; `None` if a field is out of range, the
    /// day does not exist in that month, or the year is outside 1601..=9999.
    #[must_use]
    pub fn from_civil(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Self> {
        if !(1601..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let seconds =
            days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second);
        Some(Self(seconds * MICROS_PER_SECOND))
    }

    /// The UTC calendar fields: (year, month, day, hour, minute, second, weekday with 0 = Sunday).
    #[must_use]
    pub fn to_civil(self) -> (i64, u32, u32, u32, u32, u32, u32) {
        let seconds = self.unix_seconds();
        let days = seconds.div_euclid(86_400);
        let in_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday (4).
        let weekday = (days + 4).rem_euclid(7);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (
            year,
            month,
            day,
            (in_day / 3_600) as u32,
            (in_day / 60 % 60) as u32,
            (in_day % 60) as u32,
            weekday as u32,
        )
    }

    /// The IMF-fixdate / RFC 1123 form used by HTTP, e.g. `Thu, 01 Jan 1970 00:00:00 GMT`.
    #[must_use]
    pub fn to_rfc1123(self) -> String {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] =
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let (year, month, day, hour, minute, second, weekday) = self.to_civil();
        format!(
            "{}, {day:02} {} {year:04} {hour:02}:{minute:02}:{second:02} GMT",
            DAYS[weekday as usize % 7],
            MONTHS[(month as usize + 11) % 12],
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc1123())
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        Self::from_system_time(time)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(time: Timestamp) -> Self {
        time.to_system_time()
    }
}

pub(crate) fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date. Years are counted from
/// March so that the leap day is the last day of the counted year.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (year, month as u32, day as u32)
}

/// A source of the current time. The jar asks it for "now" on every operation, so
/// tests can drive the 1-minute, 2-minute, 30-day and 400-day rules without sleeping.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to; for tests and simulations.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock standing at `start`.
    #[must_use]
    pub const fn new(start: Timestamp) -> Self {
        Self(AtomicI64::new(start.as_micros()))
    }

    /// Moves the clock to `time`.
    pub fn set(&self, time: Timestamp) {
        self.0.store(time.as_micros(), Ordering::SeqCst);
    }

    /// Moves the clock forward by `duration` (saturating).
    pub fn advance(&self, duration: Duration) {
        let micros = i64::try_from(duration.as_micros()).unwrap_or(i64::MAX);
        let now = Timestamp::from_micros(self.0.load(Ordering::SeqCst));
        self.set(now.saturating_add_micros(micros));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_micros(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_bounds() {
        assert_eq!(Timestamp::from_civil(1970, 1, 1, 0, 0, 0), Some(Timestamp::UNIX_EPOCH));
        assert_eq!(Timestamp::from_civil(1601, 1, 1, 0, 0, 0), Some(Timestamp::MIN));
        assert_eq!(
            Timestamp::from_civil(9999, 12, 31, 23, 59, 59)
                .map(|t| t.saturating_add_micros(999_999)),
            Some(Timestamp::MAX)
        );
        assert_eq!(Timestamp::from_civil(2023, 2, 29, 0, 0, 0), None);
        assert!(Timestamp::from_civil(2024, 2, 29, 0, 0, 0).is_some());
        assert_eq!(Timestamp::from_civil(1600, 12, 31, 0, 0, 0), None);
        assert_eq!(Timestamp::UNIX_EPOCH.to_rfc1123(), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(Timestamp::MIN.to_rfc1123(), "Mon, 01 Jan 1601 00:00:00 GMT");
        assert_eq!(Timestamp::MAX.to_rfc1123(), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn electron_seconds_and_system_time() {
        let t = Timestamp::from_micros(1_700_000_000_123_456);
        assert_eq!(Timestamp::from_electron_seconds(t.electron_seconds()), Some(t));
        assert_eq!(Timestamp::from_system_time(t.to_system_time()), t);
        let before = Timestamp::from_micros(-5_000_001);
        assert_eq!(Timestamp::from_system_time(before.to_system_time()), before);
        assert_eq!(Timestamp::from_electron_seconds(f64::NAN), None);
        assert_eq!(Timestamp::from_electron_seconds(f64::INFINITY), Some(Timestamp::MAX));
    }

    proptest::proptest! {
        #[test]
        fn days_round_trip(days in -134_774i64..2_932_896) {
            let (y, m, d) = civil_from_days(days);
            proptest::prop_assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
