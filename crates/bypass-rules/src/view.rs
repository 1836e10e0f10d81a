//! The parts of a URL that rules look at, extracted once per lookup.

use std::net::{IpAddr, Ipv4Addr};

use url::{Host, Url};

/// What every rule kind needs from a URL, computed once so the matcher does not ask
/// `url` again for each index it consults.
pub(crate) struct UrlView<'a> {
    /// The serialised host (`[::1]` for IPv6); empty when the URL has none, as
    /// Chromium's URL type reports it. Lower case for the special schemes; an opaque
    /// host of another scheme keeps its case, as in Chromium.
    pub(crate) host: &'a str,
    /// The host as an address: an IP literal the URL parser recognised, or an opaque
    /// host of a non-special scheme whose text is a dotted IPv4 address (Chromium
    /// asks whether the host text is an IP address, whatever the scheme).
    pub(crate) ip: Option<IpAddr>,
    pub(crate) scheme: &'a str,
    /// The explicit port or the scheme's default.
    pub(crate) port: Option<u16>,
}

impl<'a> UrlView<'a> {
    pub(crate) fn new(url: &'a Url) -> Self {
        let (host, ip) = match url.host() {
            None => ("", None),
            Some(Host::Domain(d)) if !is_special(url.scheme()) => {
                (d, d.parse::<Ipv4Addr>().ok().map(IpAddr::V4))
            }
            Some(Host::Domain(d)) => (d, None),
            Some(Host::Ipv4(a)) => (url.host_str().unwrap_or_default(), Some(IpAddr::V4(a))),
            Some(Host::Ipv6(a)) => (url.host_str().unwrap_or_default(), Some(IpAddr::V6(a))),
        };
        Self { host, ip, scheme: url.scheme(), port: url.port_or_known_default() }
    }
}

/// The WHATWG special schemes, whose hosts the URL parser canonicalises (lower case,
/// IPv4 recognised); every other scheme has an opaque host.
fn is_special(scheme: &str) -> bool {
    matches!(scheme, "http" | "https" | "ws" | "wss" | "ftp" | "file")
}
