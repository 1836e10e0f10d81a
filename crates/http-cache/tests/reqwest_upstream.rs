//! `Upstream` for `reqwest::Client`, against a loopback origin the test starts.
#![cfg(feature = "reqwest")]
// The loopback origin helper panics on failure like the tests do.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use sessionkit_http_cache::{CacheRequest, CacheStatus, HttpCache};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request on its connection with a cacheable 200 and counts them.
async fn origin() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0; 1024];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        let n = counter.fetch_add(1, Ordering::SeqCst);
                        let body = format!("response {n}");
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\ncache-control: max-age=60\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if socket.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (format!("http://{addr}/page"), count)
}

#[tokio::test]
async fn reqwest_client_is_an_upstream() {
    let (url, count) = origin().await;
    let client = Arc::new(
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    );
    let cache = HttpCache::in_memory(1 << 20);
    let get = || CacheRequest::new(http::Request::get(&url).body(Bytes::new()).unwrap());
    let first = cache.fetch(get(), client.clone()).await.unwrap();
    assert_eq!(first.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
    assert_eq!(first.into_body().collect().await.unwrap().to_bytes(), "response 0");
    let second = cache.fetch(get(), client.clone()).await.unwrap();
    assert_eq!(second.extensions().get::<CacheStatus>(), Some(&CacheStatus::Hit));
    assert_eq!(second.headers().get_all("set-cookie").iter().count(), 2);
    assert_eq!(second.into_body().collect().await.unwrap().to_bytes(), "response 0");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}
