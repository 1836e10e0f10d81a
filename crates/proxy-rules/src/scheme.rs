//! The kinds of proxy server Chromium knows, with their names in the two
//! textual forms (URI and PAC) and their default ports.

use std::fmt;

/// How a request reaches its destination: directly or through a kind of proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProxyScheme {
    /// No proxy: connect to the destination. URI `direct://`, PAC `DIRECT`.
    Direct,
    /// Plain HTTP proxy. URI `http://` (or no scheme), PAC `PROXY`, port 80.
    Http,
    /// HTTP proxy reached over TLS. URI `https://`, PAC `HTTPS`, port 443.
    Https,
    /// SOCKS version 4. URI `socks4://`, PAC `SOCKS` or `SOCKS4`, port 1080.
    Socks4,
    /// SOCKS version 5 (names are resolved by the proxy). URI `socks5://` or
    /// `socks://`, PAC `SOCKS5`, port 1080.
    Socks5,
    /// QUIC proxy. PAC `QUIC`, port 443. Release builds of Chromium accept it
    /// only in PAC results, never in proxy rules.
    Quic,
}

impl ProxyScheme {
    /// The port used when a proxy gives none; `None` for [`Direct`](Self::Direct).
    pub const fn default_port(self) -> Option<u16> {
        match self {
            Self::Direct => None,
            Self::Http => Some(80),
            Self::Https | Self::Quic => Some(443),
            Self::Socks4 | Self::Socks5 => Some(1080),
        }
    }

    /// The scheme written before `://` in the canonical URI form.
    pub const fn uri_scheme(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Http => "http",
            Self::Https => "https",
            Self::Socks4 => "socks4",
            Self::Socks5 => "socks5",
            Self::Quic => "quic",
        }
    }

    /// The type word of the PAC form (`PROXY`, `SOCKS5`, ...). SOCKS version 4
    /// is written `SOCKS`, the spelling every PAC implementation understands.
    pub const fn pac_type(self) -> &'static str {
        match self {
            Self::Direct => "DIRECT",
            Self::Http => "PROXY",
            Self::Https => "HTTPS",
            Self::Socks4 => "SOCKS",
            Self::Socks5 => "SOCKS5",
            Self::Quic => "QUIC",
        }
    }

    /// Reads the scheme of a proxy URI, ignoring ASCII case.
    ///
    /// `socks` means SOCKS5 here, unlike the `socks=` key of proxy rules and
    /// the PAC type `SOCKS`, which mean SOCKS4: Chromium's asymmetry, kept.
    /// `quic` is recognised; whether it is allowed is up to the caller.
    pub fn from_uri_scheme(scheme: &str) -> Option<Self> {
        const TABLE: [(&str, ProxyScheme); 7] = [
            ("http", ProxyScheme::Http),
            ("https", ProxyScheme::Https),
            ("socks4", ProxyScheme::Socks4),
            ("socks5", ProxyScheme::Socks5),
            ("socks", ProxyScheme::Socks5),
            ("direct", ProxyScheme::Direct),
            ("quic", ProxyScheme::Quic),
        ];
        TABLE.iter().find(|(name, _)| name.eq_ignore_ascii_case(scheme)).map(|&(_, s)| s)
    }

    /// Reads the type word of a PAC result element, ignoring ASCII case.
    ///
    /// `HTTP` is not a PAC type (Chromium rejects it); `PROXY` is.
    pub fn from_pac_type(word: &str) -> Option<Self> {
        const TABLE: [(&str, ProxyScheme); 7] = [
            ("proxy", ProxyScheme::Http),
            ("https", ProxyScheme::Https),
            ("socks", ProxyScheme::Socks4),
            ("socks4", ProxyScheme::Socks4),
            ("socks5", ProxyScheme::Socks5),
            ("direct", ProxyScheme::Direct),
            ("quic", ProxyScheme::Quic),
        ];
        TABLE.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)).map(|&(_, s)| s)
    }
}

/// Writes the URI scheme (`socks5`, `direct`, ...).
impl fmt::Display for ProxyScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri_scheme())
    }
}
