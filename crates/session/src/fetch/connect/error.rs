//! Connect failures that say which stage failed.

use std::fmt;
use std::io;

use crate::fetch::BoxError;
use crate::fetch::connect::proxy::HandshakeError;

/// The stage of a connection attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Resolving the proxy's name.
    ProxyDns,
    /// TCP to the proxy.
    ProxyTcp,
    /// TLS with an HTTPS proxy.
    ProxyTls,
    /// The SOCKS handshake.
    SocksHandshake,
    /// The HTTP proxy's `CONNECT` tunnel.
    Tunnel,
    /// Resolving the destination's name (directly, or for SOCKS4).
    Dns,
    /// TCP to the destination.
    Tcp,
    /// TLS with the destination.
    Tls,
}

impl Stage {
    /// Whether the stage talks to the proxy (as opposed to the destination).
    pub(crate) const fn is_proxy(self) -> bool {
        matches!(
            self,
            Self::ProxyDns | Self::ProxyTcp | Self::ProxyTls | Self::SocksHandshake | Self::Tunnel
        )
    }

    const fn describe(self) -> &'static str {
        match self {
            Self::ProxyDns => "resolving the proxy's name",
            Self::ProxyTcp => "connecting to the proxy",
            Self::ProxyTls => "the TLS handshake with the proxy",
            Self::SocksHandshake => "the SOCKS handshake",
            Self::Tunnel => "the proxy's CONNECT tunnel",
            Self::Dns => "resolving the host name",
            Self::Tcp => "connecting",
            Self::Tls => "the TLS handshake",
        }
    }
}

/// A connection attempt that failed at `stage`.
#[derive(Debug)]
pub(crate) struct ConnectError {
    pub(crate) stage: Stage,
    pub(crate) timed_out: bool,
    source: BoxError,
}

impl ConnectError {
    pub(crate) fn new(stage: Stage, source: BoxError) -> Self {
        Self { stage, timed_out: false, source }
    }

    pub(crate) fn timed_out(stage: Stage) -> Self {
        Self {
            stage,
            timed_out: true,
            source: Box::new(io::Error::new(io::ErrorKind::TimedOut, "connect timed out")),
        }
    }

    pub(crate) fn invalid_target(uri: &http::Uri) -> Self {
        Self::new(
            Stage::Tcp,
            format!("cannot connect to {uri}: not an http(s) URI with a host").into(),
        )
    }

    /// The proxy was reached and answered with a refusal (a non-2xx answer
    /// to `CONNECT`, a SOCKS error reply).
    pub(crate) fn refused_by_proxy(&self) -> bool {
        self.source.is::<HandshakeError>()
    }

    /// Whether this failure through a proxy means the proxy could not be
    /// used, so the next entry of the list is tried: a failure of the
    /// proxy connection itself (or of the name SOCKS4 needs resolved
    /// locally), not a `CONNECT` the proxy answered with a refusal nor the
    /// destination refusing. `classify::proxy_failed` applies this rule to
    /// a request's connect failure and adds the destination's TLS failing
    /// behind the proxy (which a tunnel, speaking no TLS, cannot have);
    /// this alone serves a failure with no request around it (a tunnel).
    pub(crate) fn proxy_unusable(&self) -> bool {
        if self.timed_out {
            return true;
        }
        match self.stage {
            Stage::ProxyDns
            | Stage::ProxyTcp
            | Stage::ProxyTls
            | Stage::SocksHandshake
            | Stage::Dns => true,
            Stage::Tunnel => !self.refused_by_proxy(),
            Stage::Tcp | Stage::Tls => false,
        }
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.timed_out {
            write!(f, "{} timed out", self.stage.describe())
        } else {
            write!(f, "{} failed", self.stage.describe())
        }
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}
