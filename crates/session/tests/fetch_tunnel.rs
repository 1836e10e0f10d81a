//! `Network::open_tunnel`: a raw tunnel through the session's proxy list
//! (HTTP `CONNECT`, SOCKS5, direct), its fall-back and offline emulation.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use common::{
    HttpProxy, Socks5, TEST_TIMEOUT, dead_port, fixed_proxies, hang_up_proxy, serve, session,
};
use sessionkit::{FetchError, NetworkEmulation, Tunnel};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// A server that answers every chunk it reads with `echo:` and the chunk,
/// so bytes are seen going both ways.
async fn echo_server() -> SocketAddr {
    let (addr, _) = serve(|mut stream, _| async move {
        let mut buf = [0u8; 1024];
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
            let mut answer = b"echo:".to_vec();
            answer.extend_from_slice(&buf[..n]);
            if stream.write_all(&answer).await.is_err() {
                break;
            }
        }
    })
    .await;
    addr
}

/// Reads a request head byte by byte (nothing after its blank line is
/// taken); `false` when the client stops first.
async fn read_head(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let Ok(byte) = stream.read_u8().await else { return false };
        head.push(byte);
    }
    true
}

/// Sends `ping` through the tunnel and reads the echo back.
async fn round_trip(tunnel: &mut Tunnel) {
    tunnel.write_all(b"ping").await.expect("write");
    tunnel.flush().await.expect("flush");
    let mut answer = [0u8; 9];
    tunnel.read_exact(&mut answer).await.expect("read the echo");
    assert_eq!(&answer, b"echo:ping");
}

#[tokio::test]
async fn a_tunnel_through_an_http_proxy_carries_bytes_both_ways() {
    timeout(TEST_TIMEOUT, async {
        let echo = echo_server().await;
        let proxy = HttpProxy::start().await;
        let session = session("tunnel-http");
        session.set_proxy(fixed_proxies(&format!("https=127.0.0.1:{}", proxy.addr.port())));
        let mut tunnel = session.network().open_tunnel("127.0.0.1", echo.port()).await.unwrap();
        round_trip(&mut tunnel).await;
        round_trip(&mut tunnel).await;
        let lines = proxy.lines.lock().unwrap().clone();
        assert_eq!(lines, [format!("CONNECT 127.0.0.1:{} HTTP/1.1", echo.port())]);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_tunnel_through_socks5_carries_bytes_both_ways() {
    timeout(TEST_TIMEOUT, async {
        let echo = echo_server().await;
        // The name is the proxy's to resolve: this one sends it to the echo
        // server whatever it is.
        let socks = Socks5::start_to(echo).await;
        let session = session("tunnel-socks5");
        session.set_proxy(fixed_proxies(&format!("socks5://127.0.0.1:{}", socks.addr.port())));
        let mut tunnel = session.network().open_tunnel("tunnel.invalid", 8443).await.unwrap();
        round_trip(&mut tunnel).await;
        let destinations = socks.destinations.lock().unwrap().clone();
        assert_eq!(destinations, ["tunnel.invalid:8443"]);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_dead_first_proxy_falls_back_to_the_second_and_is_marked_bad() {
    timeout(TEST_TIMEOUT, async {
        let echo = echo_server().await;
        let proxy = HttpProxy::start().await;
        // Accepts and hangs up: the CONNECT gets no answer.
        let (dead, dead_count) = hang_up_proxy().await;
        let session = session("tunnel-fallback");
        session
            .set_proxy(fixed_proxies(&format!("127.0.0.1:{dead},127.0.0.1:{}", proxy.addr.port())));
        let mut tunnel = session.network().open_tunnel("127.0.0.1", echo.port()).await.unwrap();
        round_trip(&mut tunnel).await;
        assert_eq!(dead_count.load(Ordering::SeqCst), 1);
        assert_eq!(proxy.lines.lock().unwrap().len(), 1);
        // The failed proxy is marked bad: the next tunnel goes to the
        // working one without trying it first.
        let mut again = session.network().open_tunnel("127.0.0.1", echo.port()).await.unwrap();
        round_trip(&mut again).await;
        assert_eq!(dead_count.load(Ordering::SeqCst), 1);
        assert_eq!(proxy.lines.lock().unwrap().len(), 2);
    })
    .await
    .unwrap();
}

/// A proxy that answers `CONNECT` and, in the same write, the banner of a
/// destination that speaks first; then echoes like [`echo_server`].
async fn banner_proxy() -> SocketAddr {
    let (addr, _) = serve(|mut stream, _| async move {
        if !read_head(&mut stream).await {
            return;
        }
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n\r\nSSH-2.0-test\r\n").await;
        let mut buf = [0u8; 64];
        while let Ok(n @ 1..) = stream.read(&mut buf).await {
            let _ = stream.write_all(&buf[..n]).await;
        }
    })
    .await;
    addr
}

#[tokio::test]
async fn bytes_sent_with_the_proxys_answer_are_the_destinations() {
    timeout(TEST_TIMEOUT, async {
        let proxy = banner_proxy().await;
        let session = session("tunnel-banner");
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{}", proxy.port())));
        let mut tunnel = session.network().open_tunnel("127.0.0.1", 22).await.unwrap();
        let mut banner = [0u8; 14];
        tunnel.read_exact(&mut banner).await.unwrap();
        assert_eq!(&banner, b"SSH-2.0-test\r\n");
        tunnel.write_all(b"hi").await.unwrap();
        let mut echo = [0u8; 2];
        tunnel.read_exact(&mut echo).await.unwrap();
        assert_eq!(&echo, b"hi");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn every_proxy_dead_is_a_proxy_failure_naming_the_last() {
    timeout(TEST_TIMEOUT, async {
        let echo = echo_server().await;
        let dead = dead_port().await;
        let session = session("tunnel-all-dead");
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{dead}")));
        let error = session.network().open_tunnel("127.0.0.1", echo.port()).await.unwrap_err();
        match &error {
            FetchError::ProxyConnectionFailed { proxy, .. } => {
                assert_eq!(proxy, &format!("http://127.0.0.1:{dead}"));
            }
            other => panic!("{other:?}"),
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn direct_tunnels_use_tcp_and_report_a_refusal() {
    timeout(TEST_TIMEOUT, async {
        let echo = echo_server().await;
        let session = session("tunnel-direct");
        let mut tunnel = session.network().open_tunnel("127.0.0.1", echo.port()).await.unwrap();
        round_trip(&mut tunnel).await;
        let dead = dead_port().await;
        let error = session.network().open_tunnel("127.0.0.1", dead).await.unwrap_err();
        assert!(matches!(error, FetchError::ConnectionRefused { .. }), "{error:?}");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn offline_fails_without_connecting() {
    timeout(TEST_TIMEOUT, async {
        let proxy = HttpProxy::start().await;
        let session = session("tunnel-offline");
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{}", proxy.addr.port())));
        session.enable_network_emulation(NetworkEmulation::offline());
        let error = session.network().open_tunnel("127.0.0.1", 443).await.unwrap_err();
        assert!(matches!(error, FetchError::InternetDisconnected { .. }), "{error:?}");
        assert_eq!(proxy.accepted.load(Ordering::SeqCst), 0);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_bad_authority_is_invalid_input() {
    let session = session("tunnel-invalid");
    let error = session.network().open_tunnel("a b", 443).await.unwrap_err();
    assert!(matches!(error, FetchError::InvalidUrl { .. }), "{error:?}");
}

/// A host that would parse as part of a URL's path, query, fragment or
/// credentials is refused: the proxy rules would otherwise be matched
/// against port 443 while the tunnel goes to another port.
#[tokio::test]
async fn a_host_with_url_delimiters_is_invalid_input() {
    timeout(TEST_TIMEOUT, async {
        let echo = echo_server().await;
        let session = session("tunnel-delimiters");
        for host in ["127.0.0.1/x", "127.0.0.1?x", "127.0.0.1#x", "x@127.0.0.1", "127.0.0.1\\x"] {
            let error = session.network().open_tunnel(host, echo.port()).await.unwrap_err();
            assert!(matches!(error, FetchError::InvalidUrl { .. }), "{host}: {error:?}");
        }
        // The plain host still opens.
        let mut tunnel = session.network().open_tunnel("127.0.0.1", echo.port()).await.unwrap();
        round_trip(&mut tunnel).await;
    })
    .await
    .unwrap();
}

/// An HTTP proxy that answers every `CONNECT` with 403.
async fn refusing_proxy() -> SocketAddr {
    let (addr, _) = serve(|mut stream, _| async move {
        if read_head(&mut stream).await {
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n").await;
        }
    })
    .await;
    addr
}

#[tokio::test]
async fn a_refused_connect_does_not_fall_back() {
    timeout(TEST_TIMEOUT, async {
        let refusing = refusing_proxy().await;
        let working = HttpProxy::start().await;
        let session = session("tunnel-refused");
        session.set_proxy(fixed_proxies(&format!(
            "127.0.0.1:{},127.0.0.1:{}",
            refusing.port(),
            working.addr.port()
        )));
        let error = session.network().open_tunnel("127.0.0.1", 443).await.unwrap_err();
        match &error {
            FetchError::TunnelConnectionFailed { proxy, .. } => {
                assert_eq!(proxy, &format!("http://127.0.0.1:{}", refusing.port()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(working.accepted.load(Ordering::SeqCst), 0);
    })
    .await
    .unwrap();
}
