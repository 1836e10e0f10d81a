//! Chromium's proxy bypass rules, the grammar behind Electron's `proxyBypassRules`
//! (`session.setProxy({ proxyBypassRules })`), with a compiled matcher that can say
//! which rule decided.
//!
//! Parsing and matching are separate steps, as in `globset`: parse a list into
//! [`BypassRules`] (strictly, or leniently the way Chromium does), then
//! [`compile`](BypassRules::compile) it into a [`BypassMatcher`] and ask it about URLs.
//!
//! # Example
//!
//! ```
//! use sessionkit_bypass_rules::BypassRules;
//! use url::Url;
//!
//! let rules: BypassRules = "*.corp.example, 10.0.0.0/8; <local>".parse()?;
//! let matcher = rules.compile();
//!
//! assert!(matcher.matches(&Url::parse("https://git.corp.example/")?));
//! assert!(!matcher.matches(&Url::parse("https://corp.example/")?)); // `*.` needs a subdomain
//! assert!(matcher.matches(&Url::parse("http://[::ffff:10.9.8.7]/")?)); // IPv4-mapped
//! assert!(matcher.matches(&Url::parse("http://intranet/")?)); // <local>: no dot
//! assert!(matcher.matches(&Url::parse("http://localhost:3000/")?)); // implicit rule
//!
//! let verdict = matcher.explain(&Url::parse("http://10.1.2.3/")?);
//! assert_eq!(verdict.to_string(), r#"bypass: rule 1 "10.0.0.0/8""#);
//!
//! assert_eq!(rules.to_string(), "*.corp.example;10.0.0.0/8;<local>");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Syntax
//!
//! A list is a sequence of entries separated by `,` or `;` (mixed freely). Each entry
//! is trimmed of ASCII whitespace; blank entries are skipped. Whitespace is *not* a
//! separator: `a.test b.test` is one entry that never matches. Each entry is read as
//! the first of these that applies:
//!
//! 1. `<local>` or `<-loopback>`, in any case: [`Rule::Local`], [`Rule::SubtractImplicit`].
//! 2. An optional `scheme://` prefix is split off at the first `://` and lower-cased.
//!    An empty scheme, or nothing after the prefix, makes the entry invalid.
//! 3. If what is left contains `/` anywhere, it must be `IP/PREFIX` ([`Rule::Cidr`]):
//!    an IPv4 literal or an *unbracketed* IPv6 literal, `/`, and a decimal prefix
//!    length of at most 32 or 128, whitespace allowed around either part. Anything
//!    else with a `/` is invalid, including a URL with a trailing slash
//!    (`http://example.com/`) and a bracketed range (`[2001:db8::]/32`).
//! 4. If it is `host[:port]` whose host is an IP literal, it is an [`Rule::Ip`]: IPv4
//!    in any form the URL standard accepts (`10.1` is 10.0.0.1, `0x7f.1` is
//!    127.0.0.1) or a bracketed IPv6 literal (`[2001:db8::1]:8080`). Port 0 means any
//!    port.
//! 5. Otherwise it is a hostname pattern ([`Rule::Hostname`]): if it contains `:`, the
//!    text after the last one must be a decimal port from 0 to 65535 (so `:*`, `:+80`,
//!    `:` are invalid). A leading `.` becomes `*.`. The pattern is ASCII-lower-cased
//!    and is not IDN-encoded: write non-ASCII names in punycode. An unbracketed IPv6
//!    address such as `2001:db8::1` lands here as pattern `2001:db8:` with port 1 and
//!    matches nothing.
//!
//! # Matching
//!
//! The rules are asked from the **last to the first**; the first with an opinion
//! decides. Only `<-loopback>` can say "do not bypass" (for the URLs the implicit rules
//! cover), so order matters only around it: `<-loopback>;localhost` bypasses
//! `localhost`, `localhost;<-loopback>` does not. If no rule has an opinion, the
//! [implicit rules](ImplicitRule) decide: `localhost`, `*.localhost`, 127.0.0.0/8,
//! `::1`, 169.254.0.0/16, `fe80::/10` and the IPv4-mapped forms of the IPv4 ranges are
//! always bypassed unless the list says `<-loopback>`.
//!
//! The host a rule sees is the canonical URL host, as [`url::Url`] gives it: lower
//! case, punycode, IPv4 canonical, IPv6 in brackets. User info, path, query and
//! fragment play no part.
//!
//! - A hostname pattern is a glob over the whole host: `*` matches any run of
//!   characters (dots included, possibly none), `?` matches zero or one character, `\`
//!   makes the next character literal. So `example.com` matches only that host,
//!   `*.example.com` and `.example.com` match subdomains but not `example.com` itself,
//!   `*example.com` also matches `notexample.com`, a trailing dot must be present on
//!   both sides or neither, `192.168.*` is text matching (it matches `192.168.1.1` and
//!   `192.168.example.test`), and `*` matches every URL, IP literals included.
//! - A port restricts the rule to URLs whose effective port (explicit, or the scheme's
//!   default) is that port: `*:8080`, `*.org:443` (which matches `https://x.org/`).
//! - A scheme restricts hostname and IP rules to URLs of that scheme: `http://*`.
//! - An IP rule compares addresses: `[2001:db8:0::1]` is `[2001:db8::1]`. An IPv4
//!   rule does not match the IPv4-mapped IPv6 form of its address.
//! - A range matches only URLs whose host is an IP literal, never a name (no DNS).
//!   IPv4 ranges match IPv4-mapped IPv6 hosts and IPv6 ranges match IPv4 hosts through
//!   their mapped form: `192.168.0.0/16` matches `[::ffff:192.168.1.1]`.
//! - `<local>` matches hosts with no dot that are not IP literals (`intranet`, but not
//!   `intranet.`).
//!
//! # Deviation
//!
//! This crate follows what Chromium does, which in places differs from Electron's
//! documentation:
//!
//! - Electron documents `<local>` as matching `127.0.0.1`, `::1` and `localhost`. In
//!   Chromium it matches dotless, non-IP host names; localhost is covered by the
//!   implicit rules instead.
//! - Electron documents comma separators only; `;` works too.
//! - Electron does not document the implicit rules or `<-loopback>`.
//! - A scheme before an `IP/PREFIX` range is dropped at parse time. Chromium keeps it
//!   in the parsed rule but prints the rule without it, and every configuration is
//!   re-parsed from the printed form on its way to the network service, so in Chrome
//!   and Electron such a range matches every scheme. [`Rule::Cidr`] therefore has no
//!   scheme.
//! - A range prints in canonical form (`10.0.0.0/8` for `10.1.2.3 / 8`), where
//!   Chromium prints the text as written; the two parse to the same rule.
//!
//! And where this crate differs from Chromium:
//!
//! - Inputs longer than [`MAX_INPUT_LEN`] (1 MiB) are rejected as a whole with
//!   [`ParseErrorKind::InputTooLarge`]; the lenient parser then returns an empty list.
//! - Chromium drops invalid entries silently; [`BypassRules::parse`] reports the first
//!   and [`BypassRules::parse_lenient`] reports all of them.
//! - Port numbers are plain decimal digits. Chromium's integer reader for hostname
//!   ports may also accept `-0`; this crate refuses it so that the hostname and IP
//!   readings of an entry never disagree.
//! - Whether a host is an IP literal is what [`url::Url`] says. For URLs of non-special
//!   schemes (not http, https, ws, wss, ftp, file) an IPv4-looking host is an opaque
//!   name there, so IP and range rules do not match it (hostname patterns still do).
//! - IP rules compare addresses; Chromium compares the rule's canonical text with the
//!   URL host. The two agree except possibly for IPv4-mapped IPv6 rules such as
//!   `[::ffff:10.0.0.1]`, which here match `http://[::ffff:a00:1]/`.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;
mod fxhash;
mod glob;
mod implicit;
mod index;
mod list;
mod literal;
mod matcher;
mod options;
mod parse;
mod rule;
mod view;

pub use error::{ParseError, ParseErrorKind};
pub use implicit::{ImplicitRule, implicit_rule};
pub use list::BypassRules;
pub use matcher::{BypassMatcher, Reason, Verdict};
pub use options::CompileOptions;
pub use parse::MAX_INPUT_LEN;
pub use rule::Rule;
