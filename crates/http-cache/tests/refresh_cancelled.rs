//! A `stale-while-revalidate` refresh whose task is cancelled (its runtime
//! shut down) does not keep its key marked as refreshing: a later stale hit
//! starts another.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sessionkit_http_cache::{
    Body, BoxError, CacheRequest, CacheStatus, HttpCache, ManualClock, Upstream,
};

const URL: &str = "http://origin.test/swr";

/// Answers the first request at once; every later one never answers, so a
/// refresh stays in flight until its task is cancelled.
#[derive(Default)]
struct FirstThenStall {
    calls: AtomicUsize,
}

impl Upstream for FirstThenStall {
    async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) > 0 {
            std::future::pending::<()>().await;
        }
        let body = BodyExt::boxed(Full::new(Bytes::from_static(b"v1")).map_err(|e| match e {}));
        Ok(http::Response::builder()
            .header("cache-control", "max-age=1, stale-while-revalidate=600")
            .body(body)?)
    }
}

fn get() -> CacheRequest {
    CacheRequest::new(http::Request::get(URL).body(Bytes::new()).unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Serves a stale hit, which starts a refresh, and returns its status.
async fn stale_hit(cache: &HttpCache, origin: &Arc<FirstThenStall>) -> Option<CacheStatus> {
    let response = cache.fetch(get(), origin.clone()).await.unwrap();
    let status = response.extensions().get::<CacheStatus>().copied();
    let _ = response.into_body().collect().await.unwrap();
    status
}

#[test]
fn a_cancelled_refresh_lets_a_later_stale_hit_refresh_again() {
    let clock = ManualClock::new(SystemTime::now());
    let cache = HttpCache::builder().clock(clock.clone()).in_memory(1 << 20);
    let origin = Arc::new(FirstThenStall::default());

    let first = runtime();
    first.block_on(async {
        let response = cache.fetch(get(), origin.clone()).await.unwrap();
        let _ = response.into_body().collect().await.unwrap();
        clock.advance(Duration::from_secs(5));
        assert_eq!(stale_hit(&cache, &origin).await, Some(CacheStatus::Stale));
        // The refresh reaches the origin, which never answers.
        for _ in 0..1000 {
            if origin.calls.load(Ordering::SeqCst) == 2 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(origin.calls.load(Ordering::SeqCst), 2);
    });
    // Cancels the refresh.
    drop(first);

    runtime().block_on(async {
        assert_eq!(stale_hit(&cache, &origin).await, Some(CacheStatus::Stale));
        let started = tokio::time::timeout(Duration::from_secs(5), async {
            while origin.calls.load(Ordering::SeqCst) < 3 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        assert!(started.await.is_ok(), "no new refresh: the cancelled one's key was kept");
    });
}
