//! Turning a transport error into the [`FetchError`] Chromium would report,
//! and deciding whether a failed proxy gives way to the next one.
//!
//! A connect failure carries the stage that failed ([`ConnectError`]); an
//! exchange failure is hyper's, read through its source chain.

use std::error::Error as StdError;
use std::io;

use hyper_util::client::legacy::Error as ClientError;
use sessionkit_proxy_rules::ProxyServer;
use url::Url;

use crate::fetch::connect::{ConnectError, Stage};
use crate::fetch::dns::NameNotResolved;
use crate::fetch::{BoxError, FetchError};

/// What the source chain of an error says happened.
#[derive(Default)]
struct Cause {
    dns: Option<String>,
    /// A TLS failure: `Some(true)` when the server's certificate was refused.
    tls: Option<bool>,
    io: Option<io::ErrorKind>,
    hyper_incomplete: bool,
    hyper_parse: bool,
}

fn cause(error: &(dyn StdError + 'static)) -> Cause {
    let mut cause = Cause::default();
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

/// The connect failure under a client error, if connecting failed.
fn connect_error(error: &ClientError) -> Option<&ConnectError> {
    let mut next: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(e) = next {
        if let Some(connect) = e.downcast_ref::<ConnectError>() {
            return Some(connect);
        }
        next = e.source();
    }
    None
}

/// Whether the connection was lost before a response: reset, aborted, or
/// closed with no (or an incomplete) response head. Never a connect
/// failure.
pub(crate) fn connection_lost(error: &ClientError) -> bool {
    if error.is_connect() || connect_error(error).is_some() {
        return false;
    }
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
/// Chromium (`CanFalloverToNextProxy`) falls back on errors of the proxy
/// connection itself (its name not resolving, refused, reset, closed, timed
/// out, an HTTPS proxy's TLS failing, a SOCKS handshake failing, the name
/// SOCKS4 needs resolved locally not resolving) but not when an HTTP proxy
/// answered and refused a `CONNECT` tunnel: the proxy works, the
/// destination is the problem (`ERR_TUNNEL_CONNECTION_FAILED` is not in its
/// fall-back list). Its list also has `ERR_SSL_PROTOCOL_ERROR` and the
/// connection being reset or closed whatever the stage, so the
/// destination's own TLS handshake behind the proxy failing that way (a
/// captive portal answering in plain HTTP inside the tunnel) falls back
/// too; a refused certificate does not (it is not in the list). Only
/// connect failures count: once the request is on its way nothing falls
/// back.
pub(crate) fn proxy_failed(proxy: &ProxyServer, error: &ClientError) -> bool {
    !proxy.is_direct()
        && connect_error(error).is_some_and(|connect| {
            connect.proxy_unusable()
                || (connect.stage == Stage::Tls && cause(connect).tls != Some(true))
        })
}

/// The error a request reports when `error` through `proxy` made it fall
/// back and no later entry worked: `ERR_PROXY_CONNECTION_FAILED` naming the
/// proxy, except for the destination's TLS failing behind the proxy, which
/// keeps its own error (Chromium reports the last entry's error as it is;
/// the proxy did connect).
pub(crate) fn proxy_fallback_error(
    url: &Url,
    proxy: &ProxyServer,
    error: ClientError,
) -> FetchError {
    if connect_error(&error).is_some_and(|connect| connect.stage == Stage::Tls) {
        return classify(url, proxy, error);
    }
    FetchError::ProxyConnectionFailed {
        url: url.clone(),
        proxy: proxy.to_string(),
        source: error.into(),
    }
}

/// The error for a request through `proxy` that failed with `error`, the
/// proxy having been usable (or direct).
pub(crate) fn classify(url: &Url, proxy: &ProxyServer, error: ClientError) -> FetchError {
    let url = url.clone();
    if let Some(connect) = connect_error(&error) {
        let failure = ConnectFailure::of(connect);
        return failure.into_fetch_error(url, proxy, error.into());
    }
    let cause = cause(&error);
    let connect = error.is_connect();
    let source: BoxError = error.into();
    match socket_error(cause.io) {
        Some(socket) => socket(url, source),
        None if cause.hyper_incomplete => FetchError::EmptyResponse { url, source },
        None if cause.hyper_parse => FetchError::InvalidResponse { url, source },
        None if connect => FetchError::ConnectionFailed { url, source },
        None => FetchError::Failed { url, source },
    }
}

/// The error for a tunnel to `url` through `proxy` (or direct) that failed
/// to connect, the proxy having been usable: the net error Chromium reports
/// for the stage that failed.
pub(crate) fn tunnel_failed(url: &Url, proxy: &ProxyServer, error: ConnectError) -> FetchError {
    let failure = ConnectFailure::of(&error);
    failure.into_fetch_error(url.clone(), proxy, Box::new(error))
}

/// Chromium's net error for a socket's I/O failure, when its kind names
/// one: refused, timed out, or reset (aborted, broken pipe and an early end
/// are resets there too).
fn socket_error(kind: Option<io::ErrorKind>) -> Option<fn(Url, BoxError) -> FetchError> {
    match kind? {
        io::ErrorKind::ConnectionRefused => {
            Some(|url, source| FetchError::ConnectionRefused { url, source })
        }
        io::ErrorKind::TimedOut => Some(|url, source| FetchError::TimedOut { url, source }),
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::UnexpectedEof => {
            Some(|url, source| FetchError::ConnectionReset { url, source })
        }
        _ => None,
    }
}

/// What a connect failure says, read before its error is moved into the
/// reported [`FetchError`]'s source.
struct ConnectFailure {
    stage: Stage,
    timed_out: bool,
    refused_by_proxy: bool,
    cause: Cause,
}

impl ConnectFailure {
    fn of(connect: &ConnectError) -> Self {
        Self {
            stage: connect.stage,
            timed_out: connect.timed_out,
            refused_by_proxy: connect.refused_by_proxy(),
            cause: cause(connect),
        }
    }

    /// Chromium's net error for a connection attempt that failed at this
    /// stage; `source` is what the error reports underneath.
    fn into_fetch_error(self, url: Url, proxy: &ProxyServer, source: BoxError) -> FetchError {
        let Self { stage, timed_out, refused_by_proxy, cause } = self;
        // Chromium's host resolver reports a lookup that took too long as
        // ERR_NAME_NOT_RESOLVED (with a DNS timeout underneath), not as a
        // timed-out connection.
        if timed_out && stage == Stage::Dns {
            let host = url.host_str().unwrap_or_default().to_owned();
            return FetchError::NameNotResolved { url, host, source };
        }
        if timed_out {
            return FetchError::TimedOut { url, source };
        }
        match stage {
            Stage::Tls => match cause.tls {
                Some(true) => FetchError::CertificateInvalid { url, source },
                Some(false) => FetchError::SslProtocolError { url, source },
                None => match cause.io {
                    Some(
                        io::ErrorKind::ConnectionReset
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::BrokenPipe,
                    ) => FetchError::ConnectionReset { url, source },
                    _ => FetchError::SslProtocolError { url, source },
                },
            },
            Stage::Tunnel if refused_by_proxy => {
                FetchError::TunnelConnectionFailed { url, proxy: proxy.to_string(), source }
            }
            Stage::Dns => match cause.dns {
                Some(host) => FetchError::NameNotResolved { url, host, source },
                None => FetchError::ConnectionFailed { url, source },
            },
            stage if stage.is_proxy() => {
                FetchError::ProxyConnectionFailed { url, proxy: proxy.to_string(), source }
            }
            _ => match socket_error(cause.io) {
                Some(socket) => socket(url, source),
                None => FetchError::ConnectionFailed { url, source },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dns_timeout_is_name_not_resolved_and_a_tcp_one_timed_out() {
        let url = Url::parse("https://example.test/").unwrap();
        let direct = ProxyServer::direct();
        let error = tunnel_failed(&url, &direct, ConnectError::timed_out(Stage::Dns));
        match &error {
            FetchError::NameNotResolved { host, .. } => assert_eq!(host, "example.test"),
            other => panic!("{other:?}"),
        }
        let error = tunnel_failed(&url, &direct, ConnectError::timed_out(Stage::Tcp));
        assert!(matches!(error, FetchError::TimedOut { .. }), "{error:?}");
    }
}
