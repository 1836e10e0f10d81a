//! The time helpers: `weekdayRange`, `dateRange` and `timeRange`, on a
//! broken-down time.
//!
//! Arguments arrive as the strings JavaScript would compare (`12` and
//! `"12"` are the same). A last argument `"GMT"` selects UTC instead of
//! local time. Ranges are inclusive and, as in Chromium's helper library
//! (and pacparser's), a range whose start is after its end does **not**
//! wrap around: `weekdayRange("FRI", "MON")` is never true.

use super::jsnum::{parse_int, to_number};

/// A calendar time: `month` 0–11 and `weekday` 0 (Sunday)–6, as in
/// JavaScript's `Date`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) weekday: u32,
}

/// The local and UTC readings of one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Now {
    pub(crate) local: Civil,
    pub(crate) utc: Civil,
}

impl Now {
    /// The instant `unix_ms`, with local time `offset_minutes` east of UTC.
    pub(crate) fn new(unix_ms: i64, offset_minutes: i32) -> Self {
        let utc = civil_from_unix_ms(unix_ms);
        let local = civil_from_unix_ms(unix_ms.saturating_add(i64::from(offset_minutes) * 60_000));
        Self { local, utc }
    }

    /// Splits a trailing `"GMT"` off `args` and picks the matching reading.
    fn select<'a>(&self, args: &'a [String]) -> (&'a [String], Civil) {
        match args.split_last() {
            Some((last, rest)) if last == "GMT" => (rest, self.utc),
            _ => (args, self.local),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1–12).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_unix_ms(unix_ms: i64) -> Civil {
    let secs = unix_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = u32::try_from(secs.rem_euclid(86_400)).unwrap_or(0);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month: u32::try_from(month - 1).unwrap_or(0),
        day: u32::try_from(day).unwrap_or(1),
        hour: sod / 3600,
        minute: sod / 60 % 60,
        second: sod % 60,
        weekday: u32::try_from((days + 4).rem_euclid(7)).unwrap_or(0),
    }
}

const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTHS: [&str; 12] =
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

fn index_of(names: &[&str], name: &str) -> Option<u32> {
    names.iter().position(|n| *n == name).and_then(|i| u32::try_from(i).ok())
}

/// Whether `now` is in `start..=end` (empty when `start > end`).
fn in_range<T: Ord>(start: &T, end: &T, now: &T) -> bool {
    start <= now && now <= end
}

/// `weekdayRange(wd1 [, wd2] [, "GMT"])`: upper-case three-letter names;
/// one day, or an inclusive range. With three arguments and no `"GMT"`, only
/// the first counts (as in browsers).
pub(crate) fn weekday_range(args: &[String], now: &Now) -> bool {
    let (args, t) = now.select(args);
    let Some(first) = args.first() else { return false };
    let Some(wd1) = index_of(&WEEKDAYS, first) else { return false };
    let wd2 = if args.len() == 2 { index_of(&WEEKDAYS, &args[1]) } else { Some(wd1) };
    wd2.is_some_and(|wd2| in_range(&wd1, &wd2, &t.weekday))
}

/// One field of a `dateRange` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateField {
    Day(u32),
    Month(u32),
    Year(i64),
}

/// A number under 32 is a day, a larger one a year, a name a month.
fn date_field(arg: &str) -> Option<DateField> {
    match parse_int(arg) {
        None => index_of(&MONTHS, arg).map(DateField::Month),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(n) if n < 32.0 => (n >= 1.0).then_some(DateField::Day(n as u32)),
        #[allow(clippy::cast_possible_truncation)]
        Some(n) => Some(DateField::Year(n as i64)),
    }
}

/// `dateRange(...)`: one day of the month, month or year; or a range given
/// by two equal halves of day, month and year fields
/// (`dateRange(1, "JAN", 1995, 15, "MAR", 1995)`), inclusive. Unspecified
/// fields of the start are the first of the current year, of the end the
/// last.
pub(crate) fn date_range(args: &[String], now: &Now) -> bool {
    let (args, t) = now.select(args);
    let Some(fields) = args.iter().map(|a| date_field(a)).collect::<Option<Vec<_>>>() else {
        return false;
    };
    match fields.as_slice() {
        [] => false,
        [DateField::Day(d)] => t.day == *d,
        [DateField::Month(m)] => t.month == *m,
        [DateField::Year(y)] => t.year == *y,
        _ => {
            let (first, second) = fields.split_at(fields.len() / 2);
            let mut start = (t.year, 0, 1);
            let mut end = (t.year, 11, 31);
            let only_days = fields.len() == 2 && matches!(first, [DateField::Day(_)]);
            for (range_end, half) in [(&mut start, first), (&mut end, second)] {
                for field in half {
                    match *field {
                        DateField::Day(d) => range_end.2 = d,
                        DateField::Month(m) => range_end.1 = m,
                        DateField::Year(y) => range_end.0 = y,
                    }
                }
                if only_days {
                    range_end.1 = t.month;
                }
            }
            in_range(&start, &end, &(t.year, t.month, t.day))
        }
    }
}

/// `timeRange(...)`: one hour; hours `h1` to `h2` (both whole hours
/// included); or `h1, m1, h2, m2` (to the end of minute `m2`) or
/// `h1, m1, s1, h2, m2, s2`, inclusive; none wraps around midnight. `Err`
/// for a count of arguments no form has (a script error).
pub(crate) fn time_range(args: &[String], now: &Now) -> Result<bool, &'static str> {
    if args.is_empty() {
        return Ok(false);
    }
    let (args, t) = now.select(args);
    let n: Vec<f64> = args.iter().map(|a| to_number(a)).collect();
    let hour = f64::from(t.hour);
    let sod = |h: f64, m: f64, s: f64| h * 3600.0 + m * 60.0 + s;
    let now_s = sod(hour, f64::from(t.minute), f64::from(t.second));
    let (start, end) = match n.as_slice() {
        [h] => return Ok(*h == hour),
        [h1, h2] => return Ok(*h1 <= hour && hour <= *h2),
        [h1, m1, h2, m2] => (sod(*h1, *m1, f64::from(t.second)), sod(*h2, *m2, 59.0)),
        [h1, m1, s1, h2, m2, s2] => (sod(*h1, *m1, *s1), sod(*h2, *m2, *s2)),
        _ => return Err("timeRange: bad number of arguments"),
    };
    Ok(start <= now_s && now_s <= end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, FixedClock};

    fn at(ymd: (i64, u32, u32), hms: (u32, u32, u32), offset: i32) -> Now {
        let c = FixedClock::at_utc(ymd, hms, offset);
        Now::new(c.now_unix_ms(), offset)
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn civil_conversion_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        let now = at((2024, 2, 29), (23, 59, 58), 0);
        assert_eq!(
            now.utc,
            Civil { year: 2024, month: 1, day: 29, hour: 23, minute: 59, second: 58, weekday: 4 }
        );
        let west = at((2024, 1, 1), (3, 0, 0), -300);
        assert_eq!(
            (west.local.year, west.local.month, west.local.day, west.local.hour),
            (2023, 11, 31, 22)
        );
        assert_eq!(west.local.weekday, 0);
        assert_eq!(civil_from_unix_ms(-1).year, 1969);
    }

    #[test]
    fn weekday_ranges() {
        // Friday 2024-03-15, 23:30 UTC; Saturday in UTC+1.
        let now = at((2024, 3, 15), (23, 30, 0), 60);
        assert!(weekday_range(&args(&["SAT"]), &now));
        assert!(weekday_range(&args(&["FRI", "GMT"]), &now));
        assert!(weekday_range(&args(&["MON", "FRI", "GMT"]), &now));
        assert!(!weekday_range(&args(&["MON", "FRI"]), &now));
        assert!(!weekday_range(&args(&["FRI", "MON"]), &now), "reversed range is empty");
        assert!(weekday_range(&args(&["SAT", "SAT"]), &now));
        assert!(!weekday_range(&args(&["sat"]), &now), "names are case-sensitive");
        assert!(!weekday_range(&args(&["XYZ", "SAT"]), &now));
        assert!(!weekday_range(&args(&[]), &now));
        assert!(!weekday_range(&args(&["GMT"]), &now));
        // Three arguments without GMT: only the first counts.
        assert!(weekday_range(&args(&["SAT", "MON", "x"]), &now));
        assert!(!weekday_range(&args(&["MON", "SAT", "x"]), &now));
    }

    #[test]
    fn date_ranges() {
        let now = at((2024, 3, 15), (12, 0, 0), 0);
        assert!(date_range(&args(&["15"]), &now));
        assert!(!date_range(&args(&["14"]), &now));
        assert!(date_range(&args(&["MAR"]), &now));
        assert!(date_range(&args(&["2024"]), &now));
        assert!(date_range(&args(&["1", "15"]), &now));
        assert!(!date_range(&args(&["16", "31"]), &now));
        assert!(!date_range(&args(&["20", "15"]), &now), "reversed range is empty");
        assert!(date_range(&args(&["JAN", "MAR"]), &now));
        assert!(!date_range(&args(&["JAN", "FEB"]), &now));
        assert!(!date_range(&args(&["DEC", "MAR"]), &now));
        assert!(date_range(&args(&["2020", "2030"]), &now));
        assert!(!date_range(&args(&["2025", "2030"]), &now));
        assert!(date_range(&args(&["1", "MAR", "15", "MAR"]), &now));
        assert!(!date_range(&args(&["16", "MAR", "31", "MAR"]), &now));
        assert!(date_range(&args(&["MAR", "2024", "APR", "2024"]), &now));
        assert!(date_range(&args(&["1", "MAR", "2024", "15", "MAR", "2024"]), &now));
        assert!(!date_range(&args(&["1", "MAR", "2023", "14", "MAR", "2024"]), &now));
        assert!(date_range(&args(&["15", "GMT"]), &now));
        assert!(!date_range(&args(&["Mar"]), &now));
        assert!(!date_range(&args(&[]), &now));
        // Local date differs from UTC date near midnight.
        let late = at((2024, 3, 15), (23, 0, 0), 120);
        assert!(date_range(&args(&["16"]), &late));
        assert!(date_range(&args(&["15", "GMT"]), &late));
    }

    #[test]
    fn time_ranges() {
        let now = at((2024, 3, 15), (10, 30, 15), 0);
        assert_eq!(time_range(&args(&["10"]), &now), Ok(true));
        assert_eq!(time_range(&args(&["9", "11"]), &now), Ok(true));
        assert_eq!(time_range(&args(&["9", "10"]), &now), Ok(true), "end hour included");
        assert_eq!(time_range(&args(&["8", "9"]), &now), Ok(false));
        assert_eq!(time_range(&args(&["22", "11"]), &now), Ok(false), "does not wrap");
        assert_eq!(time_range(&args(&["10", "30", "10", "30"]), &now), Ok(true));
        assert_eq!(time_range(&args(&["10", "31", "11", "0"]), &now), Ok(false));
        assert_eq!(time_range(&args(&["22", "0", "10", "30"]), &now), Ok(false), "does not wrap");
        assert_eq!(time_range(&args(&["0", "0", "10", "30"]), &now), Ok(true));
        assert_eq!(time_range(&args(&["10", "30", "15", "10", "30", "15"]), &now), Ok(true));
        assert_eq!(time_range(&args(&["10", "30", "16", "10", "30", "20"]), &now), Ok(false));
        assert_eq!(time_range(&args(&["10", "GMT"]), &now), Ok(true));
        assert_eq!(time_range(&args(&["x", "y", "z", "w"]), &now), Ok(false));
        assert!(time_range(&args(&["1", "2", "3"]), &now).is_err());
        assert!(time_range(&args(&["GMT"]), &now).is_err());
        assert_eq!(time_range(&args(&[]), &now), Ok(false));
        let east = at((2024, 3, 15), (10, 30, 0), 180);
        assert_eq!(time_range(&args(&["13"]), &east), Ok(true));
        assert_eq!(time_range(&args(&["10", "GMT"]), &east), Ok(true));
    }
}
