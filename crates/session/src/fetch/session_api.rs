//! The `Session` methods of the request pipeline.

use std::sync::Arc;

use bytes::Bytes;
use sessionkit_proxy_rules::ProxyScheme;
use url::Url;

use crate::Session;
use crate::fetch::certificate::SharedVerifyProc;
use crate::fetch::connect::{MAX_SOCKETS_PER_GROUP, Target};
use crate::fetch::{
    Body, CertificateVerdict, CertificateVerifyRequest, FetchError, FetchOptions, Network,
    NetworkEmulation, normalize_method, run,
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
        run(self, Arc::new(self.network()), request, &options).await
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

    /// Closes every idle pooled connection and every warm one from
    /// [`preconnect`](Self::preconnect), so the next requests connect anew
    /// (call it after [`set_proxy`](Self::set_proxy)). Requests in flight
    /// finish on the connections they have.
    ///
    /// Electron: `ses.closeAllConnections()`.
    pub fn close_all_connections(&self) {
        self.net_stack().close_all_connections();
    }

    /// Opens `num_sockets` connections to the origin of `url` ahead of any
    /// request, so the next requests to it skip the connection setup: TCP,
    /// the proxy's handshake and TLS for `https:`. The proxy is the one a
    /// request to `url` would use first (`resolve_proxy`, entries that
    /// failed recently last, QUIC skipped).
    ///
    /// Returns at once; the connections open in the background and a
    /// failure is only logged, as Chromium's preconnect is a hint. The
    /// sockets wait in a per-destination warm list that the connector uses
    /// before dialling new ones: an unused one is closed after 10 seconds
    /// (Chromium's unused idle socket timeout), and a destination never has
    /// more than 6 (Chromium's per-group limit; sockets already warm or
    /// connecting count toward `num_sockets`). Offline emulation makes it
    /// do nothing. [`close_all_connections`](Self::close_all_connections)
    /// closes warm sockets too.
    ///
    /// Electron: `ses.preconnect({ url, numSockets })`; Electron's default
    /// `numSockets` is 1. Like Electron, which throws a `TypeError` for
    /// `numSockets` outside `[1, 6]` (the clamping variant was the old
    /// `webPreferences.numSocketsToPreconnect`), a number outside that
    /// range is an error, not clamped.
    ///
    /// Must be called within a Tokio runtime (the sockets are opened on it).
    ///
    /// # Errors
    ///
    /// [`FetchError::InvalidUrl`] for a URL that is not `http:`/`https:`
    /// with a host; [`FetchError::InvalidRequest`]
    /// (`ERR_INVALID_ARGUMENT`) for `num_sockets` outside `1..=6` or when
    /// called outside a Tokio runtime.
    pub fn preconnect(&self, url: &Url, num_sockets: usize) -> Result<(), FetchError> {
        let Some(target) = Target::from_url(url) else {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                reason: "only http: and https: URLs with a host can be preconnected",
            });
        };
        if !(1..=MAX_SOCKETS_PER_GROUP).contains(&num_sockets) {
            return Err(FetchError::InvalidRequest {
                url: url.clone(),
                reason: format!(
                    "numSockets {num_sockets} is outside range [1,{MAX_SOCKETS_PER_GROUP}]"
                ),
            });
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(FetchError::InvalidRequest {
                url: url.clone(),
                reason: "preconnect must be called within a Tokio runtime".to_owned(),
            });
        };
        if self.net_stack().emulation().is_some_and(|e| e.conditions.offline) {
            return Ok(());
        }
        // Without a PAC script to ask, the sockets are reserved before this
        // returns, so a fetch right after it finds them (still connecting)
        // instead of dialling its own.
        if let Some(proxies) = self.resolve_proxy_now(url) {
            preconnect_through(self, url, &target, num_sockets, proxies);
            return Ok(());
        }
        let session = self.clone();
        let url = url.clone();
        runtime.spawn(async move {
            let proxies = session.resolve_proxy_async(&url).await;
            preconnect_through(&session, &url, &target, num_sockets, proxies);
        });
        Ok(())
    }

    /// Lets `proc` decide on the server certificates of the session's TLS
    /// connections (destinations and HTTPS proxies), or goes back to the
    /// platform's verifier alone with `None`.
    ///
    /// The proc sees each chain after the platform's verifier, with its
    /// verdict ([`CertificateVerifyRequest::verification_result`]), and
    /// answers [`CertificateVerdict::Accept`], `Reject` or `UseDefault`.
    /// Accepting a chain does not skip the handshake's signature check: the
    /// server must still hold the certificate's key. A proc that panics
    /// rejects. It runs on the connection's task while the handshake waits,
    /// so it should answer quickly.
    ///
    /// Setting it (or `None`) closes pooled and warm connections and drops
    /// the TLS sessions cached for resumption, so every connection from
    /// then on has been judged by the proc in force. Chromium caches a
    /// proc's verdicts; here the proc is asked on every new connection.
    ///
    /// Electron: `ses.setCertificateVerifyProc(proc)`, whose callback codes
    /// `0`, `-2` and `-3` are [`CertificateVerdict::code`].
    ///
    /// ```
    /// use sessionkit::{CertificateVerdict, CertificateVerifyRequest, Sessions};
    ///
    /// # fn main() -> Result<(), sessionkit::BoxError> {
    /// # let dir = tempfile::tempdir()?;
    /// let ses = Sessions::new(dir.path())?.from_partition("pinning", Default::default())?;
    /// ses.set_certificate_verify_proc(Some(|request: &CertificateVerifyRequest| {
    ///     if request.hostname == "intranet.test" {
    ///         CertificateVerdict::Accept // the company CA is not in the system store
    ///     } else {
    ///         CertificateVerdict::UseDefault
    ///     }
    /// }));
    /// // Back to the platform's verifier alone.
    /// ses.clear_certificate_verify_proc();
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_certificate_verify_proc<F>(&self, proc: Option<F>)
    where
        F: Fn(&CertificateVerifyRequest) -> CertificateVerdict + Send + Sync + 'static,
    {
        let proc = proc.map(|proc| -> SharedVerifyProc { Arc::new(proc) });
        self.net_stack().set_verify_proc(proc);
    }

    /// Goes back to the platform's verifier alone, as
    /// [`set_certificate_verify_proc`](Self::set_certificate_verify_proc)
    /// with `None` does (pooled and warm connections are closed), without
    /// naming a proc type for the `None`.
    ///
    /// Electron: `ses.setCertificateVerifyProc(null)`.
    pub fn clear_certificate_verify_proc(&self) {
        self.net_stack().set_verify_proc(None);
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

/// Opens `num_sockets` warm connections to `target` through the first
/// usable entry of `proxies` (the one a request would try first).
fn preconnect_through(
    session: &Session,
    url: &Url,
    target: &Target,
    num_sockets: usize,
    proxies: Result<sessionkit_proxy_rules::ProxyList, crate::Error>,
) {
    let proxies = match proxies {
        Ok(proxies) => proxies,
        Err(error) => {
            tracing::debug!(%url, %error, "preconnect: no proxy");
            return;
        }
    };
    let stack = session.net_stack();
    let order = stack.bad_proxies.order(&proxies);
    let Some(proxy) = order.iter().find(|p| p.scheme() != ProxyScheme::Quic) else {
        return;
    };
    match stack.route(proxy) {
        Ok(route) => route.connector.preconnect(target, num_sockets),
        Err(error) => tracing::debug!(%url, %error, "preconnect: no TLS settings"),
    }
}
