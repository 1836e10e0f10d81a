//! The session's own client stack: keep-alive reuse, the resend of a
//! request on a reused connection the server closed, and which stage of a
//! connection failed.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use common::{TEST_TIMEOUT, body_bytes, fixed_proxies, get, read_request, serve, session};
use sessionkit::{FetchError, FetchOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;

/// An origin whose connections answer their first request (keep-alive)
/// and then close after reading the second one without answering: the
/// server closing an idle connection as a request arrives.
async fn closing_origin() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    serve(|mut stream, _| async move {
        if read_request(&mut stream).await.is_none() {
            return;
        }
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").await;
        let _ = read_request(&mut stream).await;
    })
    .await
}

/// An origin that reads each request and hangs up without answering: a
/// server failing on a fresh connection.
async fn hanging_up_origin() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    serve(|mut stream, _| async move {
        let _ = read_request(&mut stream).await;
    })
    .await
}

/// Chromium resends a request of any method whose reused connection
/// closed before anything came back, once, and never one whose fresh
/// connection did.
#[tokio::test]
async fn a_request_is_resent_once_when_a_reused_connection_closes() {
    timeout(TEST_TIMEOUT, async {
        let (addr, accepted) = closing_origin().await;
        let session = session("transport-resend");
        let url = format!("http://{addr}/");
        for _ in 0..2 {
            let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
            assert_eq!(body_bytes(response).await, b"ok");
        }
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            2,
            "the second GET went again on a new connection"
        );

        // A POST on the reused connection is resent too.
        let post = http::Request::post(&url).body(Bytes::from_static(b"x")).unwrap();
        let response = session.fetch(post, FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"ok");
        assert_eq!(accepted.load(Ordering::SeqCst), 3, "the POST went again on a new connection");

        // A fresh connection that closes: the server's answer, not resent.
        let (addr, accepted) = hanging_up_origin().await;
        for request in [get(&format!("http://{addr}/")), {
            http::Request::post(format!("http://{addr}/")).body(Bytes::from_static(b"x")).unwrap()
        }] {
            let error = session.fetch(request, FetchOptions::default()).await.unwrap_err();
            assert!(
                matches!(
                    error,
                    FetchError::EmptyResponse { .. } | FetchError::ConnectionReset { .. }
                ),
                "{error:?}"
            );
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 2, "one connection per request");
    })
    .await
    .unwrap();
}

/// An HTTP proxy that refuses every CONNECT with 403.
async fn refusing_proxy() -> (u16, Arc<AtomicUsize>) {
    let (addr, accepted) = serve(|mut stream, _| async move {
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf).await;
        let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").await;
    })
    .await;
    (addr.port(), accepted)
}

#[tokio::test]
async fn a_refused_tunnel_does_not_fall_back_but_a_dead_proxy_does() {
    timeout(TEST_TIMEOUT, async {
        let (refusing, refused) = refusing_proxy().await;
        let (second, second_count) = refusing_proxy().await;
        let session = session("transport-tunnel-refused");
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{refusing},127.0.0.1:{second}")));
        let error =
            session.fetch(get("https://127.0.0.1:9/"), FetchOptions::default()).await.unwrap_err();
        match &error {
            FetchError::TunnelConnectionFailed { proxy, .. } => {
                assert_eq!(proxy, &format!("http://127.0.0.1:{refusing}"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(error.net_error(), "ERR_TUNNEL_CONNECTION_FAILED");
        assert_eq!(refused.load(Ordering::SeqCst), 1);
        assert_eq!(second_count.load(Ordering::SeqCst), 0, "no fall-back after a refusal");

        // A proxy that refuses the TCP connection gives way to the next one.
        let dead = common::dead_port().await;
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{dead},127.0.0.1:{second}")));
        let error =
            session.fetch(get("https://127.0.0.1:9/"), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::TunnelConnectionFailed { .. }), "{error:?}");
        assert_eq!(second_count.load(Ordering::SeqCst), 1, "the second proxy was tried");
    })
    .await
    .unwrap();
}

/// Chromium derives `Content-Length` from the upload: a caller's own
/// `Content-Length` (smaller than the body) or `Transfer-Encoding` does not
/// change what is sent.
#[tokio::test]
async fn the_body_length_is_the_bodys_not_the_callers() {
    timeout(TEST_TIMEOUT, async {
        let origin = common::Origin::start(|seen| {
            let framing = format!(
                "{:?} {:?} {}",
                seen.header("content-length"),
                seen.header("transfer-encoding"),
                String::from_utf8_lossy(&seen.body)
            );
            common::reply("200 OK", &[], framing.as_bytes())
        })
        .await;
        let session = session("transport-length");
        for (name, value) in [("content-length", "2"), ("transfer-encoding", "chunked")] {
            let post = http::Request::post(origin.url("/"))
                .header(name, value)
                .body(Bytes::from_static(b"hello"))
                .unwrap();
            let response = session.fetch(post, FetchOptions::default()).await.unwrap();
            assert_eq!(
                String::from_utf8(body_bytes(response).await).unwrap(),
                r#"Some("5") None hello"#,
                "{name}: {value}"
            );
        }
    })
    .await
    .unwrap();
}

/// An HTTP proxy that opens every tunnel and then answers in plain HTTP
/// itself (a captive portal), counting its connections.
async fn portal_proxy() -> (u16, Arc<AtomicUsize>) {
    let (addr, accepted) = serve(|mut stream, _| async move {
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 302 Found\r\nLocation: /login\r\n\r\n")
            .await;
        let _ = stream.read(&mut buf).await;
    })
    .await;
    (addr.port(), accepted)
}

/// Chromium falls back to the next proxy on `ERR_SSL_PROTOCOL_ERROR`, the
/// destination's TLS behind the proxy included (talking TLS to a captive
/// portal), and marks the proxy bad.
#[tokio::test]
async fn a_tls_protocol_error_behind_a_proxy_falls_back_to_the_next_entry() {
    timeout(TEST_TIMEOUT, async {
        let (portal, accepted) = portal_proxy().await;
        let dead = common::dead_port().await;
        let session = session("transport-portal");
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{portal},direct://")));
        let url = format!("https://127.0.0.1:{dead}/");
        // DIRECT was tried after the portal: the destination refuses.
        let error = session.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::ConnectionRefused { .. }), "{error:?}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
        // The portal is bad now: tried after DIRECT, which fails for good.
        let error = session.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::ConnectionRefused { .. }), "{error:?}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "the bad portal was not tried first");

        // The portal alone: its error is the TLS failure, not the proxy's.
        let alone = common::session("transport-portal-only");
        alone.set_proxy(fixed_proxies(&format!("127.0.0.1:{portal}")));
        let error = alone.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert_eq!(error.net_error(), "ERR_SSL_PROTOCOL_ERROR", "{error:?}");
    })
    .await
    .unwrap();
}
