//! `Session::clear_storage_data`: what to clear, and clearing cookies by origin.

use std::fmt;
use std::str::FromStr;

use sessionkit_cookie_jar::{Cookie, CookieDetails, CookieJar};
use url::Url;

use crate::Error;

/// A kind of storage [`ClearStorageOptions::storages`] can name.
///
/// sessionkit has only cookies so far: the other kinds are Electron's and
/// are accepted and ignored, so code written for Electron keeps working and
/// starts clearing them as sessionkit gains them.
///
/// Electron: the strings of `clearStorageData`'s `storages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StorageKind {
    /// `cookies`: the session's cookie jar.
    Cookies,
    /// `filesystem` (ignored: sessionkit has none).
    FileSystem,
    /// `indexdb` (ignored).
    IndexDb,
    /// `localstorage` (ignored).
    LocalStorage,
    /// `shadercache` (ignored).
    ShaderCache,
    /// `websql` (ignored).
    WebSql,
    /// `serviceworkers` (ignored).
    ServiceWorkers,
    /// `cachestorage` (ignored).
    CacheStorage,
}

impl StorageKind {
    /// Every kind, in Electron's documentation order.
    pub const ALL: [Self; 8] = [
        Self::Cookies,
        Self::FileSystem,
        Self::IndexDb,
        Self::LocalStorage,
        Self::ShaderCache,
        Self::WebSql,
        Self::ServiceWorkers,
        Self::CacheStorage,
    ];

    /// Electron's name for the kind (`cookies`, `indexdb`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cookies => "cookies",
            Self::FileSystem => "filesystem",
            Self::IndexDb => "indexdb",
            Self::LocalStorage => "localstorage",
            Self::ShaderCache => "shadercache",
            Self::WebSql => "websql",
            Self::ServiceWorkers => "serviceworkers",
            Self::CacheStorage => "cachestorage",
        }
    }
}

impl fmt::Display for StorageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StorageKind {
    type Err = Error;

    /// Electron's names, exactly (lower case).
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| Error::InvalidStorageKind { name: s.to_owned() })
    }
}

/// What [`Session::clear_storage_data`](crate::Session::clear_storage_data)
/// clears.
///
/// Electron: the `options` of `ses.clearStorageData(options)` (`quotas` is
/// not supported: sessionkit has no quota-managed storage).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClearStorageOptions {
    /// Only this origin's data (`scheme://host:port`); every origin when
    /// `None`. For cookies only the host counts, as in Electron.
    ///
    /// Electron: `origin`.
    pub origin: Option<Url>,
    /// The kinds to clear; every kind when empty.
    ///
    /// Electron: `storages`.
    pub storages: Vec<StorageKind>,
}

impl ClearStorageOptions {
    /// Everything, for every origin.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Restricts clearing to `origin`.
    #[must_use]
    pub fn origin(mut self, origin: Url) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Restricts clearing to these kinds.
    #[must_use]
    pub fn storages(mut self, storages: impl IntoIterator<Item = StorageKind>) -> Self {
        self.storages = storages.into_iter().collect();
        self
    }

    /// Whether `kind` is to be cleared.
    #[must_use]
    pub fn includes(&self, kind: StorageKind) -> bool {
        self.storages.is_empty() || self.storages.contains(&kind)
    }

    /// The origin's host, canonical as the jar stores domains (lower case,
    /// IDNA, IPv6 in brackets).
    pub(crate) fn origin_host(&self) -> Result<Option<String>, Error> {
        let Some(origin) = &self.origin else { return Ok(None) };
        match origin.host_str() {
            Some(host) if !host.is_empty() => Ok(Some(host.to_ascii_lowercase())),
            // Chromium would drop the host filter and clear every origin's
            // cookies; refusing is the safer reading of "this origin only".
            _ => Err(Error::InvalidOrigin { origin: origin.to_string(), reason: "it has no host" }),
        }
    }
}

/// What [`Session::clear_storage_data`](crate::Session::clear_storage_data)
/// removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClearedStorage {
    /// Cookies removed.
    pub cookies: usize,
}

/// Removes the cookies Chromium's `ClearData(origin)` removes: host-only
/// cookies whose domain is exactly `host` (any scheme, port, path or
/// partition). Domain cookies (`Domain=…`) are kept, as in Electron, whose
/// cookie deletion filter matches `IsHostCookie() && IsDomainMatch(host)`.
pub(crate) fn remove_host_cookies(jar: &CookieJar, host: &str) -> usize {
    remove_cookies_where(jar, |c| c.host_only() && c.domain() == host)
}

/// Removes every cookie `is_target` selects and no other; returns how many.
pub(crate) fn remove_cookies_where(jar: &CookieJar, is_target: impl Fn(&Cookie) -> bool) -> usize {
    let all = jar.all_cookies();
    let (targets, others): (Vec<&Cookie>, Vec<&Cookie>) = all.iter().partition(|c| is_target(c));
    let mut removed = 0;
    for target in &targets {
        let host = target.domain();
        // The jar removes by (URL, name): everything of that name a request
        // to the URL would carry. Cookies of the same name on the way that
        // were not selected go too; they are put back below. A jar call that
        // removes by identity would make this exact (see the crate's notes).
        let collateral: Vec<&Cookie> = others
            .iter()
            .copied()
            .filter(|c| {
                c.name() == target.name()
                    && c.matches_host(host)
                    && path_matches(target.path(), c.path())
            })
            .collect();
        let url = format!("https://{host}{}", target.path());
        removed += jar.remove(&url, target.name()).unwrap_or(0);
        for cookie in collateral {
            removed = removed.saturating_sub(1);
            restore_with_set(jar, cookie);
        }
    }
    removed
}

/// RFC 6265bis path-match of a request path against a cookie path.
fn path_matches(request: &str, cookie: &str) -> bool {
    request == cookie
        || (request.starts_with(cookie)
            && (cookie.ends_with('/') || request.as_bytes().get(cookie.len()) == Some(&b'/')))
}

/// Puts a cookie back through Electron's `cookies.set`. Its creation time,
/// priority and partition key are not carried by `set`; this runs only when
/// a domain cookie shares a name with a cleared host cookie.
fn restore_with_set(jar: &CookieJar, cookie: &Cookie) {
    let details = CookieDetails {
        url: format!("https://{}{}", cookie.domain(), cookie.path()),
        name: Some(cookie.name().to_owned()),
        value: Some(cookie.value().to_owned()),
        domain: Some(cookie.electron_domain()),
        path: Some(cookie.path().to_owned()),
        secure: Some(cookie.secure()),
        http_only: Some(cookie.http_only()),
        expiration_date: cookie.expiration_date(),
        same_site: Some(cookie.same_site()),
    };
    if let Err(e) = jar.set(&details) {
        tracing::warn!(name = cookie.name(), domain = cookie.domain(), error = %e,
            "could not put back a domain cookie removed with a host cookie");
    }
}
