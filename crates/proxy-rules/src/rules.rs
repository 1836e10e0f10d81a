//! Chromium's manual proxy rules (Electron's `proxyRules`): grammar,
//! normalised value, canonical text and per-URL lookup.

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::error::{Grammar, MAX_INPUT_LEN, ParseError, ParseErrorKind};
use crate::list::ProxyList;
use crate::scheme::ProxyScheme;
use crate::server::{ProxyServer, is_lws, trim_lws};
use crate::tokens::tokens;

/// A parsed `proxyRules` string: no rules, one proxy list for every URL, or
/// lists chosen by URL scheme.
///
/// See the crate documentation for the grammar. [`parse`](Self::parse) is
/// strict, [`parse_lenient`](Self::parse_lenient) does exactly what Chromium
/// does and reports what it dropped or ignored.
///
/// # Equality and canonical text
///
/// The value is normalised: a per-scheme list that ended up empty is the same
/// as a key that was never given, and per-scheme rules whose lists are all
/// empty are the same as no rules at all. [`Display`](fmt::Display) writes
/// the canonical form (explicit schemes and ports, keys in the order `http`,
/// `https`, `ftp`, `socks`), which [`parse`](Self::parse) reads back to an
/// equal value. Equality is structural on that normal form, so rules that
/// happen to resolve alike but are written differently
/// (`socks=socks4://p:1080` and `socks4://p:1080`) are not equal; compare
/// [`proxies_for`](Self::proxies_for) results for behaviour.
///
/// A single list whose items were all invalid (`foo.test/`) is kept: Chromium
/// resolves every URL to the empty list, failing the request, which is not the
/// same as no rules (DIRECT). Its canonical text is `,` — a list of no proxies,
/// which parses strictly to the same value. See
/// [`single_list`](Self::single_list).
///
/// ```
/// use sessionkit_proxy_rules::ProxyRules;
/// use url::Url;
///
/// let rules: ProxyRules = "http=foopy;socks=bar".parse()?;
/// assert_eq!(rules.to_string(), "http=http://foopy:80;socks=socks4://bar:1080");
/// let for_ftp = rules.proxies_for(&Url::parse("ftp://example.com/")?);
/// assert_eq!(for_ftp.to_string(), "SOCKS bar:1080");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProxyRules {
    kind: Kind,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
enum Kind {
    #[default]
    Empty,
    Single(ProxyList),
    PerScheme(PerScheme),
}

/// Chromium keeps one list per supported URL scheme plus the `socks=`
/// fallback; an empty list means "not mapped".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct PerScheme {
    http: ProxyList,
    https: ProxyList,
    ftp: ProxyList,
    fallback: ProxyList,
}

impl PerScheme {
    fn is_empty(&self) -> bool {
        self.http.is_empty()
            && self.https.is_empty()
            && self.ftp.is_empty()
            && self.fallback.is_empty()
    }

    /// The list for a key of the grammar and the default proxy scheme of its
    /// items; `None` for a key Chromium ignores. Keys are case-sensitive.
    fn entry(&mut self, key: &str) -> Option<(&mut ProxyList, ProxyScheme)> {
        match key {
            "http" => Some((&mut self.http, ProxyScheme::Http)),
            "https" => Some((&mut self.https, ProxyScheme::Http)),
            "ftp" => Some((&mut self.ftp, ProxyScheme::Http)),
            // `socks=` is not a URL scheme: it names the list for every URL
            // that has no list of its own, and a bare host there is SOCKS4.
            "socks" => Some((&mut self.fallback, ProxyScheme::Socks4)),
            _ => None,
        }
    }

    /// Chromium's choice of list for a URL scheme; `None` means DIRECT.
    fn for_scheme(&self, scheme: &str) -> Option<&ProxyList> {
        let own = match scheme {
            "http" => Some(&self.http),
            "https" => Some(&self.https),
            "ftp" => Some(&self.ftp),
            _ => None,
        };
        if let Some(list) = own.filter(|l| !l.is_empty()) {
            return Some(list);
        }
        let candidates: &[&ProxyList] = if scheme == "ws" || scheme == "wss" {
            // WebSockets prefer a SOCKS proxy, then the https one (RFC 6455
            // advises tunnelling through the proxy used for https).
            &[&self.fallback, &self.https, &self.http]
        } else {
            &[&self.fallback]
        };
        candidates.iter().copied().find(|l| !l.is_empty())
    }
}

/// Collects warnings with offsets into the whole rules string.
struct Parser {
    warnings: Vec<ParseError>,
}

impl Parser {
    fn warn(&mut self, offset: usize, text: &str, kind: ParseErrorKind) {
        self.warnings.push(ParseError::new(Grammar::Rules, offset, text, kind));
    }

    /// Warns about `text` trimmed, `base` being its offset in the input.
    fn warn_trimmed(&mut self, base: usize, text: &str, kind: ParseErrorKind) {
        let (at, trimmed) = trim_lws(text);
        self.warn(base + at, trimmed, kind);
    }

    /// Parses a comma-separated proxy list starting at byte `base` of the
    /// input, appending the valid items; returns how many were added.
    fn list(&mut self, text: &str, base: usize, default: ProxyScheme, to: &mut ProxyList) -> usize {
        let mut added = 0;
        for (at, item) in tokens(text, ',') {
            // Chromium drops a blank item like an invalid one, but it is just
            // a doubled or trailing comma: no warning.
            if item.trim_matches(is_lws).is_empty() {
                continue;
            }
            match ProxyServer::parse_uri_in(item, default) {
                Ok(server) => {
                    to.push(server);
                    added += 1;
                }
                Err((offset, text, kind)) => self.warn(base + at + offset, &text, kind),
            }
        }
        added
    }

    fn rules(&mut self, input: &str) -> Kind {
        let mut per_scheme: Option<PerScheme> = None;
        let mut pieces = tokens(input, ';');
        while let Some((piece_at, piece)) = pieces.next() {
            let toks: Vec<(usize, &str)> = tokens(piece, '=').collect();
            let mut i = 0;
            while let Some(&(tok_at, tok)) = toks.get(i) {
                if i == 2 {
                    self.warn_trimmed(piece_at + tok_at, tok, ParseErrorKind::ExtraEquals);
                }
                let Some(&(value_at, value)) = toks.get(i + 1) else {
                    // A token with no value after it.
                    let kind = if piece[..tok_at].contains('=') {
                        Some(ParseErrorKind::MissingKey)
                    } else if piece[tok_at + tok.len()..].contains('=') {
                        Some(ParseErrorKind::MissingProxyList)
                    } else {
                        None
                    };
                    if per_scheme.is_none() {
                        // Before any `key=value`, it is the single list for
                        // every URL, and Chromium reads nothing further.
                        if let Some(kind) = kind {
                            self.warn_trimmed(piece_at, piece, kind);
                        }
                        let mut list = ProxyList::new();
                        self.list(tok, piece_at + tok_at, ProxyScheme::Http, &mut list);
                        for (rest_at, rest) in pieces.by_ref() {
                            if !rest.trim_matches(is_lws).is_empty() {
                                self.warn_trimmed(rest_at, rest, ParseErrorKind::IgnoredAfterList);
                            }
                        }
                        return Kind::Single(list);
                    }
                    if i == 0 && !tok.trim_matches(is_lws).is_empty() {
                        let kind = kind.unwrap_or(ParseErrorKind::ListAfterPerScheme);
                        self.warn_trimmed(piece_at, piece, kind);
                    }
                    break;
                };
                let (key_at, key) = trim_ascii_whitespace(tok);
                let per = per_scheme.get_or_insert_with(PerScheme::default);
                match per.entry(key) {
                    Some((list, default)) => {
                        let before = self.warnings.len();
                        let added = self.list(value, piece_at + value_at, default, list);
                        if added == 0 && self.warnings.len() == before {
                            self.warn_trimmed(piece_at, piece, ParseErrorKind::MissingProxyList);
                        }
                    }
                    None => self.warn(piece_at + tok_at + key_at, key, ParseErrorKind::UnknownKey),
                }
                i += 2;
            }
        }
        match per_scheme {
            Some(per) if !per.is_empty() => Kind::PerScheme(per),
            _ => Kind::Empty,
        }
    }
}

impl ProxyRules {
    /// No rules: every URL goes DIRECT.
    pub const fn new() -> Self {
        Self { kind: Kind::Empty }
    }

    /// Parses a `proxyRules` string, failing on the first thing Chromium
    /// would drop or ignore (an invalid proxy, an unknown or upper-case key,
    /// a piece after a plain list, `key=` with nothing after it, ...).
    ///
    /// When it succeeds the value is the one Chromium builds (and the one
    /// [`parse_lenient`](Self::parse_lenient) returns, with no warnings).
    /// Empty items (`a,,b`, a trailing `;`) are not errors.
    ///
    /// ```
    /// use sessionkit_proxy_rules::{ParseErrorKind, ProxyRules};
    ///
    /// let err = ProxyRules::parse("foopy:80;bar:90").unwrap_err();
    /// assert_eq!(err.kind(), &ParseErrorKind::IgnoredAfterList);
    /// assert_eq!((err.offset(), err.text()), (9, "bar:90"));
    /// ```
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let (rules, warnings) = Self::parse_lenient(input);
        match warnings.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(rules),
        }
    }

    /// Parses a `proxyRules` string exactly as Chromium does, returning
    /// everything it dropped or ignored as warnings, in input order.
    ///
    /// Input over [`MAX_INPUT_LEN`] bytes gives no rules and one
    /// [`ParseErrorKind::InputTooLarge`] warning.
    ///
    /// ```
    /// use sessionkit_proxy_rules::ProxyRules;
    ///
    /// let (rules, warnings) = ProxyRules::parse_lenient("foopy:80;bar:90");
    /// assert_eq!(rules.to_string(), "http://foopy:80");
    /// assert_eq!(warnings.len(), 1);
    /// ```
    pub fn parse_lenient(input: &str) -> (Self, Vec<ParseError>) {
        if input.len() > MAX_INPUT_LEN {
            return (Self::new(), vec![ParseError::too_large(Grammar::Rules, input.len())]);
        }
        let mut parser = Parser { warnings: Vec::new() };
        let kind = parser.rules(input);
        (Self { kind }, parser.warnings)
    }

    /// Whether there are no rules (every URL goes DIRECT, bypass rules are
    /// not even consulted).
    pub const fn is_empty(&self) -> bool {
        matches!(self.kind, Kind::Empty)
    }

    /// The list used for every URL when the rules are a plain proxy list.
    ///
    /// It may be empty when every item was invalid: Chromium then resolves
    /// every URL that is not bypassed to the empty list and fails the request.
    pub const fn single_list(&self) -> Option<&ProxyList> {
        match &self.kind {
            Kind::Single(list) => Some(list),
            _ => None,
        }
    }

    /// Whether the rules map URL schemes to lists (`key=value` pieces).
    pub const fn is_per_scheme(&self) -> bool {
        matches!(self.kind, Kind::PerScheme(_))
    }

    /// The list given for a key (`"http"`, `"https"`, `"ftp"` or `"socks"`)
    /// of per-scheme rules; `None` when not per-scheme, the key is unknown,
    /// or no valid proxy was given for it.
    pub fn per_scheme_list(&self, key: &str) -> Option<&ProxyList> {
        let Kind::PerScheme(per) = &self.kind else { return None };
        let list = match key {
            "http" => &per.http,
            "https" => &per.https,
            "ftp" => &per.ftp,
            "socks" => &per.fallback,
            _ => return None,
        };
        (!list.is_empty()).then_some(list)
    }

    /// The proxies Chromium would use for `url` by these rules alone, bypass
    /// rules not applied (see
    /// [`ProxyConfig::resolve`](crate::ProxyConfig::resolve) for those).
    ///
    /// No rules, or per-scheme rules without a list for the URL's scheme and
    /// no `socks=` fallback, give `[DIRECT]`. For `ws`/`wss` the order is
    /// the `socks=` list, then `https`, then `http`.
    pub fn proxies_for(&self, url: &Url) -> ProxyList {
        match &self.kind {
            Kind::Empty => ProxyList::direct(),
            Kind::Single(list) => list.clone(),
            Kind::PerScheme(per) => {
                per.for_scheme(url.scheme()).cloned().unwrap_or_else(ProxyList::direct)
            }
        }
    }
}

/// The canonical rules string; see [`ProxyRules`] for its guarantees.
impl fmt::Display for ProxyRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn items(f: &mut fmt::Formatter<'_>, list: &ProxyList) -> fmt::Result {
            for (i, server) in list.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{server}")?;
            }
            Ok(())
        }
        match &self.kind {
            Kind::Empty => Ok(()),
            Kind::Single(list) if list.is_empty() => f.write_str(","),
            Kind::Single(list) => items(f, list),
            Kind::PerScheme(per) => {
                let keyed = [
                    ("http", &per.http),
                    ("https", &per.https),
                    ("ftp", &per.ftp),
                    ("socks", &per.fallback),
                ];
                let mut first = true;
                for (key, list) in keyed.into_iter().filter(|(_, l)| !l.is_empty()) {
                    if !first {
                        f.write_str(";")?;
                    }
                    first = false;
                    write!(f, "{key}=")?;
                    items(f, list)?;
                }
                Ok(())
            }
        }
    }
}

/// Strict parsing, as [`ProxyRules::parse`].
impl FromStr for ProxyRules {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Chromium trims a URL-scheme key with its full ASCII white-space set (space, tab,
/// LF, VT, FF, CR), wider than the LWS trimmed around proxy items: `"\nhttp=a"`
/// still maps `http`.
fn trim_ascii_whitespace(s: &str) -> (usize, &str) {
    const fn is_ascii_space(c: char) -> bool {
        matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
    }
    let start = s.len() - s.trim_start_matches(is_ascii_space).len();
    (start, s.trim_matches(is_ascii_space))
}
