//! A storable body streams to the client while it is stored, and only a body
//! that arrived whole is committed.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;
use sessionkit_http_cache::{CacheRequest, CacheStatus, HttpCache, ManualClock};

mod common;

use common::trickle::*;

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
async fn a_short_body_or_a_client_that_leaves_a_large_rest_stores_nothing() {
    let cache = HttpCache::in_memory(4 << 20);
    let (origin, mut calls) = origin(Some(10));
    // Shorter than its Content-Length.
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    let body_tx = calls.recv().await.unwrap();
    body_tx.send(data("short")).await.unwrap();
    drop(body_tx);
    let _ = response.into_body().collect().await;
    assert_eq!(cache.size(), 0);
    // A client that drops the body with more than 64 KiB still to come.
    let (origin, mut calls) = self::origin(Some(5 + 200_000));
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(response.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
    let body_tx = calls.recv().await.unwrap();
    body_tx.send(data("first")).await.unwrap();
    let mut body = response.into_body();
    body.frame().await.unwrap().unwrap();
    drop(body);
    // The origin goes on after the client left: the rest is not read for nobody.
    let _ = body_tx.send(Ok(Frame::data(Bytes::from(vec![b'x'; 200_000])))).await;
    drop(body_tx);
    cache.background_idle().await;
    assert_eq!(cache.size(), 0);
    assert_eq!(status_of(&cache, &origin).await, Some(CacheStatus::Miss));
}

/// A cacheable 301 whose body the redirect-following caller drops unread is
/// stored all the same: the small rest is read in the background.
#[tokio::test]
async fn a_small_body_dropped_unread_is_finished_in_the_background() {
    let cache = HttpCache::in_memory(1 << 20);
    let (origin, mut calls) = origin_with(301, Some(9));
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(response.status(), 301);
    let body_tx = calls.recv().await.unwrap();
    // The caller follows the redirect without reading the body.
    drop(response);
    body_tx.send(data("moved")).await.unwrap();
    body_tx.send(data(" off")).await.unwrap();
    drop(body_tx);
    cache.background_idle().await;
    let hit = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(hit.extensions().get::<CacheStatus>(), Some(&CacheStatus::Hit));
    assert_eq!(hit.status(), 301);
    assert_eq!(hit.into_body().collect().await.unwrap().to_bytes(), "moved off");
    assert_eq!(origin_calls(&mut calls), 0);
}

/// A body finished in the background after its client left holds no later
/// request for its key: that one goes to the network at once (Chromium's
/// writer lets its queued transactions go when its last consumer leaves),
/// and the rest is still stored.
#[tokio::test]
async fn a_body_finished_in_the_background_holds_no_later_request() {
    let cache = HttpCache::in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    let body_tx = calls.recv().await.unwrap();
    drop(response);
    body_tx.send(data("first")).await.unwrap();
    // The origin stalls; the cache lock timeout (20 s) is far off.
    let second = tokio::time::timeout(Duration::from_secs(5), cache.fetch(get(), origin.clone()))
        .await
        .expect("the later request was held by the background read")
        .unwrap();
    assert_eq!(second.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
    let second_tx = calls.recv().await.unwrap();
    drop((second, second_tx));

    body_tx.send(data("12345")).await.unwrap();
    drop(body_tx);
    cache.background_idle().await;
    let hit = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(hit.extensions().get::<CacheStatus>(), Some(&CacheStatus::Hit));
    assert_eq!(hit.into_body().collect().await.unwrap().to_bytes(), "first12345");
}

/// A `Range` miss reads its whole body before answering, without holding
/// the key's write lock meanwhile: another request's body for the key is
/// committed, and ends for its client, while the range's body is still
/// coming.
#[tokio::test]
async fn a_range_miss_being_read_holds_no_other_commit() {
    let cache = HttpCache::in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    let ranged = CacheRequest::new(
        http::Request::get(URL).header("range", "bytes=0-1").body(Bytes::new()).unwrap(),
    );
    let range = tokio::spawn({
        let (cache, origin) = (cache.clone(), origin.clone());
        async move { cache.fetch(ranged, origin).await.unwrap() }
    });
    let range_tx = calls.recv().await.unwrap();
    range_tx.send(data("01234")).await.unwrap();

    let whole = cache.fetch(get(), origin.clone()).await.unwrap();
    let whole_tx = calls.recv().await.unwrap();
    whole_tx.send(data("abcdefghij")).await.unwrap();
    drop(whole_tx);
    let body = tokio::time::timeout(Duration::from_secs(5), whole.into_body().collect())
        .await
        .expect("the commit waited for the range's body")
        .unwrap();
    assert_eq!(body.to_bytes(), "abcdefghij");

    range_tx.send(data("56789")).await.unwrap();
    drop(range_tx);
    let range = range.await.unwrap();
    assert_eq!(range.status(), 206);
    assert_eq!(range.into_body().collect().await.unwrap().to_bytes(), "01");
}

/// Without a `Content-Length` the rest is read only while it stays small: a
/// body that ends within 64 KiB after the client left is stored, a longer one
/// is given up as soon as it passes that bound.
#[tokio::test]
async fn an_unsized_rest_is_finished_only_while_it_stays_small() {
    let cache = HttpCache::in_memory(4 << 20);
    let (origin, mut calls) = origin(None);
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    let body_tx = calls.recv().await.unwrap();
    drop(response);
    body_tx.send(data("small")).await.unwrap();
    drop(body_tx);
    cache.background_idle().await;
    assert_eq!(status_of(&cache, &origin).await, Some(CacheStatus::Hit));
    let first_size = cache.size();

    let url = "http://origin.test/unsized-large";
    let request = || CacheRequest::new(http::Request::get(url).body(Bytes::new()).unwrap());
    let response = cache.fetch(request(), origin.clone()).await.unwrap();
    let body_tx = calls.recv().await.unwrap();
    drop(response);
    // Past the bound the pump stops reading: the origin's sender sees it go.
    for _ in 0..3 {
        if body_tx.send(Ok(Frame::data(Bytes::from(vec![b'y'; 40_000])))).await.is_err() {
            break;
        }
    }
    cache.background_idle().await;
    // Never ended, yet settled: nothing stored.
    assert_eq!(cache.size(), first_size);
    drop(body_tx);
    let again =
        tokio::time::timeout(Duration::from_secs(5), cache.fetch(request(), origin.clone()))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(again.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
}

/// A rest that does not arrive within the time bound is given up: the clock
/// the cache was built with measures it.
#[tokio::test]
async fn a_background_rest_that_stalls_is_given_up_at_the_time_bound() {
    let clock = ManualClock::new(std::time::SystemTime::now());
    let cache = HttpCache::builder().clock(clock.clone()).in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    let body_tx = calls.recv().await.unwrap();
    drop(response);
    body_tx.send(data("first")).await.unwrap();
    // The origin stalls; the background read waits on the clock, not on it.
    let idle = tokio::spawn({
        let cache = cache.clone();
        async move { cache.background_idle().await }
    });
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(!idle.is_finished(), "still reading the rest");
    for _ in 0..100 {
        clock.advance(Duration::from_secs(60));
        tokio::task::yield_now().await;
        if idle.is_finished() {
            break;
        }
    }
    tokio::time::timeout(Duration::from_secs(5), idle).await.unwrap().unwrap();
    assert_eq!(cache.size(), 0);
    drop(body_tx);
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

/// Requests the origin got that the test did not take yet.
fn origin_calls(calls: &mut Calls) -> usize {
    let mut n = 0;
    while calls.try_recv().is_ok() {
        n += 1;
    }
    n
}

/// A clear while a body is still being stored wins: the body reaches its
/// client whole, but the entry fetched before the clear is not committed
/// after it (nor after a `clear_origin`).
#[tokio::test]
async fn a_body_being_stored_during_a_clear_is_not_committed_after_it() {
    let cache = HttpCache::in_memory(1 << 20);
    for by_origin in [false, true] {
        let (origin, mut calls) = origin(Some(10));
        let response = cache.fetch(get(), origin.clone()).await.unwrap();
        let body_tx = calls.recv().await.unwrap();
        body_tx.send(data("first")).await.unwrap();
        let mut body = response.into_body();
        assert_eq!(body.frame().await.unwrap().unwrap().into_data().unwrap(), "first");
        if by_origin {
            let url = url::Url::parse(URL).unwrap();
            cache.clear_origin(&url.origin()).await.unwrap();
        } else {
            cache.clear().await.unwrap();
        }
        body_tx.send(data("-last")).await.unwrap();
        drop(body_tx);
        assert_eq!(body.collect().await.unwrap().to_bytes(), "-last");
        cache.background_idle().await;
        assert_eq!(cache.size(), 0, "cleared by origin: {by_origin}");
        assert_eq!(status_of(&cache, &origin).await, Some(CacheStatus::Miss));
    }
}
