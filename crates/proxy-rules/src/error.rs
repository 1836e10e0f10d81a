//! Error types: [`ParseError`] for everything textual, [`ConfigError`] for
//! Electron's `setProxy` argument checks and [`ResolveError`] for modes that
//! need more than this crate can know.

use std::fmt;

/// The largest input, in bytes, that the parsers of this crate accept.
///
/// Proxy rules and PAC results are short strings in practice; the limit keeps
/// a hostile or corrupt input from costing unbounded time and memory. Longer
/// inputs give [`ParseErrorKind::InputTooLarge`]. Chromium has no such limit
/// (see the crate's `# Deviation` section).
pub const MAX_INPUT_LEN: usize = 1 << 20;

/// What was being parsed when a [`ParseError`] arose; it only changes the
/// wording of the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Grammar {
    Rules,
    ProxyUri,
    PacResult,
    PacUrl,
    BypassRules,
}

impl Grammar {
    const fn noun(self) -> &'static str {
        match self {
            Self::Rules => "invalid proxy rule",
            Self::ProxyUri => "invalid proxy URI",
            Self::PacResult => "invalid PAC result element",
            Self::PacUrl => "invalid PAC URL",
            Self::BypassRules => "invalid proxy bypass rule",
        }
    }
}

/// A problem found in a proxy rules string, a proxy URI, a PAC result string
/// or (through [`ProxyConfig::from_electron`](crate::ProxyConfig::from_electron))
/// a PAC URL or bypass list.
///
/// Strict parsers return the first one as an error; lenient parsers return the
/// Chromium result together with every problem as a warning. [`offset`](Self::offset)
/// is a byte offset into the whole input that was handed to the parser, and
/// [`text`](Self::text) is the offending piece of it.
///
/// ```
/// let err = sessionkit_proxy_rules::ProxyRules::parse("http=foo:80;ftp=:80").unwrap_err();
/// assert_eq!(err.offset(), 16);
/// assert_eq!(err.text(), ":80");
/// assert_eq!(err.to_string(), r#"invalid proxy rule at byte 16: ":80": missing host"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} at byte {offset}: {text:?}: {kind}", grammar.noun())]
pub struct ParseError {
    grammar: Grammar,
    offset: usize,
    text: String,
    kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(
        grammar: Grammar,
        offset: usize,
        text: impl Into<String>,
        kind: ParseErrorKind,
    ) -> Self {
        Self { grammar, offset, text: text.into(), kind }
    }

    pub(crate) fn too_large(grammar: Grammar, len: usize) -> Self {
        Self::new(grammar, MAX_INPUT_LEN, "", ParseErrorKind::InputTooLarge { len })
    }

    /// Byte offset of [`text`](Self::text) in the whole input.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The offending text (trimmed of surrounding blanks).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What is wrong.
    pub const fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }
}

/// What is wrong with the text of a [`ParseError`].
///
/// For each kind the documentation says what Chromium does with such input,
/// which is what the lenient parsers do too.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input is longer than [`MAX_INPUT_LEN`]; nothing was parsed.
    InputTooLarge {
        /// Length of the input in bytes.
        len: usize,
    },
    /// A proxy has no host (`:80`, `http://`, `PROXY`). Chromium drops it.
    MissingHost,
    /// A proxy ends in `:` with no port (`foo:`). Chromium drops it.
    EmptyPort,
    /// The port is not a decimal number from 0 to 65535, or something follows
    /// it (`foo:http`, `foo:-1`, `foo:99999`, `foo:80/`). Chromium drops it.
    InvalidPort,
    /// The proxy URI carries `user:password@`. Chromium drops it: proxy
    /// credentials are supplied through authentication challenges instead.
    Credentials,
    /// The host is not a valid URL host (`foo.111`, `a b`, `foo/`, `[1::2::3]`,
    /// an unbracketed IPv6 address with a port). Chromium drops the proxy.
    InvalidHost,
    /// The URI scheme before `://` is none of `http`, `https`, `socks`,
    /// `socks4`, `socks5`, `direct`. Chromium drops the proxy.
    UnknownProxyScheme,
    /// A `quic://` proxy. Release builds of Chromium (and so Electron) drop it.
    QuicNotAllowed,
    /// `direct://` followed by something, or `DIRECT` followed by a host.
    /// Chromium drops it.
    DirectWithHost,
    /// The first word of a PAC result element is none of `DIRECT`, `PROXY`,
    /// `HTTPS`, `SOCKS`, `SOCKS4`, `SOCKS5`, `QUIC`. Chromium skips the element.
    UnknownPacType,
    /// A `key=` piece whose key is not one of the case-sensitive `http`,
    /// `https`, `ftp`, `socks`. Chromium ignores the piece.
    UnknownKey,
    /// `key=` with no proxy after it. As the first piece, Chromium uses the
    /// key itself as a proxy host (`http=` means the proxy `http:80` for every
    /// URL); after a `key=value` piece it ignores it.
    MissingProxyList,
    /// `=value` with no key. As the first piece, Chromium uses the value as a
    /// proxy list for every URL; after a `key=value` piece it ignores it.
    MissingKey,
    /// A piece with more than one `=`. Chromium reads the extra tokens as
    /// further `key=value` pairs, or ignores a trailing lone one.
    ExtraEquals,
    /// A plain proxy list after a `key=value` piece. Chromium ignores it.
    ListAfterPerScheme,
    /// A piece after a plain proxy list: Chromium stops parsing at the first
    /// plain list and ignores the rest of the string.
    IgnoredAfterList,
    /// A PAC URL that is not a valid absolute URL. Electron then behaves as
    /// in direct mode.
    InvalidPacUrl,
    /// A proxy bypass rule that Chromium drops, and why.
    InvalidBypassRule(sessionkit_bypass_rules::ParseErrorKind),
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InputTooLarge { len } => {
                write!(f, "input of {len} bytes exceeds the limit of {MAX_INPUT_LEN} bytes")
            }
            Self::MissingHost => f.write_str("missing host"),
            Self::EmptyPort => f.write_str("empty port"),
            Self::InvalidPort => f.write_str("port must be a decimal number from 0 to 65535"),
            Self::Credentials => f.write_str("credentials are not allowed in a proxy URI"),
            Self::InvalidHost => f.write_str("invalid host"),
            Self::UnknownProxyScheme => f.write_str(
                "unknown proxy scheme (expected http, https, socks, socks4, socks5 or direct)",
            ),
            Self::QuicNotAllowed => f.write_str("QUIC proxies are not allowed in proxy rules"),
            Self::DirectWithHost => f.write_str("DIRECT takes no host"),
            Self::UnknownPacType => f.write_str(
                "unknown PAC type (expected DIRECT, PROXY, HTTPS, SOCKS, SOCKS4, SOCKS5 or QUIC)",
            ),
            Self::UnknownKey => f.write_str(
                "unknown URL scheme key, ignored (keys are case-sensitive: http, https, ftp, socks)",
            ),
            Self::MissingProxyList => f.write_str("no proxy after `=`"),
            Self::MissingKey => f.write_str("no URL scheme key before `=`"),
            Self::ExtraEquals => f.write_str("more than one `=` in one `;`-separated piece"),
            Self::ListAfterPerScheme => {
                f.write_str("a proxy list without `key=` after `key=` pieces is ignored")
            }
            Self::IgnoredAfterList => {
                f.write_str("ignored: parsing stops after a proxy list without `key=`")
            }
            Self::InvalidPacUrl => f.write_str("not a valid URL; Electron then connects directly"),
            Self::InvalidBypassRule(why) => why.fmt(f),
        }
    }
}

/// An invalid argument to Electron's `setProxy`, reported the way Electron
/// rejects its promise.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `mode` is not one of Electron's five strings (they are case-sensitive).
    #[error(
        "Invalid mode, must be one of direct, auto_detect, pac_script, fixed_servers or system"
    )]
    InvalidMode {
        /// The mode that was given.
        mode: String,
    },
}

/// Why [`ProxyConfig::resolve`](crate::ProxyConfig::resolve) cannot give a
/// proxy list by itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// PAC mode: the script at this URL has to be fetched and its
    /// `FindProxyForURL` evaluated (for example with `sessionkit-pac`); the
    /// result string then goes through
    /// [`ProxyList::parse_pac_result`](crate::ProxyList::parse_pac_result).
    #[error("pac_script mode needs a PAC evaluator to run the script at {pac_url}")]
    NeedsPacEvaluator {
        /// The PAC script URL.
        pac_url: String,
    },
    /// Auto-detect mode: WPAD has to discover a PAC script (Chromium tries
    /// `http://wpad/wpad.dat`) and a PAC evaluator has to run it.
    #[error("auto_detect mode needs WPAD discovery and a PAC evaluator")]
    NeedsAutoDetect,
    /// System mode: the operating system's proxy settings have to be read and
    /// turned into a fixed-servers or PAC [`ProxyConfig`](crate::ProxyConfig).
    #[error(
        "system mode needs the operating system's proxy settings, turned into a fixed_servers or pac_script config"
    )]
    NeedsSystemSettings,
}
