//! A raw tunnel to a destination, as a forward proxy's `CONNECT` needs it,
//! and the error a failed one reports.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use url::Url;

use crate::fetch::FetchError;
use crate::fetch::connect::stream::Stream;
use crate::fetch::connect::{ConnectError, Stage};
use crate::fetch::dns::NameNotResolved;

/// A byte stream to a destination opened by
/// [`Network::open_tunnel`](crate::fetch::Network::open_tunnel): through the
/// proxy the session's configuration picked (or directly), with no TLS to
/// the destination. Bytes written go to the destination as they are; bytes
/// read are the destination's.
#[derive(Debug)]
pub struct Tunnel {
    stream: Stream,
}

impl Tunnel {
    pub(crate) fn new(stream: Stream) -> Self {
        Self { stream }
    }
}

impl AsyncRead for Tunnel {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Tunnel {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// The error for a tunnel to `url` through `proxy` that failed with
/// `error`, the proxy having been usable (or direct): the net error
/// Chromium reports for the stage that failed. There is no TLS with the
/// destination here, so no certificate or protocol errors of its own.
pub(crate) fn tunnel_error(url: &Url, proxy: &str, error: ConnectError) -> FetchError {
    let url = url.clone();
    if error.timed_out {
        return FetchError::TimedOut { url, source: Box::new(error) };
    }
    let stage = error.stage;
    let refused = error.refused_by_proxy();
    let host = error.not_resolved().map(|dns| dns.host.clone());
    let kind = error.io_kind();
    let source = Box::new(error);
    match stage {
        Stage::Tunnel if refused => {
            FetchError::TunnelConnectionFailed { url, proxy: proxy.to_owned(), source }
        }
        Stage::Dns => match host {
            Some(host) => FetchError::NameNotResolved { url, host, source },
            None => FetchError::ConnectionFailed { url, source },
        },
        stage if stage.is_proxy() => {
            FetchError::ProxyConnectionFailed { url, proxy: proxy.to_owned(), source }
        }
        _ => match kind {
            Some(io::ErrorKind::ConnectionRefused) => FetchError::ConnectionRefused { url, source },
            Some(io::ErrorKind::TimedOut) => FetchError::TimedOut { url, source },
            Some(
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof,
            ) => FetchError::ConnectionReset { url, source },
            _ => FetchError::ConnectionFailed { url, source },
        },
    }
}

impl ConnectError {
    /// The resolver's failure under this error, if a name did not resolve.
    fn not_resolved(&self) -> Option<&NameNotResolved> {
        std::error::Error::source(self).and_then(|s| s.downcast_ref::<NameNotResolved>())
    }

    /// The kind of the I/O failure under this error, if it is one.
    fn io_kind(&self) -> Option<io::ErrorKind> {
        std::error::Error::source(self)
            .and_then(|s| s.downcast_ref::<io::Error>())
            .map(io::Error::kind)
    }
}
