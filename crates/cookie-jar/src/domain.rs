//! Hosts and domains: canonical hosts, domain-matching, registrable domains (the
//! public suffix list through `psl`, private section included), the Domain
//! attribute rules, and trustworthy origins.

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

/// Is this canonical host an IP address literal?
pub(crate) fn is_ip(host: &str) -> bool {
    host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok()
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
            let d = d.strip_suffix('.').unwrap_or(d).to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
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
pub(crate) fn resolve_domain(
    host: &str,
    attribute: Option<&str>,
) -> Result<(String, bool), Rejection> {
    let Some(raw) = attribute.filter(|a| !a.is_empty()) else {
        return Ok((host.to_owned(), true));
    };
    let stripped = raw.strip_prefix('.').unwrap_or(raw);
    if is_ip(host) {
        return if stripped == host || canonicalize(stripped).as_deref() == Some(host) {
            Ok((host.to_owned(), true))
        } else {
            Err(Rejection::InvalidDomain)
        };
    }
    let domain = canonicalize(stripped).ok_or(Rejection::InvalidDomain)?;
    if is_ip(&domain) {
        return Err(Rejection::InvalidDomain);
    }
    let Some(host_registrable) = registrable_domain(host) else {
        return if domain == host { Ok((domain, true)) } else { Err(Rejection::InvalidDomain) };
    };
    if domain_match(host, &domain) && domain_match(&domain, host_registrable) {
        Ok((domain, false))
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
