//! Hosts and domains: canonical hosts, domain-matching, registrable domains (the
//! public suffix list through `psl`, private section included), the Domain
//! attribute rules, and trustworthy origins.

use std::borrow::Cow;
use std::net::Ipv4Addr;

use url::{Host, Url};

use crate::error::Rejection;

/// The URL's host in the form cookies store it: lower-case ASCII (IDNA already
/// applied by `url`), IPv4 dotted, IPv6 in brackets. `None` for URLs without a host.
pub(crate) fn canonical_host(url: &Url) -> Option<String> {
    match url.host()? {
        Host::Domain(d) => Some(d.to_ascii_lowercase()),
        Host::Ipv4(ip) => Some(ip.to_string()),
        Host::Ipv6(ip) => Some(format!("[{ip}]")),
    }
}

/// [`canonical_host`], borrowed from the URL when it is already lower case
/// (always, for the special schemes cookies are kept for).
pub(crate) fn canonical_host_cow(url: &Url) -> Option<Cow<'_, str>> {
    match url.host()? {
        Host::Domain(d) if !d.bytes().any(|b| b.is_ascii_uppercase()) => Some(Cow::Borrowed(d)),
        Host::Domain(d) => Some(Cow::Owned(d.to_ascii_lowercase())),
        Host::Ipv4(ip) => Some(Cow::Owned(ip.to_string())),
        Host::Ipv6(ip) => Some(Cow::Owned(format!("[{ip}]"))),
    }
}

/// Is this canonical host an IP address literal?
pub(crate) fn is_ip(host: &str) -> bool {
    // A dotted IPv4 address ends in a digit: most names are refused before parsing.
    host.starts_with('[')
        || (host.as_bytes().last().is_some_and(u8::is_ascii_digit)
            && host.parse::<Ipv4Addr>().is_ok())
}

/// RFC 6265bis §5.1.3 domain-match: `host` equals `domain`, or `host` ends with
/// `.` + `domain` and is not an IP address.
pub(crate) fn domain_match(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
        && !is_ip(host)
}

/// The registrable domain (eTLD+1) of a canonical host, using the public suffix
/// list with its private section, as Chromium's `GetDomainAndRegistry` does with
/// `INCLUDE_PRIVATE_REGISTRIES`. `None` for IP addresses, public suffixes and
/// hosts with a single unknown label.
pub(crate) fn registrable_domain(host: &str) -> Option<&str> {
    if is_ip(host) {
        return None;
    }
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    psl::domain_str(trimmed)
}

/// The jar's index key for a cookie domain or request host: its registrable
/// domain, or the host itself when it has none (Chromium's `GetKey`).
pub(crate) fn index_key(host: &str) -> &str {
    registrable_domain(host).unwrap_or(host)
}

/// Is this a scheme Chromium keeps cookies for (`http`, `https`, `ws`, `wss`)?
pub(crate) fn is_cookieable_scheme(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https" | "ws" | "wss")
}

/// Is the scheme cryptographic (`https`, `wss`)?
pub(crate) fn is_secure_scheme(url: &Url) -> bool {
    matches!(url.scheme(), "https" | "wss")
}

/// A potentially trustworthy origin for cookie purposes: a secure scheme, or a
/// loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`), which
/// Chromium lets set and read Secure cookies over plain http.
pub(crate) fn is_trustworthy(url: &Url) -> bool {
    if is_secure_scheme(url) {
        return true;
    }
    match url.host() {
        Some(Host::Domain(d)) => {
            // Compared without allocating: the name itself or `*.localhost`,
            // any case, one trailing dot ignored.
            let d = d.strip_suffix('.').unwrap_or(d).as_bytes();
            let suffix = b".localhost";
            d.eq_ignore_ascii_case(&suffix[1..])
                || (d.len() > suffix.len()
                    && d[d.len() - suffix.len()..].eq_ignore_ascii_case(suffix))
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The site of a URL as a partition key: `scheme://registrable-domain` (or the
/// host when there is none).
pub(crate) fn site_of(url: &Url) -> Option<String> {
    let host = canonical_host(url)?;
    Some(format!("{}://{}", url.scheme(), index_key(&host)))
}

/// Resolves the Domain attribute against the request host (already canonical).
///
/// Returns the cookie's canonical domain and whether it is host-only.
/// Follows Chromium's `GetCookieDomainWithString`:
/// - no attribute, or an empty one: host-only on the request host;
/// - one leading dot is ignored; `%` is refused; the rest is canonicalised like a
///   URL host (lower case, IDNA for non-ASCII, IPv4 normalisation);
/// - an IP request host accepts only its own address, and the cookie is host-only;
/// - a host without a registrable domain (a public suffix, `localhost`, ...)
///   accepts only its own name, as a host-only cookie;
/// - otherwise the domain must domain-match the host and lie within the host's
///   registrable domain (so public suffixes such as `org` or `github.io` are refused).
#[cfg(test)]
pub(crate) fn resolve_domain(
    host: &str,
    attribute: Option<&str>,
) -> Result<(String, bool), Rejection> {
    Ok(match resolve_cookie_domain(host, attribute)? {
        None => (host.to_owned(), true),
        Some(domain) => (domain, false),
    })
}

/// [`resolve_domain`] without copying the host: `None` for a host-only cookie
/// on `host`, or the domain of a domain cookie.
pub(crate) fn resolve_cookie_domain(
    host: &str,
    attribute: Option<&str>,
) -> Result<Option<String>, Rejection> {
    let Some(raw) = attribute.filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let stripped = raw.strip_prefix('.').unwrap_or(raw);
    if is_ip(host) {
        return if stripped == host || canonicalize(stripped).as_deref() == Some(host) {
            Ok(None)
        } else {
            Err(Rejection::InvalidDomain)
        };
    }
    let domain = canonicalize(stripped).ok_or(Rejection::InvalidDomain)?;
    if is_ip(&domain) {
        return Err(Rejection::InvalidDomain);
    }
    let Some(host_registrable) = registrable_domain(host) else {
        return if domain == host { Ok(None) } else { Err(Rejection::InvalidDomain) };
    };
    if domain_match(host, &domain) && domain_match(&domain, host_registrable) {
        Ok(Some(domain))
    } else {
        Err(Rejection::InvalidDomain)
    }
}

/// Canonicalises a domain string like a URL host; `None` when it is empty,
/// contains `%`, or is not a valid host.
fn canonicalize(domain: &str) -> Option<String> {
    if domain.is_empty() || domain.contains('%') {
        return None;
    }
    if is_plain_ascii_name(domain) {
        return Some(domain.to_ascii_lowercase());
    }
    canonicalize_slow(domain)
}

/// A name that host parsing (IDNA UTS #46 mapping, then the IPv4 check) would
/// only lower-case: non-empty dot-separated labels of ASCII letters, digits and
/// inner hyphens, at most 63 bytes each, none starting with `xn--` (punycode is
/// validated by IDNA), and a last label starting with a letter (so it cannot be
/// read as a number). Anything else takes the full path.
fn is_plain_ascii_name(domain: &str) -> bool {
    let mut last = "";
    for label in domain.split('.') {
        let bytes = label.as_bytes();
        let (Some(&first), Some(&end)) = (bytes.first(), bytes.last()) else {
            return false;
        };
        if bytes.len() > 63
            || first == b'-'
            || end == b'-'
            || (bytes.len() >= 4 && bytes[..4].eq_ignore_ascii_case(b"xn--"))
            || !bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
        last = label;
    }
    last.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
}

/// [`canonicalize`] through the URL host parser.
fn canonicalize_slow(domain: &str) -> Option<String> {
    match Host::parse(domain).ok()? {
        Host::Domain(d) if !d.is_empty() => Some(d.to_ascii_lowercase()),
        Host::Domain(_) => None,
        Host::Ipv4(ip) => Some(ip.to_string()),
        Host::Ipv6(ip) => Some(format!("[{ip}]")),
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn domain_attribute_table() {
        let host = "home.example.org";
        let cases: &[(Option<&str>, Result<(&str, bool), Rejection>)] = &[
            (None, Ok((host, true))),
            (Some(""), Ok((host, true))),
            (Some("example.org"), Ok(("example.org", false))),
            (Some(".example.org"), Ok(("example.org", false))),
            (Some("EXAMPLE.org"), Ok(("example.org", false))),
            (Some("home.example.org"), Ok((host, false))),
            (Some("org"), Err(Rejection::InvalidDomain)),
            (Some(".org"), Err(Rejection::InvalidDomain)),
            (Some("example.org."), Err(Rejection::InvalidDomain)),
            (Some("..example.org"), Err(Rejection::InvalidDomain)),
            (Some("other.org"), Err(Rejection::InvalidDomain)),
            (Some("sub.home.example.org"), Err(Rejection::InvalidDomain)),
            (Some("ample.org"), Err(Rejection::InvalidDomain)),
            (Some("exa%6dple.org"), Err(Rejection::InvalidDomain)),
            (Some("  .  home.example.org"), Err(Rejection::InvalidDomain)),
        ];
        for (attr, want) in cases {
            let got = resolve_domain(host, *attr);
            let want = want.map(|(d, h)| (d.to_owned(), h));
            assert_eq!(got, want, "{attr:?}");
        }
    }

    #[test]
    fn public_suffixes_private_section_and_ips() {
        assert_eq!(
            resolve_domain("foo.github.io", Some("github.io")),
            Err(Rejection::InvalidDomain)
        );
        assert_eq!(resolve_domain("github.io", Some("github.io")), Ok(("github.io".into(), true)));
        assert_eq!(resolve_domain("1.2.3.4", Some("1.2.3.4")), Ok(("1.2.3.4".into(), true)));
        assert_eq!(resolve_domain("1.2.3.4", Some(".1.2.3.4")), Ok(("1.2.3.4".into(), true)));
        assert_eq!(resolve_domain("1.2.3.4", Some("2.3.4")), Err(Rejection::InvalidDomain));
        assert_eq!(resolve_domain("localhost", Some("localhost")), Ok(("localhost".into(), true)));
        assert_eq!(
            resolve_domain("xn--bcher-kva.example", Some("BÜCHER.example")),
            Ok(("xn--bcher-kva.example".into(), false))
        );
        assert!(!domain_match("1.2.3.4", "2.3.4"));
        assert!(domain_match("a.b.example", "b.example"));
        assert!(!domain_match("ab.example", "b.example"));
    }

    #[test]
    fn ascii_fast_path_agrees_with_host_parsing() {
        for name in [
            "example.com",
            "EXAMPLE.Com",
            "a-b.example",
            "a--b.example",
            "xn--bcher-kva.example",
            "XN--bcher-kva.example",
            "xn--.example",
            "-a.example",
            "a-.example",
            "a..b",
            "a.b.",
            "1.2.3.4",
            "1.2.3.com",
            "example.123",
            "example.0x1f",
            "a_b.example",
            "b\u{fc}cher.example",
            "\u{212a}.example",
            &format!("{}.example", "a".repeat(64)),
            &format!("{}.example", "a".repeat(63)),
        ] {
            let fast = is_plain_ascii_name(name).then(|| name.to_ascii_lowercase());
            if let Some(fast) = fast {
                assert_eq!(Some(fast), canonicalize_slow(name), "{name}");
            }
        }
        assert!(is_plain_ascii_name("Site1.example.com"));
        assert!(!is_plain_ascii_name("xn--bcher-kva.example"));
        assert!(!is_plain_ascii_name("example.123"));
    }

    proptest::proptest! {
        #[test]
        fn ascii_fast_path_matches_host_parsing(name in "[a-zA-Z0-9.-]{1,24}") {
            if is_plain_ascii_name(&name) {
                proptest::prop_assert_eq!(
                    Some(name.to_ascii_lowercase()),
                    canonicalize_slow(&name)
                );
            }
        }

        #[test]
        fn trustworthy_without_allocation_matches_lowercasing(
            host in "(localhost|LocalHost|a|x\\.LOCALHOST|localhost\\.example|xlocalhost)\\.?"
        ) {
            let url = Url::parse(&format!("http://{host}/")).unwrap();
            let Some(Host::Domain(d)) = url.host() else { return Ok(()) };
            let d = d.strip_suffix('.').unwrap_or(d).to_ascii_lowercase();
            let want = d == "localhost" || d.ends_with(".localhost");
            proptest::prop_assert_eq!(is_trustworthy(&url), want);
        }
    }

    #[test]
    fn trustworthy_origins() {
        for (url, want) in [
            ("https://a.example/", true),
            ("wss://a.example/", true),
            ("http://localhost:3000/", true),
            ("http://app.localhost/", true),
            ("http://127.8.0.1/", true),
            ("http://[::1]/", true),
            ("http://a.example/", false),
            ("http://localhost.example/", false),
        ] {
            let url = Url::parse(url).unwrap();
            assert_eq!(is_trustworthy(&url), want, "{url}");
        }
    }
}
