//! HTTP dates (RFC 9110 §5.6.7) to Unix seconds, for the 60-second rule on
//! `Last-Modified`. Accepts the three historic forms (IMF-fixdate, RFC 850, asctime)
//! with any time zone token ignored (HTTP dates are GMT).

/// Parses an HTTP date to seconds since the Unix epoch; `None` if it is not one.
pub(crate) fn parse_http_date(s: &str) -> Option<i64> {
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut time = None;
    for token in s.split([' ', ',', '-', '\t']).filter(|t| !t.is_empty()) {
        if token.contains(':') {
            let mut parts =
                token.split(':').map(|p| p.parse::<i64>().ok().filter(|_| p.len() <= 2));
            let (h, m, sec) = (parts.next()??, parts.next()??, parts.next()??);
            if parts.next().is_some() || h > 23 || m > 59 || sec > 60 {
                return None;
            }
            time = Some(h * 3600 + m * 60 + sec);
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = token.parse().ok()?;
            if day.is_none() && token.len() <= 2 {
                day = Some(n);
            } else if year.is_none() {
                year = Some(match (token.len(), n) {
                    (2, 0..70) => 2000 + n,
                    (2, _) => 1900 + n,
                    (4, _) => n,
                    _ => return None,
                });
            } else {
                return None;
            }
        } else if let Some(m) = month_number(token)
            && month.replace(m).is_some()
        {
            return None;
        }
    }
    let (day, month, year, time) = (day?, month?, year?, time?);
    if !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + time)
}

fn month_number(token: &str) -> Option<i64> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = token.to_ascii_lowercase();
    MONTHS.iter().position(|m| lower == *m).and_then(|i| i64::try_from(i + 1).ok())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_http_date;

    #[test]
    fn three_forms() {
        let want = Some(784_111_777);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), want);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), want);
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), want);
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("Wed, 29 Feb 2024 12:00:00 GMT"), Some(1_709_208_000));
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
            "06 Nov Nov 1994 08:49:37",
        ] {
            assert_eq!(parse_http_date(s), None, "{s}");
        }
    }
}
