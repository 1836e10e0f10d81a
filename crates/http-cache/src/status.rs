//! How the cache answered, attached to every response.

/// How a response was produced, found in `response.extensions()`.
///
/// ```
/// # use sessionkit_http_cache::CacheStatus;
/// # let response = http::Response::new(());
/// let status = response.extensions().get::<CacheStatus>().copied();
/// # assert_eq!(status, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CacheStatus {
    /// Served from the cache without contacting the origin.
    Hit,
    /// Fetched from the origin (and stored if it was storable).
    Miss,
    /// A stale stored response was confirmed by a 304 and served with the merged
    /// headers.
    Revalidated,
    /// A stale response served within its `stale-while-revalidate` window; one
    /// background revalidation refreshes it.
    Stale,
    /// A stale response served because the origin failed and `stale-if-error`
    /// allowed it.
    StaleIfError,
    /// The cache was not consulted (`no-store` mode, unsafe or uncacheable method,
    /// request with its own validators, or another request held the key past
    /// the cache lock timeout) and nothing was stored.
    Bypass,
}
