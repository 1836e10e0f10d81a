//! Which cookies a request carries, in which order (RFC 6265bis §5.8.3 with
//! Chromium's SameSite enforcement).

use url::Url;

use crate::context::{CookieContext, Reader};
use crate::cookie::{Cookie, SameSite};
use crate::domain::{canonical_host, index_key, is_cookieable_scheme, is_trustworthy, site_of};
use crate::jar::CookieJar;
use crate::rules::path_match;
use crate::time::Timestamp;

/// Chromium's `kLaxAllowUnsafeMaxAge`: two minutes.
pub(crate) const LAX_ALLOW_UNSAFE_MICROS: i64 = 120 * 1_000_000;
/// Chromium's `kDefaultAccessUpdateThresholdSeconds`: one minute.
pub(crate) const ACCESS_UPDATE_MICROS: i64 = 60 * 1_000_000;

/// Chromium's `CookieSorter`: longer path first, then earlier creation.
pub(crate) fn sort_for_header(cookies: &mut [Cookie]) {
    cookies.sort_by(|a, b| {
        b.path().len().cmp(&a.path().len()).then_with(|| a.creation().cmp(&b.creation()))
    });
}

/// The request, resolved once per lookup.
pub(crate) struct Request<'a> {
    pub(crate) host: String,
    pub(crate) path: &'a str,
    pub(crate) trustworthy: bool,
    /// The partition key partitioned cookies must carry; `None` admits every partition.
    pub(crate) partition: Option<String>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(url: &'a Url, ctx: &CookieContext) -> Option<Self> {
        if !is_cookieable_scheme(url) {
            return None;
        }
        let host = canonical_host(url)?;
        let partition = if ctx.inclusive {
            None
        } else {
            Some(
                ctx.top_level_site_name()
                    .map_or_else(|| site_of(url).unwrap_or_default(), str::to_owned),
            )
        };
        Some(Self { host, path: url.path(), trustworthy: is_trustworthy(url), partition })
    }
}

/// Would this request carry `cookie`?
///
/// Host: exact for host-only cookies, domain-match otherwise (the port is
/// ignored). Path: path-match. `Secure`: secure or trustworthy URLs only.
/// `HttpOnly`: hidden from script readers. Partitioned: only under their own
/// top-level site. SameSite, in a cross-site context: `Strict` never; `Lax`
/// on top-level navigations with a safe method; unspecified like `Lax`, except
/// that for two minutes after creation (inclusive, as Chromium's
/// `IsRecentlyCreated`) it also rides top-level navigations with unsafe methods
/// (Chromium's Lax-allowing-unsafe); `None` always.
pub(crate) fn is_included(
    cookie: &Cookie,
    req: &Request<'_>,
    ctx: &CookieContext,
    now: Timestamp,
) -> bool {
    if !cookie.matches_host(&req.host) || !path_match(req.path, cookie.path()) {
        return false;
    }
    if cookie.is_expired(now) || (cookie.secure() && !req.trustworthy) {
        return false;
    }
    if let (Some(key), Some(want)) = (cookie.partition_key(), &req.partition)
        && key != want
    {
        return false;
    }
    if ctx.inclusive {
        return true;
    }
    if cookie.http_only() && ctx.reader_kind() == Reader::Script {
        return false;
    }
    if !ctx.is_cross_site() {
        return true;
    }
    let navigation = ctx.is_top_level_navigation();
    match cookie.same_site() {
        SameSite::NoRestriction => true,
        SameSite::Strict => false,
        SameSite::Lax => navigation && ctx.is_safe_method(),
        SameSite::Unspecified => {
            navigation
                && (ctx.is_safe_method()
                    || now.micros_since(cookie.creation()) <= LAX_ALLOW_UNSAFE_MICROS)
        }
    }
}

impl CookieJar {
    /// The cookies a request to `url` in context `ctx` carries, in header order
    /// (longer path first, then earlier creation). Expired cookies met on the way
    /// are removed (cause `expired`); the last-access time of the returned cookies
    /// is updated when it is at least a minute old, and each update is reported to
    /// the [access listeners](CookieJar::add_access_listener) (not as a change).
    ///
    /// Only the bucket of the URL's registrable domain is examined.
    #[must_use]
    pub fn cookies_for(&self, url: &Url, ctx: &CookieContext) -> Vec<Cookie> {
        let Some(req) = Request::new(url, ctx) else {
            return Vec::new();
        };
        let key = index_key(&req.host).to_owned();
        self.with_store_accessed(|store, now, changes, accessed| {
            crate::eviction::remove_expired_in(store, &key, now, changes);
            let Some(bucket) = store.bucket_mut(&key) else {
                return Vec::new();
            };
            let mut found = Vec::new();
            for cookie in bucket.iter_mut() {
                if is_included(cookie, &req, ctx, now) {
                    if !ctx.inclusive
                        && now.micros_since(cookie.last_access()) >= ACCESS_UPDATE_MICROS
                    {
                        cookie.set_last_access(now);
                        accessed.push(Cookie::clone(cookie));
                    }
                    found.push(Cookie::clone(cookie));
                }
            }
            sort_for_header(&mut found);
            found
        })
    }

    /// The `Cookie` header for a request: `name=value` pairs (a nameless cookie as
    /// its bare value) joined by `"; "`, or `None` when no cookie applies.
    #[must_use]
    pub fn cookie_header(&self, url: &Url, ctx: &CookieContext) -> Option<String> {
        let cookies = self.cookies_for(url, ctx);
        if cookies.is_empty() {
            return None;
        }
        let mut header = String::new();
        for (i, c) in cookies.iter().enumerate() {
            if i > 0 {
                header.push_str("; ");
            }
            if !c.name().is_empty() {
                header.push_str(c.name());
                header.push('=');
            }
            header.push_str(c.value());
        }
        Some(header)
    }
}
