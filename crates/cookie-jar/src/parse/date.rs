//! The `Expires` date parser, as Chromium's `ParseCookieExpirationTime` does it
//! (close to, but not the same as, the RFC 6265bis §5.1.1 algorithm).

use crate::time::Timestamp;

/// Chromium reaches any year up to this one exactly; see [`parse_cookie_date`].
const MAX_YEAR: i64 = 30_827;

/// Parses an `Expires` value the way Chromium does.
///
/// The text is split at delimiters (HTAB, SP and ASCII punctuation except `:`).
/// A token that starts with a letter or other non-digit can only be the month
/// (its first three letters name one, case-insensitively; later such tokens are
/// ignored). A token that starts with a digit and holds a `:` can only be the
/// time, read as `h:m:s` with one or two digits each (anything may follow). Any
/// other token that starts with a digit is the day when the day is still missing
/// and the token is at most two characters long, otherwise the year when that is
/// missing and the token is at most five characters long; its leading digits
/// are the number (`15th` is a year, 2015). Two-digit years 70–99 mean 19xx and
/// 00–69 mean 20xx. A missing part or an impossible date or time gives `None`.
/// Time zones are ignored: the result is read as UTC.
///
/// Chromium's time range is wider than [`Timestamp`]'s: a year before 1601 gives
/// [`Timestamp::MIN`] (in the past all the same), and a year after 9999 gives
/// 9999-12-31T23:59:59Z (capped to 400 days anyway when stored).
///
/// # Deviation
///
/// Chromium 156 on 64-bit platforms accepts every five-digit year. The
/// http-state date suite (from older Chromium, whose limit on Windows was the
/// year 30827) expects `12-Aug-31841` to be refused, so years after 30827 give
/// `None` here.
///
/// ```
/// use sessionkit_cookie_jar::parse_cookie_date;
/// let t = parse_cookie_date("Wed, 09-Jun-21 10:18:14 GMT").unwrap();
/// assert_eq!(t.to_rfc1123(), "Wed, 09 Jun 2021 10:18:14 GMT");
/// assert!(parse_cookie_date("tomorrow").is_none());
/// assert!(parse_cookie_date("Jun 15th 2030 10:00:00").is_none()); // no day
/// ```
#[must_use]
pub fn parse_cookie_date(input: &str) -> Option<Timestamp> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<u32> = None;
    for token in input.as_bytes().split(|b| is_delimiter(*b)).filter(|t| !t.is_empty()) {
        if !token[0].is_ascii_digit() {
            if month.is_none() {
                month = parse_month(token);
            }
        } else if token.contains(&b':') {
            if time.is_none() {
                time = parse_time(token);
            }
        } else if day.is_none() && token.len() <= 2 {
            day = Some(leading_number(token));
        } else if year.is_none() && token.len() <= 5 {
            year = Some(leading_number(token));
        }
    }
    let (hour, minute, second) = time?;
    let mut year = i64::from(year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    let (month, day) = (month?, day?);
    if year > MAX_YEAR {
        return None;
    }
    // Validate with a representable year of the same leap-ness, then saturate.
    let probe_year = match year {
        1601..=9999 => year,
        _ if crate::time::is_leap(year) => 2000,
        _ => 2001,
    };
    let at = Timestamp::from_civil(probe_year, month, day, hour, minute, second)?;
    Some(match year {
        ..1601 => Timestamp::MIN,
        10_000.. => Timestamp::from_civil(9999, 12, 31, 23, 59, 59)?,
        _ => at,
    })
}

/// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
const fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// The value of the token's leading digits (C's `atoi` on a token of at most five
/// characters that starts with a digit).
fn leading_number(token: &[u8]) -> u32 {
    token.iter().take_while(|b| b.is_ascii_digit()).fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// `sscanf("%2u:%2u:%2u")`: three fields of one or two digits separated by `:`;
/// whatever follows the third field is ignored.
fn parse_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let mut fields = [0u32; 3];
    let mut rest = token;
    for (i, field) in fields.iter_mut().enumerate() {
        let n = rest.iter().take(2).take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        *field = leading_number(&rest[..n]);
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    Some((fields[0], fields[1], fields[2]))
}

/// The token starts with the first three letters of a month, case-insensitively.
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
            // Before 1601: a valid date in the past (Chromium has no 1601 floor).
            ("06 Nov 1600 1:2:3", Some("Mon, 01 Jan 1601 00:00:00 GMT")),
            ("29 Feb 1600 1:2:3", Some("Mon, 01 Jan 1601 00:00:00 GMT")),
            ("29 Feb 1700 1:2:3", None),
            ("01 Jan 100 1:2:3", Some("Mon, 01 Jan 1601 00:00:00 GMT")),
            // Five-digit years saturate, up to 30827.
            ("09 Jun 10000 10:18:14", Some("Fri, 31 Dec 9999 23:59:59 GMT")),
            ("09 Jun 30827 10:18:14", Some("Fri, 31 Dec 9999 23:59:59 GMT")),
            ("09 Jun 30828 10:18:14", None),
            ("31 Jun 10000 10:18:14", None),
            ("09 Jun 100000 10:18:14", None),
            // A digit-led token longer than two characters is never the day.
            ("Jun 15th 2030 10:00:00", None),
            ("15th Jun 2030 10:00:00", None),
            ("Jun 15 2030x 10:00:00", Some("Sat, 15 Jun 2030 10:00:00 GMT")),
            ("Jun 15 2030th 10:00:00", None),
            ("Jun 1a 30 10:00:00", Some("Sat, 01 Jun 2030 10:00:00 GMT")),
            // One-digit year once the day is known.
            ("Jun 15 5 10:00:00", Some("Wed, 15 Jun 2005 10:00:00 GMT")),
            // The time: up to two digits each, anything after the seconds.
            ("Jun 15 2030 10:00:007", Some("Sat, 15 Jun 2030 10:00:00 GMT")),
            ("Jun 15 2030 100:00:00", None),
            ("Jun 15 2030 10:00", None),
            ("Jun 15 2030 10:00:60", None),
            // A digit-led token with a colon is never the day or the year.
            ("Jun 15: 2030 10:00:00", None),
            // A letter-led token is only ever the month.
            ("x15 Jun 2030 10:00:00", None),
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
