//! One parsed entry of a bypass list, its canonical text and its verdict on a URL.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use url::Url;

use crate::glob;
use crate::implicit;
use crate::options::CompileOptions;
use crate::view::UrlView;

/// One entry of a bypass list, as Chromium understands it.
///
/// Rules only come out of the parser, which guarantees the invariants the matcher and
/// [`Display`](fmt::Display) rely on (lower-case schemes and patterns, no separators).
/// That is why the variants with fields are `#[non_exhaustive]`: match on them with `..`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// `<local>`: bypass hosts that contain no dot and are not IP literals
    /// (`http://intranet/`). Despite Electron's documentation it does not cover
    /// `localhost` or `127.0.0.1` by itself (those are covered by the implicit rules).
    Local,
    /// `<-loopback>`: do *not* bypass the URLs the implicit rules cover (localhost,
    /// loopback and link-local addresses), unless a later entry says otherwise.
    SubtractImplicit,
    /// `[scheme://]pattern[:port]`: a glob over the whole URL host.
    #[non_exhaustive]
    Hostname {
        /// The URL scheme the rule is limited to, lower case.
        scheme: Option<String>,
        /// The host glob, lower case: `*` matches any run of characters, `?` matches
        /// zero or one character, `\` makes the next character literal. A leading `.`
        /// in the input is stored as `*.`.
        pattern: String,
        /// The effective URL port the rule is limited to. `0` means port 0.
        port: Option<u16>,
    },
    /// `[scheme://]IP[:port]` with an IPv4 literal or a bracketed IPv6 literal,
    /// compared with the URL host as an address.
    #[non_exhaustive]
    Ip {
        /// The URL scheme the rule is limited to, lower case.
        scheme: Option<String>,
        /// The address.
        addr: IpAddr,
        /// The effective URL port the rule is limited to. Chromium reads port 0 as "any
        /// port" for IP rules, so the parser stores `:0` as `None`.
        port: Option<u16>,
    },
    /// `IP/PREFIX`: matches URLs whose host is an IP literal inside the range. IPv4 and
    /// IPv6 ranges also match the other family through IPv4-mapped IPv6 addresses.
    ///
    /// A scheme written before the range is dropped: Chromium prints this rule without
    /// it and every real configuration is re-parsed from its printed form, so in Chrome
    /// and Electron `http://10.0.0.0/8` matches every scheme.
    #[non_exhaustive]
    Cidr {
        /// The range, with the host bits cleared.
        net: IpNet,
    },
}

impl Rule {
    /// The verdict of this rule alone on `url`, as Chromium asks each rule while it walks
    /// a list from the last entry to the first: `Some(true)` bypass, `Some(false)` do not
    /// bypass (only [`Rule::SubtractImplicit`] says that), `None` no opinion.
    ///
    /// [`BypassMatcher`](crate::BypassMatcher) answers for a whole list without asking
    /// every rule; this is the building block for callers that need one rule's view.
    pub fn decide(&self, url: &Url, options: &CompileOptions) -> Option<bool> {
        self.decide_view(&UrlView::new(url), options)
    }

    pub(crate) fn decide_view(&self, url: &UrlView<'_>, options: &CompileOptions) -> Option<bool> {
        let include = match self {
            Self::Local => url.ip.is_none() && !url.host.contains('.'),
            Self::SubtractImplicit => {
                return implicit::covering_rule(url, options.windows_loopback).map(|_| false);
            }
            Self::Hostname { scheme, pattern, port } => {
                scheme_and_port_fit(scheme.as_deref(), *port, url)
                    && glob::matches(pattern, url.host)
            }
            Self::Ip { scheme, addr, port } => {
                scheme_and_port_fit(scheme.as_deref(), *port, url) && url.ip == Some(*addr)
            }
            Self::Cidr { net } => url.ip.is_some_and(|ip| crate::index::net_contains(net, ip)),
        };
        include.then_some(true)
    }
}

pub(crate) fn scheme_and_port_fit(
    scheme: Option<&str>,
    port: Option<u16>,
    url: &UrlView<'_>,
) -> bool {
    scheme.is_none_or(|s| s == url.scheme) && port.is_none_or(|p| url.port == Some(p))
}

impl fmt::Display for Rule {
    /// The canonical text of the rule, which parses back to the same rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local => f.write_str("<local>"),
            Self::SubtractImplicit => f.write_str("<-loopback>"),
            Self::Hostname { scheme, pattern, port } => {
                write_scheme(f, scheme.as_deref())?;
                f.write_str(pattern)?;
                write_port(f, *port)
            }
            Self::Ip { scheme, addr, port } => {
                write_scheme(f, scheme.as_deref())?;
                match addr {
                    IpAddr::V4(v4) => write!(f, "{v4}")?,
                    // The URL form, so that the rule reads like the hosts it matches.
                    IpAddr::V6(v6) => write!(f, "{}", url::Host::<&str>::Ipv6(*v6))?,
                }
                write_port(f, *port)
            }
            Self::Cidr { net } => write!(f, "{net}"),
        }
    }
}

fn write_scheme(f: &mut fmt::Formatter<'_>, scheme: Option<&str>) -> fmt::Result {
    match scheme {
        Some(s) => write!(f, "{s}://"),
        None => Ok(()),
    }
}

fn write_port(f: &mut fmt::Formatter<'_>, port: Option<u16>) -> fmt::Result {
    match port {
        Some(p) => write!(f, ":{p}"),
        None => Ok(()),
    }
}
