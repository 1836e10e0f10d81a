//! A storable body streams to the client while it is stored, and only a body
//! that arrived whole is committed.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use sessionkit_http_cache::{Body, BoxError, CacheRequest, CacheStatus, HttpCache, Upstream};
use tokio::sync::mpsc;

const URL: &str = "http://origin.test/stream";

type Chunk = Result<Frame<Bytes>, BoxError>;

/// An origin whose body the test writes chunk by chunk: each call hands the
/// test the sender of its body.
struct Trickle {
    bodies: mpsc::UnboundedSender<mpsc::Sender<Chunk>>,
    length: Option<u64>,
}

impl Upstream for Trickle {
    async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        let (tx, rx) = mpsc::channel::<Chunk>(8);
        self.bodies.send(tx)?;
        let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        });
        let mut response = http::Response::builder().header("cache-control", "max-age=600");
        if let Some(length) = self.length {
            response = response.header("content-length", length);
        }
        Ok(response.body(BodyExt::boxed(StreamBody::new(chunks)))?)
    }
}

fn origin(length: Option<u64>) -> (Arc<Trickle>, mpsc::UnboundedReceiver<mpsc::Sender<Chunk>>) {
    let (bodies, calls) = mpsc::unbounded_channel();
    (Arc::new(Trickle { bodies, length }), calls)
}

fn get() -> CacheRequest {
    CacheRequest::new(http::Request::get(URL).body(Bytes::new()).unwrap())
}

fn data(text: &'static str) -> Chunk {
    Ok(Frame::data(Bytes::from_static(text.as_bytes())))
}

async fn status_of(cache: &HttpCache, origin: &Arc<Trickle>) -> Option<CacheStatus> {
    // A later request that finds nothing goes to the origin, which waits for
    // a body the test never writes: only the head matters here.
    let response = tokio::time::timeout(Duration::from_secs(5), cache.fetch(get(), origin.clone()))
        .await
        .unwrap()
        .unwrap();
    response.extensions().get::<CacheStatus>().copied()
}

#[tokio::test]
async fn head_and_first_chunk_arrive_before_the_body_ends_then_it_is_stored() {
    let cache = HttpCache::in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(response.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
    let body_tx = calls.recv().await.unwrap();
    body_tx.send(data("first")).await.unwrap();
    let mut body = response.into_body();
    let first = tokio::time::timeout(Duration::from_secs(5), body.frame()).await.unwrap();
    assert_eq!(first.unwrap().unwrap().into_data().unwrap(), "first");
    // Not stored while the body is incomplete: nothing torn is ever served.
    assert_eq!(cache.size(), 0);
    body_tx.send(data("-last")).await.unwrap();
    drop(body_tx);
    let rest = body.collect().await.unwrap().to_bytes();
    assert_eq!(rest, "-last");
    let hit = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(hit.extensions().get::<CacheStatus>(), Some(&CacheStatus::Hit));
    assert_eq!(hit.into_body().collect().await.unwrap().to_bytes(), "first-last");
}

#[tokio::test]
async fn an_upstream_error_mid_body_stores_nothing() {
    let cache = HttpCache::in_memory(1 << 20);
    let (origin, mut calls) = origin(None);
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    let body_tx = calls.recv().await.unwrap();
    body_tx.send(data("part")).await.unwrap();
    body_tx.send(Err("connection reset".into())).await.unwrap();
    drop(body_tx);
    let mut body = response.into_body();
    assert_eq!(body.frame().await.unwrap().unwrap().into_data().unwrap(), "part");
    assert!(body.frame().await.unwrap().is_err(), "the client sees the error");
    assert_eq!(cache.size(), 0);
    assert_eq!(status_of(&cache, &origin).await, Some(CacheStatus::Miss));
}

#[tokio::test]
async fn a_short_body_or_a_client_that_leaves_early_stores_nothing() {
    let cache = HttpCache::in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    // Shorter than its Content-Length.
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    let body_tx = calls.recv().await.unwrap();
    body_tx.send(data("short")).await.unwrap();
    drop(body_tx);
    let _ = response.into_body().collect().await;
    assert_eq!(cache.size(), 0);
    // A client that drops the body before its end.
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(response.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
    let body_tx = calls.recv().await.unwrap();
    body_tx.send(data("first")).await.unwrap();
    let mut body = response.into_body();
    body.frame().await.unwrap().unwrap();
    drop(body);
    // The origin finishes after the client left: still not stored.
    let _ = body_tx.send(data("-last")).await;
    drop(body_tx);
    tokio::task::yield_now().await;
    assert_eq!(cache.size(), 0);
    assert_eq!(status_of(&cache, &origin).await, Some(CacheStatus::Miss));
}

#[test]
fn a_body_cut_off_by_the_runtime_shutting_down_ends_in_an_error() {
    let cache = HttpCache::in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    // The pump runs on this runtime; dropping it cancels the pump mid-body.
    let first = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (mut body, body_tx) = first.block_on(async {
        let response = cache.fetch(get(), origin.clone()).await.unwrap();
        let body_tx = calls.recv().await.unwrap();
        body_tx.send(data("first")).await.unwrap();
        let mut body = response.into_body();
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.frame()).await.unwrap();
        assert_eq!(chunk.unwrap().unwrap().into_data().unwrap(), "first");
        (body, body_tx)
    });
    drop(first);
    let second = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    second.block_on(async {
        let next = tokio::time::timeout(Duration::from_secs(5), body.frame()).await.unwrap();
        let error = next.expect("a truncated body is not a clean end").unwrap_err();
        let io = error.downcast_ref::<std::io::Error>().unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::UnexpectedEof);
        assert!(body.frame().await.is_none());
    });
    drop(body_tx);
    assert_eq!(cache.size(), 0);
}
