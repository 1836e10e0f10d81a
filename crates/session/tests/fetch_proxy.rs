//! Proxies in `Session::fetch`: the list from `resolve_proxy`, tried in
//! order, SOCKS5 and HTTP proxies (forward and CONNECT), and the errors.

mod common;

use common::{
    HttpProxy, Origin, Sink, Socks5, TEST_TIMEOUT, body_bytes, dead_port, fixed_proxies, get,
    reply, session,
};
use sessionkit::{FetchError, FetchOptions, ProxyConfig};
use tokio::time::timeout;

async fn hello() -> Origin {
    Origin::start(|_| reply("200 OK", &[], b"hello")).await
}

#[tokio::test]
async fn a_dead_first_proxy_falls_back_to_the_second() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let proxy = HttpProxy::start().await;
        let dead = dead_port().await;
        let session = session("proxy-fallback");
        session.set_proxy(fixed_proxies(&format!(
            "http=127.0.0.1:{dead},127.0.0.1:{}",
            proxy.addr.port()
        )));
        let response =
            session.fetch(get(&origin.url("/x")), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"hello");
        let lines = proxy.lines.lock().unwrap().clone();
        assert_eq!(lines, [format!("GET {} HTTP/1.1", origin.url("/x"))]);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn no_direct_fallback_unless_the_list_says_so() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let dead = dead_port().await;
        let session = session("proxy-no-direct");
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{dead}")));
        let error =
            session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap_err();
        match &error {
            FetchError::ProxyConnectionFailed { proxy, .. } => {
                assert_eq!(proxy, &format!("http://127.0.0.1:{dead}"));
            }
            other => panic!("{other:?}"),
        }
        assert!(error.to_string().contains(&format!("127.0.0.1:{dead}")), "{error}");
        assert_eq!(origin.connection_count(), 0);

        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{dead},direct://")));
        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"hello");
        assert_eq!(origin.connection_count(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn socks5_carries_a_request() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let socks = Socks5::start().await;
        let session = session("proxy-socks5");
        session.set_proxy(fixed_proxies(&format!("socks5://127.0.0.1:{}", socks.addr.port())));
        let response =
            session.fetch(get(&origin.url("/via-socks")), FetchOptions::default()).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(body_bytes(response).await, b"hello");
        assert_eq!(socks.destinations.lock().unwrap().clone(), [origin.addr.to_string()]);
        assert_eq!(origin.requests()[0].path(), "/via-socks");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_dead_socks_proxy_falls_back_to_a_live_one() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let socks = Socks5::start().await;
        let dead = dead_port().await;
        let session = session("proxy-socks-fallback");
        session.set_proxy(fixed_proxies(&format!(
            "socks5://127.0.0.1:{dead},socks5://127.0.0.1:{}",
            socks.addr.port()
        )));
        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"hello");
        assert_eq!(socks.destinations.lock().unwrap().len(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_http_proxy_forwards_http_and_tunnels_https_with_connect() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let proxy = HttpProxy::start().await;
        let session = session("proxy-connect");
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{}", proxy.addr.port())));

        let response =
            session.fetch(get(&origin.url("/plain")), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"hello");

        // https goes through a CONNECT tunnel; the loopback end speaks no
        // TLS, so the fetch fails after the tunnel carried the ClientHello.
        let sink = Sink::start().await;
        let result = session
            .fetch(get(&format!("https://{}/secret", sink.addr)), FetchOptions::default())
            .await;
        assert!(result.is_err());
        let lines = proxy.lines.lock().unwrap().clone();
        assert_eq!(lines[0], format!("GET {} HTTP/1.1", origin.url("/plain")));
        assert_eq!(lines[1], format!("CONNECT {} HTTP/1.1", sink.addr));
        let first = sink.first_bytes.lock().unwrap().clone();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0][0], 0x16, "a TLS handshake record came through the tunnel");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn close_all_connections_applies_a_new_proxy_and_the_resolver_cache_clears() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let proxy = HttpProxy::start().await;
        let session = session("proxy-close-all");
        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        body_bytes(response).await;
        session.set_proxy(fixed_proxies(&format!("127.0.0.1:{}", proxy.addr.port())));
        session.close_all_connections();
        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        body_bytes(response).await;
        assert_eq!(proxy.lines.lock().unwrap().len(), 1);

        session.set_proxy(ProxyConfig::direct());
        let url = format!("http://localhost:{}/", origin.addr.port());
        // localhost may resolve to ::1 first; the origin listens on IPv4,
        // and the fall-back to the next address is the client's business.
        let _ = session.fetch(get(&url), FetchOptions::default()).await;
        assert_eq!(session.host_resolver_cache_len(), 1);
        session.clear_host_resolver_cache();
        assert_eq!(session.host_resolver_cache_len(), 0);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_failed_proxy_is_tried_last_until_the_configuration_changes() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let socks = Socks5::start().await;
        let (bad_port, attempts) = common::hang_up_proxy().await;
        let session = session("proxy-retry-info");
        let config = fixed_proxies(&format!(
            "socks5://127.0.0.1:{bad_port},socks5://127.0.0.1:{}",
            socks.addr.port()
        ));
        session.set_proxy(config.clone());
        for _ in 0..3 {
            let response =
                session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
            assert_eq!(body_bytes(response).await, b"hello");
        }
        let count = || attempts.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(count(), 1, "the failed proxy went to the back of the list");

        session.set_proxy(config);
        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        body_bytes(response).await;
        assert_eq!(count(), 2, "a new configuration forgets the failure");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn socks4_carries_a_request() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let socks = Socks5::start().await;
        let session = session("proxy-socks4");
        session.set_proxy(fixed_proxies(&format!("socks4://127.0.0.1:{}", socks.addr.port())));
        let response =
            session.fetch(get(&origin.url("/via-socks4")), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"hello");
        assert_eq!(socks.destinations.lock().unwrap().clone(), [origin.addr.to_string()]);
    })
    .await
    .unwrap();
}

/// A PAC script chooses the proxy (`resolve_proxy_async` runs for every
/// request), and SOCKS5 leaves the name to the proxy to resolve.
#[tokio::test]
async fn a_pac_script_routes_requests_and_socks5_resolves_names_remotely() {
    timeout(TEST_TIMEOUT, async {
        let origin = hello().await;
        let socks = Socks5::start_to(origin.addr).await;
        let session = session("proxy-pac");
        let script = format!(
            "function FindProxyForURL(url, host) {{ return host == 'origin.test' ? 'SOCKS5 127.0.0.1:{}' : 'DIRECT'; }}",
            socks.addr.port()
        );
        let url = format!("data:,{}", script.replace('%', "%25").replace(' ', "%20"));
        session.set_proxy(ProxyConfig::pac_script(url));
        let response = session
            .fetch(get("http://origin.test/by-name"), FetchOptions::default())
            .await
            .unwrap();
        assert_eq!(body_bytes(response).await, b"hello");
        assert_eq!(socks.destinations.lock().unwrap().clone(), ["origin.test:80"]);
        assert_eq!(origin.requests()[0].header("host"), Some("origin.test"));
        // The name never reached the session's resolver.
        assert_eq!(session.host_resolver_cache_len(), 0);
    })
    .await
    .unwrap();
}
