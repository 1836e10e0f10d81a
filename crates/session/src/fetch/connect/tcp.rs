//! TCP connections through the session's host resolver.

use std::io;
use std::net::{IpAddr, SocketAddr};

use tokio::net::TcpStream;

use crate::fetch::dns::{HostResolver, NameNotResolved};

/// Why a TCP connection could not be made.
#[derive(Debug)]
pub(crate) enum TcpFailure {
    /// The name did not resolve.
    Dns(NameNotResolved),
    /// No address accepted the connection (the last address's error).
    Io(io::Error),
}

/// `host` without the brackets a URL puts around an IPv6 address.
pub(crate) fn bare_host(host: &str) -> &str {
    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
}

/// The addresses of `host` (an IP literal is its own address).
pub(crate) async fn resolve(
    resolver: &HostResolver,
    host: &str,
) -> Result<Vec<IpAddr>, NameNotResolved> {
    let host = bare_host(host);
    match host.parse::<IpAddr>() {
        Ok(ip) => Ok(vec![ip]),
        Err(_) => resolver.lookup(host).await,
    }
}

/// Connects to `host:port`, trying the resolved addresses in order (the
/// next one when an address refuses or is unreachable, as Chromium's
/// transport connect job does), with `TCP_NODELAY` set: requests go out in
/// one write and must not wait for the previous segment's ACK.
///
/// The caller bounds the whole attempt in time.
pub(crate) async fn connect(
    resolver: &HostResolver,
    host: &str,
    port: u16,
) -> Result<TcpStream, TcpFailure> {
    let addrs = resolve(resolver, host).await.map_err(TcpFailure::Dns)?;
    let mut last = None;
    for ip in addrs {
        match TcpStream::connect(SocketAddr::new(ip, port)).await {
            Ok(stream) => {
                // Without it the connection still works, only slower.
                if let Err(error) = stream.set_nodelay(true) {
                    tracing::debug!(%error, "cannot set TCP_NODELAY");
                }
                return Ok(stream);
            }
            Err(error) => last = Some(error),
        }
    }
    Err(TcpFailure::Io(last.unwrap_or_else(|| io::Error::other("no address to connect to"))))
}
