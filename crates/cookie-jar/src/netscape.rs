//! Netscape `cookies.txt`, the format curl (`--cookie-jar`), wget (`--save-cookies`),
//! yt-dlp (`--cookies`) and Python's `MozillaCookieJar` read and write.
//!
//! One cookie per line, seven fields separated by a tab:
//!
//! ```text
//! domain  include-subdomains  path  secure  expiry  name  value
//! ```
//!
//! - `domain` starts with `.` for a domain cookie and has no dot for a host-only one. The
//!   `include-subdomains` flag (`TRUE`/`FALSE`, any case) must say the same thing; a line where
//!   they disagree is rejected, because guessing which of the two the writer meant could widen a
//!   host-only cookie to every subdomain.
//! - `expiry` is seconds since the Unix epoch. `0`, or an empty field (Python's
//!   `MozillaCookieJar`), is a session cookie.
//! - A line starting with `#HttpOnly_` is an HttpOnly cookie (curl's extension); any other line
//!   starting with `#` is a comment. Blank lines are skipped, `\r\n` line ends and a leading
//!   byte-order mark are accepted.
//! - A line with six fields has an empty value (curl writes `name\t` and some tools trim it).
//!
//! The format has no place for SameSite, priority, the partition key (CHIPS) or the creation
//! time: an export lists them as [`Loss`]es and in its header comment, and an import gets the
//! defaults (SameSite unspecified, medium priority, unpartitioned, created now in file order).

use std::fmt;

use url::Url;

use crate::context::CookieContext;
use crate::cookie::{Cookie, Priority, SameSite};
use crate::jar::CookieJar;
use crate::time::Timestamp;

/// The first line curl and yt-dlp write; some readers (Python's `MozillaCookieJar`) insist on
/// a line starting with `# Netscape HTTP Cookie File` or `# HTTP Cookie File`.
pub const HEADER: &str = "# Netscape HTTP Cookie File";

const HTTP_ONLY_PREFIX: &str = "#HttpOnly_";

/// One cookie as a `cookies.txt` line carries it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NetscapeCookie {
    /// The domain without its leading dot, as written (not lower-cased or validated beyond
    /// the line syntax: the jar's storage rules do that on import).
    pub domain: String,
    /// `true` for a domain cookie (leading dot, flag `TRUE`), `false` for a host-only one.
    pub include_subdomains: bool,
    /// The path field.
    pub path: String,
    /// The secure field.
    pub secure: bool,
    /// The `#HttpOnly_` prefix.
    pub http_only: bool,
    /// Expiry in seconds since the Unix epoch; `None` for a session cookie (written as `0`).
    pub expires: Option<u64>,
    /// The cookie name (may be empty for a nameless cookie).
    pub name: String,
    /// The cookie value.
    pub value: String,
}

/// Why a `cookies.txt` line was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineErrorKind {
    /// The line did not have six or seven tab-separated fields.
    #[error("expected 7 tab-separated fields, found {0}")]
    FieldCount(usize),
    /// The domain field was empty (after the `#HttpOnly_` prefix and a leading dot).
    #[error("empty domain")]
    EmptyDomain,
    /// The domain contained a character no host name can have.
    #[error("invalid domain {0:?}")]
    InvalidDomain(String),
    /// The include-subdomains field was neither `TRUE` nor `FALSE`.
    #[error("include-subdomains flag must be TRUE or FALSE, found {0:?}")]
    InvalidFlag(String),
    /// The include-subdomains flag disagreed with the leading dot of the domain.
    #[error("include-subdomains flag {flag} disagrees with domain {domain:?}")]
    FlagDisagreesWithDomain {
        /// The flag as written.
        flag: String,
        /// The domain field as written.
        domain: String,
    },
    /// The path did not start with `/`.
    #[error("path must start with '/', found {0:?}")]
    InvalidPath(String),
    /// The secure field was neither `TRUE` nor `FALSE`.
    #[error("secure flag must be TRUE or FALSE, found {0:?}")]
    InvalidSecure(String),
    /// The expiry was not a non-negative integer number of seconds.
    #[error("expiry must be seconds since 1970, found {0:?}")]
    InvalidExpiry(String),
    /// The name contained `=`, `;` or a control character, or the value `;` or a control
    /// character: the cookie could not be sent as it is written.
    #[error("name or value contains a forbidden character")]
    ForbiddenCharacter,
    /// The cookie had already expired; the jar does not store expired cookies.
    #[error("expired")]
    Expired,
    /// The jar refused the cookie under its storage rules (prefixes, public suffixes,
    /// `SameSite=None` without `Secure`, ...); the text is the jar's reason.
    #[error("refused by the jar: {0}")]
    Refused(String),
}

/// A rejected line: its 1-based number and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct LineError {
    /// 1-based line number in the input.
    pub line: usize,
    /// What was wrong with it.
    pub kind: LineErrorKind,
}

/// The outcome of parsing a whole file: the good lines and the bad ones, both kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Every well-formed cookie line, with its 1-based line number, in file order.
    pub cookies: Vec<(usize, NetscapeCookie)>,
    /// Every rejected line, in file order.
    pub errors: Vec<LineError>,
}

/// A property of the jar's cookies that `cookies.txt` cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Loss {
    /// `SameSite` (every imported cookie is unspecified, which Chromium enforces as Lax).
    SameSite,
    /// `Priority` (every imported cookie is medium).
    Priority,
    /// The CHIPS partition key (an imported cookie is unpartitioned).
    PartitionKey,
    /// The creation time, which orders cookies with equal-length paths.
    CreationTime,
    /// The last-access time, which decides eviction.
    LastAccessTime,
}

impl Loss {
    /// Every loss, in the order the export header lists them.
    pub const ALL: [Self; 5] = [
        Self::SameSite,
        Self::Priority,
        Self::PartitionKey,
        Self::CreationTime,
        Self::LastAccessTime,
    ];

    /// A short name for the property, as the export header writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SameSite => "SameSite",
            Self::Priority => "priority",
            Self::PartitionKey => "partition key",
            Self::CreationTime => "creation time",
            Self::LastAccessTime => "last-access time",
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn parse_bool(field: &str) -> Option<bool> {
    if field.eq_ignore_ascii_case("TRUE") {
        Some(true)
    } else if field.eq_ignore_ascii_case("FALSE") {
        Some(false)
    } else {
        None
    }
}

const fn is_forbidden_in_value(c: char) -> bool {
    // HTAB is a control character too: Chromium rejects it inside a name or value, and here it
    // would also be a field separator.
    c == ';' || c.is_ascii_control()
}

/// Parses one line that is not blank and not a comment.
///
/// `line` must have its line end removed. Returns `Ok(None)` for a comment or blank line, so a
/// caller can feed every line to it.
pub fn parse_line(line: &str) -> Result<Option<NetscapeCookie>, LineErrorKind> {
    let (http_only, rest) = match line.strip_prefix(HTTP_ONLY_PREFIX) {
        Some(rest) => (true, rest),
        None if line.starts_with('#') || line.trim().is_empty() => return Ok(None),
        None => (false, line),
    };
    let fields: Vec<&str> = rest.split('\t').collect();
    let (domain, flag, path, secure, expiry, name, value) = match fields[..] {
        [d, f, p, s, e, n, v] => (d, f, p, s, e, n, v),
        [d, f, p, s, e, n] => (d, f, p, s, e, n, ""),
        _ => return Err(LineErrorKind::FieldCount(fields.len())),
    };
    // wget and hand-edited files may pad fields with spaces; names and values keep theirs
    // because a space there is part of the cookie.
    let (domain, flag, path, secure, expiry) =
        (domain.trim(), flag.trim(), path.trim(), secure.trim(), expiry.trim());

    let include_subdomains =
        parse_bool(flag).ok_or_else(|| LineErrorKind::InvalidFlag(flag.to_owned()))?;
    let bare = domain.strip_prefix('.');
    if bare.is_some() != include_subdomains {
        return Err(LineErrorKind::FlagDisagreesWithDomain {
            flag: flag.to_owned(),
            domain: domain.to_owned(),
        });
    }
    let bare = bare.unwrap_or(domain);
    if bare.is_empty() {
        return Err(LineErrorKind::EmptyDomain);
    }
    if bare.chars().any(|c| c.is_whitespace() || c.is_control() || "/;,#?@\\".contains(c)) {
        return Err(LineErrorKind::InvalidDomain(domain.to_owned()));
    }
    if !path.starts_with('/') {
        return Err(LineErrorKind::InvalidPath(path.to_owned()));
    }
    let secure =
        parse_bool(secure).ok_or_else(|| LineErrorKind::InvalidSecure(secure.to_owned()))?;
    let expires = if expiry.is_empty() {
        None
    } else {
        match expiry.parse::<u64>() {
            Ok(0) => None,
            Ok(secs) => Some(secs),
            Err(_) => return Err(LineErrorKind::InvalidExpiry(expiry.to_owned())),
        }
    };
    if name.contains(['=', ';']) || name.chars().chain(value.chars()).any(is_forbidden_in_value) {
        return Err(LineErrorKind::ForbiddenCharacter);
    }
    Ok(Some(NetscapeCookie {
        domain: bare.to_owned(),
        include_subdomains,
        path: path.to_owned(),
        secure,
        http_only,
        expires,
        name: name.to_owned(),
        value: value.to_owned(),
    }))
}

/// Parses a whole `cookies.txt`, keeping every good line and reporting every bad one.
pub fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = Parsed::default();
    // `lines()` splits on `\n` and drops one trailing `\r`, which covers CRLF files.
    for (index, line) in text.lines().enumerate() {
        match parse_line(line) {
            Ok(Some(cookie)) => parsed.cookies.push((index + 1, cookie)),
            Ok(None) => {}
            Err(kind) => parsed.errors.push(LineError { line: index + 1, kind }),
        }
    }
    parsed
}

impl NetscapeCookie {
    /// Writes the line (without a line end), in curl's spelling.
    pub fn write_line(&self, out: &mut String) {
        use fmt::Write as _;
        let _ = write!(
            out,
            "{}{}{}\t{}\t{}\t{}\t{}\t{}\t{}",
            if self.http_only { HTTP_ONLY_PREFIX } else { "" },
            if self.include_subdomains { "." } else { "" },
            self.domain,
            if self.include_subdomains { "TRUE" } else { "FALSE" },
            self.path,
            if self.secure { "TRUE" } else { "FALSE" },
            self.expires.unwrap_or(0),
            self.name,
            self.value,
        );
    }
}

impl fmt::Display for NetscapeCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        self.write_line(&mut line);
        f.write_str(&line)
    }
}

/// Writes a complete file: the header, a comment naming what the format cannot carry (`losses`,
/// usually every [`Loss`] that some exported cookie actually had), then one line per cookie.
pub fn write<'a>(cookies: impl IntoIterator<Item = &'a NetscapeCookie>, losses: &[Loss]) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "\n# https://curl.se/docs/http-cookies.html\n# Written by sessionkit-cookie-jar.\n",
    );
    if !losses.is_empty() {
        out.push_str("# This format cannot carry: ");
        let names: Vec<&str> = losses.iter().map(|l| l.as_str()).collect();
        out.push_str(&names.join(", "));
        out.push_str(". Those were dropped.\n");
    }
    out.push('\n');
    for cookie in cookies {
        cookie.write_line(&mut out);
        out.push('\n');
    }
    out
}

impl From<&Cookie> for NetscapeCookie {
    fn from(cookie: &Cookie) -> Self {
        Self {
            domain: cookie.domain().to_owned(),
            include_subdomains: !cookie.host_only(),
            path: cookie.path().to_owned(),
            secure: cookie.secure(),
            http_only: cookie.http_only(),
            // A cookie expiring before 1970-01-01T00:00:01 cannot be written (0 means session);
            // it is long expired and the jar would not keep it anyway.
            expires: cookie.expiry().map(|t| u64::try_from(t.unix_seconds()).unwrap_or(0).max(1)),
            name: cookie.name().to_owned(),
            value: cookie.value().to_owned(),
        }
    }
}

/// What an import stored and what it refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport<E> {
    /// Cookies stored in the jar.
    pub imported: usize,
    /// Records that were not stored, each with its position and reason, in input order.
    pub rejected: Vec<E>,
}

impl<E> Default for ImportReport<E> {
    fn default() -> Self {
        Self { imported: 0, rejected: Vec::new() }
    }
}

/// A `cookies.txt` export: the text and what it could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The file contents.
    pub text: String,
    /// The properties some exported cookie had that the file lost (a non-default SameSite or
    /// priority, a partition key; the creation and last-access times whenever a cookie was
    /// written). The header comment lists every property the format cannot carry.
    pub losses: Vec<Loss>,
}

/// Writes every cookie of `jar` (session cookies included, expiry `0`) in header order.
#[must_use]
pub fn export(jar: &CookieJar) -> Export {
    let cookies = jar.all_cookies();
    let mut losses = Vec::new();
    let mut note = |loss: Loss, happened: bool| {
        if happened && !losses.contains(&loss) {
            losses.push(loss);
        }
    };
    for cookie in &cookies {
        note(Loss::SameSite, cookie.same_site() != SameSite::Unspecified);
        note(Loss::Priority, cookie.priority() != Priority::Medium);
        note(Loss::PartitionKey, cookie.partitioned());
        note(Loss::CreationTime, true);
        note(Loss::LastAccessTime, true);
    }
    losses.sort_unstable();
    let lines: Vec<NetscapeCookie> = cookies.iter().map(NetscapeCookie::from).collect();
    Export { text: write(&lines, &Loss::ALL), losses }
}

/// Parses `text` and stores every good line in `jar` through its storage rules, as if each
/// cookie arrived in a `Set-Cookie` header from `https://<domain><path>` (from
/// `https://www.<domain><path>` for a domain cookie, so a public-suffix domain is refused).
///
/// Bad lines, expired cookies and cookies the jar refuses are reported with their line
/// number; the others are stored, in file order (so creation times follow the file).
/// `https` is assumed so that a file's `Secure` cookies can be imported; the jar's other
/// rules (prefixes, public suffixes, size limits, `SameSite=None` needs `Secure`) all apply.
pub fn import(jar: &CookieJar, text: &str) -> ImportReport<LineError> {
    let parsed = parse(text);
    let mut report = ImportReport { imported: 0, rejected: parsed.errors };
    for (line, cookie) in parsed.cookies {
        let expires = cookie
            .expires
            .map(|s| Timestamp::from_unix_seconds(i64::try_from(s).unwrap_or(i64::MAX)));
        let spec = StoreSpec {
            name: &cookie.name,
            value: &cookie.value,
            domain: &cookie.domain,
            host_only: !cookie.include_subdomains,
            path: &cookie.path,
            expires,
            secure: cookie.secure,
            http_only: cookie.http_only,
            same_site: SameSite::Unspecified,
            priority: Priority::Medium,
            partition_key: None,
        };
        match store_through_rules(jar, &spec) {
            Ok(()) => report.imported += 1,
            Err(kind) => report.rejected.push(LineError { line, kind }),
        }
    }
    report.rejected.sort_by_key(|e| e.line);
    report
}

/// A cookie to store through the jar's rules; shared by the Netscape and JSON imports.
pub(crate) struct StoreSpec<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    pub(crate) domain: &'a str,
    pub(crate) host_only: bool,
    pub(crate) path: &'a str,
    pub(crate) expires: Option<Timestamp>,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: SameSite,
    pub(crate) priority: Priority,
    pub(crate) partition_key: Option<&'a str>,
}

/// Stores one cookie by writing it as the `Set-Cookie` line that would create it and handing
/// that to [`CookieJar::set_cookie`], so an import obeys exactly the rules a response does.
pub(crate) fn store_through_rules(
    jar: &CookieJar,
    spec: &StoreSpec<'_>,
) -> Result<(), LineErrorKind> {
    if spec.expires.is_some_and(|t| t <= jar.now()) {
        return Err(LineErrorKind::Expired);
    }
    // The header grammar cannot express these; the parser would read something else.
    if spec.name.contains(['=', ';'])
        || (spec.name.is_empty() && spec.value.contains('='))
        || spec.value.contains(';')
        || spec.name.chars().chain(spec.value.chars()).any(|c| c.is_ascii_control())
    {
        return Err(LineErrorKind::ForbiddenCharacter);
    }
    let domain = spec.domain.strip_prefix('.').unwrap_or(spec.domain);
    // A domain cookie is set from a host below its domain: from the domain itself, Chromium
    // would accept a public suffix (`.co.uk`) as a host-only cookie instead of refusing it.
    let host = if domain.contains(':') {
        format!("[{domain}]")
    } else if spec.host_only {
        domain.to_owned()
    } else {
        format!("www.{domain}")
    };
    let url = Url::parse(&format!("https://{host}{}", spec.path))
        .map_err(|_| LineErrorKind::InvalidDomain(spec.domain.to_owned()))?;

    let mut line = String::new();
    if !spec.name.is_empty() {
        line.push_str(spec.name);
        line.push('=');
    }
    line.push_str(spec.value);
    line.push_str("; Path=");
    line.push_str(spec.path);
    if !spec.host_only {
        line.push_str("; Domain=");
        line.push_str(domain);
    }
    if let Some(expires) = spec.expires {
        line.push_str("; Expires=");
        line.push_str(&expires.to_rfc1123());
    }
    if spec.secure {
        line.push_str("; Secure");
    }
    if spec.http_only {
        line.push_str("; HttpOnly");
    }
    match spec.same_site {
        SameSite::NoRestriction => line.push_str("; SameSite=None"),
        SameSite::Lax => line.push_str("; SameSite=Lax"),
        SameSite::Strict => line.push_str("; SameSite=Strict"),
        SameSite::Unspecified => {}
    }
    match spec.priority {
        Priority::Low => line.push_str("; Priority=Low"),
        Priority::High => line.push_str("; Priority=High"),
        Priority::Medium => {}
    }
    let mut ctx = CookieContext::same_site();
    if let Some(site) = spec.partition_key {
        line.push_str("; Partitioned");
        ctx = ctx.top_level_site(site);
    }
    jar.set_cookie(&url, &line, &ctx).map_err(|e| LineErrorKind::Refused(e.to_string()))
}
