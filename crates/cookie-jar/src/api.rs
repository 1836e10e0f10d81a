//! Electron's `ses.cookies` API: `get(filter)`, `set(details)`, `remove(url, name)`.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::context::{CookieContext, Reader};
use crate::cookie::{Cookie, Priority, SameSite};
use crate::domain::{index_key, is_trustworthy};
use crate::error::{Error, Rejection};
use crate::events::ChangeCause;
use crate::insert::{Source, store_cookie};
use crate::jar::CookieJar;
use crate::parse::set_cookie::{MAX_ATTRIBUTE_VALUE_BYTES, MAX_NAME_VALUE_BYTES, trim_ws};
use crate::retrieval::{Request, is_included, sort_for_header};
use crate::rules::{Draft, create, default_path};
use crate::time::Timestamp;

impl FromStr for SameSite {
    type Err = Error;

    /// Electron's strings only (`unspecified`, `no_restriction`, `lax`, `strict`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_electron(s).ok_or_else(|| Error::InvalidSameSite(s.to_owned()))
    }
}

/// Electron's `cookies.get` filter. Every field is optional; an empty filter
/// returns every cookie.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CookieFilter {
    /// Only cookies a request to this URL would carry (HttpOnly and every
    /// SameSite and partition included; the access time is not touched).
    pub url: Option<String>,
    /// Exact name.
    pub name: Option<String>,
    /// Chromium's `CanonicalCookie::IsDomainMatch(domain)`, which Electron calls
    /// with the string exactly as given (no lower-casing, no dot stripping): a
    /// host-only cookie matches only its own host; a domain cookie matches its
    /// domain with or without the leading dot, and any host below it. So
    /// `example.com` gives the cookies a request to that host would carry, and
    /// `.example.com` only domain cookies set for `example.com`.
    pub domain: Option<String>,
    /// Exact path.
    pub path: Option<String>,
    /// `Secure` equals.
    pub secure: Option<bool>,
    /// `true`: session cookies only; `false`: persistent only.
    pub session: Option<bool>,
    /// `HttpOnly` equals.
    pub http_only: Option<bool>,
}

/// Electron's `cookies.set` details.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CookieDetails {
    /// The URL the cookie is set for (required).
    pub url: String,
    /// Name; empty by default.
    pub name: Option<String>,
    /// Value; empty by default.
    pub value: Option<String>,
    /// Domain; without it the cookie is host-only.
    pub domain: Option<String>,
    /// Path; without it the URL's default-path. Percent-encoded like a URL path
    /// (`/a b` is stored as `/a%20b`); more than 1024 bytes once encoded is refused.
    pub path: Option<String>,
    /// `Secure`; defaults to true exactly when `same_site` is `no_restriction`.
    pub secure: Option<bool>,
    /// `HttpOnly`; false by default.
    pub http_only: Option<bool>,
    /// Expiry in float seconds since the epoch; without it a session cookie.
    pub expiration_date: Option<f64>,
    /// `SameSite`; **`lax` by default** (Electron ≥ 16).
    pub same_site: Option<SameSite>,
}

impl CookieDetails {
    /// Details for `url`, every other field unset.
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), ..Self::default() }
    }
}

fn has_ctl(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 || b == 0x7F)
}

/// Chromium's `CreateSanitizedCookie` character rules: the name must be a token
/// that parses back to itself (no `=`, `;`, control characters or outer spaces),
/// the value likewise without `;`.
fn check_api_name_value(name: &str, value: &str) -> Result<(), Rejection> {
    let name_ok = !has_ctl(name) && !name.contains([';', '=']) && trim_ws(name) == name;
    let value_ok = !has_ctl(value) && !value.contains(';') && trim_ws(value) == value;
    if !name_ok || !value_ok {
        return Err(Rejection::DisallowedCharacter);
    }
    if name.is_empty() && value.is_empty() {
        return Err(Rejection::NoCookieContent);
    }
    if name.len() + value.len() > MAX_NAME_VALUE_BYTES {
        return Err(Rejection::NameValuePairExceedsMaxSize);
    }
    Ok(())
}

/// Chromium's `ParsedCookie::ParseValueString`: up to the first CR, LF or NUL,
/// without outer SP/HTAB, up to the first `;`.
fn parse_value_string(s: &str) -> &str {
    let s = s.find(['\n', '\r', '\0']).map_or(s, |end| &s[..end]);
    let s = s.trim_start_matches([' ', '\t']);
    let s = s.split(';').next().unwrap_or("");
    s.trim_end_matches([' ', '\t'])
}

/// The Domain given to the API: it must survive `ParseValueString` unchanged and
/// hold no control character, and is limited to 1024 bytes (Chromium's
/// `CreateSanitizedCookie`).
fn check_api_domain(domain: &str) -> Result<(), Rejection> {
    if parse_value_string(domain) != domain || has_ctl(domain) {
        return Err(Rejection::InvalidDomain);
    }
    if domain.len() > MAX_ATTRIBUTE_VALUE_BYTES {
        return Err(Rejection::AttributeValueExceedsMaxSize);
    }
    Ok(())
}

/// A URL path canonicalised as the `url` crate (WHATWG) does it: characters
/// outside the path set percent-encoded, `.` and `..` segments resolved. A tab
/// would be dropped by the URL parser, so it is encoded first.
fn canonicalize_path(path: &str) -> String {
    let mut url = Url::parse("http://h/").unwrap_or_else(|_| unreachable!("fixed URL parses"));
    url.set_path(&path.replace('\t', "%09"));
    url.path().to_owned()
}

/// Chromium's path handling in `CreateSanitizedCookie`. Returns the path to store
/// and whether the path the prefix rules see is `/`.
fn resolve_api_path(url: &Url, path: &str) -> Result<(String, bool), Rejection> {
    if parse_value_string(path) != path {
        return Err(Rejection::DisallowedCharacter);
    }
    let resolved = if path.starts_with('/') { path.to_owned() } else { default_path(url) };
    if !path.is_empty() && resolved != path {
        return Err(Rejection::FailureToStore);
    }
    let encoded = canonicalize_path(&resolved);
    if !path.is_empty() && encoded.len() > MAX_ATTRIBUTE_VALUE_BYTES {
        return Err(Rejection::AttributeValueExceedsMaxSize);
    }
    let root = resolved == "/";
    Ok((encoded, root))
}

fn parse_url(url: &str) -> Result<Url, Error> {
    Url::parse(url).map_err(|e| Error::InvalidUrl { url: url.to_owned(), reason: e.to_string() })
}

/// Chromium's `cookie_util::IsDomainMatch(cookie.Domain(), host)`, with the
/// cookie's domain in Chromium's form (a leading dot for domain cookies) and
/// `host` exactly as given.
fn is_domain_match(cookie: &Cookie, host: &str) -> bool {
    let domain = cookie.domain();
    if cookie.host_only() {
        return host == domain;
    }
    // The dotted form equals the host, or the host without its leading dot, or
    // the host ends with it.
    host.strip_prefix('.') == Some(domain)
        || host == domain
        || (host.len() > domain.len() + 1
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

impl CookieFilter {
    fn matches(&self, c: &Cookie) -> bool {
        self.name.as_deref().is_none_or(|n| n == c.name())
            && self.path.as_deref().is_none_or(|p| p == c.path())
            && self.secure.is_none_or(|s| s == c.secure())
            && self.http_only.is_none_or(|h| h == c.http_only())
            && self.session.is_none_or(|s| s == c.is_session())
            && self.domain.as_deref().is_none_or(|host| is_domain_match(c, host))
    }
}

impl CookieJar {
    /// Electron's `cookies.get(filter)`: matching cookies, longest path first,
    /// then oldest. Expired cookies are collected first.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] when `filter.url` does not parse.
    pub fn get(&self, filter: &CookieFilter) -> Result<Vec<Cookie>, Error> {
        let mut found = match filter.url.as_deref() {
            Some(url) => {
                let url = parse_url(url)?;
                let ctx = CookieContext::inclusive();
                self.cookies_for(&url, &ctx)
            }
            None => self.all_cookies(),
        };
        found.retain(|c| filter.matches(c));
        sort_for_header(&mut found);
        Ok(found)
    }

    /// Electron's `cookies.set(details)`, through Chromium's
    /// `CreateSanitizedCookie` and a same-site context: `sameSite` defaults to
    /// `lax`, `secure` to true with `no_restriction`, and without `httpOnly: true`
    /// the write counts as a non-HTTP one (it cannot replace an HttpOnly cookie).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] with the reason (Display: `Failed to set cookie - …`;
    /// a URL that does not parse is [`Rejection::InvalidDomain`], as in Electron),
    /// or [`Error::InvalidExpirationDate`].
    pub fn set(&self, details: &CookieDetails) -> Result<(), Error> {
        // Electron reports a URL that does not parse as an invalid Domain.
        let url = Url::parse(&details.url).map_err(|_| Rejection::InvalidDomain)?;
        let name = details.name.as_deref().unwrap_or("");
        let value = details.value.as_deref().unwrap_or("");
        check_api_name_value(name, value)?;
        let domain = details.domain.as_deref().unwrap_or("");
        check_api_domain(domain)?;
        let (path, prefix_root_path) =
            resolve_api_path(&url, details.path.as_deref().unwrap_or(""))?;
        let same_site = details.same_site.unwrap_or(SameSite::Lax);
        let secure = details.secure.unwrap_or(same_site == SameSite::NoRestriction);
        let http_only = details.http_only.unwrap_or(false);
        let expiry = match details.expiration_date {
            Some(seconds) => Some(
                Timestamp::from_electron_seconds(seconds).ok_or(Error::InvalidExpirationDate)?,
            ),
            None => None,
        };
        let reader = if http_only { Reader::Http } else { Reader::Script };
        let ctx = CookieContext::inclusive().reader(reader);
        let source = Source { trustworthy: is_trustworthy(&url), reader };
        let policy = self.policy;
        self.with_store(|store, now, changes| {
            let cap = now.saturating_add_seconds(policy.max_age_days.saturating_mul(86_400));
            let draft = Draft {
                name,
                value,
                domain: Some(domain),
                path: Some(&path),
                prefix_root_path,
                expiry: expiry.map(|e| e.min(cap)),
                secure,
                http_only,
                same_site,
                priority: Priority::Medium,
                partitioned: false,
            };
            let cookie = create(draft, &url, &ctx, now)?;
            store_cookie(store, cookie, &source, now, &policy, changes)
        })
        .map_err(Error::from)
    }

    /// Electron's `cookies.remove(url, name)`: removes every cookie named `name`
    /// that a request to `url` would carry (HttpOnly and every SameSite and
    /// partition included; a Secure cookie survives an `http:` URL). Cause
    /// `explicit`. Returns how many were removed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] when `url` does not parse.
    pub fn remove(&self, url: &str, name: &str) -> Result<usize, Error> {
        let url = parse_url(url)?;
        let ctx = CookieContext::inclusive();
        let Some(req) = Request::new(&url, &ctx) else {
            return Ok(0);
        };
        let key = index_key(&req.host).to_owned();
        Ok(self.with_store(|store, now, changes| {
            let removed = store
                .remove_in_bucket(&key, |c| c.name() == name && is_included(c, &req, &ctx, now));
            let n = removed.len();
            changes.extend(removed, ChangeCause::Explicit);
            n
        }))
    }
}
