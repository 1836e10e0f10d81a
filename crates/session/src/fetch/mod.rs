//! `Session::fetch`: the request pipeline of a partition (Electron:
//! `ses.fetch(input, init)`).
//!
//! Per hop, top to bottom, the way Chromium's network stack layers it:
//!
//! 1. **Request building**: the session's User-Agent and Accept-Language
//!    (with Chromium's `q=` weights) unless the request has them; the
//!    jar's `Cookie` header for the hop's URL and same-site context; the
//!    headers of the [`CacheMode`].
//! 2. **HTTP cache** (when the partition has one, see
//!    [`Session::http_cache`](crate::Session::http_cache)): fresh hits
//!    served, stale entries revalidated, responses stored, per the
//!    [`CacheMode`]; it reaches the network through the [`Upstream`]
//!    trait, so cache hits are never throttled by the emulation.
//! 3. **Network** ([`Network`]): `resolve_proxy` for the URL (PAC
//!    included), the proxy list walked with fall-back, the
//!    [`NetworkEmulation`] in force, one exchange on a pooled connection
//!    (hyper-util's HTTP/1.1 client, one pool per proxy entry, over the
//!    session's own connector: its caching resolver, proxy handshakes,
//!    rustls with the platform verifier and the optional
//!    [certificate verify proc](crate::Session::set_certificate_verify_proc);
//!    connections warmed by [`Session::preconnect`](crate::Session::preconnect)
//!    are used first).
//! 4. **Response**: every `Set-Cookie` of a network response stored as
//!    from the hop's URL (never those of a response the cache served), then
//!    redirects per the Fetch standard ([`RedirectMode`], [`MAX_REDIRECTS`],
//!    the [`UrlChain`] in the response's extensions).
//!
//! Bodies are never decoded: a gzip body arrives gzipped.
//!
//! ```no_run
//! use bytes::Bytes;
//! use http_body_util::BodyExt;
//! use sessionkit::{BypassRules, FetchOptions, ProxyConfig, ProxyRules, Sessions};
//!
//! # async fn run() -> Result<(), sessionkit::BoxError> {
//! let sessions = Sessions::new("./data")?;
//! let ses = sessions.from_partition("persist:work", Default::default())?;
//! ses.set_proxy(ProxyConfig::fixed_servers(
//!     ProxyRules::parse("http=proxy.corp:3128,direct://")?,
//!     BypassRules::parse("*.internal")?,
//! ));
//! let request = http::Request::get("http://example.com/").body(Bytes::new())?;
//! let response = ses.fetch(request, FetchOptions::default()).await?;
//! println!("{}", response.status());
//! let body = response.into_body().collect().await?.to_bytes();
//! # drop(body);
//! # Ok(())
//! # }
//! ```
//!
//! Emulation and cache modes act before the network, so this runs
//! anywhere:
//!
//! ```
//! use bytes::Bytes;
//! use sessionkit::{CacheMode, FetchError, FetchOptions, NetworkEmulation, Sessions};
//!
//! # fn main() -> Result<(), sessionkit::BoxError> {
//! # let dir = tempfile::tempdir()?;
//! let ses = Sessions::new(dir.path())?.from_partition("offline-demo", Default::default())?;
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let get = || http::Request::get("http://example.com/").body(Bytes::new());
//!
//! // Electron: ses.enableNetworkEmulation({ offline: true })
//! ses.enable_network_emulation(NetworkEmulation::offline());
//! let error = rt.block_on(ses.fetch(get()?, FetchOptions::default())).unwrap_err();
//! assert!(matches!(error, FetchError::InternetDisconnected { .. }));
//! assert_eq!(error.to_string(), "net::ERR_INTERNET_DISCONNECTED: http://example.com/ (network emulation is offline)");
//! ses.disable_network_emulation();
//!
//! // No cache entry can satisfy only-if-cached: a miss, never the network.
//! let options = FetchOptions::new().cache(CacheMode::OnlyIfCached);
//! let error = rt.block_on(ses.fetch(get()?, options)).unwrap_err();
//! assert_eq!(error.net_error(), "ERR_CACHE_MISS");
//! # Ok(())
//! # }
//! ```
//!
//! # Deviation
//!
//! * A session without a cache (`PartitionOptions { cache: false }`):
//!   [`CacheMode`] only sets request headers and `only-if-cached` always
//!   misses.
//! * QUIC proxy entries are skipped.
//! * [`Session::close_all_connections`](crate::Session::close_all_connections)
//!   drops idle pooled connections; requests in flight finish (Electron
//!   fails them).
//! * Latency is added once per hop, before its response head is returned.

// A FetchError carries the URL of the hop and the source error, which is
// what a caller wants to see; its size costs nothing next to a network
// round trip, so it is not boxed.
#![allow(clippy::result_large_err)]

mod bad_proxies;
mod body;
pub(crate) mod cached;
mod certificate;
mod classify;
mod connect;
mod dns;
mod emulation;
mod error;
pub(crate) mod headers;
mod network;
mod options;
mod redirect;
mod session_api;
mod shaper;
mod site;
pub(crate) mod stack;

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Method, header};
use url::Url;

pub use body::{Body, BoxError, empty_body, full_body};
pub use certificate::{CertificateVerdict, CertificateVerifyRequest};
pub use connect::Tunnel;
pub use emulation::NetworkEmulation;
pub use error::FetchError;
pub use headers::weighted_languages;
pub use network::{Network, Upstream};
pub use options::{CacheMode, Credentials, FetchOptions, RedirectMode};
pub use redirect::{MAX_REDIRECTS, UrlChain};

use crate::Session;

/// The absolute `http:`/`https:` URL of a request URI, without credentials.
pub(crate) fn request_url(uri: &http::Uri) -> Result<Url, FetchError> {
    let text = uri.to_string();
    let invalid = |reason| FetchError::InvalidUrl { url: text.clone(), reason };
    let url = Url::parse(&text).map_err(|_| invalid("not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http: and https: URLs can be fetched"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host"));
    }
    // Fetch's Request constructor refuses a URL with credentials; here
    // they would otherwise turn into an Authorization header unasked.
    if !url.username().is_empty() || url.password().is_some() {
        // The error names the URL, never the password.
        let mut shown = url;
        let _ = shown.set_password(None);
        return Err(FetchError::InvalidUrl {
            url: shown.into(),
            reason: "the URL has credentials (user:password@)",
        });
    }
    Ok(url)
}

/// An error from an [`Upstream`] as a [`FetchError`]: the network layer's
/// own errors come back as they were, anything else is `ERR_FAILED`.
fn from_upstream(url: &Url, error: BoxError) -> FetchError {
    match error.downcast::<FetchError>() {
        Ok(error) => *error,
        Err(source) => FetchError::Failed { url: url.clone(), source },
    }
}

/// Runs the pipeline over `upstream` (the session's network), with the
/// session's HTTP cache in front of it when it has one.
pub(crate) async fn run<U: Upstream + 'static>(
    session: &Session,
    upstream: Arc<U>,
    request: http::Request<Bytes>,
    options: &FetchOptions,
) -> Result<http::Response<Body>, FetchError> {
    let (parts, mut body) = request.into_parts();
    let mut url = request_url(&parts.uri)?;
    let mut method = parts.method;
    let mut headers = parts.headers;
    // The caller's own Cookie header goes with the jar's, but only to the
    // origin it was written for: it is dropped on a cross-origin redirect,
    // like Authorization.
    let mut caller_cookies: Option<HeaderValue> = headers.remove(header::COOKIE);
    let jar = match options.credentials {
        Credentials::Include => Some(
            session
                .cookies()
                .map_err(|source| FetchError::CookieStore { url: url.clone(), source })?,
        ),
        Credentials::Omit => None,
    };
    let user_agent = session.user_agent();
    let accept_languages = session.accept_languages();
    let mut chain = vec![url.clone()];

    let cache = match session.http_cache_async().await {
        Ok(cache) => cache,
        Err(error) => {
            // Chromium goes on without its cache when the backend can't be
            // created; the session remembers the failure (a folder locked by
            // another handle only for a short cool-down) and runs uncached.
            tracing::warn!(%error, "the HTTP cache is unavailable; fetching without it");
            None
        }
    };

    loop {
        let context = site::cookie_context(&url, &method, options);
        let mut hop_headers = headers.clone();
        headers::apply(
            &url,
            &mut hop_headers,
            &headers::HopDefaults {
                user_agent: &user_agent,
                accept_languages: &accept_languages,
                jar_cookies: jar.as_ref().and_then(|jar| jar.cookie_header(&url, &context)),
                caller_cookies: caller_cookies.as_ref(),
                cache: options.cache,
            },
        )?;
        let uri: http::Uri = url.as_str().parse().map_err(|_| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: "not a valid request URI",
        })?;
        let mut hop = http::Request::new(body.clone());
        *hop.method_mut() = method.clone();
        *hop.uri_mut() = uri;
        *hop.headers_mut() = hop_headers;
        hop.extensions_mut().insert(network::HopUrl(url.clone()));

        let mut response = match &cache {
            // The cache stores the cookies of what the network answers and
            // never those of what it serves itself (see cached.rs).
            Some(cache) => {
                let network = cached::HopUpstream {
                    network: upstream.clone(),
                    jar: jar.clone(),
                    url: url.clone(),
                    context,
                };
                cached::fetch(cache, hop, options, network).await?
            }
            None => {
                if options.cache == CacheMode::OnlyIfCached {
                    // Without a cache every lookup misses; Fetch makes a
                    // miss in this mode a network error and never goes to
                    // the network.
                    return Err(FetchError::CacheMiss { url });
                }
                // Boxed: the network's future is large (see cached.rs).
                let response =
                    Box::pin(upstream.send(hop)).await.map_err(|e| from_upstream(&url, e))?;
                if let Some(jar) = &jar {
                    cached::store_cookies(jar, &url, response.headers(), &context);
                }
                response
            }
        };

        // Manual mode hands every response back as it came, Location
        // unparsed: Fetch's manual mode returns the redirect without
        // reading its location URL, so a `myapp://cb` or unparsable
        // Location is the caller's to judge, not an unsafe redirect.
        if matches!(options.redirect, RedirectMode::Manual) {
            response.extensions_mut().insert(UrlChain(chain));
            return Ok(response);
        }
        // Chromium treats a 3xx as a redirect only when it has a Location.
        let next = if redirect::is_redirect_status(response.status()) {
            redirect::location(&url, response.headers())?
        } else {
            None
        };
        let Some(next) = next else {
            response.extensions_mut().insert(UrlChain(chain));
            return Ok(response);
        };
        if matches!(options.redirect, RedirectMode::Error) {
            return Err(FetchError::RedirectNotAllowed { url, location: next });
        }
        if chain.len() > MAX_REDIRECTS {
            return Err(FetchError::TooManyRedirects { url });
        }
        if let Some(get) = redirect::next_method(response.status(), &method) {
            method = get;
            body = Bytes::new();
            for name in redirect::BODY_HEADERS {
                headers.remove(name);
            }
        }
        if !redirect::same_origin(&url, &next) {
            // Fetch removes Authorization on a cross-origin redirect.
            headers.remove(header::AUTHORIZATION);
            caller_cookies = None;
        }
        // The redirect's body is not read; dropping it frees the connection.
        drop(response);
        url = next;
        chain.push(url.clone());
    }
}

/// Whether a method is one Fetch upper-cases (`get` → `GET`); others are
/// sent as written.
pub(crate) fn normalize_method(method: Method) -> Method {
    const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    let upper = method.as_str().to_ascii_uppercase();
    if upper != method.as_str() && NORMALIZED.contains(&upper.as_str()) {
        Method::from_bytes(upper.as_bytes()).unwrap_or(method)
    } else {
        method
    }
}
