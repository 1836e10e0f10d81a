//! `CONNECT host:port`: a raw tunnel, bytes copied both ways.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use sessionkit::{Body, Session};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

use super::handler::{error_response, text_response};

/// How long opening the tunnel may take, the proxy list's fall-back
/// included. Without a limit a destination that never answers the SYN holds
/// the client (and a task) until the OS gives up, minutes later.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a tunnel may carry no bytes either way before it is closed:
/// otherwise a client or destination that goes silent without closing
/// keeps both sockets open for ever.
const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Opens a tunnel to the request's authority through the session's network
/// (its proxy list for `https://host:port/`, as Chromium resolves a
/// `CONNECT`'s proxy, with fall-back, the DNS cache and offline
/// emulation); on success answers 200 and copies bytes between the client
/// and the destination once hyper hands over the connection. A failure is
/// 502 (504 on a timeout) naming the net error.
pub(super) async fn connect(session: &Session, request: http::Request<Incoming>) -> Response<Body> {
    let Some((host, port)) =
        request.uri().authority().and_then(|a| Some((a.host(), a.port_u16()?)))
    else {
        return text_response(StatusCode::BAD_REQUEST, "CONNECT needs host:port");
    };
    let authority = format!("{host}:{port}");
    let network = session.network();
    let opening = network.open_tunnel(host, port);
    let mut upstream = match tokio::time::timeout(CONNECT_TIMEOUT, opening).await {
        Ok(Ok(tunnel)) => tunnel,
        Ok(Err(e)) => return error_response(&e),
        Err(_) => {
            return text_response(
                StatusCode::GATEWAY_TIMEOUT,
                &format!("cannot connect to {authority}: timed out"),
            );
        }
    };
    tokio::spawn(async move {
        match hyper::upgrade::on(request).await {
            Ok(upgraded) => {
                let mut client = Watched::new(TokioIo::new(upgraded));
                let activity = client.activity.clone();
                let copy = tokio::io::copy_bidirectional(&mut client, &mut upstream);
                match until_idle(copy, &activity, IDLE_TIMEOUT).await {
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        tracing::debug!(%authority, error = %e, "tunnel ended with an error");
                    }
                    None => tracing::debug!(%authority, "tunnel closed after being idle"),
                }
            }
            Err(e) => tracing::debug!(%authority, error = %e, "CONNECT upgrade failed"),
        }
    });
    text_response(StatusCode::OK, "")
}

/// Runs `copy` until it ends (`Some`) or `activity` sees no bytes for
/// `idle` (`None`; the copy is dropped, closing both sides).
async fn until_idle<F: Future>(copy: F, activity: &Activity, idle: Duration) -> Option<F::Output> {
    let mut copy = std::pin::pin!(copy);
    loop {
        let deadline = activity.last() + idle;
        if let Ok(output) = tokio::time::timeout_at(deadline, copy.as_mut()).await {
            return Some(output);
        }
        if activity.last() + idle <= Instant::now() {
            return None;
        }
    }
}

/// When bytes last went through a [`Watched`] stream.
#[derive(Clone)]
struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Self { start: Instant::now(), last: Arc::default() }
    }

    fn touch(&self) {
        let millis = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(millis, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last.load(Ordering::Relaxed))
    }
}

/// A stream that records when bytes were read from or written to it: the
/// client side of a tunnel sees the bytes of both directions.
struct Watched<T> {
    inner: T,
    activity: Activity,
}

impl<T> Watched<T> {
    fn new(inner: T) -> Self {
        Self { inner, activity: Activity::new() }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = result
            && n > 0
        {
            self.activity.touch();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A copy that moves bytes now and then outlives the idle limit; one
    /// that goes silent is stopped about one idle period after its last
    /// byte. (Real time, short periods: the crate's tokio has no test-util.)
    #[test]
    fn a_tunnel_ends_after_an_idle_period_only() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (near, mut far) = tokio::io::duplex(64);
            let mut watched = Watched::new(near);
            let activity = watched.activity.clone();
            let idle = Duration::from_millis(300);
            let started = Instant::now();
            let peer = tokio::spawn(async move {
                for _ in 0..3 {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    far.write_all(b"x").await.unwrap();
                }
                // Silent from here on, the stream left open.
                tokio::time::sleep(Duration::from_secs(60)).await;
                drop(far);
            });
            let reading = async move {
                let mut buf = [0u8; 8];
                while watched.read(&mut buf).await.unwrap() > 0 {}
            };
            assert!(until_idle(reading, &activity, idle).await.is_none());
            let elapsed = started.elapsed();
            // Last byte at ~600 ms, closed ~300 ms later.
            assert!(elapsed >= Duration::from_millis(850), "{elapsed:?}");
            assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
            peer.abort();
        });
    }
}
