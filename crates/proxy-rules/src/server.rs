//! One proxy server (or DIRECT), its two textual forms and host
//! canonicalisation.

use std::fmt;

use url::Url;

use crate::error::{Grammar, MAX_INPUT_LEN, ParseError, ParseErrorKind};
use crate::scheme::ProxyScheme;

/// One entry of a proxy list: DIRECT, or a proxy of some [`ProxyScheme`] at a
/// canonical host and an explicit port.
///
/// Two textual forms exist, as in Chromium:
/// - the URI form of proxy rules, `[scheme://]host[:port]`
///   ([`parse_uri`](Self::parse_uri); [`Display`](fmt::Display) writes it
///   with scheme and port always present: `socks5://h:1080`, `direct://`);
/// - the PAC form of PAC results and of Electron's `resolveProxy`,
///   `TYPE host:port` or `DIRECT` ([`parse_pac`](Self::parse_pac),
///   [`to_pac_string`](Self::to_pac_string)).
///
/// The host is canonicalised like a URL host: lower case, IDN in punycode,
/// IPv4 in dotted decimal (`0xA.020.3.4` → `10.16.3.4`), IPv6 compressed and
/// in brackets.
///
/// ```
/// use sessionkit_proxy_rules::{ProxyScheme, ProxyServer};
///
/// let p = ProxyServer::parse_uri("SOCKS://[2001:DB8:0::1]", ProxyScheme::Http)?;
/// assert_eq!(p.scheme(), ProxyScheme::Socks5);
/// assert_eq!(p.host(), "[2001:db8::1]");
/// assert_eq!(p.port(), 1080);
/// assert_eq!(p.to_string(), "socks5://[2001:db8::1]:1080");
/// assert_eq!(p.to_pac_string(), "SOCKS5 [2001:db8::1]:1080");
/// # Ok::<(), sessionkit_proxy_rules::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProxyServer {
    scheme: ProxyScheme,
    /// Canonical host; empty for DIRECT.
    host: String,
    /// Explicit or default port; 0 for DIRECT.
    port: u16,
}

/// The blanks Chromium trims around proxy items and PAC elements (HTTP's
/// linear white space, without line folding).
pub(crate) const fn is_lws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Trims LWS and says where the trimmed text starts.
pub(crate) fn trim_lws(s: &str) -> (usize, &str) {
    let start = s.len() - s.trim_start_matches(is_lws).len();
    (start, s.trim_matches(is_lws))
}

impl ProxyServer {
    /// The DIRECT entry: no proxy.
    pub const fn direct() -> Self {
        Self { scheme: ProxyScheme::Direct, host: String::new(), port: 0 }
    }

    /// Builds a proxy from parts, canonicalising `host` (brackets around an
    /// IPv6 address are optional) and using the scheme's default port when
    /// `port` is `None`.
    ///
    /// For [`ProxyScheme::Direct`], `host` must be empty and `port` `None`.
    /// Any scheme is accepted here, [`ProxyScheme::Quic`] included.
    pub fn new(scheme: ProxyScheme, host: &str, port: Option<u16>) -> Result<Self, ParseError> {
        let err = |kind| Err(ParseError::new(Grammar::ProxyUri, 0, host, kind));
        let Some(default_port) = scheme.default_port() else {
            return if host.is_empty() && port.is_none() {
                Ok(Self::direct())
            } else {
                err(ParseErrorKind::DirectWithHost)
            };
        };
        if host.is_empty() {
            return err(ParseErrorKind::MissingHost);
        }
        match canonical_host(host) {
            Some(host) => Ok(Self { scheme, host, port: port.unwrap_or(default_port) }),
            None => err(ParseErrorKind::InvalidHost),
        }
    }

    /// Parses the URI form `[scheme "://"] host [":" port]` used in proxy
    /// rules, surrounded by optional spaces and tabs.
    ///
    /// Without a scheme, `default` applies (Chromium uses HTTP, or SOCKS4
    /// under the `socks=` key). Scheme names ignore case; `socks` means
    /// SOCKS5. Like Chromium's release builds, `quic://` is refused. A host
    /// with user info, an empty or out-of-range port, or anything after the
    /// port (a path, even a lone `/`) is an error: Chromium drops such items.
    pub fn parse_uri(input: &str, default: ProxyScheme) -> Result<Self, ParseError> {
        if input.len() > MAX_INPUT_LEN {
            return Err(ParseError::too_large(Grammar::ProxyUri, input.len()));
        }
        Self::parse_uri_in(input, default)
            .map_err(|(offset, text, kind)| ParseError::new(Grammar::ProxyUri, offset, text, kind))
    }

    /// [`parse_uri`](Self::parse_uri) without the size check; errors carry
    /// the offset relative to `input`.
    pub(crate) fn parse_uri_in(
        input: &str,
        default: ProxyScheme,
    ) -> Result<Self, (usize, String, ParseErrorKind)> {
        let (start, item) = trim_lws(input);
        let fail = |kind| Err((start, item.to_owned(), kind));
        // Only the first colon can introduce a scheme, and only when `//`
        // follows it; `[::1]:80` therefore has none.
        let (scheme, rest) = match item.find(':') {
            Some(colon) if item[colon + 1..].starts_with("//") => {
                match ProxyScheme::from_uri_scheme(&item[..colon]) {
                    Some(scheme) => (scheme, &item[colon + 3..]),
                    None => return fail(ParseErrorKind::UnknownProxyScheme),
                }
            }
            _ => (default, item),
        };
        if scheme == ProxyScheme::Quic {
            return fail(ParseErrorKind::QuicNotAllowed);
        }
        host_and_port(scheme, rest.trim_matches(is_lws)).or_else(fail)
    }

    /// Parses one PAC result element: `DIRECT`, or a type word (`PROXY`,
    /// `HTTPS`, `SOCKS`, `SOCKS4`, `SOCKS5`, `QUIC`; any case), blanks, and
    /// `host[:port]`.
    ///
    /// The port defaults by type. A URI (`PROXY http://h:80`) is not a PAC
    /// element, nor is the type `HTTP`.
    pub fn parse_pac(input: &str) -> Result<Self, ParseError> {
        if input.len() > MAX_INPUT_LEN {
            return Err(ParseError::too_large(Grammar::PacResult, input.len()));
        }
        Self::parse_pac_in(input)
            .map_err(|(offset, text, kind)| ParseError::new(Grammar::PacResult, offset, text, kind))
    }

    pub(crate) fn parse_pac_in(input: &str) -> Result<Self, (usize, String, ParseErrorKind)> {
        let (start, element) = trim_lws(input);
        let fail = |kind| Err((start, element.to_owned(), kind));
        let word_end = element.find(is_lws).unwrap_or(element.len());
        let Some(scheme) = ProxyScheme::from_pac_type(&element[..word_end]) else {
            return fail(ParseErrorKind::UnknownPacType);
        };
        host_and_port(scheme, element[word_end..].trim_matches(is_lws)).or_else(fail)
    }

    /// What kind of proxy this is.
    pub const fn scheme(&self) -> ProxyScheme {
        self.scheme
    }

    /// The canonical host (IPv6 in brackets); empty for DIRECT.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, explicit or the scheme's default; 0 for DIRECT.
    pub const fn port(&self) -> u16 {
        self.port
    }

    /// Whether this is the DIRECT entry.
    pub fn is_direct(&self) -> bool {
        self.scheme == ProxyScheme::Direct
    }

    /// The PAC form: `DIRECT` or `TYPE host:port` (`PROXY foopy:80`,
    /// `SOCKS5 [::1]:1080`).
    pub fn to_pac_string(&self) -> String {
        if self.is_direct() {
            "DIRECT".to_owned()
        } else {
            format!("{} {}:{}", self.scheme.pac_type(), self.host, self.port)
        }
    }

    /// The proxy as a URL of the kind HTTP clients take
    /// (`http://h:80`, `https://h:443`, `socks4://h:1080`,
    /// `socks5h://h:1080`), or `None` for DIRECT and for QUIC, which such
    /// clients cannot use.
    ///
    /// SOCKS5 maps to `socks5h` because Chromium always lets a SOCKS5 proxy
    /// resolve the destination name.
    pub fn to_proxy_url(&self) -> Option<Url> {
        let scheme = match self.scheme {
            ProxyScheme::Http => "http",
            ProxyScheme::Https => "https",
            ProxyScheme::Socks4 => "socks4",
            ProxyScheme::Socks5 => "socks5h",
            ProxyScheme::Direct | ProxyScheme::Quic => return None,
        };
        Url::parse(&format!("{scheme}://{}:{}", self.host, self.port)).ok()
    }
}

/// The URI form, scheme and port always written: `http://foopy:80`,
/// `socks5://[::1]:1080`, `direct://`. Every value except a QUIC proxy
/// parses back to itself with [`ProxyServer::parse_uri`].
impl fmt::Display for ProxyServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_direct() {
            f.write_str("direct://")
        } else {
            write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
        }
    }
}

/// Reads `host[:port]` (already trimmed) for a known scheme, the way
/// Chromium splits a URL authority: the port follows the last colon that is
/// not inside brackets.
fn host_and_port(scheme: ProxyScheme, text: &str) -> Result<ProxyServer, ParseErrorKind> {
    let Some(default_port) = scheme.default_port() else {
        return if text.is_empty() {
            Ok(ProxyServer::direct())
        } else {
            Err(ParseErrorKind::DirectWithHost)
        };
    };
    if text.contains('@') {
        return Err(ParseErrorKind::Credentials);
    }
    // An unclosed `[` makes the whole text the host, so no port is split off.
    let ipv6_end = match text.rfind(']') {
        Some(i) => Some(i),
        None if text.starts_with('[') => Some(text.len()),
        None => None,
    };
    let (host, port) = match text.rfind(':') {
        Some(colon) if ipv6_end.is_none_or(|end| colon > end) => {
            (&text[..colon], Some(&text[colon + 1..]))
        }
        _ => (text, None),
    };
    if host.is_empty() {
        return Err(ParseErrorKind::MissingHost);
    }
    let port = match port {
        None => default_port,
        Some("") => return Err(ParseErrorKind::EmptyPort),
        Some(digits) => parse_port(digits).ok_or(ParseErrorKind::InvalidPort)?,
    };
    if host.starts_with('[') && !host.ends_with(']') {
        return Err(ParseErrorKind::InvalidHost);
    }
    let host = canonical_host(host).ok_or(ParseErrorKind::InvalidHost)?;
    Ok(ProxyServer { scheme, host, port })
}

/// Decimal digits only, leading zeros allowed, at most 65535.
fn parse_port(digits: &str) -> Option<u16> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 5 {
        return None;
    }
    if significant.is_empty() { Some(0) } else { significant.parse().ok() }
}

/// Canonicalises a proxy host with the URL host parser (IDN, IPv4 shorthand,
/// IPv6). A host with a colon is an IPv6 address whether or not it came in
/// brackets, as in Chromium.
///
/// A canonical host that contains a separator of the two textual forms
/// (`,` `;` `=`) is refused: it could not be written back. Only IDN
/// compatibility mappings produce one from rules text (U+1F101 maps to
/// `0,`); a PAC element can also spell `=` directly.
pub(crate) fn canonical_host(host: &str) -> Option<String> {
    let parsed = if host.contains(':') && !host.starts_with('[') {
        url::Host::parse(&format!("[{host}]"))
    } else {
        url::Host::parse(host)
    };
    let canonical = parsed.ok()?.to_string();
    let writable = !canonical.is_empty() && !canonical.contains([',', ';', '=']);
    writable.then_some(canonical)
}
