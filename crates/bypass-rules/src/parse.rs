//! Reading a bypass list: splitting it into entries and each entry into a [`Rule`],
//! trying the rule kinds in the order Chromium does.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::error::{ParseError, ParseErrorKind};
use crate::literal::{parse_decimal, parse_ip_literal, parse_port, split_host_port, trim};
use crate::rule::Rule;

/// The longest input the parsers accept, in bytes (1 MiB).
///
/// Chromium has no such limit; real lists are a few kilobytes, and a bound keeps the
/// cost of parsing untrusted input predictable.
pub const MAX_INPUT_LEN: usize = 1 << 20;

/// Parses `input`, calling `on_error` for each entry Chromium would drop. Stops early
/// (returning what it has) when `on_error` returns `false`.
pub(crate) fn parse_list(input: &str, mut on_error: impl FnMut(ParseError) -> bool) -> Vec<Rule> {
    if input.len() > MAX_INPUT_LEN {
        let kind = ParseErrorKind::InputTooLarge { len: input.len(), limit: MAX_INPUT_LEN };
        on_error(ParseError::new(MAX_INPUT_LEN, "", kind));
        return Vec::new();
    }
    let mut rules = Vec::new();
    for (offset, entry) in entries(input) {
        match parse_entry(entry) {
            Ok(rule) => rules.push(rule),
            Err(kind) => {
                if !on_error(ParseError::new(offset, entry, kind)) {
                    break;
                }
            }
        }
    }
    rules
}

/// The non-blank entries of `input` with their byte offsets: pieces between `,` or `;`,
/// trimmed. Blank pieces are skipped rather than reported, as Chromium's tokenizer
/// never even produces empty ones and a trailing separator is common.
fn entries(input: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    input.split([',', ';']).filter_map(move |piece| {
        let piece_start = start;
        start += piece.len() + 1;
        let trimmed = trim(piece);
        if trimmed.is_empty() {
            return None;
        }
        let lead = piece.len() - piece.trim_start_matches(crate::literal::is_space).len();
        Some((piece_start + lead, trimmed))
    })
}

/// Parses one trimmed, non-empty entry.
pub(crate) fn parse_entry(entry: &str) -> Result<Rule, ParseErrorKind> {
    if entry.eq_ignore_ascii_case("<-loopback>") {
        return Ok(Rule::SubtractImplicit);
    }
    if entry.eq_ignore_ascii_case("<local>") {
        return Ok(Rule::Local);
    }

    let (scheme, rest) = match entry.split_once("://") {
        Some(("", _)) => return Err(ParseErrorKind::EmptyScheme),
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, entry),
    };
    if rest.is_empty() {
        return Err(ParseErrorKind::MissingHost);
    }

    // Any '/' commits the entry to being a range; Chromium never reads it as a host.
    if rest.contains('/') {
        return parse_cidr(rest).map(|net| Rule::Cidr { net });
    }

    if let Some((host, port)) = split_host_port(rest)
        && let Some(addr) = parse_ip_literal(host)
    {
        // Chromium reads port 0 of an IP rule as "no port".
        let port = port.filter(|p| *p != 0);
        return Ok(Rule::Ip { scheme, addr, port });
    }

    let (pattern, port) = match rest.rsplit_once(':') {
        Some((pattern, port)) => {
            (pattern, Some(parse_port(port).ok_or(ParseErrorKind::InvalidPort)?))
        }
        None => (rest, None),
    };
    let mut pattern = pattern.to_ascii_lowercase();
    if pattern.starts_with('.') {
        pattern.insert(0, '*');
    }
    Ok(Rule::Hostname { scheme, pattern, port })
}

/// `IP/BITS`, whitespace allowed around either part, IPv6 without brackets, host bits
/// ignored.
fn parse_cidr(text: &str) -> Result<IpNet, ParseErrorKind> {
    let Some((addr, bits)) = text.split_once('/') else {
        return Err(ParseErrorKind::NotIpRange);
    };
    if bits.contains('/') {
        return Err(ParseErrorKind::NotIpRange);
    }
    let addr = parse_ip_literal(trim(addr)).ok_or(ParseErrorKind::NotIpRange)?;
    let max: u8 = if addr.is_ipv4() { 32 } else { 128 };
    let bits = parse_decimal(trim(bits), u32::from(max))
        .and_then(|b| u8::try_from(b).ok())
        .ok_or(ParseErrorKind::InvalidPrefixLength { max })?;
    let net = match addr {
        IpAddr::V4(a) => ipnet::Ipv4Net::new(a, bits).map(IpNet::V4),
        IpAddr::V6(a) => ipnet::Ipv6Net::new(a, bits).map(IpNet::V6),
    };
    net.map(|n| n.trunc()).map_err(|_| ParseErrorKind::InvalidPrefixLength { max })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(input: &str) -> Vec<(usize, &str)> {
        entries(input).collect()
    }

    #[test]
    fn entries_carry_offsets_of_trimmed_text() {
        assert_eq!(offsets(" a ,;b;\tc "), vec![(1, "a"), (5, "b"), (8, "c")]);
        assert_eq!(offsets(""), vec![]);
        assert_eq!(offsets(" , ;"), vec![]);
        assert_eq!(offsets("\u{0B}x"), vec![(1, "x")]);
    }

    #[test]
    fn leading_dot_becomes_star() {
        let rule = parse_entry(".Example.COM:443").unwrap();
        assert_eq!(rule.to_string(), "*.example.com:443");
    }

    #[test]
    fn cidr_clears_host_bits() {
        assert_eq!(parse_entry("192.168.1.1 / 16").unwrap().to_string(), "192.168.0.0/16");
        assert_eq!(parse_entry("10.1/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(
            parse_entry("10.0.0.0/33"),
            Err(ParseErrorKind::InvalidPrefixLength { max: 32 })
        );
        assert_eq!(parse_entry("[::1]/128"), Err(ParseErrorKind::NotIpRange));
    }
}
