//! Turning a transport error into the [`FetchError`] Chromium would report,
//! and deciding whether a failed proxy gives way to the next one.

use std::error::Error as StdError;
use std::io;

use sessionkit_proxy_rules::{ProxyScheme, ProxyServer};
use url::Url;

use crate::fetch::dns::NameNotResolved;
use crate::fetch::{BoxError, FetchError};

/// What the source chain of an error says happened.
struct Cause {
    dns: Option<String>,
    /// A TLS failure: `Some(true)` when the server's certificate was refused.
    tls: Option<bool>,
    io: Option<io::ErrorKind>,
    hyper_incomplete: bool,
    hyper_parse: bool,
}

fn cause(error: &(dyn StdError + 'static)) -> Cause {
    let mut cause =
        Cause { dns: None, tls: None, io: None, hyper_incomplete: false, hyper_parse: false };
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = next {
        if let Some(dns) = e.downcast_ref::<NameNotResolved>() {
            cause.dns.get_or_insert_with(|| dns.host.clone());
        } else if let Some(mut io) = e.downcast_ref::<io::Error>() {
            // rustls reports through (nested) io::Errors whose source()
            // skips the wrapped error itself: look inside.
            while let Some(inner) = io.get_ref().and_then(|i| i.downcast_ref::<io::Error>()) {
                io = inner;
            }
            match io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
                Some(tls) => {
                    cause.tls.get_or_insert(matches!(tls, rustls::Error::InvalidCertificate(_)));
                }
                None => {
                    cause.io.get_or_insert(io.kind());
                }
            }
        } else if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            cause.tls.get_or_insert(matches!(tls, rustls::Error::InvalidCertificate(_)));
        } else if let Some(hyper) = e.downcast_ref::<hyper::Error>() {
            cause.hyper_incomplete |= hyper.is_incomplete_message();
            cause.hyper_parse |= hyper.is_parse() || hyper.is_parse_status();
        }
        next = e.source();
    }
    cause
}

/// Whether the connection was lost before a response: reset, aborted, or
/// closed with no (or an incomplete) response head.
pub(crate) fn connection_lost(error: &reqwest::Error) -> bool {
    let cause = cause(error);
    cause.hyper_incomplete
        || matches!(
            cause.io,
            Some(
                io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof
            )
        )
}

/// Whether a failure through `proxy` means the proxy could not be used, so
/// the next entry of the list is tried.
///
/// Chromium falls back on errors of the proxy connection itself (refused,
/// reset, timed out, unreachable, the proxy's name not resolving, a SOCKS
/// handshake failing) but not when an HTTP proxy answered and refused a
/// `CONNECT` tunnel: the proxy works, the destination is the problem
/// (`ERR_TUNNEL_CONNECTION_FAILED` is not in its fall-back list).
pub(crate) fn proxy_failed(proxy: &ProxyServer, error: &reqwest::Error) -> bool {
    if proxy.is_direct() || !(error.is_connect() || error.is_timeout()) {
        return false;
    }
    let cause = cause(error);
    if cause.tls.is_some() {
        // Only an HTTPS proxy speaks TLS itself; behind the others a TLS
        // error is the destination's.
        return proxy.scheme() == ProxyScheme::Https;
    }
    matches!(proxy.scheme(), ProxyScheme::Socks4 | ProxyScheme::Socks5)
        || cause.io.is_some()
        || cause.dns.is_some()
        || error.is_timeout()
}

/// The error for a request through `proxy` that failed with `error`, the
/// proxy having been usable (or direct).
pub(crate) fn classify(url: &Url, proxy: &ProxyServer, error: reqwest::Error) -> FetchError {
    let url = url.clone();
    let cause = cause(&error);
    let connect = error.is_connect();
    if error.is_timeout() {
        return FetchError::TimedOut { url, source: error.into() };
    }
    if proxy.scheme() != ProxyScheme::Https {
        match cause.tls {
            Some(true) => return FetchError::CertificateInvalid { url, source: error.into() },
            Some(false) => return FetchError::SslProtocolError { url, source: error.into() },
            None => {}
        }
    }
    if connect && !proxy.is_direct() {
        let proxy = proxy.to_string();
        if cause.io.is_none() && cause.dns.is_none() {
            return FetchError::TunnelConnectionFailed { url, proxy, source: error.into() };
        }
        return FetchError::ProxyConnectionFailed { url, proxy, source: error.into() };
    }
    if let Some(host) = cause.dns {
        return FetchError::NameNotResolved { url, host, source: error.into() };
    }
    let source: BoxError = error.into();
    match cause.io {
        Some(io::ErrorKind::ConnectionRefused) => FetchError::ConnectionRefused { url, source },
        Some(io::ErrorKind::TimedOut) => FetchError::TimedOut { url, source },
        Some(
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof,
        ) => FetchError::ConnectionReset { url, source },
        _ if cause.hyper_incomplete => FetchError::EmptyResponse { url, source },
        _ if cause.hyper_parse => FetchError::InvalidResponse { url, source },
        _ if connect => FetchError::ConnectionFailed { url, source },
        _ => FetchError::Failed { url, source },
    }
}
