//! The cookie-date algorithm of RFC 6265bis §5.1.1, which Chromium's
//! `ParseCookieExpirationTime` follows in substance.

use crate::time::Timestamp;

/// Parses an `Expires` value with the lenient cookie-date algorithm.
///
/// The text is split at delimiters (HTAB, SP and ASCII punctuation except `:`).
/// The first token shaped like `h:m:s` (one or two digits each) gives the time,
/// the first one- or two-digit token the day, the first token whose first three
/// letters name a month the month, and the first two-to-four-digit token the
/// year; each may be followed by non-digits. Two-digit years 70–99 mean 19xx and
/// 00–69 mean 20xx. Any missing part, an impossible date, or a year before 1601
/// gives `None`. Time zones are ignored: the result is read as UTC.
///
/// ```
/// use sessionkit_cookie_jar::parse_cookie_date;
/// let t = parse_cookie_date("Wed, 09-Jun-21 10:18:14 GMT").unwrap();
/// assert_eq!(t.to_rfc1123(), "Wed, 09 Jun 2021 10:18:14 GMT");
/// assert!(parse_cookie_date("tomorrow").is_none());
/// ```
#[must_use]
pub fn parse_cookie_date(input: &str) -> Option<Timestamp> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<u32> = None;
    for token in input.as_bytes().split(|b| is_delimiter(*b)).filter(|t| !t.is_empty()) {
        if time.is_none()
            && let Some(t) = parse_time(token)
        {
            time = Some(t);
        } else if day.is_none()
            && let Some(d) = leading_digits(token, 1, 2)
        {
            day = Some(d);
        } else if month.is_none()
            && let Some(m) = parse_month(token)
        {
            month = Some(m);
        } else if year.is_none()
            && let Some(y) = leading_digits(token, 2, 4)
        {
            year = Some(y);
        }
    }
    let (hour, minute, second) = time?;
    let mut year = i64::from(year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    Timestamp::from_civil(year, month?, day?, hour, minute, second)
}

/// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
const fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// `min..=max` digits, then the end of the token or a non-digit.
fn leading_digits(token: &[u8], min: usize, max: usize) -> Option<u32> {
    let n = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    Some(token[..n].iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0')))
}

/// hms-time = time-field ":" time-field ":" time-field, then a non-digit or the end.
fn parse_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let mut fields = [0u32; 3];
    let mut rest = token;
    for (i, field) in fields.iter_mut().enumerate() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || n > 2 {
            return None;
        }
        *field = rest[..n].iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0'));
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    Some((fields[0], fields[1], fields[2]))
}

/// The first three octets name a month, case-insensitively.
fn parse_month(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let head = token.get(..3)?;
    MONTHS.iter().position(|m| head.eq_ignore_ascii_case(&m[..])).map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_table() {
        let cases = [
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some("Sun, 06 Nov 1994 08:49:37 GMT")),
            ("Sunday, 06-Nov-94 08:49:37 GMT", Some("Sun, 06 Nov 1994 08:49:37 GMT")),
            ("Sun Nov  6 08:49:37 1994", Some("Sun, 06 Nov 1994 08:49:37 GMT")),
            ("06 Nov 69 1:2:3", Some("Wed, 06 Nov 2069 01:02:03 GMT")),
            ("06 Nov 70 1:2:3", Some("Fri, 06 Nov 1970 01:02:03 GMT")),
            ("06 Nov 1600 1:2:3", None),
            ("31 Feb 2020 00:00:00", None),
            ("06 Nov 2020 24:00:00", None),
            ("06 Nov 2020", None),
            ("Nov 2020 10:00:00", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_cookie_date(input).map(Timestamp::to_rfc1123).as_deref(),
                want,
                "{input}"
            );
        }
    }
}
