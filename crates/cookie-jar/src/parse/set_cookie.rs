//! The `Set-Cookie` line parser (RFC 6265bis §5.6, with Chromium's extras).

use crate::cookie::{Priority, SameSite};
use crate::error::Rejection;
use crate::parse::date::parse_cookie_date;
use crate::time::Timestamp;

/// Name plus value may not exceed this many bytes (`kMaxCookieNamePlusValueSize`).
pub const MAX_NAME_VALUE_BYTES: usize = 4096;
/// A longer attribute value makes the attribute ignored (`kMaxCookieAttributeValueSize`).
pub const MAX_ATTRIBUTE_VALUE_BYTES: usize = 1024;

/// A parsed `Set-Cookie` line, before the storage rules run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParsedCookie {
    /// Name, trimmed; empty for a nameless cookie (`Set-Cookie: foo`).
    pub name: String,
    /// Value, trimmed.
    pub value: String,
    /// The date of the last `Expires` attribute; `None` when there is none or the
    /// last one does not parse (the last occurrence wins even when invalid, as in
    /// Chromium).
    pub expires: Option<Timestamp>,
    /// The last `Max-Age`, in seconds (saturated on overflow); `None` when there is
    /// none or the last one is not an integer.
    pub max_age: Option<i64>,
    /// The last `Domain` value (possibly empty, which means host-only).
    pub domain: Option<String>,
    /// The last `Path` value; an empty string when that value was empty or did not
    /// start with `/` (meaning the default-path).
    pub path: Option<String>,
    /// `Secure` present.
    pub secure: bool,
    /// `HttpOnly` present.
    pub http_only: bool,
    /// The last `SameSite` value; anything unrecognised is `Unspecified`.
    pub same_site: SameSite,
    /// The last `Priority` value; anything unrecognised is `Medium`.
    pub priority: Priority,
    /// `Partitioned` present.
    pub partitioned: bool,
}

/// [`ParsedCookie`] borrowing from the line: what the jar itself uses, so that
/// parsing allocates nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedRef<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    pub(crate) expires: Option<Timestamp>,
    pub(crate) max_age: Option<i64>,
    pub(crate) domain: Option<&'a str>,
    /// As in [`ParsedCookie::path`]: `""` stands for a value not starting with `/`.
    pub(crate) path: Option<&'a str>,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: SameSite,
    pub(crate) priority: Priority,
    pub(crate) partitioned: bool,
}

impl ParsedRef<'_> {
    fn into_owned(self) -> ParsedCookie {
        ParsedCookie {
            name: self.name.to_owned(),
            value: self.value.to_owned(),
            expires: self.expires,
            max_age: self.max_age,
            domain: self.domain.map(str::to_owned),
            path: self.path.map(str::to_owned),
            secure: self.secure,
            http_only: self.http_only,
            same_site: self.same_site,
            priority: self.priority,
            partitioned: self.partitioned,
        }
    }
}

/// Is this octet a CTL that rejects the line (every CTL but HTAB)?
const fn is_forbidden_ctl(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0A..=0x1F | 0x7F)
}

/// Trims SP and HTAB from both ends (the only white space the grammar knows).
pub(crate) fn trim_ws(s: &str) -> &str {
    let is_ws = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = s.as_bytes();
    let Some(start) = bytes.iter().position(|b| !is_ws(b)) else {
        return "";
    };
    let end = bytes.iter().rposition(|b| !is_ws(b)).map_or(start, |i| i + 1);
    // Both ends sit next to ASCII bytes, so they are character boundaries.
    &s[start..end]
}

/// The position of the first `byte` in `bytes`, eight bytes at a time.
fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(byte);
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        // The lowest flagged byte is the first zero byte of `x` (higher flags
        // may be borrow artefacts, never lower ones).
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks.remainder().iter().position(|&b| b == byte).map(|i| at + i)
}

/// `s.split_once(sep)` for an ASCII separator, without a char searcher (its
/// set-up costs more than the search on these short strings).
fn split_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    let at = find_byte(s.as_bytes(), sep)?;
    // `sep` is ASCII: both cuts are character boundaries.
    Some((&s[..at], &s[at + 1..]))
}

/// Parses one `Set-Cookie` field value.
///
/// - Any CTL octet other than HTAB rejects the line; so does a tab inside the
///   trimmed name or value, or inside any attribute's trimmed name or value
///   (Chromium's stricter rule).
/// - The name-value pair is the text before the first `;`. Without `=` it is a
///   nameless cookie whose value is the whole pair; an empty name (`=x`) is
///   nameless too, and a nameless value containing `=` is refused (Chromium). Name and value are trimmed of
///   SP/HTAB. Both empty, or together over 4096 bytes, rejects the line.
/// - Attributes are `;`-separated, names case-insensitive, unknown ones ignored;
///   a value over 1024 bytes drops that attribute; otherwise the last occurrence
///   wins, even when its value is invalid (`Max-Age=10; Max-Age=x` has no
///   Max-Age).
/// - `Expires` uses [`parse_cookie_date`](crate::parse_cookie_date). `Max-Age` is
///   read like Chromium's `StringToInt64`: an optional `-` or `+` and digits;
///   overflow saturates; anything else means no Max-Age.
///
/// ```
/// use sessionkit_cookie_jar::{parse_set_cookie, SameSite};
/// let c = parse_set_cookie("id=a3f; Path=/docs; SameSite=Strict; Secure").unwrap();
/// assert_eq!((c.name.as_str(), c.value.as_str()), ("id", "a3f"));
/// assert_eq!(c.path.as_deref(), Some("/docs"));
/// assert_eq!(c.same_site, SameSite::Strict);
/// assert_eq!(parse_set_cookie("token").unwrap().value, "token"); // nameless
/// ```
///
/// # Errors
///
/// [`Rejection::DisallowedCharacter`], [`Rejection::NoCookieContent`] or
/// [`Rejection::NameValuePairExceedsMaxSize`].
pub fn parse_set_cookie(line: &str) -> Result<ParsedCookie, Rejection> {
    parse_set_cookie_ref(line).map(ParsedRef::into_owned)
}

/// [`parse_set_cookie`] without copying anything out of the line.
pub(crate) fn parse_set_cookie_ref(line: &str) -> Result<ParsedRef<'_>, Rejection> {
    // One branch-free scan (it vectorises): forbidden CTLs, and whether the
    // per-part tab checks can find anything.
    let (mut has_ctl, mut has_tab) = (false, false);
    for &b in line.as_bytes() {
        has_ctl |= is_forbidden_ctl(b);
        has_tab |= b == b'\t';
    }
    if has_ctl {
        return Err(Rejection::DisallowedCharacter);
    }
    let (pair, attributes) = split_once_ascii(line, b';').unwrap_or((line, ""));
    let (name, value) = match split_once_ascii(pair, b'=') {
        Some((name, value)) => (trim_ws(name), trim_ws(value)),
        None => ("", trim_ws(pair)),
    };
    // A nameless cookie whose value holds `=` would read back as a named one
    // (`=a=b` would be sent as `a=b`), so Chromium refuses it.
    if (has_tab && (name.contains('\t') || value.contains('\t')))
        || (name.is_empty() && value.contains('='))
    {
        return Err(Rejection::DisallowedCharacter);
    }
    if name.is_empty() && value.is_empty() {
        return Err(Rejection::NoCookieContent);
    }
    if name.len() + value.len() > MAX_NAME_VALUE_BYTES {
        return Err(Rejection::NameValuePairExceedsMaxSize);
    }
    let mut cookie = ParsedRef { name, value, ..ParsedRef::default() };
    if attributes.is_empty() {
        return Ok(cookie);
    }
    for (key, val) in attribute_pairs(attributes) {
        if has_tab && (key.contains('\t') || val.contains('\t')) {
            return Err(Rejection::DisallowedCharacter);
        }
        if key.is_empty() || val.len() > MAX_ATTRIBUTE_VALUE_BYTES {
            continue;
        }
        apply_attribute(&mut cookie, key, val);
    }
    Ok(cookie)
}

/// The trimmed `(name, value)` of every piece of `attributes.split(';')`
/// (empty ones included), in order, each cut at its first `=` (no `=`: an
/// empty value).
fn attribute_pairs(attributes: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = Some(attributes);
    std::iter::from_fn(move || {
        let text = rest?;
        let av = match split_once_ascii(text, b';') {
            Some((av, next)) => {
                rest = Some(next);
                av
            }
            None => {
                rest = None;
                text
            }
        };
        Some(match split_once_ascii(av, b'=') {
            Some((k, v)) => (trim_ws(k), trim_ws(v)),
            None => (trim_ws(av), ""),
        })
    })
}

fn apply_attribute<'a>(cookie: &mut ParsedRef<'a>, key: &str, val: &'a str) {
    let is = |name: &str| key.eq_ignore_ascii_case(name);
    if is("expires") {
        cookie.expires = parse_cookie_date(val);
    } else if is("max-age") {
        cookie.max_age = parse_max_age(val);
    } else if is("domain") {
        cookie.domain = Some(val);
    } else if is("path") {
        cookie.path = Some(if val.starts_with('/') { val } else { "" });
    } else if is("secure") {
        cookie.secure = true;
    } else if is("httponly") {
        cookie.http_only = true;
    } else if is("samesite") {
        cookie.same_site = if val.eq_ignore_ascii_case("none") {
            SameSite::NoRestriction
        } else if val.eq_ignore_ascii_case("lax") {
            SameSite::Lax
        } else if val.eq_ignore_ascii_case("strict") {
            SameSite::Strict
        } else {
            SameSite::Unspecified
        };
    } else if is("priority") {
        cookie.priority = if val.eq_ignore_ascii_case("low") {
            Priority::Low
        } else if val.eq_ignore_ascii_case("high") {
            Priority::High
        } else {
            Priority::Medium
        };
    } else if is("partitioned") {
        cookie.partitioned = true;
    }
}

/// Chromium's use of `base::StringToInt64` for Max-Age: an optional `-` or `+`,
/// then digits to the end. A perfect parse gives the number. An imperfect one
/// counts only if it overflowed (the digits before any junk already did), which
/// saturates; otherwise there is no Max-Age (`None`).
fn parse_max_age(val: &str) -> Option<i64> {
    let (negative, digits) = match val.as_bytes().first() {
        Some(b'-') => (true, &val[1..]),
        Some(b'+') => (false, &val[1..]),
        _ => (false, val),
    };
    let mut magnitude: i64 = 0;
    let mut perfect = !digits.is_empty();
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            perfect = false;
            break;
        }
        let digit = i64::from(b - b'0');
        match magnitude.checked_mul(10).and_then(|m| m.checked_add(digit)) {
            Some(m) => magnitude = m,
            // Overflow: Chromium stops here with the saturated value.
            None => return Some(if negative { i64::MIN } else { i64::MAX }),
        }
    }
    perfect.then_some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<ParsedCookie, Rejection> {
        parse_set_cookie(line)
    }

    #[test]
    fn name_value_table() {
        let cases: &[(&str, Result<(&str, &str), Rejection>)] = &[
            ("a=b", Ok(("a", "b"))),
            ("  a  =  b  ", Ok(("a", "b"))),
            ("my name=x y", Ok(("my name", "x y"))),
            ("foo", Ok(("", "foo"))),
            ("=foo", Ok(("", "foo"))),
            (" =foo=bar", Err(Rejection::DisallowedCharacter)),
            ("===a=bar", Err(Rejection::DisallowedCharacter)),
            ("a=", Ok(("a", ""))),
            ("a=b=c", Ok(("a", "b=c"))),
            ("\ta=b\t", Ok(("a", "b"))),
            ("a=\"b;c\"", Ok(("a", "\"b"))),
            ("=", Err(Rejection::NoCookieContent)),
            ("", Err(Rejection::NoCookieContent)),
            ("; path=/", Err(Rejection::NoCookieContent)),
            ("a=b\u{7}", Err(Rejection::DisallowedCharacter)),
            ("a=b\0c", Err(Rejection::DisallowedCharacter)),
            ("a=b\rc", Err(Rejection::DisallowedCharacter)),
            ("a=b; path=/\n", Err(Rejection::DisallowedCharacter)),
            ("a=b\u{7f}", Err(Rejection::DisallowedCharacter)),
            ("a\tb=c", Err(Rejection::DisallowedCharacter)),
            ("a=b\tc", Err(Rejection::DisallowedCharacter)),
            // Chromium checks attribute names and values too.
            ("a=b; Foo=x\ty", Err(Rejection::DisallowedCharacter)),
            ("a=b; x\ty", Err(Rejection::DisallowedCharacter)),
            ("a=b; Path=/\t; \tSecure\t", Ok(("a", "b"))),
        ];
        for (line, want) in cases {
            let got = parse(line).map(|c| (c.name, c.value));
            let want = want.map(|(n, v)| (n.to_owned(), v.to_owned()));
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn size_limits() {
        let name = "n".repeat(2048);
        assert!(parse(&format!("{name}={}", "v".repeat(2048))).is_ok());
        assert_eq!(
            parse(&format!("{name}={}", "v".repeat(2049))),
            Err(Rejection::NameValuePairExceedsMaxSize)
        );
        assert!(parse(&"v".repeat(4096)).is_ok());
        let long = format!("/{}", "p".repeat(1024));
        let c = parse(&format!("a=b; Path=/ok; Path={long}")).unwrap();
        assert_eq!(c.path.as_deref(), Some("/ok"));
        let ok = format!("/{}", "p".repeat(1023));
        assert_eq!(parse(&format!("a=b; Path={ok}")).unwrap().path, Some(ok));
    }

    #[test]
    fn attributes_last_wins_and_case() {
        let c = parse(
            "a=b; SAMESITE=lax; samesite=Strict; PATH=/x; path=/y; Domain=A.example; domain=",
        )
        .unwrap();
        assert_eq!(c.same_site, SameSite::Strict);
        assert_eq!(c.path.as_deref(), Some("/y"));
        assert_eq!(c.domain.as_deref(), Some(""));
        let c = parse("a=b; SameSite=None; SameSite=bogus").unwrap();
        assert_eq!(c.same_site, SameSite::Unspecified);
        let c = parse("a=b; path=relative").unwrap();
        assert_eq!(c.path.as_deref(), Some(""));
        let c = parse("a=b; Secure=no; HTTPONLY; Partitioned; Priority=HIGH").unwrap();
        assert!(c.secure && c.http_only && c.partitioned);
        assert_eq!(c.priority, Priority::High);
        assert_eq!(parse("a=b; priority=urgent").unwrap().priority, Priority::Medium);
    }

    #[test]
    fn max_age_and_expires() {
        let cases = [
            ("max-age=10", Some(10)),
            ("max-age=-5", Some(-5)),
            ("max-age=0", Some(0)),
            ("max-age=12abc", None),
            ("max-age=+5", Some(5)),
            ("max-age=+-5", None),
            ("max-age=-+5", None),
            ("max-age=+", None),
            ("max-age=-", None),
            ("max-age=", None),
            ("max-age=2.63", None),
            ("max-age=99999999999999999999999", Some(i64::MAX)),
            ("max-age=99999999999999999999999x", Some(i64::MAX)),
            ("max-age=-99999999999999999999999", Some(i64::MIN)),
            ("max-age=9223372036854775807", Some(i64::MAX)),
            ("max-age=-9223372036854775807", Some(-i64::MAX)),
            // The last occurrence wins even when it is invalid (Chromium).
            ("max-age=10; max-age=bad", None),
            ("max-age=bad; max-age=10", Some(10)),
        ];
        for (attrs, want) in cases {
            assert_eq!(parse(&format!("a=b; {attrs}")).unwrap().max_age, want, "{attrs}");
        }
        let c = parse("a=b; expires=Wed, 09 Jun 2021 10:18:14 GMT; expires=garbage").unwrap();
        assert_eq!(c.expires, None);
        let c = parse("a=b; expires=garbage; expires=Wed, 09 Jun 2021 10:18:14 GMT").unwrap();
        assert_eq!(
            c.expires.map(Timestamp::to_rfc1123).as_deref(),
            Some("Wed, 09 Jun 2021 10:18:14 GMT")
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(line in "\\PC{0,64}") {
            let _ = parse_set_cookie(&line);
        }

        #[test]
        fn simple_pairs_round_trip(name in "[a-zA-Z0-9_!#$%&'*+.^`|~-]{1,20}", value in "[a-zA-Z0-9_!#$%&'*+./:^`|~-]{0,40}") {
            let c = parse_set_cookie(&format!("{name}={value}; Path=/")).unwrap();
            proptest::prop_assert_eq!(c.name, name);
            proptest::prop_assert_eq!(c.value, value);
        }

        #[test]
        fn byte_helpers_match_std(s in "[ \t;=a\u{e9}\u{3000}]{0,16}") {
            proptest::prop_assert_eq!(trim_ws(&s), s.trim_matches([' ', '\t']));
            proptest::prop_assert_eq!(split_once_ascii(&s, b';'), s.split_once(';'));
            proptest::prop_assert_eq!(split_once_ascii(&s, b'='), s.split_once('='));
        }

        #[test]
        fn find_byte_matches_position(s in proptest::collection::vec(0_u8..=255, 0..40), b in 0_u8..=255) {
            proptest::prop_assert_eq!(find_byte(&s, b), s.iter().position(|&x| x == b));
        }

        #[test]
        fn attribute_pairs_match_std_splitting(s in "[ \t;=a\u{e9}]{0,24}") {
            let reference: Vec<(&str, &str)> = s
                .split(';')
                .map(|av| match av.split_once('=') {
                    Some((k, v)) => (trim_ws(k), trim_ws(v)),
                    None => (trim_ws(av), ""),
                })
                .collect();
            proptest::prop_assert_eq!(attribute_pairs(&s).collect::<Vec<_>>(), reference);
        }
    }
}
