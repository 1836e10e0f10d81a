//! The HTTP cache in the pipeline: the session's network as the cache's
//! [`Upstream`](sessionkit_http_cache::Upstream), cookies stored from what
//! the network answers, and the cache's answers and errors in the
//! pipeline's terms.

use std::sync::Arc;

use bytes::Bytes;
use http::header;
use sessionkit_cookie_jar::CookieContext;
use sessionkit_http_cache::{self as cache, CacheRequest, HttpCache, IsolationKey};
use url::Url;

use crate::Cookies;
use crate::fetch::{Body, BoxError, FetchError, FetchOptions, Upstream, site};

/// The network under the cache for one hop.
///
/// Every response the network gives the cache for this hop — the answer to
/// a miss, a 304 to a revalidation, a `stale-while-revalidate` refresh in
/// the background — has its `Set-Cookie` lines stored here, as Chromium's
/// URL request job does for every network response. A response served
/// from the cache does not go through here, so its stored `Set-Cookie`
/// lines are never stored again: Chromium persists cache entries without
/// them (`HttpResponseInfo::Persist` with its transient-header filter), so
/// a hit sets no cookie there either.
pub(crate) struct HopUpstream<U> {
    pub(crate) network: Arc<U>,
    pub(crate) jar: Option<Cookies>,
    pub(crate) url: Url,
    pub(crate) context: CookieContext,
}

impl<U: Upstream> Upstream for HopUpstream<U> {
    async fn send(
        &self,
        mut request: http::Request<Bytes>,
    ) -> Result<http::Response<Body>, BoxError> {
        // The cache's copies of the hop drop its extensions; they are for
        // the hop's URL, parsed already (the network checks it matches).
        request.extensions_mut().insert(super::network::HopUrl(self.url.clone()));
        // Boxed: the network's future is large, and the cache's flow would
        // otherwise carry (and copy) it inline at every await level.
        let response = Box::pin(self.network.send(request)).await?;
        if let Some(jar) = &self.jar {
            store_cookies(jar, &self.url, response.headers(), &self.context);
        }
        Ok(response)
    }
}

/// Stores every `Set-Cookie` line of a network response as from `url`.
pub(crate) fn store_cookies(
    jar: &Cookies,
    url: &Url,
    headers: &http::HeaderMap,
    context: &CookieContext,
) {
    let lines = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok());
    jar.set_cookies_from_response(url, lines, context);
}

/// Sends one hop through `cache`, with `upstream` as its network.
pub(crate) async fn fetch<U: Upstream + 'static>(
    cache: &HttpCache,
    hop: http::Request<Bytes>,
    options: &FetchOptions,
    upstream: HopUpstream<U>,
) -> Result<http::Response<Body>, FetchError> {
    let url = upstream.url.clone();
    let mut request = CacheRequest::new(hop).with_mode(options.cache);
    if let Some(key) = isolation_key(options) {
        request = request.with_isolation_key(key);
    }
    // Boxed for the same reason: the cache's flow is a large future.
    Box::pin(cache.fetch(request, Arc::new(upstream)))
        .await
        .map_err(|error| from_cache(&url, error))
}

/// Chromium's split cache keys a subresource on the site of the page that
/// loads it (top frame and frame; sessionkit knows one initiator, so both
/// are its site). A top-level navigation is its own top frame: its key
/// would only repeat the URL's site, so it keys on the URL alone.
fn isolation_key(options: &FetchOptions) -> Option<IsolationKey> {
    if options.top_level_navigation {
        return None;
    }
    let initiator = site::site(options.initiator.as_ref()?)?;
    Some(IsolationKey::new(initiator.clone(), initiator))
}

/// The cache's error as the pipeline's: an `only-if-cached` miss is
/// `ERR_CACHE_MISS`, a network failure comes back as the network layer's
/// own [`FetchError`], a store failure is `ERR_FAILED` (Chromium's cache
/// read errors end the request with a net error too).
fn from_cache(url: &Url, error: cache::Error) -> FetchError {
    match error {
        cache::Error::OnlyIfCachedMiss { .. } => FetchError::CacheMiss { url: url.clone() },
        cache::Error::Upstream(source) => super::from_upstream(url, source),
        other => FetchError::Failed { url: url.clone(), source: Box::new(other) },
    }
}
