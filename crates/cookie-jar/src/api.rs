//! Electron's `ses.cookies` API: `get(filter)`, `set(details)`, `remove(url, name)`.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::context::{CookieContext, Reader};
use crate::cookie::{Cookie, Priority, SameSite};
use crate::domain::{domain_match, index_key, is_trustworthy};
use crate::error::{Error, Rejection};
use crate::events::{ChangeCause, CookieChange};
use crate::insert::{Source, store_cookie};
use crate::jar::CookieJar;
use crate::parse::set_cookie::{MAX_NAME_VALUE_BYTES, trim_ws};
use crate::retrieval::{Request, is_included, sort_for_header};
use crate::rules::{Draft, create};
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
    /// Cookies that would be sent to this host: cookies on it and domain cookies
    /// of its parents (Chromium's `IsDomainMatch`, which Electron calls).
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
    /// Path; without it the URL's default-path.
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

fn parse_url(url: &str) -> Result<Url, Error> {
    Url::parse(url).map_err(|e| Error::InvalidUrl { url: url.to_owned(), reason: e.to_string() })
}

impl CookieFilter {
    fn matches(&self, c: &Cookie) -> bool {
        self.name.as_deref().is_none_or(|n| n == c.name())
            && self.path.as_deref().is_none_or(|p| p == c.path())
            && self.secure.is_none_or(|s| s == c.secure())
            && self.http_only.is_none_or(|h| h == c.http_only())
            && self.session.is_none_or(|s| s == c.is_session())
            && self.domain.as_deref().is_none_or(|d| {
                let d = d.strip_prefix('.').unwrap_or(d).to_ascii_lowercase();
                if c.host_only() { d == c.domain() } else { domain_match(&d, c.domain()) }
            })
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
    /// [`Error::Rejected`] with the reason (Display: `Failed to set cookie - …`),
    /// [`Error::InvalidUrl`], or [`Error::InvalidExpirationDate`].
    pub fn set(&self, details: &CookieDetails) -> Result<(), Error> {
        let url = parse_url(&details.url)?;
        let name = details.name.as_deref().unwrap_or("");
        let value = details.value.as_deref().unwrap_or("");
        check_api_name_value(name, value)?;
        if let Some(path) = details.path.as_deref()
            && !path.is_empty()
            && (!path.starts_with('/') || has_ctl(path) || path.contains(';'))
        {
            return Err(Rejection::FailureToStore.into());
        }
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
                domain: details.domain.as_deref(),
                path: details.path.as_deref(),
                expiry: expiry.map(|e| e.min(cap)),
                secure,
                http_only,
                same_site,
                priority: Priority::Medium,
                partitioned: false,
            };
            let cookie = create(&draft, &url, &ctx, now)?;
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
            changes
                .extend(removed.into_iter().map(|c| CookieChange::new(c, ChangeCause::Explicit)));
            n
        }))
    }
}
