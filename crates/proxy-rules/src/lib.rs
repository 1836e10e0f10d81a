//! Chromium's proxy configuration as Electron's `session` exposes it: the
//! `proxyRules` grammar, proxy servers and lists in their URI and PAC forms,
//! and `ProxyConfig` (the argument of `ses.setProxy`) with
//! [`resolve`](ProxyConfig::resolve), the answer of `ses.resolveProxy(url)`.
//!
//! Behaviour follows Chromium's network stack, which Electron embeds, down to
//! its surprises; where Electron's documentation says otherwise, Chromium wins
//! (see [Deviation](#deviation)). Bypass rules come from
//! [`sessionkit_bypass_rules`]; PAC scripts are evaluated elsewhere, but their
//! result strings are parsed here ([`ProxyList::parse_pac_result`]).
//!
//! # Example
//!
//! ```
//! use sessionkit_proxy_rules::{ProxyConfig, ProxyRules};
//! use url::Url;
//!
//! // ses.setProxy({ proxyRules, proxyBypassRules })
//! let (config, warnings) = ProxyConfig::from_electron(
//!     None,
//!     None,
//!     Some("http=foopy:8080,direct://;socks=socks5://tor:9050"),
//!     Some("*.corp.example"),
//! )?;
//! assert!(warnings.is_empty());
//!
//! // ses.resolveProxy(url)
//! let resolve = |u: &str| -> Result<String, Box<dyn std::error::Error>> {
//!     Ok(config.resolve(&Url::parse(u)?)?.to_pac_string())
//! };
//! assert_eq!(resolve("http://example.com/")?, "PROXY foopy:8080;DIRECT");
//! assert_eq!(resolve("https://example.com/")?, "SOCKS5 tor:9050");
//! assert_eq!(resolve("wss://example.com/")?, "SOCKS5 tor:9050");
//! assert_eq!(resolve("http://git.corp.example/")?, "DIRECT");
//! assert_eq!(resolve("http://localhost:8080/")?, "DIRECT"); // implicit bypass
//!
//! // Strict parsing says what Chromium would silently ignore.
//! let err = ProxyRules::parse("HTTP=foopy").unwrap_err();
//! assert_eq!(err.text(), "HTTP");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Syntax
//!
//! A rules string is split on `;` into pieces, and each piece on `=` into
//! tokens; empty pieces and tokens are skipped (`;;`, `==`).
//!
//! ```text
//! rules      = piece *( ";" piece )
//! piece      = proxy-list                  ; the same list for every URL
//!            | key "=" proxy-list          ; key: http | https | ftp | socks
//! proxy-list = proxy *( "," proxy )
//! proxy      = [ scheme "://" ] host [ ":" port ]
//! scheme     = http | https | socks4 | socks5 | socks | direct   ; any case
//! ```
//!
//! - **Plain list.** The first piece without `=` (or with only one token, so
//!   `http=` is the proxy *named* `http`, and `=foopy` is `foopy`) becomes
//!   the list for every URL, and parsing **stops**: `foopy:80;bar:90` uses
//!   only `foopy`. A plain list after `key=` pieces is ignored.
//! - **Per-scheme lists.** Keys are **case-sensitive**: `http`, `https`,
//!   `ftp` select the list for URLs of that scheme; `socks` is the *fallback*
//!   list for everything without a non-empty list of its own, and a bare host
//!   there is SOCKS4 (`socks=h` is `socks4://h:1080`). Any other key (`HTTP`,
//!   `ws`) is ignored. Repeated keys add up (`http=a;http=b` is `http=a,b`).
//!   `ws`/`wss` URLs take the `socks` list, else `https`, else `http`. A URL
//!   with no list goes DIRECT.
//! - **Proxies.** Items are trimmed of spaces and tabs. Without a scheme a
//!   proxy is HTTP; in a URI `socks` means SOCKS5. Default ports: 80 (http),
//!   443 (https), 1080 (socks4, socks5). `direct://` (nothing after it) is
//!   DIRECT, usable as a fallback: `foopy,direct://`. Hosts are URL hosts,
//!   canonicalised: lower case, IDN as punycode, IPv4 shorthand normalised
//!   (`10.1` is `10.0.0.1`; `foopy.111` is invalid), IPv6 in brackets
//!   (`[::1]:8080`). User info, an empty port (`foopy:`), a bad port, or
//!   anything after the port (`http://p:8080/`) make an item invalid, and
//!   `quic://` is refused as in release builds. Invalid items are dropped; if
//!   a plain list loses them all, every URL resolves to the **empty list**
//!   (`resolveProxy` gives `""` and requests fail), not to DIRECT.
//!
//! A PAC result (what `FindProxyForURL` returns) is `;`-separated elements,
//! each `DIRECT` or `TYPE host[:port]` with `TYPE` one of `PROXY`, `HTTPS`,
//! `SOCKS` (version 4), `SOCKS4`, `SOCKS5`, `QUIC`, in any case. Invalid
//! elements are skipped; none valid means DIRECT. The output form
//! ([`ProxyList::to_pac_string`]) joins elements with `;` and no spaces,
//! always with a port: `PROXY foopy:80;SOCKS5 [::1]:1080;DIRECT`.
//!
//! # Strict and lenient parsing
//!
//! Every parser has a lenient form that builds exactly what Chromium builds
//! and returns what it dropped or ignored as warnings, and a strict form that
//! fails with the first of them. A [`ParseError`] gives the byte offset and
//! the offending text: `invalid proxy rule at byte 16: ":80": missing host`.
//! Inputs over [`MAX_INPUT_LEN`] (1 MiB) are refused with
//! [`ParseErrorKind::InputTooLarge`]. No input makes any function panic.
//!
//! # Deviation
//!
//! - **Electron's documentation** describes `proxyRules` loosely; this crate
//!   follows Chromium: keys are case-sensitive, `socks=` is a fallback for all
//!   schemes (and may hold any proxy type: `socks=https://p`), `ws`/`wss` use
//!   `socks`, then `https`, then `http`, parsing stops after a plain list, and
//!   an all-invalid list resolves to `""`.
//! - **Size limit.** Chromium parses any length; here inputs over
//!   [`MAX_INPUT_LEN`] give no rules (lenient) or an error (strict), and a
//!   PAC result over it gives DIRECT.
//! - **Unwritable hosts.** A host whose canonical form contains `,`, `;` or
//!   `=` is refused, where Chromium would keep it; only IDN compatibility
//!   characters (U+1F101 maps to `0,`) or a PAC host spelled with `=` get
//!   there, and such a proxy could not be written back in either form.
//! - **Modes without rules.** [`ProxyConfig::resolve`] cannot run PAC
//!   scripts, WPAD or read system settings; it returns a [`ResolveError`]
//!   saying what is needed (except for implicitly bypassed URLs in PAC and
//!   auto-detect modes, which are DIRECT without a script, as in Chromium).
//!   Electron's `resolveProxy` would instead answer `""` on a failed PAC.
//! - **QUIC** proxies exist only in PAC results, as in release builds;
//!   bracketed multi-proxy chains (a debug-build feature) are not supported.
//!
//! # Crate features
//!
//! - `reqwest` (off by default): [`ProxyConfig::to_reqwest_proxy`] builds a
//!   `reqwest::Proxy` whose custom closure calls [`ProxyConfig::resolve`] for
//!   each request, so bypass rules and per-scheme lists apply; reqwest takes
//!   one proxy, so only the first usable entry of each list is used.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod config;
mod error;
mod list;
mod pac_result;
#[cfg(feature = "reqwest")]
mod reqwest;
mod rules;
mod scheme;
mod server;
mod tokens;

pub use config::{ProxyConfig, ProxyMode};
pub use error::{ConfigError, MAX_INPUT_LEN, ParseError, ParseErrorKind, ResolveError};
pub use list::ProxyList;
#[cfg(feature = "reqwest")]
pub use reqwest::UNREACHABLE_PROXY;
pub use rules::ProxyRules;
pub use scheme::ProxyScheme;
pub use server::ProxyServer;
