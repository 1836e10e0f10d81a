//! The HTTP cache in `Session::fetch`: hits, revalidation, cache modes,
//! `cache: false`, size and clearing, a persistent partition's disk cache,
//! and cookies of cached responses.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Origin, TEST_TIMEOUT, body_bytes, get, reply, session, session_with};
use sessionkit::{CacheMode, CacheStatus, FetchError, FetchOptions, PartitionOptions, Sessions};
use tokio::time::timeout;

fn status(response: &http::Response<sessionkit::Body>) -> Option<CacheStatus> {
    response.extensions().get::<CacheStatus>().copied()
}

/// An origin whose every answer carries `headers` and a body numbering the
/// request (`v1`, `v2`, ...).
async fn counting_origin(headers: &'static [(&'static str, &'static str)]) -> Origin {
    let count = Arc::new(AtomicUsize::new(0));
    Origin::start(move |_| {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        reply("200 OK", headers, format!("v{n}").as_bytes())
    })
    .await
}

#[tokio::test]
async fn a_fresh_hit_does_not_touch_the_server() {
    timeout(TEST_TIMEOUT, async {
        let origin = counting_origin(&[("Cache-Control", "max-age=600")]).await;
        let session = session("cache-fresh");
        let first = session.fetch(get(&origin.url("/a")), FetchOptions::default()).await.unwrap();
        assert_eq!(status(&first), Some(CacheStatus::Miss));
        assert_eq!(body_bytes(first).await, b"v1");
        let second = session.fetch(get(&origin.url("/a")), FetchOptions::default()).await.unwrap();
        assert_eq!(status(&second), Some(CacheStatus::Hit));
        assert_eq!(second.headers()["cache-control"], "max-age=600");
        assert!(second.headers().contains_key("age"));
        assert_eq!(body_bytes(second).await, b"v1");
        assert_eq!(origin.requests().len(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_stale_entry_is_revalidated_and_a_304_refreshes_its_headers() {
    timeout(TEST_TIMEOUT, async {
        let origin = Origin::start(|seen| match seen.header("if-none-match") {
            Some("\"v1\"") => reply(
                "304 Not Modified",
                &[("ETag", "\"v1\""), ("Cache-Control", "max-age=600"), ("X-Version", "2")],
                b"",
            ),
            _ => reply(
                "200 OK",
                &[("ETag", "\"v1\""), ("Cache-Control", "max-age=0"), ("X-Version", "1")],
                b"body",
            ),
        })
        .await;
        let session = session("cache-revalidate");
        let url = origin.url("/r");
        let first = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(first.headers()["x-version"], "1");
        assert_eq!(body_bytes(first).await, b"body");

        let second = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(status(&second), Some(CacheStatus::Revalidated));
        assert_eq!(second.status(), 200);
        assert_eq!(second.headers()["x-version"], "2");
        assert_eq!(second.headers()["cache-control"], "max-age=600");
        assert_eq!(body_bytes(second).await, b"body");
        let requests = origin.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));

        // The refreshed headers made it fresh: no third request.
        let third = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(status(&third), Some(CacheStatus::Hit));
        assert_eq!(third.headers()["x-version"], "2");
        assert_eq!(origin.requests().len(), 2);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn only_if_cached_misses_with_cache_miss_and_hits_when_cached() {
    timeout(TEST_TIMEOUT, async {
        // Stale at once: only-if-cached still takes it, as Fetch says.
        let origin = counting_origin(&[("Cache-Control", "max-age=0")]).await;
        let session = session("cache-only-if-cached");
        let url = origin.url("/o");
        let only = || FetchOptions::new().cache(CacheMode::OnlyIfCached);
        let error = session.fetch(get(&url), only()).await.unwrap_err();
        assert!(matches!(error, FetchError::CacheMiss { .. }), "{error}");
        assert_eq!(error.net_error(), "ERR_CACHE_MISS");
        assert_eq!(origin.connection_count(), 0);

        let stored = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(stored).await, b"v1");
        let hit = session.fetch(get(&url), only()).await.unwrap();
        assert_eq!(status(&hit), Some(CacheStatus::Hit));
        assert_eq!(body_bytes(hit).await, b"v1");
        assert_eq!(origin.requests().len(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn no_store_and_reload_go_to_the_network() {
    timeout(TEST_TIMEOUT, async {
        let origin = counting_origin(&[("Cache-Control", "max-age=600")]).await;
        let session = session("cache-bypass");
        let url = origin.url("/b");
        let fetch = |mode| session.fetch(get(&url), FetchOptions::new().cache(mode));
        assert_eq!(body_bytes(fetch(CacheMode::Default).await.unwrap()).await, b"v1");

        let no_store = fetch(CacheMode::NoStore).await.unwrap();
        assert_eq!(status(&no_store), Some(CacheStatus::Bypass));
        assert_eq!(body_bytes(no_store).await, b"v2");
        // no-store neither read nor wrote: the entry is still v1.
        assert_eq!(body_bytes(fetch(CacheMode::Default).await.unwrap()).await, b"v1");

        let reload = fetch(CacheMode::Reload).await.unwrap();
        assert_eq!(status(&reload), Some(CacheStatus::Miss));
        assert_eq!(body_bytes(reload).await, b"v3");
        // reload stored what it fetched.
        let after = fetch(CacheMode::Default).await.unwrap();
        assert_eq!(status(&after), Some(CacheStatus::Hit));
        assert_eq!(body_bytes(after).await, b"v3");

        let requests = origin.requests();
        assert_eq!(requests.len(), 3);
        // Fetch's headers for those modes reach the network.
        assert_eq!(requests[1].header("cache-control"), Some("no-cache"));
        assert_eq!(requests[2].header("pragma"), Some("no-cache"));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_partition_without_a_cache_never_caches() {
    timeout(TEST_TIMEOUT, async {
        let origin = counting_origin(&[("Cache-Control", "max-age=600")]).await;
        let session = session_with("cache-off", PartitionOptions::new().cache(false));
        assert!(session.http_cache().unwrap().is_none());
        for expected in [&b"v1"[..], b"v2"] {
            let response =
                session.fetch(get(&origin.url("/n")), FetchOptions::default()).await.unwrap();
            assert_eq!(status(&response), None);
            assert_eq!(body_bytes(response).await, expected);
        }
        assert_eq!(origin.requests().len(), 2);
        assert_eq!(session.cache_size().unwrap(), 0);
        session.clear_cache().await.unwrap();
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn cache_size_grows_and_clear_cache_empties_it() {
    timeout(TEST_TIMEOUT, async {
        let origin = counting_origin(&[("Cache-Control", "max-age=600")]).await;
        let session = session("cache-size");
        assert_eq!(session.cache_size().unwrap(), 0);
        let _ = body_bytes(
            session.fetch(get(&origin.url("/1")), FetchOptions::default()).await.unwrap(),
        )
        .await;
        let one = session.cache_size().unwrap();
        assert!(one > 2, "{one}");
        let _ = body_bytes(
            session.fetch(get(&origin.url("/2")), FetchOptions::default()).await.unwrap(),
        )
        .await;
        assert!(session.cache_size().unwrap() > one);

        session.clear_cache().await.unwrap();
        assert_eq!(session.cache_size().unwrap(), 0);
        let again = session.fetch(get(&origin.url("/1")), FetchOptions::default()).await.unwrap();
        assert_eq!(status(&again), Some(CacheStatus::Miss));
        assert_eq!(origin.requests().len(), 3);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_persistent_partitions_cache_survives_reopening() {
    timeout(TEST_TIMEOUT, async {
        let origin = counting_origin(&[("Cache-Control", "max-age=600")]).await;
        let dir = tempfile::tempdir().unwrap();
        let url = origin.url("/p");
        let size = {
            let session = Sessions::new(dir.path())
                .unwrap()
                .from_partition("persist:cached", PartitionOptions::default())
                .unwrap();
            let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
            assert_eq!(body_bytes(response).await, b"v1");
            let cache_dir = session.storage_path().unwrap().join(sessionkit::CACHE_DIR_NAME);
            assert!(cache_dir.is_dir(), "{}", cache_dir.display());
            session.cache_size().unwrap()
        };
        assert!(size > 2);

        let session = Sessions::new(dir.path())
            .unwrap()
            .from_partition("persist:cached", PartitionOptions::default())
            .unwrap();
        assert_eq!(session.cache_size().unwrap(), size);
        let hit = session
            .fetch(get(&url), FetchOptions::new().cache(CacheMode::OnlyIfCached))
            .await
            .unwrap();
        assert_eq!(status(&hit), Some(CacheStatus::Hit));
        assert_eq!(body_bytes(hit).await, b"v1");
        assert_eq!(origin.requests().len(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn set_cookie_of_a_cached_response_is_not_stored_again() {
    timeout(TEST_TIMEOUT, async {
        let origin =
            counting_origin(&[("Cache-Control", "max-age=600"), ("Set-Cookie", "seen=1; Path=/")])
                .await;
        let session = session("cache-cookies");
        let url = origin.url("/c");
        let jar = session.cookies().unwrap();
        let first = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(status(&first), Some(CacheStatus::Miss));
        assert_eq!(jar.len(), 1, "a network response's cookie is stored");

        jar.clear();
        let hit = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(status(&hit), Some(CacheStatus::Hit));
        assert_eq!(jar.len(), 0, "a cache hit sets no cookie, as in Chromium");
        assert!(
            hit.headers().get("set-cookie").is_none(),
            "a private cache keeps no Set-Cookie (Chromium's PERSIST_SANS_COOKIES)"
        );
        assert_eq!(hit.headers().get("cache-control").unwrap(), "max-age=600");
    })
    .await
    .unwrap();
}
