//! The network layer: proxy resolution, the fall-back walk through the
//! proxy list, emulation, and one HTTP exchange. No cookies, no redirects,
//! no cache: those sit above it.

use bytes::Bytes;
use http::{HeaderValue, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Error as ClientError;
use sessionkit_proxy_rules::{ProxyList, ProxyScheme, ProxyServer};
use url::Url;

use crate::Session;
use crate::fetch::classify::{classify, proxy_failed, proxy_fallback_error, tunnel_failed};
use crate::fetch::connect::{Reuse, Tunnel};
use crate::fetch::emulation::Emulation;
use crate::fetch::shaper::ShapedBody;
use crate::fetch::stack::{NetStack, Route};
use crate::fetch::{Body, BoxError, FetchError, empty_body, full_body};

/// Something that answers one HTTP request without following redirects:
/// the HTTP cache's network trait, which the session's network layer
/// implements so a cache can wrap it. The network layer's failure is always
/// a [`FetchError`] inside the [`BoxError`] (downcast to read it).
pub use sessionkit_http_cache::Upstream;

/// A session's network layer: every request is sent through the proxies
/// `resolve_proxy` gives for its URL, in order, under the session's network
/// emulation, with the session's DNS cache and connection pools.
///
/// [`Session::fetch`] sends each hop through it; on its own it is one
/// exchange (no cookies, default headers or redirects).
#[derive(Debug, Clone)]
pub struct Network {
    session: Session,
}

impl Network {
    pub(crate) fn new(session: Session) -> Self {
        Self { session }
    }

    /// Sends one request; see [`Upstream::send`].
    ///
    /// The proxy list is walked as Chromium does: an entry that cannot be
    /// connected gives way to the next one and is marked bad for five
    /// minutes (bad entries are tried after the others; a new proxy
    /// configuration forgets them); `DIRECT` is used only where the list
    /// has it; QUIC entries are skipped (not supported here).
    ///
    /// # Errors
    ///
    /// [`FetchError::InternetDisconnected`] when emulating offline (nothing
    /// is sent); [`FetchError::ProxyConnectionFailed`] naming the last
    /// proxy when none could be connected; the other variants as the
    /// transport reports them.
    pub async fn send_request(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Body>, FetchError> {
        let url = hop_url(&request)?;
        let stack = self.session.net_stack();
        let emulation = stack.emulation();
        let proxies = self.proxies_for(&url, emulation.as_ref()).await?;

        let (parts, body) = request.into_parts();
        // The request's URI is the hop's URL unless it was handed over in
        // another spelling; the URL's form is what goes out.
        let uri = if same_target(&url, &parts.uri) {
            parts.uri.clone()
        } else {
            url.as_str().parse().map_err(|_| FetchError::InvalidUrl {
                url: url.to_string(),
                reason: "not a valid request URI",
            })?
        };
        let response = walk_proxies(stack, &url, &proxies, |proxy, route| {
            let (url, uri, parts, body, emulation) = (&url, &uri, &parts, &body, emulation.as_ref());
            async move {
                let outgoing = build_request(uri, parts, body, emulation);
                let mut result = route.client.request(outgoing).await.inspect(mark_reused);
                if let Err(error) = &result
                    && may_resend(error)
                {
            // Chromium resends a request, whatever its method, whose
            // reused keep-alive connection turned out closed by the
            // server (reset or empty response before any byte): the
            // server closed an idle connection as the request went out.
            // hyper-util's client resends by itself only a request not
            // yet written; this covers one written on a connection the
            // server was closing. Once: the resend's connection may be
            // reused too, but a second failure is the server's.
                    tracing::debug!(%url, %error, "the connection closed under the request; resending");
                    let outgoing = build_request(uri, parts, body, emulation);
                    result = route.client.request(outgoing).await.inspect(mark_reused);
                }
                match result {
                    Ok(response) => Attempt::Done(response),
                    Err(error) if proxy_failed(&proxy, &error) => {
                        Attempt::ProxyFailed(proxy_fallback_error(url, &proxy, error))
                    }
                    Err(error) => Attempt::Failed(classify(url, &proxy, error)),
                }
            }
        })
        .await?;
        Ok(finish(response, emulation.as_ref()).await)
    }
}

impl Network {
    /// Opens a raw byte stream to `host:port` (a name, an IPv4 address, or
    /// an IPv6 address with or without brackets) the way Chromium opens
    /// the tunnel of a `CONNECT` it is asked to relay: the proxy list is
    /// the one `resolve_proxy` gives for `https://host:port/` (bypass
    /// rules, PAC and `set_proxy` included), walked with the fall-back and
    /// bad-proxy rules of [`send_request`](Self::send_request). Through an
    /// HTTP or HTTPS proxy the stream is a `CONNECT` tunnel, through SOCKS
    /// a SOCKS connection, and for `DIRECT` a TCP connection made with the
    /// session's DNS cache. No TLS is spoken with the destination: the
    /// caller (a client of a forward proxy) does its own. Every attempt is
    /// bounded by the same 30-second connect limit as requests.
    ///
    /// No Electron API opens tunnels: this serves a forward proxy built on
    /// the session (the CLI's `serve-proxy`).
    ///
    /// # Errors
    ///
    /// [`FetchError::InvalidUrl`] when `host:port` is not a valid
    /// authority; [`FetchError::InternetDisconnected`] when emulating
    /// offline (nothing is opened); [`FetchError::ProxyConnectionFailed`]
    /// naming the last proxy when none could be connected;
    /// [`FetchError::TunnelConnectionFailed`] when an HTTP proxy refused
    /// the tunnel; the connect errors of a request otherwise.
    pub async fn open_tunnel(&self, host: &str, port: u16) -> Result<Tunnel, FetchError> {
        let url = tunnel_url(host, port)?;
        let stack = self.session.net_stack();
        let proxies = self.proxies_for(&url, stack.emulation().as_ref()).await?;
        // The host as the URL spells it (IPv6 in brackets, a name
        // lower-cased), as a request to that URL would connect.
        let host = url.host_str().unwrap_or(host).to_owned();
        walk_proxies(stack, &url, &proxies, |proxy, route| {
            let (url, host) = (&url, &host);
            async move {
                match route.connector.tunnel(host, port).await {
                    Ok(tunnel) => Attempt::Done(tunnel),
                    Err(error) if !proxy.is_direct() && error.proxy_unusable() => {
                        Attempt::ProxyFailed(FetchError::ProxyConnectionFailed {
                            url: url.clone(),
                            proxy: proxy.to_string(),
                            source: error.into(),
                        })
                    }
                    Err(error) => Attempt::Failed(tunnel_failed(url, &proxy, error)),
                }
            }
        })
        .await
    }
}

impl Network {
    /// The proxy list for `url`, unless the emulated network is offline:
    /// then nothing is resolved or opened (Chromium's throttle fails the
    /// request before it starts).
    async fn proxies_for(
        &self,
        url: &Url,
        emulation: Option<&Emulation>,
    ) -> Result<ProxyList, FetchError> {
        if emulation.is_some_and(|e| e.conditions.offline) {
            return Err(FetchError::InternetDisconnected { url: url.clone() });
        }
        self.session
            .resolve_proxy_async(url)
            .await
            .map_err(|source| FetchError::ProxyResolution { url: url.clone(), source })
    }
}

/// What trying one entry of the proxy list came to.
enum Attempt<T> {
    /// It worked.
    Done(T),
    /// The proxy itself could not be used: the next entry is tried.
    ProxyFailed(FetchError),
    /// A failure another proxy would not change.
    Failed(FetchError),
}

/// Walks `proxies` for `url` as Chromium does, for requests and tunnels
/// alike: entries marked bad go last, QUIC entries are skipped (not
/// supported here), an entry whose proxy failed is marked bad for five
/// minutes and the next one is tried, one that worked is cleared; `DIRECT`
/// only where the list has it.
async fn walk_proxies<T, F, Fut>(
    stack: &NetStack,
    url: &Url,
    proxies: &ProxyList,
    mut attempt: F,
) -> Result<T, FetchError>
where
    F: FnMut(ProxyServer, Route) -> Fut,
    Fut: Future<Output = Attempt<T>>,
{
    let mut last_proxy_failure = None;
    for proxy in &stack.bad_proxies.order(proxies) {
        if proxy.scheme() == ProxyScheme::Quic {
            continue;
        }
        let route = stack
            .route(proxy)
            .map_err(|e| FetchError::Failed { url: url.clone(), source: e.into() })?;
        match attempt(proxy.clone(), route).await {
            Attempt::Done(value) => {
                stack.bad_proxies.clear(proxy);
                return Ok(value);
            }
            Attempt::ProxyFailed(error) => {
                stack.bad_proxies.mark(proxy);
                tracing::debug!(%url, %proxy, %error, "proxy failed, trying the next entry");
                last_proxy_failure = Some(error);
            }
            Attempt::Failed(error) => return Err(error),
        }
    }
    Err(last_proxy_failure.unwrap_or_else(|| FetchError::NoSupportedProxies {
        url: url.clone(),
        proxies: proxies.to_pac_string(),
    }))
}

/// `https://host:port/`: the URL whose proxy a tunnel to `host:port` takes.
///
/// A host with a character that ends or splits a URL's host (`/ ? # @ \`,
/// whitespace, controls) is refused: it would parse as another host or
/// port (`a/b` with port 8443 would be `https://a/b:8443/`, port 443), so
/// the bypass rules and PAC would decide for a destination other than the
/// one the tunnel goes to.
fn tunnel_url(host: &str, port: u16) -> Result<Url, FetchError> {
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if bare
        .chars()
        .any(|c| matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control())
    {
        return Err(FetchError::InvalidUrl {
            url: format!("https://{host}:{port}/"),
            reason: "not a valid host:port to tunnel to",
        });
    }
    let text = if bare.contains(':') {
        format!("https://[{bare}]:{port}/")
    } else {
        format!("https://{bare}:{port}/")
    };
    match Url::parse(&text) {
        Ok(url)
            if url.host_str().is_some_and(|h| !h.is_empty())
                && port != 0
                && url.port_or_known_default() == Some(port) =>
        {
            Ok(url)
        }
        _ => {
            Err(FetchError::InvalidUrl { url: text, reason: "not a valid host:port to tunnel to" })
        }
    }
}

impl Upstream for Network {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        self.send_request(request).await.map_err(BoxError::from)
    }
}

/// The URL of a hop, parsed once: the pipeline hands it over beside the
/// request ([`HopUrl`]); a request from elsewhere (or one whose URI no
/// longer matches) is parsed here.
fn hop_url(request: &http::Request<Bytes>) -> Result<Url, FetchError> {
    if let Some(HopUrl(url)) = request.extensions().get::<HopUrl>()
        && same_target(url, request.uri())
    {
        return Ok(url.clone());
    }
    super::request_url(request.uri())
}

/// Whether `uri` names `url` (scheme, authority, path and query), compared
/// without formatting either.
fn same_target(url: &Url, uri: &http::Uri) -> bool {
    let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
    let path_and_query = &url[url::Position::BeforePath..url::Position::AfterQuery];
    uri.scheme_str() == Some(url.scheme())
        && uri.authority().map(http::uri::Authority::as_str) == Some(authority)
        && uri.path_and_query().map_or("/", http::uri::PathAndQuery::as_str) == path_and_query
}

/// The parsed URL of a hop's request, put in its extensions by the
/// pipeline so the network layer need not parse it again.
#[derive(Debug, Clone)]
pub(crate) struct HopUrl(pub(crate) Url);

/// Whether a failed request may go again on another connection: its
/// connection was proven ([`Reuse`]: it had carried a response, or was an
/// unused preconnected socket) and was reset or closed before a response
/// arrived. Chromium's rule (`ShouldResendRequest`): any method, never
/// on a fresh connection, where the failure is the server's answer.
fn may_resend(error: &ClientError) -> bool {
    error.connect_info().and_then(Reuse::of).is_some_and(|reuse| reuse.is_reused())
        && crate::fetch::classify::connection_lost(error)
}

/// A response came back on its connection: the connection is proven for
/// the requests after it ([`may_resend`]).
fn mark_reused(response: &http::Response<Incoming>) {
    if let Some(reuse) = response.extensions().get::<Reuse>() {
        reuse.mark();
    }
}

/// Methods whose requests carry no body when they have none; the others
/// send `Content-Length: 0`.
fn bodiless(method: &http::Method) -> bool {
    use http::Method;
    [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE, Method::DELETE, Method::CONNECT]
        .contains(method)
}

/// The request as the client sends it. `Accept: */*` unless the caller
/// chose one: the Fetch standard's default for `fetch()`, which the
/// session's earlier reqwest clients also sent. `Content-Length` is the
/// body's length (none for a bodiless method without a body).
fn build_request(
    uri: &http::Uri,
    parts: &http::request::Parts,
    body: &Bytes,
    emulation: Option<&Emulation>,
) -> http::Request<Body> {
    let mut headers = parts.headers.clone();
    if !headers.contains_key(header::ACCEPT) {
        headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
    }
    // The body's framing is the body's own, never the caller's: Chromium
    // derives `Content-Length` from the upload, and a caller's smaller
    // one would make the client cut the body short (a larger one, or a
    // `Transfer-Encoding`, would leave the server waiting or misreading).
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::TRANSFER_ENCODING);
    let body = if body.is_empty() && bodiless(&parts.method) {
        empty_body()
    } else {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        match emulation.and_then(|e| e.upload.clone()) {
            Some(bucket) if !body.is_empty() => ShapedBody::new(Full::new(body.clone()), bucket)
                .map_err(|never| match never {})
                .boxed(),
            _ => full_body(body.clone()),
        }
    };
    let mut request = http::Request::new(body);
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers;
    request
}

/// The response with the emulated latency waited out and its body shaped.
async fn finish(
    response: http::Response<Incoming>,
    emulation: Option<&Emulation>,
) -> http::Response<Body> {
    let Some(emulation) = emulation else {
        return response.map(|body| body.map_err(BoxError::from).boxed());
    };
    // Chromium's throttle holds the response back by the latency before
    // the first byte is read.
    if !emulation.conditions.latency.is_zero() {
        tokio::time::sleep(emulation.conditions.latency).await;
    }
    response.map(|body| {
        let body = body.map_err(BoxError::from);
        match emulation.download.clone() {
            Some(bucket) => ShapedBody::new(body, bucket).boxed(),
            None => body.boxed(),
        }
    })
}
