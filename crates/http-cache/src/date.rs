//! HTTP-date (RFC 9110 §5.6.7): the three formats a recipient must accept, parsed
//! strictly, and IMF-fixdate output.
//!
//! `http-cache-semantics` parses dates with an RFC 2822 parser that accepts doubled
//! spaces and other near-misses, so an invalid `Expires` can read as a valid time;
//! RFC 9111 §5.3 says an invalid `Expires` means "already expired".

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Parses an HTTP-date in IMF-fixdate, RFC 850 or asctime form; `None` for anything
/// else (extra spaces, other zones, out-of-range fields).
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    let text = text.trim_matches(|c| c == ' ' || c == '\t');
    imf_fixdate(text).or_else(|| rfc850(text)).or_else(|| asctime(text))
}

/// Formats a time as IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); times before
/// 1970 print as the epoch.
pub fn format_http_date(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 3 with Monday first).
    let weekday = DAYS[((days + 3) % 7) as usize];
    let month = MONTHS[(m - 1) as usize];
    format!(
        "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

fn imf_fixdate(s: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let b = s.as_bytes();
    if b.len() != 29
        || !s.is_ascii()
        || &s[3..5] != ", "
        || b[7] != b' '
        || b[11] != b' '
        || b[16] != b' '
    {
        return None;
    }
    if !DAYS.contains(&&s[..3]) || &s[25..] != " GMT" {
        return None;
    }
    let day = digits(&s[5..7])?;
    let month = month(&s[8..11])?;
    let year = digits(&s[12..16])?;
    let (h, mi, se) = clock(&s[17..25])?;
    to_time(year, month, day, h, mi, se)
}

fn rfc850(s: &str) -> Option<SystemTime> {
    // "Sunday, 06-Nov-94 08:49:37 GMT"
    let (day_name, rest) = s.split_once(", ")?;
    if !LONG_DAYS.contains(&day_name) || rest.len() != 22 || !rest.is_ascii() {
        return None;
    }
    let b = rest.as_bytes();
    if b[2] != b'-' || b[6] != b'-' || b[9] != b' ' || &rest[18..] != " GMT" {
        return None;
    }
    let day = digits(&rest[0..2])?;
    let month = month(&rest[3..6])?;
    let yy = digits(&rest[7..9])?;
    // Two-digit years: RFC 9110 asks for the most recent past year with those digits
    // when the result would be over 50 years ahead; 70..99 → 19xx covers dates since
    // the epoch.
    let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
    let (h, mi, se) = clock(&rest[10..18])?;
    to_time(year, month, day, h, mi, se)
}

fn asctime(s: &str) -> Option<SystemTime> {
    // "Sun Nov  6 08:49:37 1994"
    if s.len() != 24 || !s.is_ascii() {
        return None;
    }
    let b = s.as_bytes();
    if !DAYS.contains(&&s[..3]) || b[3] != b' ' || b[7] != b' ' || b[10] != b' ' || b[19] != b' ' {
        return None;
    }
    let month = month(&s[4..7])?;
    let day = if b[8] == b' ' { digits(&s[9..10])? } else { digits(&s[8..10])? };
    let (h, mi, se) = clock(&s[11..19])?;
    let year = digits(&s[20..24])?;
    to_time(year, month, day, h, mi, se)
}

fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month(s: &str) -> Option<u64> {
    MONTHS.iter().position(|m| *m == s).map(|i| i as u64 + 1)
}

fn clock(s: &str) -> Option<(u64, u64, u64)> {
    let b = s.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (digits(&s[0..2])?, digits(&s[3..5])?, digits(&s[6..8])?);
    // 60 is a leap second.
    (h < 24 && m < 60 && sec <= 60).then_some((h, m, sec))
}

fn to_time(year: u64, month: u64, day: u64, h: u64, mi: u64, s: u64) -> Option<SystemTime> {
    if !(1..=31).contains(&day) || year < 1970 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    UNIX_EPOCH.checked_add(Duration::from_secs(days * 86_400 + h * 3600 + mi * 60 + s))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's civil calendar algorithm, for years ≥ 1970).
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_formats_agree() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(784_111_777));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(t));
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn near_misses_are_invalid() {
        for bad in [
            "Sun, 06  Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "0",
            "",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sün, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn format_round_trips() {
        for secs in [0u64, 951_782_400, 1_700_000_000, 4_102_444_800] {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(parse_http_date(&format_http_date(t)), Some(t));
        }
    }
}
