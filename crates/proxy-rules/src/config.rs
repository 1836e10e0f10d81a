//! Electron's `ProxyConfig` (the argument of `ses.setProxy`) and
//! `resolveProxy` for the modes that need nothing from outside.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use sessionkit_bypass_rules::{BypassMatcher, BypassRules};
use url::Url;

use crate::error::{ConfigError, Grammar, ParseError, ParseErrorKind, ResolveError};
use crate::list::ProxyList;
use crate::rules::ProxyRules;

/// How a session finds its proxies: the `mode` of Electron's `setProxy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProxyMode {
    /// `"direct"`: never use a proxy.
    Direct,
    /// `"auto_detect"`: find a PAC script by WPAD and use it.
    AutoDetect,
    /// `"pac_script"`: use the PAC script at a URL (mandatory in Electron:
    /// if it cannot be fetched or fails, requests fail).
    PacScript,
    /// `"fixed_servers"`: use proxy rules and bypass rules.
    FixedServers,
    /// `"system"`: use the operating system's settings.
    System,
}

impl ProxyMode {
    /// Electron's name for the mode.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::AutoDetect => "auto_detect",
            Self::PacScript => "pac_script",
            Self::FixedServers => "fixed_servers",
            Self::System => "system",
        }
    }
}

impl fmt::Display for ProxyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads Electron's mode names, which are case-sensitive; anything else is
/// [`ConfigError::InvalidMode`] with Electron's rejection message.
impl FromStr for ProxyMode {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Direct, Self::AutoDetect, Self::PacScript, Self::FixedServers, Self::System]
            .into_iter()
            .find(|mode| mode.as_str() == s)
            .ok_or_else(|| ConfigError::InvalidMode { mode: s.to_owned() })
    }
}

/// A session's proxy configuration: Electron's `ProxyConfig` object.
///
/// Build it with the constructor for its mode, or from the four fields of
/// Electron's object with [`from_electron`](Self::from_electron).
/// [`resolve`](Self::resolve) answers what `ses.resolveProxy(url)` would,
/// as far as that can be known without running a PAC script or reading the
/// system's settings. The bypass rules are compiled once, here.
///
/// ```
/// use sessionkit_proxy_rules::ProxyConfig;
/// use url::Url;
///
/// let (config, warnings) =
///     ProxyConfig::from_electron(None, None, Some("http=foopy:8080"), Some("*.internal"))?;
/// assert!(warnings.is_empty());
/// let resolve = |u: &str| -> Result<String, Box<dyn std::error::Error>> {
///     Ok(config.resolve(&Url::parse(u)?)?.to_string())
/// };
/// assert_eq!(resolve("http://example.com/")?, "PROXY foopy:8080");
/// assert_eq!(resolve("https://example.com/")?, "DIRECT");
/// assert_eq!(resolve("http://db.internal/")?, "DIRECT");
/// assert_eq!(resolve("http://localhost:3000/")?, "DIRECT");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ProxyConfig {
    mode: ProxyMode,
    rules: ProxyRules,
    bypass: BypassRules,
    /// For fixed servers, `bypass` compiled; for every other mode the empty
    /// list compiled, i.e. only the implicit (localhost) rules.
    matcher: Arc<BypassMatcher>,
    pac_url: Option<String>,
}

impl ProxyConfig {
    fn build(
        mode: ProxyMode,
        rules: ProxyRules,
        bypass: BypassRules,
        pac_url: Option<String>,
    ) -> Self {
        let matcher = Arc::new(bypass.compile());
        Self { mode, rules, bypass, matcher, pac_url }
    }

    /// Direct mode: every URL resolves to `DIRECT`.
    pub fn direct() -> Self {
        Self::build(ProxyMode::Direct, ProxyRules::new(), BypassRules::new(), None)
    }

    /// System mode: the operating system's settings apply;
    /// [`resolve`](Self::resolve) cannot know them.
    pub fn system() -> Self {
        Self::build(ProxyMode::System, ProxyRules::new(), BypassRules::new(), None)
    }

    /// Auto-detect mode (WPAD): [`resolve`](Self::resolve) needs a PAC
    /// evaluator except for the implicitly bypassed localhost URLs.
    pub fn auto_detect() -> Self {
        Self::build(ProxyMode::AutoDetect, ProxyRules::new(), BypassRules::new(), None)
    }

    /// PAC mode with the script at `url` (`http:`, `https:` or `data:`).
    ///
    /// The URL is kept as given; if it is not a valid URL, Electron behaves as
    /// in direct mode, and so does [`resolve`](Self::resolve).
    pub fn pac_script(url: impl Into<String>) -> Self {
        Self::build(ProxyMode::PacScript, ProxyRules::new(), BypassRules::new(), Some(url.into()))
    }

    /// Fixed-servers mode with proxy rules and bypass rules; empty rules give
    /// direct mode instead, as in Electron.
    pub fn fixed_servers(rules: ProxyRules, bypass: BypassRules) -> Self {
        if rules.is_empty() {
            Self::direct()
        } else {
            Self::build(ProxyMode::FixedServers, rules, bypass, None)
        }
    }

    /// Builds the configuration from the fields of Electron's `ProxyConfig`
    /// object (`mode`, `pacScript`, `proxyRules`, `proxyBypassRules`; `None`
    /// for an absent field), the way `ses.setProxy` does:
    ///
    /// - without `mode`: `pac_script` when `pacScript` is non-empty (the
    ///   rules are then ignored), else `fixed_servers`;
    /// - `fixed_servers` with an absent or empty `proxyRules` is direct mode;
    /// - rules and bypass rules count only in `fixed_servers`, the PAC URL
    ///   only in `pac_script`.
    ///
    /// Rules and bypass rules are parsed leniently, like Chromium; what it
    /// would drop or ignore comes back as warnings, as does a PAC URL that is
    /// not a valid URL (Electron then connects directly). An unknown `mode`
    /// is an error with Electron's message.
    pub fn from_electron(
        mode: Option<&str>,
        pac_script: Option<&str>,
        proxy_rules: Option<&str>,
        bypass_rules: Option<&str>,
    ) -> Result<(Self, Vec<ParseError>), ConfigError> {
        let mode = match mode {
            Some(mode) => mode.parse()?,
            None if pac_script.is_some_and(|p| !p.is_empty()) => ProxyMode::PacScript,
            None => ProxyMode::FixedServers,
        };
        let mut warnings = Vec::new();
        let config = match mode {
            ProxyMode::Direct => Self::direct(),
            ProxyMode::System => Self::system(),
            ProxyMode::AutoDetect => Self::auto_detect(),
            ProxyMode::PacScript => {
                let url = pac_script.unwrap_or_default();
                if Url::parse(url).is_err() {
                    warnings.push(ParseError::new(
                        Grammar::PacUrl,
                        0,
                        url,
                        ParseErrorKind::InvalidPacUrl,
                    ));
                }
                Self::pac_script(url)
            }
            ProxyMode::FixedServers => match proxy_rules {
                None | Some("") => Self::direct(),
                Some(text) => {
                    let (rules, rule_warnings) = ProxyRules::parse_lenient(text);
                    warnings.extend(rule_warnings);
                    let (bypass, bypass_warnings) =
                        BypassRules::parse_lenient(bypass_rules.unwrap_or_default());
                    warnings.extend(bypass_warnings.iter().map(bypass_warning));
                    // Not `fixed_servers`: a non-empty string keeps this mode
                    // in Electron even when nothing valid is in it.
                    Self::build(ProxyMode::FixedServers, rules, bypass, None)
                }
            },
        };
        Ok((config, warnings))
    }

    /// The mode.
    pub const fn mode(&self) -> ProxyMode {
        self.mode
    }

    /// The proxy rules (empty unless in fixed-servers mode).
    pub const fn rules(&self) -> &ProxyRules {
        &self.rules
    }

    /// The explicit bypass rules (empty unless in fixed-servers mode).
    pub const fn bypass_rules(&self) -> &BypassRules {
        &self.bypass
    }

    /// The compiled bypass rules in use (for modes other than fixed servers,
    /// only the implicit localhost rules).
    pub fn bypass_matcher(&self) -> &BypassMatcher {
        &self.matcher
    }

    /// The PAC script URL, in PAC mode.
    pub fn pac_url(&self) -> Option<&str> {
        self.pac_url.as_deref()
    }

    /// The proxies for `url`, as `ses.resolveProxy(url)` gives them
    /// (Chromium's `ProxyRules::Apply` for fixed servers):
    ///
    /// 1. direct mode, or no rules → `DIRECT`;
    /// 2. a bypass rule matches (explicit rules, then the implicit
    ///    localhost/loopback/link-local ones unless `<-loopback>`) → `DIRECT`;
    /// 3. otherwise [`ProxyRules::proxies_for`] — possibly the empty list,
    ///    which Chromium answers with a failed request and `resolveProxy`
    ///    with `""`.
    ///
    /// In PAC and auto-detect modes, implicitly bypassed URLs resolve to
    /// `DIRECT` without the script, as in Chromium, and an invalid PAC URL
    /// means direct; everything else is a [`ResolveError`] saying what is
    /// needed. System mode is always an error.
    pub fn resolve(&self, url: &Url) -> Result<ProxyList, ResolveError> {
        match self.mode {
            ProxyMode::FixedServers if !self.rules.is_empty() => {
                if self.matcher.matches(url) {
                    Ok(ProxyList::direct())
                } else {
                    Ok(self.rules.proxies_for(url))
                }
            }
            ProxyMode::Direct | ProxyMode::FixedServers => Ok(ProxyList::direct()),
            ProxyMode::PacScript => {
                let pac_url = self.pac_url.as_deref().unwrap_or_default();
                if Url::parse(pac_url).is_err() || self.matcher.matches(url) {
                    Ok(ProxyList::direct())
                } else {
                    Err(ResolveError::NeedsPacEvaluator { pac_url: pac_url.to_owned() })
                }
            }
            ProxyMode::AutoDetect if self.matcher.matches(url) => Ok(ProxyList::direct()),
            ProxyMode::AutoDetect => Err(ResolveError::NeedsAutoDetect),
            ProxyMode::System => Err(ResolveError::NeedsSystemSettings),
        }
    }
}

/// A bypass-list warning in this crate's error type, so that
/// [`ProxyConfig::from_electron`] returns one list.
fn bypass_warning(err: &sessionkit_bypass_rules::ParseError) -> ParseError {
    let kind = ParseErrorKind::InvalidBypassRule(err.kind().clone());
    ParseError::new(Grammar::BypassRules, err.offset(), err.entry(), kind)
}

/// Equal when mode, rules, bypass rules and PAC URL are equal.
impl PartialEq for ProxyConfig {
    fn eq(&self, other: &Self) -> bool {
        self.mode == other.mode
            && self.rules == other.rules
            && self.bypass == other.bypass
            && self.pac_url == other.pac_url
    }
}

impl Eq for ProxyConfig {}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("mode", &self.mode)
            .field("rules", &self.rules)
            .field("bypass", &self.bypass)
            .field("pac_url", &self.pac_url)
            .finish_non_exhaustive()
    }
}
