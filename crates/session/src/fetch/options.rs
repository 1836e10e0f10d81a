//! What a caller can say about one fetch: the Fetch standard's request
//! options that matter below a renderer.

use url::Url;

/// What to do with a redirect response (`3xx` with a `Location`).
///
/// Fetch: a request's *redirect mode*.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RedirectMode {
    /// Follow up to [`MAX_REDIRECTS`](crate::fetch::MAX_REDIRECTS) hops.
    #[default]
    Follow,
    /// Fail with [`FetchError::RedirectNotAllowed`](crate::fetch::FetchError::RedirectNotAllowed).
    Error,
    /// Return the redirect response itself (Fetch hands scripts an opaque
    /// one; a Rust caller gets its status and headers).
    Manual,
}

/// Whether the session's cookies go out with the request and the response's
/// `Set-Cookie` lines are stored.
///
/// Fetch: a request's *credentials mode*. `same-origin` needs an origin to
/// compare with, which only a renderer has; [`FetchOptions::initiator`] plus
/// `Include` covers what the cookie rules need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Credentials {
    /// Send and store cookies (Fetch's `include`).
    #[default]
    Include,
    /// Neither send nor store cookies (Fetch's `omit`).
    Omit,
}

/// How the request uses the HTTP cache: the cache crate's
/// [`CacheMode`](sessionkit_http_cache::CacheMode), the Fetch standard's six
/// request cache modes (Electron: `net.request({ cache })`).
///
/// Whether or not the session has a cache, the request headers change as the
/// Fetch standard's HTTP-network-or-cache fetch (and Chromium's cache, for
/// its bypass and validate flags) makes them: `no-store` and `reload` add
/// `Pragma: no-cache` and `Cache-Control: no-cache`, `no-cache` adds
/// `Cache-Control: max-age=0` (each only when the request has none). A
/// session without a cache misses every `only-if-cached` request with
/// [`FetchError::CacheMiss`](crate::fetch::FetchError::CacheMiss).
pub use sessionkit_http_cache::CacheMode;

/// Options of [`Session::fetch`](crate::Session::fetch), beside the request
/// itself.
///
/// Electron: the `init` of `ses.fetch(input, init)` (redirect, credentials,
/// cache), plus what Chromium's cookie code asks of a request: whether it is
/// a top-level navigation and who initiated it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchOptions {
    /// Redirect mode (default: follow).
    pub redirect: RedirectMode,
    /// Credentials mode (default: include).
    pub credentials: Credentials,
    /// Cache mode (default: default).
    pub cache: CacheMode,
    /// Whether the request is a top-level navigation (default `true`, the
    /// way a browser loads a URL typed in its address bar). Lax cookies
    /// reach cross-site requests only on top-level navigations.
    pub top_level_navigation: bool,
    /// The URL of whoever started the request; `None` (the default) means
    /// the browser itself, which is same-site with everything. A request is
    /// cross-site when the initiator's site (scheme and registrable domain)
    /// differs from the site of the hop's URL.
    pub initiator: Option<Url>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            redirect: RedirectMode::Follow,
            credentials: Credentials::Include,
            cache: CacheMode::Default,
            top_level_navigation: true,
            initiator: None,
        }
    }
}

impl FetchOptions {
    /// The defaults: follow redirects, send cookies, default cache mode,
    /// a browser-initiated top-level navigation.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`FetchOptions::redirect`].
    #[must_use]
    pub fn redirect(mut self, mode: RedirectMode) -> Self {
        self.redirect = mode;
        self
    }

    /// Sets [`FetchOptions::credentials`].
    #[must_use]
    pub fn credentials(mut self, mode: Credentials) -> Self {
        self.credentials = mode;
        self
    }

    /// Sets [`FetchOptions::cache`].
    #[must_use]
    pub fn cache(mut self, mode: CacheMode) -> Self {
        self.cache = mode;
        self
    }

    /// Sets [`FetchOptions::top_level_navigation`].
    #[must_use]
    pub fn top_level_navigation(mut self, yes: bool) -> Self {
        self.top_level_navigation = yes;
        self
    }

    /// Sets [`FetchOptions::initiator`].
    #[must_use]
    pub fn initiator(mut self, initiator: Option<Url>) -> Self {
        self.initiator = initiator;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_mode_names_round_trip() {
        for name in ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"] {
            assert_eq!(name.parse::<CacheMode>().ok().map(CacheMode::as_str), Some(name));
        }
        assert!("No-Store".parse::<CacheMode>().is_err(), "Fetch's names are lower case");
    }

    #[test]
    fn defaults_are_a_browser_navigation() {
        let options = FetchOptions::default();
        assert!(options.top_level_navigation);
        assert_eq!(options.initiator, None);
        assert_eq!(options.redirect, RedirectMode::Follow);
        assert_eq!(options.credentials, Credentials::Include);
    }
}
