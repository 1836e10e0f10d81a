//! The byte stream under a pooled connection: TCP, or TLS over a stream
//! (TLS inside TLS for an `https:` destination behind an HTTPS proxy), and
//! what hyper-util's client reads from it.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// A connected stream, plain or encrypted.
#[derive(Debug)]
pub(crate) enum Stream {
    /// Plain TCP.
    Tcp(TcpStream),
    /// TLS over another stream.
    Tls(Box<TlsStream<Self>>),
}

impl Stream {
    /// Whether the connection still looks usable while nothing is expected
    /// from the peer: not closed, not reset, and no data waiting. Chromium
    /// checks an idle socket the same way before handing it out
    /// (`IsConnectedAndIdle`).
    ///
    /// Under TLS the raw socket cannot tell: a TLS 1.3 server sends its
    /// session tickets after the handshake, and on a socket nobody reads
    /// they sit in front of a closure forever. So the TLS side is read
    /// here, without waiting: records that carry no data (tickets) are
    /// consumed and nothing arrives (alive); a closure or an error means
    /// closed; application data before any request means the connection
    /// is out of step (unusable), as for plain TCP.
    pub(crate) fn is_usable(&mut self) -> bool {
        let mut cx = Context::from_waker(Waker::noop());
        let mut byte = [0u8; 1];
        let mut buf = ReadBuf::new(&mut byte);
        match self {
            Self::Tcp(tcp) => matches!(tcp.poll_peek(&mut cx, &mut buf), Poll::Pending),
            // Ready(Ok) is either the end of the stream (nothing filled) or
            // data nobody asked for: unusable both ways, like an error.
            Self::Tls(tls) => {
                matches!(Pin::new(tls.as_mut()).poll_read(&mut cx, &mut buf), Poll::Pending)
            }
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Self::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Self::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Self::Tls(tls) => Pin::new(tls.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Tcp(tcp) => tcp.is_write_vectored(),
            Self::Tls(tls) => tls.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_flush(cx),
            Self::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Self::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Whether a connection is proven: it has carried a response, or it was a
/// preconnected socket handed to a request from the idle warm ones.
/// Chromium resends a request whose proven connection closed before
/// anything came back (the server dropped a keep-alive connection as the
/// request went out), and never one on a fresh connection (the server
/// itself failed). Shared by the connection and hyper-util's record of it
/// (`Connected::extra`), so the network layer can read it from a response
/// or an error.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reuse(Arc<AtomicBool>);

impl Reuse {
    /// The connection carried a response (or was handed out warm).
    pub(crate) fn mark(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether the connection was proven before the current request.
    pub(crate) fn is_reused(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The marker of the connection hyper-util reports `connected` for.
    pub(crate) fn of(connected: &Connected) -> Option<Self> {
        let mut extensions = http::Extensions::new();
        connected.get_extras(&mut extensions);
        extensions.remove::<Self>()
    }
}

/// A connection as hyper-util's client takes it: the stream, whether it
/// goes to an HTTP proxy that forwards requests (then hyper writes the
/// request target in absolute form, `GET http://host/path`), and whether
/// it is proven ([`Reuse`]).
#[derive(Debug)]
pub(crate) struct Conn {
    io: TokioIo<Stream>,
    forward_proxy: bool,
    reuse: Reuse,
}

impl Conn {
    pub(crate) fn new(stream: Stream, forward_proxy: bool) -> Self {
        Self { io: TokioIo::new(stream), forward_proxy, reuse: Reuse::default() }
    }

    /// Marks the connection proven: see [`Reuse`].
    pub(crate) fn mark_reused(&self) {
        self.reuse.mark();
    }

    /// See [`Stream::is_usable`].
    pub(crate) fn is_usable(&mut self) -> bool {
        self.io.inner_mut().is_usable()
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new().proxy(self.forward_proxy).extra(self.reuse.clone())
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
