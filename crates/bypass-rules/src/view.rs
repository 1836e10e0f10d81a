//! The parts of a URL that rules look at, extracted once per lookup.

use std::borrow::Cow;
use std::net::IpAddr;

use url::{Host, Url};

/// What every rule kind needs from a URL, computed once so the matcher does not ask
/// `url` again for each index it consults.
pub(crate) struct UrlView<'a> {
    /// The serialised host (`[::1]` for IPv6), lower case; empty when the URL has none,
    /// as Chromium's URL type reports it.
    pub(crate) host: Cow<'a, str>,
    /// The host as an address when the URL parser recognised an IP literal.
    pub(crate) ip: Option<IpAddr>,
    pub(crate) scheme: &'a str,
    /// The explicit port or the scheme's default.
    pub(crate) port: Option<u16>,
}

impl<'a> UrlView<'a> {
    pub(crate) fn new(url: &'a Url) -> Self {
        let (host, ip) = match url.host() {
            None => ("", None),
            Some(Host::Domain(d)) => (d, None),
            Some(Host::Ipv4(a)) => (url.host_str().unwrap_or_default(), Some(IpAddr::V4(a))),
            Some(Host::Ipv6(a)) => (url.host_str().unwrap_or_default(), Some(IpAddr::V6(a))),
        };
        // Hosts of special schemes are already lower case; only opaque hosts of other
        // schemes can carry upper case, so the common path does not allocate.
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(host.to_ascii_lowercase())
        } else {
            Cow::Borrowed(host)
        };
        Self { host, ip, scheme: url.scheme(), port: url.port_or_known_default() }
    }
}
