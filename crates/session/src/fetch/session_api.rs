//! The `Session` methods of the request pipeline.

use bytes::Bytes;

use crate::Session;
use crate::fetch::{
    Body, FetchError, FetchOptions, Network, NetworkEmulation, normalize_method, run,
};

impl Session {
    /// Sends `request` through the session's pipeline — default headers,
    /// cookies, HTTP cache, proxies, network emulation, redirects — and
    /// returns the response once its head has arrived; the body streams.
    ///
    /// The response's extensions hold its
    /// [`CacheStatus`](crate::CacheStatus) when the session has a cache.
    /// The request's URI must be an absolute `http:` or `https:` URL. The
    /// response's extensions hold its [`UrlChain`](crate::fetch::UrlChain).
    /// Bodies are passed as the server sent them: nothing is decompressed.
    ///
    /// Cancel-safe: dropping the future abandons the request; cookies of
    /// responses already received stay stored.
    ///
    /// Electron: `ses.fetch(input, init)`.
    ///
    /// # Errors
    ///
    /// A [`FetchError`] naming Chromium's net error.
    pub async fn fetch(
        &self,
        request: http::Request<Bytes>,
        options: FetchOptions,
    ) -> Result<http::Response<Body>, FetchError> {
        let (mut parts, body) = request.into_parts();
        parts.method = normalize_method(parts.method);
        let request = http::Request::from_parts(parts, body);
        run(self, std::sync::Arc::new(self.network()), request, &options).await
    }

    /// The session's network layer (no cookies, default headers or
    /// redirects): what an HTTP cache wraps.
    #[must_use]
    pub fn network(&self) -> Network {
        Network::new(self.clone())
    }

    /// Emulates network conditions for every request of the session from
    /// now on; requests already under way keep the conditions they started
    /// with. Calling it again replaces the conditions (and starts fresh
    /// throughput buckets).
    ///
    /// Electron: `ses.enableNetworkEmulation(options)`.
    pub fn enable_network_emulation(&self, conditions: NetworkEmulation) {
        self.net_stack().set_emulation(Some(conditions));
    }

    /// Back to the real network.
    ///
    /// Electron: `ses.disableNetworkEmulation()`.
    pub fn disable_network_emulation(&self) {
        self.net_stack().set_emulation(None);
    }

    /// The emulated conditions in force, if any.
    #[must_use]
    pub fn network_emulation(&self) -> Option<NetworkEmulation> {
        self.net_stack().emulation().map(|e| e.conditions)
    }

    /// Closes every idle pooled connection, so the next requests connect
    /// anew (call it after [`set_proxy`](Self::set_proxy)). Requests in
    /// flight finish on the connections they have.
    ///
    /// Electron: `ses.closeAllConnections()`.
    pub fn close_all_connections(&self) {
        self.net_stack().close_all_connections();
    }

    /// Forgets the answers of the session's host resolver cache.
    ///
    /// Electron: `ses.clearHostResolverCache()`.
    pub fn clear_host_resolver_cache(&self) {
        self.net_stack().resolver.clear();
    }

    /// How many host names the session's resolver has cached.
    #[must_use]
    pub fn host_resolver_cache_len(&self) -> usize {
        self.net_stack().resolver.len()
    }
}
