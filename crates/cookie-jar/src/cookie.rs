//! The stored cookie and its attribute enums.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// The `SameSite` attribute, spelled as Electron spells it (`sameSite`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SameSite {
    /// No (or an unrecognised) `SameSite` attribute. Enforced as [`Lax`](Self::Lax),
    /// with Chromium's two-minute "Lax-allowing-unsafe" grace for top-level
    /// navigations with unsafe methods.
    #[default]
    Unspecified,
    /// `SameSite=None`: sent in every context. Requires `Secure`.
    NoRestriction,
    /// `SameSite=Lax`: cross-site only on top-level navigations with a safe method.
    Lax,
    /// `SameSite=Strict`: same-site requests only.
    Strict,
}

impl SameSite {
    /// Electron's string: `unspecified`, `no_restriction`, `lax` or `strict`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::NoRestriction => "no_restriction",
            Self::Lax => "lax",
            Self::Strict => "strict",
        }
    }

    /// Parses Electron's string (exact, lower case), as `cookies.set` does.
    #[must_use]
    pub fn from_electron(value: &str) -> Option<Self> {
        match value {
            "unspecified" => Some(Self::Unspecified),
            "no_restriction" => Some(Self::NoRestriction),
            "lax" => Some(Self::Lax),
            "strict" => Some(Self::Strict),
            _ => None,
        }
    }
}

/// Chromium's `Priority` attribute (`Low`, `Medium`, `High`); it decides the
/// eviction order within a registrable domain. The default is `Medium`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Evicted first.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Evicted last.
    High,
}

/// The scheme of the URL that set a cookie, as Chromium records it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceScheme {
    /// Not known (e.g. imported from a file).
    #[default]
    Unset,
    /// Set from a non-cryptographic scheme (`http`, `ws`).
    NonSecure,
    /// Set from a cryptographic scheme (`https`, `wss`).
    Secure,
}

/// A cookie as the jar stores it: canonical, already validated.
///
/// Identity is `(partition_key, name, domain, host_only, path)`: a host-only and a
/// domain cookie with the same name coexist.
///
/// # Serde
///
/// The serialised form is Electron's `Cookie` object (`name`, `value`, `domain`
/// with a leading dot for domain cookies, `hostOnly`, `path`, `secure`, `httpOnly`,
/// `session`, `expirationDate` in float seconds when persistent, `sameSite`), plus
/// sessionkit fields that make it lossless: `creationTime`, `lastAccessTime` and
/// `expiryTime` (integer microseconds since the Unix epoch), `priority`,
/// `partitionKey` and `sourceScheme`. Deserialising Electron's bare object works;
/// the missing fields take defaults (creation and last access at the epoch).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CookieJson", into = "CookieJson")]
pub struct Cookie {
    /// Name, value, domain and path in one allocation.
    text: Text,
    host_only: bool,
    creation: Timestamp,
    expiry: Option<Timestamp>,
    last_access: Timestamp,
    secure: bool,
    http_only: bool,
    same_site: SameSite,
    priority: Priority,
    partition_key: Option<String>,
    source_scheme: SourceScheme,
}

/// A cookie's name, value, domain and path, end to end in one buffer: one
/// allocation per cookie instead of four.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Text {
    all: Box<str>,
    name_end: usize,
    value_end: usize,
    domain_end: usize,
}

impl Text {
    /// The domain is lower-cased and loses one leading dot; a path not
    /// starting with `/` becomes `/` (what [`Cookie::from_parts`] promises).
    fn new(name: &str, value: &str, domain: &str, path: &str) -> Self {
        let domain = domain.strip_prefix('.').unwrap_or(domain);
        let path = if path.starts_with('/') { path } else { "/" };
        let mut all = String::with_capacity(name.len() + value.len() + domain.len() + path.len());
        all.push_str(name);
        let name_end = all.len();
        all.push_str(value);
        let value_end = all.len();
        all.push_str(domain);
        let domain_end = all.len();
        all[value_end..].make_ascii_lowercase();
        all.push_str(path);
        Self { all: all.into_boxed_str(), name_end, value_end, domain_end }
    }

    fn name(&self) -> &str {
        &self.all[..self.name_end]
    }
    fn value(&self) -> &str {
        &self.all[self.name_end..self.value_end]
    }
    fn domain(&self) -> &str {
        &self.all[self.value_end..self.domain_end]
    }
    fn path(&self) -> &str {
        &self.all[self.domain_end..]
    }
}

impl fmt::Debug for Cookie {
    /// The fields in declaration order, as a derived `Debug` on the plain
    /// fields would print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cookie")
            .field("name", &self.name())
            .field("value", &self.value())
            .field("domain", &self.domain())
            .field("host_only", &self.host_only)
            .field("path", &self.path())
            .field("creation", &self.creation)
            .field("expiry", &self.expiry)
            .field("last_access", &self.last_access)
            .field("secure", &self.secure)
            .field("http_only", &self.http_only)
            .field("same_site", &self.same_site)
            .field("priority", &self.priority)
            .field("partition_key", &self.partition_key)
            .field("source_scheme", &self.source_scheme)
            .finish()
    }
}

/// [`CookieParts`] with the four strings borrowed (the jar's own constructor:
/// they are copied into the cookie's one buffer).
pub(crate) struct PartsRef<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    pub(crate) domain: &'a str,
    pub(crate) host_only: bool,
    pub(crate) path: &'a str,
    pub(crate) creation: Timestamp,
    pub(crate) expiry: Option<Timestamp>,
    pub(crate) last_access: Timestamp,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: SameSite,
    pub(crate) priority: Priority,
    pub(crate) partition_key: Option<String>,
    pub(crate) source_scheme: SourceScheme,
}

/// Every field of a [`Cookie`], public, for building one by hand (imports,
/// persistence, tests). [`Cookie::from_parts`] canonicalises the domain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookieParts {
    /// Cookie name (may be empty for a nameless cookie).
    pub name: String,
    /// Cookie value.
    pub value: String,
    /// Domain, with or without a leading dot (a leading dot is removed and, if
    /// `host_only` is false anyway, has no further effect).
    pub domain: String,
    /// Sent only to exactly `domain` (no `Domain` attribute was given).
    pub host_only: bool,
    /// Path; an empty or relative path becomes `/`.
    pub path: String,
    /// Creation time.
    pub creation: Timestamp,
    /// Expiry; `None` for a session cookie.
    pub expiry: Option<Timestamp>,
    /// Last access time.
    pub last_access: Timestamp,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`.
    pub same_site: SameSite,
    /// `Priority`.
    pub priority: Priority,
    /// CHIPS partition key (the top-level site, e.g. `https://example.com`), if partitioned.
    pub partition_key: Option<String>,
    /// Scheme of the URL that set the cookie.
    pub source_scheme: SourceScheme,
}

impl Cookie {
    /// Builds a cookie from its parts. The domain is lower-cased and loses one
    /// leading dot; an empty or relative path becomes `/`. No other validation:
    /// use [`CookieJar::set`](crate::CookieJar::set) or
    /// [`set_cookie`](crate::CookieJar::set_cookie) for the full rules.
    #[must_use]
    pub fn from_parts(parts: CookieParts) -> Self {
        Self::from_parts_ref(PartsRef {
            name: &parts.name,
            value: &parts.value,
            domain: &parts.domain,
            host_only: parts.host_only,
            path: &parts.path,
            creation: parts.creation,
            expiry: parts.expiry,
            last_access: parts.last_access,
            secure: parts.secure,
            http_only: parts.http_only,
            same_site: parts.same_site,
            priority: parts.priority,
            partition_key: parts.partition_key,
            source_scheme: parts.source_scheme,
        })
    }

    /// [`from_parts`](Self::from_parts) from borrowed strings.
    pub(crate) fn from_parts_ref(parts: PartsRef<'_>) -> Self {
        Self {
            text: Text::new(parts.name, parts.value, parts.domain, parts.path),
            host_only: parts.host_only,
            creation: parts.creation,
            expiry: parts.expiry,
            last_access: parts.last_access,
            secure: parts.secure,
            http_only: parts.http_only,
            same_site: parts.same_site,
            priority: parts.priority,
            partition_key: parts.partition_key,
            source_scheme: parts.source_scheme,
        }
    }

    /// All fields, public.
    #[must_use]
    pub fn into_parts(self) -> CookieParts {
        CookieParts {
            name: self.name().to_owned(),
            value: self.value().to_owned(),
            domain: self.domain().to_owned(),
            host_only: self.host_only,
            path: self.path().to_owned(),
            creation: self.creation,
            expiry: self.expiry,
            last_access: self.last_access,
            secure: self.secure,
            http_only: self.http_only,
            same_site: self.same_site,
            priority: self.priority,
            partition_key: self.partition_key,
            source_scheme: self.source_scheme,
        }
    }

    /// Name (empty for a nameless cookie).
    #[must_use]
    pub fn name(&self) -> &str {
        self.text.name()
    }
    /// Value.
    #[must_use]
    pub fn value(&self) -> &str {
        self.text.value()
    }
    /// Canonical domain: lower case, ASCII (IDNA), no leading dot.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.text.domain()
    }
    /// Electron's `domain`: with a leading dot for a domain cookie.
    #[must_use]
    pub fn electron_domain(&self) -> String {
        if self.host_only { self.domain().to_owned() } else { format!(".{}", self.domain()) }
    }
    /// Sent only to exactly [`domain`](Self::domain).
    #[must_use]
    pub const fn host_only(&self) -> bool {
        self.host_only
    }
    /// Path.
    #[must_use]
    pub fn path(&self) -> &str {
        self.text.path()
    }
    /// Creation time (unique and increasing within one jar).
    #[must_use]
    pub const fn creation(&self) -> Timestamp {
        self.creation
    }
    /// Expiry; `None` for a session cookie.
    #[must_use]
    pub const fn expiry(&self) -> Option<Timestamp> {
        self.expiry
    }
    /// Last time a request carried it (updated at most once a minute).
    #[must_use]
    pub const fn last_access(&self) -> Timestamp {
        self.last_access
    }
    /// `Secure`.
    #[must_use]
    pub const fn secure(&self) -> bool {
        self.secure
    }
    /// `HttpOnly`.
    #[must_use]
    pub const fn http_only(&self) -> bool {
        self.http_only
    }
    /// `SameSite`.
    #[must_use]
    pub const fn same_site(&self) -> SameSite {
        self.same_site
    }
    /// `Priority`.
    #[must_use]
    pub const fn priority(&self) -> Priority {
        self.priority
    }
    /// `Partitioned` (CHIPS).
    #[must_use]
    pub const fn partitioned(&self) -> bool {
        self.partition_key.is_some()
    }
    /// The partition key (top-level site) of a partitioned cookie.
    #[must_use]
    pub fn partition_key(&self) -> Option<&str> {
        self.partition_key.as_deref()
    }
    /// Scheme of the URL that set it.
    #[must_use]
    pub const fn source_scheme(&self) -> SourceScheme {
        self.source_scheme
    }
    /// A session cookie (no expiry): Electron's `session`.
    #[must_use]
    pub const fn is_session(&self) -> bool {
        self.expiry.is_none()
    }
    /// Persistent with an expiry at or before `now`.
    #[must_use]
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expiry.is_some_and(|e| e <= now)
    }
    /// Electron's `expirationDate`: float seconds, persistent cookies only.
    #[must_use]
    pub fn expiration_date(&self) -> Option<f64> {
        self.expiry.map(Timestamp::electron_seconds)
    }
    /// The `Cookie` header form of this one cookie: `name=value`, or the bare value
    /// of a nameless cookie.
    #[must_use]
    pub fn header_pair(&self) -> String {
        if self.name().is_empty() {
            self.value().to_owned()
        } else {
            format!("{}={}", self.name(), self.value())
        }
    }

    /// Same identity: name, domain, host-only flag, path and partition key.
    #[must_use]
    pub fn is_equivalent(&self, other: &Self) -> bool {
        // The lengths first (offsets held inline), so that most non-equivalent
        // cookies are told apart without reading their text.
        let (a, b) = (&self.text, &other.text);
        self.host_only == other.host_only
            && a.name_end == b.name_end
            && a.domain_end - a.value_end == b.domain_end - b.value_end
            && a.all.len() - a.domain_end == b.all.len() - b.domain_end
            && self.partition_key.is_some() == other.partition_key.is_some()
            && short_eq(a.name(), b.name())
            && a.path() == b.path()
            && a.domain() == b.domain()
            && self.partition_key == other.partition_key
    }

    /// Would this cookie's domain rule admit `host` (already canonical)?
    #[must_use]
    pub fn matches_host(&self, host: &str) -> bool {
        if self.host_only {
            host == self.domain()
        } else {
            crate::domain::domain_match(host, self.domain())
        }
    }

    pub(crate) const fn set_creation(&mut self, time: Timestamp) {
        self.creation = time;
    }
    pub(crate) const fn set_last_access(&mut self, time: Timestamp) {
        self.last_access = time;
    }
    /// Bytes counted against the partitioned-cookie budget (name + value).
    pub(crate) const fn size(&self) -> usize {
        self.text.value_end
    }
}

/// String equality that compares short strings inline, byte by byte.
#[inline]
fn short_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && if a.len() <= 16 { a.iter().zip(b).all(|(x, y)| x == y) } else { a == b }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CookieJson {
    name: String,
    value: String,
    domain: String,
    #[serde(default)]
    host_only: Option<bool>,
    #[serde(default = "root_path")]
    path: String,
    #[serde(default)]
    secure: bool,
    #[serde(default)]
    http_only: bool,
    #[serde(default)]
    session: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiration_date: Option<f64>,
    #[serde(default)]
    same_site: SameSite,
    #[serde(default)]
    creation_time: Option<Timestamp>,
    #[serde(default)]
    last_access_time: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiry_time: Option<Timestamp>,
    #[serde(default)]
    priority: Priority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    partition_key: Option<String>,
    #[serde(default)]
    source_scheme: SourceScheme,
}

fn root_path() -> String {
    "/".to_owned()
}

impl From<Cookie> for CookieJson {
    fn from(c: Cookie) -> Self {
        Self {
            domain: c.electron_domain(),
            host_only: Some(c.host_only),
            session: Some(c.expiry.is_none()),
            expiration_date: c.expiration_date(),
            expiry_time: c.expiry,
            creation_time: Some(c.creation),
            last_access_time: Some(c.last_access),
            name: c.name().to_owned(),
            value: c.value().to_owned(),
            path: c.path().to_owned(),
            secure: c.secure,
            http_only: c.http_only,
            same_site: c.same_site,
            priority: c.priority,
            partition_key: c.partition_key,
            source_scheme: c.source_scheme,
        }
    }
}

impl TryFrom<CookieJson> for Cookie {
    type Error = String;

    fn try_from(j: CookieJson) -> Result<Self, Self::Error> {
        let host_only = j.host_only.unwrap_or(!j.domain.starts_with('.'));
        let expiry = match (j.expiry_time, j.expiration_date) {
            (Some(exact), _) => Some(exact),
            (None, Some(seconds)) => Some(
                Timestamp::from_electron_seconds(seconds)
                    .ok_or_else(|| "expirationDate is not a number".to_owned())?,
            ),
            (None, None) => None,
        };
        let creation = j.creation_time.unwrap_or(Timestamp::UNIX_EPOCH);
        Ok(Self::from_parts(CookieParts {
            name: j.name,
            value: j.value,
            domain: j.domain,
            host_only,
            path: j.path,
            creation,
            expiry,
            last_access: j.last_access_time.unwrap_or(creation),
            secure: j.secure,
            http_only: j.http_only,
            same_site: j.same_site,
            priority: j.priority,
            partition_key: j.partition_key,
            source_scheme: j.source_scheme,
        }))
    }
}
