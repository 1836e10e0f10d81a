//! Lexical helpers shared by the entry parser: whitespace, ports and IP literals, each
//! with the exact acceptance rules of the Chromium function it stands in for.

use std::net::IpAddr;

use url::Host;

/// Chromium trims with its ASCII whitespace set, which (unlike
/// [`u8::is_ascii_whitespace`]) includes vertical tab.
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// A port as both of Chromium's port readers accept it: one or more ASCII digits
/// (leading zeros allowed, no sign) with a value of at most 65535.
pub(crate) fn parse_port(s: &str) -> Option<u16> {
    parse_decimal(s, 65_535).and_then(|n| u16::try_from(n).ok())
}

/// One or more ASCII digits whose value is at most `max`, without overflowing on long
/// inputs.
pub(crate) fn parse_decimal(s: &str, max: u32) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut value: u32 = 0;
    for b in s.bytes() {
        let digit = char::from(b).to_digit(10)?;
        value = value.checked_mul(10)?.checked_add(digit)?;
        if value > max {
            return None;
        }
    }
    Some(value)
}

/// An IP literal without brackets, the way Chromium reads one in a rule: text with a
/// colon must be IPv6; anything else must be IPv4 in one of the URL standard's forms
/// (`10.1` is 10.0.0.1, `0xA.010.0.1` is 10.8.0.1, one trailing dot allowed).
pub(crate) fn parse_ip_literal(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        // The URL host parser decodes percent escapes and applies IDNA mapping first;
        // Chromium's literal parser does neither, so only hand it text that those steps
        // leave alone.
        if !s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return None;
        }
        match Host::parse(&format!("[{s}]")) {
            Ok(Host::Ipv6(addr)) => Some(IpAddr::V6(addr)),
            _ => None,
        }
    } else {
        if s.is_empty()
            || !s.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b'.' | b'x' | b'X'))
        {
            return None;
        }
        match Host::parse(s) {
            Ok(Host::Ipv4(addr)) => Some(IpAddr::V4(addr)),
            _ => None,
        }
    }
}

/// Splits `host[:port]` the way Chromium's `ParseHostAndPort` does, returning the host
/// without IPv6 brackets. `None` means "not a host and port": Chromium then goes on to
/// read the text as a hostname pattern instead.
pub(crate) fn split_host_port(raw: &str) -> Option<(&str, Option<u16>)> {
    if raw.is_empty() || raw.contains('@') {
        // An '@' makes the authority parser see user info, which is refused.
        return None;
    }
    // A colon is a port separator only after the last ']' (if the text starts with '['
    // and has no ']', the whole text is taken as an unterminated IPv6 literal).
    let last_bracket = raw.rfind(']');
    let fence = match last_bracket {
        Some(i) => Some(i),
        None if raw.starts_with('[') => Some(raw.len()),
        None => None,
    };
    let (host, port) = match raw.rfind(':') {
        Some(colon) if fence.is_none_or(|f| colon > f) => (&raw[..colon], Some(&raw[colon + 1..])),
        _ => (raw, None),
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        None => None,
        Some(text) => Some(parse_port(text)?),
    };
    let host = if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        match parse_ip_literal(inner) {
            Some(IpAddr::V6(_)) => inner,
            _ => return None,
        }
    } else {
        host
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(parse_port("80"), Some(80));
        assert_eq!(parse_port("0080"), Some(80));
        assert_eq!(parse_port("0"), Some(0));
        assert_eq!(parse_port("65535"), Some(65_535));
        assert_eq!(parse_port("65536"), None);
        assert_eq!(parse_port("99999999999999999999"), None);
        assert_eq!(parse_port("+80"), None);
        assert_eq!(parse_port("-1"), None);
        assert_eq!(parse_port(""), None);
        assert_eq!(parse_port(" 80"), None);
    }

    #[test]
    fn ip_literals() {
        assert_eq!(parse_ip_literal("10.1"), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(parse_ip_literal("0xA.010.0.1"), Some("10.8.0.1".parse().unwrap()));
        assert_eq!(parse_ip_literal("10.0.0.1."), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(parse_ip_literal("::1"), Some("::1".parse().unwrap()));
        assert_eq!(parse_ip_literal("::ffff:1.2.3.4"), Some("::ffff:102:304".parse().unwrap()));
        assert_eq!(parse_ip_literal("foo.111"), None);
        assert_eq!(parse_ip_literal("1.2.3.256"), None);
        assert_eq!(parse_ip_literal("%31.0.0.1"), None);
        assert_eq!(parse_ip_literal("[::1]"), None);
        assert_eq!(parse_ip_literal("fe80::1%eth0"), None);
        assert_eq!(parse_ip_literal(""), None);
    }

    #[test]
    fn host_and_port() {
        assert_eq!(split_host_port("10.0.0.1:80"), Some(("10.0.0.1", Some(80))));
        assert_eq!(split_host_port("[::1]:80"), Some(("::1", Some(80))));
        assert_eq!(split_host_port("[::1]"), Some(("::1", None)));
        assert_eq!(split_host_port("::1:80"), Some(("::1", Some(80))));
        assert_eq!(split_host_port("[::1"), None);
        assert_eq!(split_host_port("[foo]"), None);
        assert_eq!(split_host_port("foo:"), None);
        assert_eq!(split_host_port(":80"), None);
        assert_eq!(split_host_port("u@h"), None);
        assert_eq!(split_host_port("foo:bar"), None);
        assert_eq!(split_host_port("foo"), Some(("foo", None)));
    }
}
