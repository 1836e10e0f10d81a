//! Warm (preconnected) sockets handed to requests: a closed TLS one is
//! noticed, and a request waits for a preconnect still connecting.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use common::{TEST_TIMEOUT, body_bytes, get, read_request, reply, session};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sessionkit::{CertificateVerdict, CertificateVerifyRequest, FetchOptions};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::time::{sleep, timeout};
use tokio_rustls::TlsAcceptor;
use url::Url;

/// A TLS 1.3 acceptor with a fresh self-signed certificate for 127.0.0.1
/// (rustls sends session tickets after a TLS 1.3 handshake).
fn tls13_acceptor() -> TlsAcceptor {
    let key =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
    let cert: CertificateDer<'static> = key.cert.der().clone();
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_protocol_versions(&[&rustls::version::TLS13])
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert], private)
    .expect("server config");
    TlsAcceptor::from(Arc::new(config))
}

/// Counters of a test origin.
#[derive(Default)]
struct Counts {
    accepted: AtomicUsize,
    closed_unused: AtomicUsize,
}

/// A TLS 1.3 origin that closes its first connection right after the
/// handshake (a server dropping an idle connection) and answers requests
/// on the others with their method and body.
async fn closing_tls_origin() -> (std::net::SocketAddr, Arc<Counts>) {
    let acceptor = tls13_acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let counts = Arc::new(Counts::default());
    let c = counts.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let first = c.accepted.fetch_add(1, Ordering::SeqCst) == 0;
            let (acceptor, c) = (acceptor.clone(), c.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                if first {
                    // Tickets out, then a bare FIN (no close_notify).
                    let _ = tls.flush().await;
                    drop(tls);
                    c.closed_unused.fetch_add(1, Ordering::SeqCst);
                    return;
                }
                while let Some(request) = read_request(&mut tls).await {
                    let body =
                        format!("{} {}", request.method, String::from_utf8_lossy(&request.body));
                    if tls.write_all(&reply("200 OK", &[], body.as_bytes())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, counts)
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
        let session = session("warm-tls-closed");
        session.set_certificate_verify_proc(Some(|_: &CertificateVerifyRequest| {
            CertificateVerdict::Accept
        }));
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
async fn slow_tls_origin(delay: Duration) -> (std::net::SocketAddr, Arc<Counts>) {
    let acceptor = tls13_acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let counts = Arc::new(Counts::default());
    let c = counts.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            c.accepted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                sleep(delay).await;
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                while read_request(&mut tls).await.is_some() {
                    if tls.write_all(&reply("200 OK", &[], b"warm!")).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, counts)
}

/// Chromium hands a preconnect's pending connect job to the request that
/// arrives while it runs: the request does not dial a second connection.
#[tokio::test]
async fn a_request_right_after_preconnect_uses_the_connection_being_opened() {
    timeout(TEST_TIMEOUT, async {
        let (addr, counts) = slow_tls_origin(Duration::from_millis(300)).await;
        let session = session("warm-pending");
        session.set_certificate_verify_proc(Some(|_: &CertificateVerifyRequest| {
            CertificateVerdict::Accept
        }));
        let url = format!("https://{addr}/");
        // No wait in between: with fixed proxy rules the socket is reserved
        // before preconnect returns, and the request waits for it.
        session.preconnect(&Url::parse(&url).unwrap(), 1).unwrap();
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"warm!");
        sleep(Duration::from_millis(100)).await;
        assert_eq!(counts.accepted.load(Ordering::SeqCst), 1, "one connection, not two");
    })
    .await
    .unwrap();
}

/// A live TLS warm socket, with the server's session tickets waiting on
/// it, is used: the tickets are no sign of a closed connection.
#[tokio::test]
async fn a_live_tls_warm_socket_carries_the_request() {
    timeout(TEST_TIMEOUT, async {
        let (addr, counts) = slow_tls_origin(Duration::ZERO).await;
        let session = session("warm-tls-live");
        session.set_certificate_verify_proc(Some(|_: &CertificateVerifyRequest| {
            CertificateVerdict::Accept
        }));
        let url = format!("https://{addr}/");
        session.preconnect(&Url::parse(&url).unwrap(), 1).unwrap();
        until(&counts.accepted, 1).await;
        // The handshake done and the tickets sent.
        sleep(Duration::from_millis(200)).await;
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"warm!");
        assert_eq!(counts.accepted.load(Ordering::SeqCst), 1, "served on the warm socket");
    })
    .await
    .unwrap();
}
