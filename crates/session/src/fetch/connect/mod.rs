//! The session's connector: what hyper-util's pooled client calls to open a
//! connection to a destination through one proxy entry (or directly).
//!
//! One connector per proxy entry, like the clients above it: TCP through
//! the session's resolver, then the proxy's handshake (an HTTP `CONNECT`
//! tunnel for `https:` through an HTTP or HTTPS proxy, SOCKS4 or SOCKS5),
//! then TLS for an `https:` destination. Every stage is bounded together by
//! [`CONNECT_TIMEOUT`], and a failure names its stage ([`ConnectError`]), so
//! the network layer can tell a dead proxy from a refusing destination.

mod error;
mod proxy;
mod stream;
mod tcp;
pub(crate) mod tls;
mod tunnel;
mod verify;
mod warm;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Uri;
use sessionkit_proxy_rules::{ProxyScheme, ProxyServer};
use tls::TlsConnector;
use tokio::time::Instant;

pub(crate) use error::{ConnectError, Stage};
pub(crate) use stream::{Conn, Reuse};
pub use tunnel::Tunnel;

use crate::fetch::BoxError;
use crate::fetch::dns::{HostResolver, NameNotResolved};
use crate::fetch::stack::CONNECT_TIMEOUT;
use proxy::HandshakeError;
use stream::Stream;
use tcp::TcpFailure;
pub(crate) use warm::MAX_SOCKETS_PER_GROUP;
use warm::{Warm, WarmSockets};

/// Where a connection goes: scheme, host and port of the request URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub(crate) https: bool,
    /// As in the URI (IPv6 in brackets).
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Target {
    /// The target of a request URI.
    pub(crate) fn from_uri(uri: &Uri) -> Result<Self, ConnectError> {
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(ConnectError::invalid_target(uri)),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| ConnectError::invalid_target(uri))?;
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        Ok(Self { https, host: host.to_owned(), port })
    }

    /// The target of a URL (`http:` or `https:` with a host), as a request
    /// to it would connect.
    pub(crate) fn from_url(url: &url::Url) -> Option<Self> {
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let host = url.host_str().filter(|h| !h.is_empty())?;
        Some(Self { https, host: host.to_owned(), port: url.port_or_known_default()? })
    }
}

/// Opens connections through one proxy entry. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Connector {
    shared: Arc<Shared>,
}

struct Shared {
    proxy: ProxyServer,
    resolver: HostResolver,
    tls: TlsConnector,
    /// Sockets opened by `preconnect`, handed out before new ones.
    warm: Arc<WarmSockets>,
}

impl Connector {
    pub(crate) fn new(proxy: ProxyServer, resolver: HostResolver, tls: TlsConnector) -> Self {
        let warm = Arc::default();
        Self { shared: Arc::new(Shared { proxy, resolver, tls, warm }) }
    }

    fn warm(&self) -> &Arc<WarmSockets> {
        &self.shared.warm
    }

    /// Opens connections to `target` ahead of requests, in the background,
    /// so `target` has `wanted` of them (at most six); see warm.rs.
    ///
    /// Must run inside a Tokio runtime.
    pub(crate) fn preconnect(&self, target: &Target, wanted: usize) {
        warm::preconnect(self, target, wanted);
    }

    /// Closes the connections `preconnect` opened that no request used.
    pub(crate) fn close_warm(&self) {
        self.shared.warm.clear();
    }

    /// Opens a new connection to `target`, every stage within
    /// [`CONNECT_TIMEOUT`].
    pub(crate) async fn dial(&self, target: &Target) -> Result<Conn, ConnectError> {
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        let (mut stream, forward_proxy) = self.reach(target, deadline).await?;
        if target.https {
            stream = stage(deadline, Stage::Tls, async {
                tls::handshake(&self.shared.tls, &target.host, stream).await
            })
            .await?;
        }
        Ok(Conn::new(stream, forward_proxy))
    }

    /// Opens a raw tunnel to `host:port` (IPv6 in brackets or not), every
    /// stage within [`CONNECT_TIMEOUT`]: the connection an `https:`
    /// destination would get (a `CONNECT` through an HTTP or HTTPS proxy,
    /// SOCKS, or TCP when direct) without the TLS handshake, which the
    /// tunnel's user does itself.
    pub(crate) async fn tunnel(&self, host: &str, port: u16) -> Result<Tunnel, ConnectError> {
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        let target = Target { https: true, host: host.to_owned(), port };
        let (stream, _) = self.reach(&target, deadline).await?;
        Ok(Tunnel::new(stream))
    }

    /// A stream to `target` through the proxy, before TLS with the
    /// destination, and whether it goes to a forwarding HTTP proxy (an
    /// `http:` destination behind an HTTP proxy: no tunnel).
    async fn reach(
        &self,
        target: &Target,
        deadline: Instant,
    ) -> Result<(Stream, bool), ConnectError> {
        let shared = &*self.shared;
        let proxy = &shared.proxy;
        let (stream, forward_proxy) = match proxy.scheme() {
            ProxyScheme::Direct => {
                let tcp = tcp_stage(
                    deadline,
                    (Stage::Dns, Stage::Tcp),
                    tcp::resolve(&shared.resolver, &target.host),
                    tcp::connect(&shared.resolver, &target.host, target.port),
                )
                .await?;
                (Stream::Tcp(tcp), false)
            }
            ProxyScheme::Http | ProxyScheme::Https => {
                let mut stream = self.proxy_stream(deadline).await?;
                if target.https {
                    stage(deadline, Stage::Tunnel, async {
                        proxy::http_connect(&mut stream, &target.host, target.port)
                            .await
                            .map_err(HandshakeError::into_box)
                    })
                    .await?;
                }
                (stream, !target.https)
            }
            ProxyScheme::Socks4 => {
                let mut stream = self.proxy_stream(deadline).await?;
                // SOCKS4 carries IPv4 addresses only: the name resolves here.
                let ip = stage(deadline, Stage::Dns, async {
                    let addrs = tcp::resolve(&shared.resolver, &target.host).await?;
                    addrs
                        .into_iter()
                        .find_map(|ip| match ip {
                            std::net::IpAddr::V4(v4) => Some(v4),
                            std::net::IpAddr::V6(_) => None,
                        })
                        .ok_or_else(|| -> BoxError {
                            format!("{} has no IPv4 address for SOCKS4", target.host).into()
                        })
                })
                .await?;
                stage(deadline, Stage::SocksHandshake, async {
                    proxy::socks4(&mut stream, ip, target.port)
                        .await
                        .map_err(HandshakeError::into_box)
                })
                .await?;
                (stream, false)
            }
            ProxyScheme::Socks5 => {
                let mut stream = self.proxy_stream(deadline).await?;
                stage(deadline, Stage::SocksHandshake, async {
                    proxy::socks5(&mut stream, &target.host, target.port)
                        .await
                        .map_err(HandshakeError::into_box)
                })
                .await?;
                (stream, false)
            }
            // QUIC (and any scheme added later) has no connector here.
            _ => {
                return Err(ConnectError::new(
                    Stage::ProxyTcp,
                    format!("{proxy}: proxies of this kind are not supported").into(),
                ));
            }
        };
        Ok((stream, forward_proxy))
    }

    /// A connection to the proxy itself: TCP, and TLS for an HTTPS proxy.
    async fn proxy_stream(&self, deadline: Instant) -> Result<Stream, ConnectError> {
        let shared = &*self.shared;
        let proxy = &shared.proxy;
        let tcp = tcp_stage(
            deadline,
            (Stage::ProxyDns, Stage::ProxyTcp),
            tcp::resolve(&shared.resolver, proxy.host()),
            tcp::connect(&shared.resolver, proxy.host(), proxy.port()),
        )
        .await?;
        let stream = Stream::Tcp(tcp);
        if proxy.scheme() != ProxyScheme::Https {
            return Ok(stream);
        }
        stage(deadline, Stage::ProxyTls, async {
            tls::handshake(&shared.tls, proxy.host(), stream).await
        })
        .await
    }
}

/// Runs one stage before `deadline`, its failure tagged with the stage.
async fn stage<T, E: Into<BoxError>>(
    deadline: Instant,
    stage: Stage,
    future: impl Future<Output = Result<T, E>>,
) -> Result<T, ConnectError> {
    match tokio::time::timeout_at(deadline, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(ConnectError::new(stage, error.into())),
        Err(_) => Err(ConnectError::timed_out(stage)),
    }
}

/// [`stage`] for a TCP connection, whose name resolution is a stage of
/// its own: `resolve` runs first, so that running out of time while the
/// name resolves is reported as the resolution's (`dns`), as Chromium
/// reports a host resolver that timed out as `ERR_NAME_NOT_RESOLVED`;
/// then `connect` (which finds the answer in the resolver's cache) as
/// `tcp`, both before `deadline`.
async fn tcp_stage<A, T>(
    deadline: Instant,
    (dns, tcp): (Stage, Stage),
    resolve: impl Future<Output = Result<A, NameNotResolved>>,
    connect: impl Future<Output = Result<T, TcpFailure>>,
) -> Result<T, ConnectError> {
    stage(deadline, dns, resolve).await?;
    match tokio::time::timeout_at(deadline, connect).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(TcpFailure::Dns(error))) => Err(ConnectError::new(dns, Box::new(error))),
        Ok(Err(TcpFailure::Io(error))) => Err(ConnectError::new(tcp, Box::new(error))),
        Err(_) => Err(ConnectError::timed_out(tcp)),
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connector = self.clone();
        Box::pin(async move {
            let target = Target::from_uri(&uri)?;
            match connector.shared.warm.take(&target) {
                Warm::Ready(conn) => return Ok(conn),
                // The preconnect's socket, or (it failed) a dial of our own.
                Warm::Pending(waiting) => {
                    if let Ok(conn) = waiting.await {
                        return Ok(conn);
                    }
                }
                Warm::None => {}
            }
            connector.dial(&target).await
        })
    }
}

#[cfg(test)]
mod tests {
    use std::future::pending;

    use super::*;

    /// Running out of time names the stage that was running.
    #[tokio::test(start_paused = true)]
    async fn a_timeout_is_the_stage_that_ran_out() {
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        let stages = (Stage::Dns, Stage::Tcp);
        let error = tcp_stage(deadline, stages, pending::<Result<(), NameNotResolved>>(), async {
            Ok::<_, TcpFailure>(())
        })
        .await
        .unwrap_err();
        assert!(error.timed_out);
        assert_eq!(error.stage, Stage::Dns);

        let deadline = Instant::now() + CONNECT_TIMEOUT;
        let error = tcp_stage(
            deadline,
            stages,
            async { Ok::<_, NameNotResolved>(()) },
            pending::<Result<(), TcpFailure>>(),
        )
        .await
        .unwrap_err();
        assert!(error.timed_out);
        assert_eq!(error.stage, Stage::Tcp);
    }
}
