//! HTTPS end to end: a loopback TLS origin with a self-signed certificate,
//! reached through a `CONNECT` proxy, trusted or refused by the session's
//! certificate verify proc.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::tls::self_signed_acceptor;
use common::{
    HttpProxy, TEST_TIMEOUT, body_bytes, fixed_proxies, get, read_request, reply, serve, session,
};
use sessionkit::{CertificateVerdict, CertificateVerifyRequest, FetchError, FetchOptions, Session};
use tokio::io::AsyncWriteExt;
use tokio::time::{sleep, timeout};

/// A loopback HTTPS origin answering every request with its path.
struct HttpsOrigin {
    addr: std::net::SocketAddr,
    /// The DER of its self-signed certificate (for 127.0.0.1).
    cert: Vec<u8>,
    /// Handshakes completed.
    handshakes: Arc<AtomicUsize>,
}

async fn https_origin() -> HttpsOrigin {
    let (acceptor, cert) = self_signed_acceptor();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let done = handshakes.clone();
    let (addr, _) = serve(move |stream, _| {
        let (acceptor, done) = (acceptor.clone(), done.clone());
        async move {
            let Ok(mut tls) = acceptor.accept(stream).await else { return };
            done.fetch_add(1, Ordering::SeqCst);
            let Some(request) = read_request(&mut tls).await else { return };
            let body = format!("secret at {}", request.path());
            let _ = tls.write_all(&reply("200 OK", &[], body.as_bytes())).await;
            let _ = tls.shutdown().await;
        }
    })
    .await;
    HttpsOrigin { addr, cert: cert.as_ref().to_vec(), handshakes }
}

/// A session whose requests go through `proxy`.
fn through(name: &str, proxy: &HttpProxy) -> Session {
    let session = session(name);
    session.set_proxy(fixed_proxies(&format!("127.0.0.1:{}", proxy.addr.port())));
    session
}

#[tokio::test]
async fn https_through_a_connect_proxy_with_an_accepted_certificate() {
    timeout(TEST_TIMEOUT, async {
        let HttpsOrigin { addr: origin, cert, .. } = https_origin().await;
        let proxy = HttpProxy::start().await;
        let session = through("tls-accept", &proxy);
        let seen: Arc<Mutex<Vec<CertificateVerifyRequest>>> = Arc::default();
        let log = seen.clone();
        session.set_certificate_verify_proc(Some(move |request: &CertificateVerifyRequest| {
            log.lock().unwrap().push(request.clone());
            CertificateVerdict::Accept
        }));

        let url = format!("https://{origin}/inside");
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(body_bytes(response).await, b"secret at /inside");
        assert_eq!(proxy.lines.lock().unwrap().clone(), [format!("CONNECT {origin} HTTP/1.1")]);

        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].hostname, "127.0.0.1");
        assert_eq!(seen[0].certificate_chain, [cert]);
        // The platform knows no such issuer; the proc overrode it.
        assert_eq!(seen[0].verification_result, Some("ERR_CERT_AUTHORITY_INVALID"));
        assert_eq!(seen[0].error_code(), -202);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_rejected_or_untrusted_certificate_fails_with_cert_invalid() {
    timeout(TEST_TIMEOUT, async {
        let origin = https_origin().await.addr;
        let proxy = HttpProxy::start().await;
        let session = through("tls-reject", &proxy);
        let url = format!("https://{origin}/");

        session.set_certificate_verify_proc(Some(|_: &CertificateVerifyRequest| {
            CertificateVerdict::Reject
        }));
        let error = session.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::CertificateInvalid { .. }), "{error:?}");
        assert_eq!(error.net_error(), "ERR_CERT_INVALID");

        // UseDefault and no proc at all: the platform refuses the
        // self-signed certificate.
        session.set_certificate_verify_proc(Some(|_: &CertificateVerifyRequest| {
            CertificateVerdict::UseDefault
        }));
        let error = session.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::CertificateInvalid { .. }), "{error:?}");
        session.set_certificate_verify_proc(
            None::<fn(&CertificateVerifyRequest) -> CertificateVerdict>,
        );
        let error = session.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::CertificateInvalid { .. }), "{error:?}");
        // No fall-back or retry: one tunnel per attempt.
        assert_eq!(proxy.lines.lock().unwrap().len(), 3);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn preconnect_warms_a_tls_connection_the_fetch_uses() {
    timeout(TEST_TIMEOUT, async {
        let origin = https_origin().await;
        let proxy = HttpProxy::start().await;
        let session = through("tls-preconnect", &proxy);
        let asked = Arc::new(AtomicUsize::new(0));
        let count = asked.clone();
        session.set_certificate_verify_proc(Some(move |_: &CertificateVerifyRequest| {
            count.fetch_add(1, Ordering::SeqCst);
            CertificateVerdict::Accept
        }));
        let url = format!("https://{}/warm", origin.addr);
        session.preconnect(&url::Url::parse(&url).unwrap(), 1).unwrap();
        // The server's handshake ends after the client's: the socket is
        // then (all but) in the warm list.
        while origin.handshakes.load(Ordering::SeqCst) == 0 {
            sleep(Duration::from_millis(5)).await;
        }
        sleep(Duration::from_millis(50)).await;
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"secret at /warm");
        assert_eq!(proxy.accepted.load(Ordering::SeqCst), 1, "the warm tunnel carried it");
        assert_eq!(origin.handshakes.load(Ordering::SeqCst), 1);
        assert_eq!(asked.load(Ordering::SeqCst), 1, "one handshake in all");
    })
    .await
    .unwrap();
}

/// An HTTPS proxy: TLS with its own self-signed certificate, then
/// `CONNECT` tunnels. Returns its port.
async fn https_proxy() -> u16 {
    let (acceptor, _) = self_signed_acceptor();
    let (addr, _) = serve(move |stream, _| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut tls) = acceptor.accept(stream).await else { return };
            let Some(request) = read_request(&mut tls).await else { return };
            if request.method != "CONNECT" {
                return;
            }
            let Ok(mut upstream) = tokio::net::TcpStream::connect(&request.target).await else {
                return;
            };
            if tls.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n").await.is_ok() {
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            }
        }
    })
    .await;
    addr.port()
}

/// TLS inside TLS: the proxy's certificate and the origin's are both put
/// to the proc, each under its own host.
#[tokio::test]
async fn https_through_an_https_proxy() {
    timeout(TEST_TIMEOUT, async {
        let origin = https_origin().await;
        let port = https_proxy().await;
        let session = session("tls-https-proxy");
        session.set_proxy(fixed_proxies(&format!("https://127.0.0.1:{port}")));
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = seen.clone();
        session.set_certificate_verify_proc(Some(move |request: &CertificateVerifyRequest| {
            log.lock().unwrap().push(request.hostname.clone());
            CertificateVerdict::Accept
        }));
        let url = format!("https://{}/nested", origin.addr);
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"secret at /nested");
        assert_eq!(seen.lock().unwrap().len(), 2, "the proxy's and the origin's certificates");

        // Without the proc the proxy's own certificate is refused: the
        // proxy can't be used, so this is the proxy's failure.
        session.set_certificate_verify_proc(
            None::<fn(&CertificateVerifyRequest) -> CertificateVerdict>,
        );
        let error = session.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::ProxyConnectionFailed { .. }), "{error:?}");
    })
    .await
    .unwrap();
}
