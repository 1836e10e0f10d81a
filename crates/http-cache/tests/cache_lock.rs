//! Chromium's cache lock: a request waits for another one's hold on its key
//! at most the cache lock timeout (20 s by default), then goes to the network
//! without the cache. Time is the cache's `ManualClock`: nothing sleeps.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::trickle::*;
use http_body_util::BodyExt;
use sessionkit_http_cache::{
    CacheRequest, CacheStatus, DEFAULT_CACHE_LOCK_TIMEOUT, HttpCache, ManualClock,
};

/// Waits (bounded) until `n` sleeps are pending on `clock`: the waits the
/// test is about to end by moving the clock have begun.
async fn sleeping(clock: &ManualClock, n: usize) {
    let begun = tokio::time::timeout(Duration::from_secs(5), async {
        while clock.pending_sleeps() < n {
            tokio::task::yield_now().await;
        }
    });
    assert!(begun.await.is_ok(), "{} of {n} waits began", clock.pending_sleeps());
}

/// Gives the spawned tasks a chance to run (only before checking that
/// something did not happen, so too few turns cannot fail a test).
async fn yield_a_little() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

fn range_get() -> CacheRequest {
    CacheRequest::new(
        http::Request::get(URL).header("range", "bytes=0-1").body(Bytes::new()).unwrap(),
    )
}

/// A body still being stored holds later requests for its key until the
/// timeout set on the builder; then they go to the network and store nothing.
#[tokio::test]
async fn a_request_waits_for_a_stored_body_only_until_the_configured_timeout() {
    let clock = ManualClock::new(std::time::SystemTime::now());
    let cache = HttpCache::builder()
        .clock(clock.clone())
        .cache_lock_timeout(Duration::from_secs(5))
        .in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    let first = cache.fetch(get(), origin.clone()).await.unwrap();
    let first_tx = calls.recv().await.unwrap();
    first_tx.send(Ok(http_body::Frame::data(Bytes::from_static(b"first")))).await.unwrap();

    let second = tokio::spawn({
        let (cache, origin) = (cache.clone(), origin.clone());
        async move { cache.fetch(get(), origin).await.unwrap() }
    });
    sleeping(&clock, 1).await;
    clock.advance(Duration::from_secs(4));
    yield_a_little().await;
    assert!(!second.is_finished(), "waits for the body being stored");
    assert!(calls.try_recv().is_err(), "the origin was asked once");
    clock.advance(Duration::from_secs(2));
    let second = tokio::time::timeout(Duration::from_secs(5), second).await.unwrap().unwrap();
    assert_eq!(second.extensions().get::<CacheStatus>(), Some(&CacheStatus::Bypass));
    let second_tx = calls.recv().await.unwrap();
    second_tx.send(Ok(http_body::Frame::data(Bytes::from_static(b"0123456789")))).await.unwrap();
    drop(second_tx);
    assert_eq!(second.into_body().collect().await.unwrap().to_bytes(), "0123456789");
    assert_eq!(cache.size(), 0, "the bypassing request stored nothing");

    // The first body ends and is stored as before.
    first_tx.send(Ok(http_body::Frame::data(Bytes::from_static(b"-last")))).await.unwrap();
    drop(first_tx);
    assert_eq!(first.into_body().collect().await.unwrap().to_bytes(), "first-last");
    let hit = cache.fetch(get(), origin.clone()).await.unwrap();
    assert_eq!(hit.extensions().get::<CacheStatus>(), Some(&CacheStatus::Hit));
}

/// Without a timeout set, a request waits for a body being stored
/// Chromium's 20 s, then goes to the network without the cache.
#[tokio::test]
async fn the_cache_lock_is_given_up_after_chromiums_twenty_seconds() {
    assert_eq!(DEFAULT_CACHE_LOCK_TIMEOUT, Duration::from_secs(20));
    let clock = ManualClock::new(std::time::SystemTime::now());
    let cache = HttpCache::builder().clock(clock.clone()).in_memory(1 << 20);
    let (origin, mut calls) = origin(Some(10));
    let first = cache.fetch(get(), origin.clone()).await.unwrap();
    let first_tx = calls.recv().await.unwrap();
    first_tx.send(Ok(http_body::Frame::data(Bytes::from_static(b"01234")))).await.unwrap();

    let second = tokio::spawn({
        let (cache, origin) = (cache.clone(), origin.clone());
        async move { cache.fetch(range_get(), origin).await.unwrap() }
    });
    sleeping(&clock, 1).await;
    clock.advance(Duration::from_secs(19));
    yield_a_little().await;
    assert!(!second.is_finished(), "waits for the body being stored");
    assert!(calls.try_recv().is_err(), "the origin was asked once");
    clock.advance(Duration::from_secs(1));
    let second_tx = calls.recv().await.unwrap();
    second_tx.send(Ok(http_body::Frame::data(Bytes::from_static(b"abcdefghij")))).await.unwrap();
    drop(second_tx);
    let second = tokio::time::timeout(Duration::from_secs(5), second).await.unwrap().unwrap();
    // Not stored, so not cut to the range: the origin's whole answer.
    assert_eq!(second.extensions().get::<CacheStatus>(), Some(&CacheStatus::Bypass));
    assert_eq!(second.status(), 200);
    assert_eq!(second.into_body().collect().await.unwrap().to_bytes(), "abcdefghij");
    assert_eq!(cache.size(), 0);

    first_tx.send(Ok(http_body::Frame::data(Bytes::from_static(b"56789")))).await.unwrap();
    drop(first_tx);
    assert_eq!(first.into_body().collect().await.unwrap().to_bytes(), "0123456789");
    assert!(cache.size() > 10, "the holder of the lock stored its body");
}
