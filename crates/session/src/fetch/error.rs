//! `FetchError`: why a fetch failed, in the terms of Chromium's net errors.

use url::Url;

use crate::fetch::BoxError;

/// Why [`Session::fetch`](crate::Session::fetch) failed.
///
/// Each variant is one of Chromium's `net::ERR_*` codes (see
/// [`net_error`](Self::net_error)); Display names it as DevTools does.
/// Where there is an underlying error (an I/O error, a resolver error, an
/// HTTP parse error) it is the variant's `source`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The request's URL is not an absolute `http:` or `https:` URL.
    /// Electron's `ses.fetch` does not load `data:`, `blob:` or `file:` URLs.
    #[error("net::ERR_INVALID_URL: cannot fetch {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A header the pipeline would send is not a valid header value.
    #[error("net::ERR_INVALID_ARGUMENT: request to {url}: {reason}")]
    InvalidRequest {
        /// The URL of the hop.
        url: Url,
        /// What is wrong.
        reason: String,
    },
    /// Network emulation is offline: nothing was sent.
    #[error("net::ERR_INTERNET_DISCONNECTED: {url} (network emulation is offline)")]
    InternetDisconnected {
        /// The URL of the hop.
        url: Url,
    },
    /// The host name did not resolve.
    #[error("net::ERR_NAME_NOT_RESOLVED: {url}: cannot resolve {host}")]
    NameNotResolved {
        /// The URL of the hop.
        url: Url,
        /// The host that did not resolve.
        host: String,
        /// The resolver's error.
        #[source]
        source: BoxError,
    },
    /// The server refused the connection.
    #[error("net::ERR_CONNECTION_REFUSED: {url}")]
    ConnectionRefused {
        /// The URL of the hop.
        url: Url,
        /// The connect error.
        #[source]
        source: BoxError,
    },
    /// The connection was reset or closed before a response arrived.
    #[error("net::ERR_CONNECTION_RESET: {url}")]
    ConnectionReset {
        /// The URL of the hop.
        url: Url,
        /// The I/O error.
        #[source]
        source: BoxError,
    },
    /// Connecting failed for another reason (unreachable address, TLS
    /// handshake, ...).
    #[error("net::ERR_CONNECTION_FAILED: {url}")]
    ConnectionFailed {
        /// The URL of the hop.
        url: Url,
        /// The connect error.
        #[source]
        source: BoxError,
    },
    /// Connecting or waiting for the response took too long.
    #[error("net::ERR_TIMED_OUT: {url}")]
    TimedOut {
        /// The URL of the hop.
        url: Url,
        /// The timeout error.
        #[source]
        source: BoxError,
    },
    /// The TLS handshake failed (the server does not speak TLS, or speaks
    /// it wrongly).
    #[error("net::ERR_SSL_PROTOCOL_ERROR: {url}")]
    SslProtocolError {
        /// The URL of the hop.
        url: Url,
        /// The TLS error.
        #[source]
        source: BoxError,
    },
    /// The server's certificate was refused (unknown issuer, expired,
    /// wrong name...). Chromium splits this into several `ERR_CERT_*`
    /// codes; the source says which.
    #[error("net::ERR_CERT_INVALID: {url}")]
    CertificateInvalid {
        /// The URL of the hop.
        url: Url,
        /// The verifier's error.
        #[source]
        source: BoxError,
    },
    /// The proxy could not be connected (refused, reset, unreachable, its
    /// name did not resolve, SOCKS handshake failed). When every proxy of
    /// the list failed this names the last one tried.
    #[error("net::ERR_PROXY_CONNECTION_FAILED: {url}: proxy {proxy} cannot be connected")]
    ProxyConnectionFailed {
        /// The URL of the hop.
        url: Url,
        /// The proxy, in URI form (`socks5://127.0.0.1:1080`).
        proxy: String,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// The HTTP proxy refused to open a `CONNECT` tunnel. Chromium does not
    /// fall back to the next proxy then: the proxy was reached and answered.
    #[error("net::ERR_TUNNEL_CONNECTION_FAILED: {url}: proxy {proxy} refused the tunnel")]
    TunnelConnectionFailed {
        /// The URL of the hop.
        url: Url,
        /// The proxy, in URI form.
        proxy: String,
        /// The tunnel error.
        #[source]
        source: BoxError,
    },
    /// The proxy list has no entry this client can use (it is empty, or
    /// only QUIC proxies).
    #[error("net::ERR_NO_SUPPORTED_PROXIES: {url}: proxy list {proxies:?}")]
    NoSupportedProxies {
        /// The URL of the hop.
        url: Url,
        /// The list, in PAC form.
        proxies: String,
    },
    /// The proxy configuration could not be resolved for this URL (a
    /// mandatory PAC script failed).
    #[error("net::ERR_MANDATORY_PROXY_CONFIGURATION_FAILED: {url}")]
    ProxyResolution {
        /// The URL of the hop.
        url: Url,
        /// The resolution error.
        #[source]
        source: crate::Error,
    },
    /// More than [`MAX_REDIRECTS`](crate::fetch::MAX_REDIRECTS) redirects.
    #[error("net::ERR_TOO_MANY_REDIRECTS: {url}")]
    TooManyRedirects {
        /// The URL whose response was one redirect too many.
        url: Url,
    },
    /// A redirect with [`RedirectMode::Error`](crate::fetch::RedirectMode::Error).
    #[error("net::ERR_FAILED: {url} redirects to {location} and the redirect mode is error")]
    RedirectNotAllowed {
        /// The URL that redirected.
        url: Url,
        /// Where it redirected to.
        location: Url,
    },
    /// A redirect to a URL that is not `http:` or `https:`, or a `Location`
    /// that does not parse.
    #[error("net::ERR_UNSAFE_REDIRECT: {url} redirects to {location:?}")]
    UnsafeRedirect {
        /// The URL that redirected.
        url: Url,
        /// The `Location` value.
        location: String,
    },
    /// The server's response could not be read as HTTP.
    #[error("net::ERR_INVALID_HTTP_RESPONSE: {url}")]
    InvalidResponse {
        /// The URL of the hop.
        url: Url,
        /// The parse error.
        #[source]
        source: BoxError,
    },
    /// The connection closed before a complete response arrived.
    #[error("net::ERR_EMPTY_RESPONSE: {url}")]
    EmptyResponse {
        /// The URL of the hop.
        url: Url,
        /// The transport error.
        #[source]
        source: BoxError,
    },
    /// `only-if-cached` and the cache has no entry for the request.
    #[error("net::ERR_CACHE_MISS: {url} is not in the cache (cache mode only-if-cached)")]
    CacheMiss {
        /// The URL of the hop.
        url: Url,
    },
    /// The session's cookie store could not be opened.
    #[error("cannot use the cookie store for {url}")]
    CookieStore {
        /// The URL of the hop.
        url: Url,
        /// The store's error.
        #[source]
        source: crate::Error,
    },
    /// Any other failure of the network layer.
    #[error("net::ERR_FAILED: {url}")]
    Failed {
        /// The URL of the hop.
        url: Url,
        /// The error.
        #[source]
        source: BoxError,
    },
}

impl FetchError {
    /// Chromium's name for the error (`ERR_NAME_NOT_RESOLVED`, ...), the
    /// text DevTools and Electron's rejected `fetch` promises show.
    #[must_use]
    pub const fn net_error(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } => "ERR_INVALID_URL",
            Self::InvalidRequest { .. } => "ERR_INVALID_ARGUMENT",
            Self::InternetDisconnected { .. } => "ERR_INTERNET_DISCONNECTED",
            Self::NameNotResolved { .. } => "ERR_NAME_NOT_RESOLVED",
            Self::ConnectionRefused { .. } => "ERR_CONNECTION_REFUSED",
            Self::ConnectionReset { .. } => "ERR_CONNECTION_RESET",
            Self::ConnectionFailed { .. } => "ERR_CONNECTION_FAILED",
            Self::TimedOut { .. } => "ERR_TIMED_OUT",
            Self::SslProtocolError { .. } => "ERR_SSL_PROTOCOL_ERROR",
            Self::CertificateInvalid { .. } => "ERR_CERT_INVALID",
            Self::ProxyConnectionFailed { .. } => "ERR_PROXY_CONNECTION_FAILED",
            Self::TunnelConnectionFailed { .. } => "ERR_TUNNEL_CONNECTION_FAILED",
            Self::NoSupportedProxies { .. } => "ERR_NO_SUPPORTED_PROXIES",
            Self::ProxyResolution { .. } => "ERR_MANDATORY_PROXY_CONFIGURATION_FAILED",
            Self::TooManyRedirects { .. } => "ERR_TOO_MANY_REDIRECTS",
            Self::UnsafeRedirect { .. } => "ERR_UNSAFE_REDIRECT",
            Self::InvalidResponse { .. } => "ERR_INVALID_HTTP_RESPONSE",
            Self::EmptyResponse { .. } => "ERR_EMPTY_RESPONSE",
            Self::CacheMiss { .. } => "ERR_CACHE_MISS",
            Self::RedirectNotAllowed { .. } | Self::CookieStore { .. } | Self::Failed { .. } => {
                "ERR_FAILED"
            }
        }
    }

    /// The URL of the hop that failed, when there was a parsed one.
    #[must_use]
    pub fn url(&self) -> Option<&Url> {
        match self {
            Self::InvalidUrl { .. } => None,
            Self::InvalidRequest { url, .. }
            | Self::InternetDisconnected { url }
            | Self::NameNotResolved { url, .. }
            | Self::ConnectionRefused { url, .. }
            | Self::ConnectionReset { url, .. }
            | Self::ConnectionFailed { url, .. }
            | Self::TimedOut { url, .. }
            | Self::SslProtocolError { url, .. }
            | Self::CertificateInvalid { url, .. }
            | Self::ProxyConnectionFailed { url, .. }
            | Self::TunnelConnectionFailed { url, .. }
            | Self::NoSupportedProxies { url, .. }
            | Self::ProxyResolution { url, .. }
            | Self::TooManyRedirects { url }
            | Self::RedirectNotAllowed { url, .. }
            | Self::UnsafeRedirect { url, .. }
            | Self::InvalidResponse { url, .. }
            | Self::EmptyResponse { url, .. }
            | Self::CacheMiss { url }
            | Self::CookieStore { url, .. }
            | Self::Failed { url, .. } => Some(url),
        }
    }

    /// Whether the caller's input was at fault (a bad URL or header), as
    /// opposed to the network or the server.
    #[must_use]
    pub const fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidUrl { .. } | Self::InvalidRequest { .. })
    }
}
