//! `Session::preconnect`: warm connections that the next requests use.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{HttpProxy, TEST_TIMEOUT, body_bytes, get, read_request, session};
use sessionkit::{
    BypassRules, FetchError, FetchOptions, NetworkEmulation, ProxyConfig, ProxyRules,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::time::{sleep, timeout};
use url::Url;

/// A keep-alive origin that records, per accepted connection, how many
/// requests it carried and whether the client closed it.
struct Counting {
    addr: std::net::SocketAddr,
    accepted: Arc<AtomicUsize>,
    /// Requests per connection, in accept order.
    requests: Arc<Mutex<Vec<usize>>>,
    closed: Arc<AtomicUsize>,
}

impl Counting {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let closed = Arc::new(AtomicUsize::new(0));
        let (a, r, c) = (accepted.clone(), requests.clone(), closed.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let index = a.fetch_add(1, Ordering::SeqCst);
                r.lock().expect("lock").push(0);
                let (r, c) = (r.clone(), c.clone());
                tokio::spawn(async move {
                    while read_request(&mut stream).await.is_some() {
                        r.lock().expect("lock")[index] += 1;
                        let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwarm!";
                        if stream.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                    c.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        Self { addr, accepted, requests, closed }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn requests(&self) -> Vec<usize> {
        self.requests.lock().expect("lock").clone()
    }
}

/// Waits (bounded by the test's timeout) until `count` reaches `n`.
async fn until(count: &AtomicUsize, n: usize) {
    while count.load(Ordering::SeqCst) < n {
        sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn preconnected_sockets_carry_the_next_request() {
    timeout(TEST_TIMEOUT, async {
        let origin = Counting::start().await;
        let session = session("preconnect-direct");
        let url = Url::parse(&origin.url()).unwrap();
        session.preconnect(&url, 3).unwrap();
        until(&origin.accepted, 3).await;
        // Asking again for 3 opens none: the destination has them.
        session.preconnect(&url, 3).unwrap();
        sleep(Duration::from_millis(100)).await;
        assert_eq!(origin.accepted.load(Ordering::SeqCst), 3);
        assert_eq!(origin.requests(), [0, 0, 0], "no request bytes on warm sockets");

        let response = session.fetch(get(&origin.url()), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"warm!");
        assert_eq!(origin.accepted.load(Ordering::SeqCst), 3, "served on a warm socket");
        assert_eq!(origin.requests().iter().sum::<usize>(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn num_sockets_outside_one_to_six_is_refused_like_electron() {
    timeout(TEST_TIMEOUT, async {
        let origin = Counting::start().await;
        let session = session("preconnect-range");
        let url = Url::parse(&origin.url()).unwrap();
        for n in [0, 7] {
            let error = session.preconnect(&url, n).unwrap_err();
            assert!(matches!(error, FetchError::InvalidRequest { .. }), "{error:?}");
            assert!(error.is_invalid_input());
            assert!(error.to_string().contains("[1,6]"), "{error}");
        }
        let error = session.preconnect(&Url::parse("ftp://example.com/").unwrap(), 1).unwrap_err();
        assert_eq!(error.net_error(), "ERR_INVALID_URL");

        session.enable_network_emulation(NetworkEmulation::offline());
        session.preconnect(&url, 1).unwrap();
        sleep(Duration::from_millis(100)).await;
        assert_eq!(origin.accepted.load(Ordering::SeqCst), 0, "offline: nothing opened");
        session.disable_network_emulation();

        session.preconnect(&url, 6).unwrap();
        until(&origin.accepted, 6).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn through_an_http_proxy_the_warm_socket_is_the_proxy_connection() {
    timeout(TEST_TIMEOUT, async {
        let origin = Counting::start().await;
        let proxy = HttpProxy::start().await;
        let session = session("preconnect-proxy");
        session.set_proxy(ProxyConfig::fixed_servers(
            ProxyRules::parse(&format!("127.0.0.1:{}", proxy.addr.port())).unwrap(),
            BypassRules::parse("<-loopback>").unwrap(),
        ));
        session.preconnect(&Url::parse(&origin.url()).unwrap(), 1).unwrap();
        until(&proxy.accepted, 1).await;
        assert_eq!(origin.accepted.load(Ordering::SeqCst), 0);
        assert!(proxy.lines.lock().unwrap().is_empty());

        let response = session.fetch(get(&origin.url()), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"warm!");
        assert_eq!(proxy.accepted.load(Ordering::SeqCst), 1, "the warm proxy connection was used");
        assert_eq!(proxy.lines.lock().unwrap().clone(), [format!("GET {} HTTP/1.1", origin.url())]);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn close_all_connections_closes_warm_sockets() {
    timeout(TEST_TIMEOUT, async {
        let origin = Counting::start().await;
        let session = session("preconnect-close");
        session.preconnect(&Url::parse(&origin.url()).unwrap(), 2).unwrap();
        until(&origin.accepted, 2).await;
        session.close_all_connections();
        until(&origin.closed, 2).await;

        let response = session.fetch(get(&origin.url()), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"warm!");
        assert_eq!(origin.accepted.load(Ordering::SeqCst), 3, "a new connection after closing");
    })
    .await
    .unwrap();
}

/// Chromium closes an unused preconnected socket after 10 seconds.
#[tokio::test]
async fn an_unused_warm_socket_closes_after_ten_seconds() {
    timeout(TEST_TIMEOUT, async {
        let origin = Counting::start().await;
        let session = session("preconnect-expiry");
        session.preconnect(&Url::parse(&origin.url()).unwrap(), 1).unwrap();
        until(&origin.accepted, 1).await;
        sleep(Duration::from_secs(8)).await;
        assert_eq!(origin.closed.load(Ordering::SeqCst), 0, "still warm well before 10 s");
        until(&origin.closed, 1).await;
    })
    .await
    .unwrap();
}
