//! Warm (preconnected) sockets handed to requests: a closed TLS one is
//! noticed, and a request waits for a preconnect still connecting.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use common::tls::{self_signed_acceptor_for, trusting_session};
use common::{TEST_TIMEOUT, answer_each, body_bytes, get, reply, serve};
use sessionkit::FetchOptions;
use tokio::io::AsyncWriteExt;
use tokio::time::{sleep, timeout};
use tokio_rustls::TlsAcceptor;
use url::Url;

/// A TLS 1.3 acceptor with a fresh self-signed certificate for 127.0.0.1
/// (rustls sends session tickets after a TLS 1.3 handshake).
fn tls13_acceptor() -> TlsAcceptor {
    self_signed_acceptor_for(&[&rustls::version::TLS13]).0
}

/// Counters of a test origin.
struct Counts {
    accepted: Arc<AtomicUsize>,
    closed_unused: Arc<AtomicUsize>,
}

/// A TLS 1.3 origin that closes its first connection right after the
/// handshake (a server dropping an idle connection) and answers requests
/// on the others with their method and body.
async fn closing_tls_origin() -> (std::net::SocketAddr, Counts) {
    let acceptor = tls13_acceptor();
    let closed_unused = Arc::new(AtomicUsize::new(0));
    let closed = closed_unused.clone();
    let (addr, accepted) = serve(move |stream, order| {
        let (acceptor, closed) = (acceptor.clone(), closed.clone());
        async move {
            let Ok(mut tls) = acceptor.accept(stream).await else { return };
            if order == 0 {
                // Tickets out, then a bare FIN (no close_notify).
                let _ = tls.flush().await;
                drop(tls);
                closed.fetch_add(1, Ordering::SeqCst);
                return;
            }
            answer_each(&mut tls, |request| {
                let body = format!("{} {}", request.method, String::from_utf8_lossy(&request.body));
                reply("200 OK", &[], body.as_bytes())
            })
            .await;
        }
    })
    .await;
    (addr, Counts { accepted, closed_unused })
}

/// Waits (bounded by the test's timeout) until `count` reaches `n`.
async fn until(count: &AtomicUsize, n: usize) {
    while count.load(Ordering::SeqCst) < n {
        sleep(Duration::from_millis(5)).await;
    }
}

/// Chromium checks an idle socket before handing it out; under TLS the
/// server's session tickets must not hide that it has closed.
#[tokio::test]
async fn a_closed_tls_warm_socket_is_not_used_for_a_post() {
    timeout(TEST_TIMEOUT, async {
        let (addr, counts) = closing_tls_origin().await;
        let session = trusting_session("warm-tls-closed");
        let url = format!("https://{addr}/");
        session.preconnect(&Url::parse(&url).unwrap(), 1).unwrap();
        until(&counts.closed_unused, 1).await;
        // Let the FIN reach the client's socket.
        sleep(Duration::from_millis(100)).await;

        let post = http::Request::post(&url).body(Bytes::from_static(b"payload")).unwrap();
        let response = session.fetch(post, FetchOptions::default()).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(body_bytes(response).await, b"POST payload");
        assert_eq!(counts.accepted.load(Ordering::SeqCst), 2, "a new connection for the POST");
    })
    .await
    .unwrap();
}

/// A keep-alive TLS origin counting its connections, which starts each
/// handshake only after `delay`: a connection that takes a while.
async fn slow_tls_origin(delay: Duration) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let acceptor = tls13_acceptor();
    serve(move |stream, _| {
        let acceptor = acceptor.clone();
        async move {
            sleep(delay).await;
            let Ok(mut tls) = acceptor.accept(stream).await else { return };
            answer_each(&mut tls, |_| reply("200 OK", &[], b"warm!")).await;
        }
    })
    .await
}

/// Chromium hands a preconnect's pending connect job to the request that
/// arrives while it runs: the request does not dial a second connection.
#[tokio::test]
async fn a_request_right_after_preconnect_uses_the_connection_being_opened() {
    timeout(TEST_TIMEOUT, async {
        let (addr, accepted) = slow_tls_origin(Duration::from_millis(300)).await;
        let session = trusting_session("warm-pending");
        let url = format!("https://{addr}/");
        // No wait in between: with fixed proxy rules the socket is reserved
        // before preconnect returns, and the request waits for it.
        session.preconnect(&Url::parse(&url).unwrap(), 1).unwrap();
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"warm!");
        sleep(Duration::from_millis(100)).await;
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "one connection, not two");
    })
    .await
    .unwrap();
}

/// A live TLS warm socket, with the server's session tickets waiting on
/// it, is used: the tickets are no sign of a closed connection.
#[tokio::test]
async fn a_live_tls_warm_socket_carries_the_request() {
    timeout(TEST_TIMEOUT, async {
        let (addr, accepted) = slow_tls_origin(Duration::ZERO).await;
        let session = trusting_session("warm-tls-live");
        let url = format!("https://{addr}/");
        session.preconnect(&Url::parse(&url).unwrap(), 1).unwrap();
        until(&accepted, 1).await;
        // The handshake done and the tickets sent.
        sleep(Duration::from_millis(200)).await;
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"warm!");
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "served on the warm socket");
    })
    .await
    .unwrap();
}
