//! The implicit rules: destinations Chromium never sends through a proxy unless the
//! list contains `<-loopback>`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::Url;

use crate::options::CompileOptions;
use crate::view::UrlView;

/// Which implicit rule covers a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImplicitRule {
    /// `localhost`, `localhost.`, or a name ending in `.localhost` (with or without a
    /// trailing dot).
    Localhost,
    /// A loopback address: 127.0.0.0/8, `::1`, or IPv4-mapped `::ffff:127.0.0.0/104`.
    Loopback,
    /// A link-local address: 169.254.0.0/16, its IPv4-mapped form, or `fe80::/10`.
    LinkLocal,
    /// The names `loopback` and `loopback.`, which Chromium adds on Windows only
    /// (see [`CompileOptions::windows_loopback`]).
    WindowsLoopbackName,
}

impl fmt::Display for ImplicitRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Localhost => "localhost",
            Self::Loopback => "loopback address",
            Self::LinkLocal => "link-local address",
            Self::WindowsLoopbackName => "Windows loopback name",
        })
    }
}

/// The implicit rule that covers `url`, if any, whether or not the options enable the
/// implicit rules as a fallback.
///
/// Chromium consults these before anything else for PAC scripts too, so a PAC
/// evaluator can call this to skip the script the way Chromium does.
///
/// ```
/// use sessionkit_bypass_rules::{implicit_rule, CompileOptions, ImplicitRule};
/// use url::Url;
///
/// let opts = CompileOptions::default();
/// let url = Url::parse("http://app.localhost:3000/")?;
/// assert_eq!(implicit_rule(&url, &opts), Some(ImplicitRule::Localhost));
/// let url = Url::parse("http://[fe80::1]/")?;
/// assert_eq!(implicit_rule(&url, &opts), Some(ImplicitRule::LinkLocal));
/// assert_eq!(implicit_rule(&Url::parse("http://10.0.0.1/")?, &opts), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn implicit_rule(url: &Url, options: &CompileOptions) -> Option<ImplicitRule> {
    covering_rule(&UrlView::new(url), options.windows_loopback)
}

pub(crate) fn covering_rule(url: &UrlView<'_>, windows_loopback: bool) -> Option<ImplicitRule> {
    match url.ip {
        Some(IpAddr::V4(a)) => v4_rule(a),
        Some(IpAddr::V6(a)) => v6_rule(a),
        None => name_rule(url.host, windows_loopback),
    }
}

fn name_rule(host: &str, windows_loopback: bool) -> Option<ImplicitRule> {
    let bare = host.strip_suffix('.').unwrap_or(host);
    if bare.eq_ignore_ascii_case("localhost") || ends_with_ignore_case(bare, ".localhost") {
        Some(ImplicitRule::Localhost)
    } else if windows_loopback && bare.eq_ignore_ascii_case("loopback") {
        Some(ImplicitRule::WindowsLoopbackName)
    } else {
        None
    }
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

fn v4_rule(a: Ipv4Addr) -> Option<ImplicitRule> {
    if a.is_loopback() {
        Some(ImplicitRule::Loopback)
    } else if a.is_link_local() {
        Some(ImplicitRule::LinkLocal)
    } else {
        None
    }
}

fn v6_rule(a: Ipv6Addr) -> Option<ImplicitRule> {
    if a.is_loopback() {
        Some(ImplicitRule::Loopback)
    } else if let Some(v4) = a.to_ipv4_mapped() {
        // Only the mapped form (::ffff:a.b.c.d); the deprecated compatible form
        // (::a.b.c.d) is not covered.
        v4_rule(v4)
    } else if a.segments()[0] & 0xffc0 == 0xfe80 {
        Some(ImplicitRule::LinkLocal)
    } else {
        None
    }
}
