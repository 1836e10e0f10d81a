//! Every caching rule, driven by an injectable clock and a scripted origin.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use http::Request;
use sessionkit_http_cache::{CacheMode, CacheRequest, CacheStatus, Error, HttpCache, IsolationKey};

const MIB: u64 = 1024 * 1024;
const URL: &str = "http://origin.test/r";

#[tokio::test]
async fn fresh_hit_then_etag_revalidation_merges_304() {
    let (cache, clock) = cache_with_clock(MIB);
    let d = date(&clock);
    let origin = Origin::new(move |_, n| match n {
        0 => ok(
            200,
            &[("cache-control", "max-age=10"), ("etag", "\"v1\""), ("x-a", "old"), ("date", &d)],
            "body",
        ),
        _ => ok(304, &[("cache-control", "max-age=10"), ("x-a", "new")], ""),
    });
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Miss);
    clock.advance(Duration::from_secs(5));
    let hit = fetch(&cache, get(URL), &origin).await;
    assert_eq!((hit.cache, hit.body.as_str()), (CacheStatus::Hit, "body"));
    assert_eq!(hit.headers["age"], "5");
    assert_eq!(origin.calls(), 1);

    clock.advance(Duration::from_secs(10));
    let reval = fetch(&cache, get(URL), &origin).await;
    assert_eq!(
        (reval.cache, reval.status, reval.body.as_str()),
        (CacheStatus::Revalidated, 200, "body")
    );
    assert_eq!(origin.request(1).headers()["if-none-match"], "\"v1\"");
    assert_eq!(reval.headers["x-a"], "new");
    // The merged headers make it fresh again.
    clock.advance(Duration::from_secs(5));
    let hit = fetch(&cache, get(URL), &origin).await;
    assert_eq!((hit.cache, hit.headers["x-a"].to_str().unwrap()), (CacheStatus::Hit, "new"));
    assert_eq!(origin.calls(), 2);
}

#[tokio::test]
async fn last_modified_revalidation_and_validatorless_304() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| match n {
        0 => ok(
            200,
            &[("cache-control", "max-age=1"), ("last-modified", "Tue, 14 Nov 2023 20:00:00 GMT")],
            "lm",
        ),
        // No validators at all in the 304: still about the response we asked for.
        _ => ok(304, &[], ""),
    });
    fetch(&cache, get(URL), &origin).await;
    clock.advance(Duration::from_secs(2));
    let got = fetch(&cache, get(URL), &origin).await;
    assert_eq!((got.cache, got.status, got.body.as_str()), (CacheStatus::Revalidated, 200, "lm"));
    assert_eq!(origin.request(1).headers()["if-modified-since"], "Tue, 14 Nov 2023 20:00:00 GMT");
}

#[tokio::test]
async fn stored_headers_keep_repeats_and_date() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, _| {
        ok(
            200,
            &[
                ("cache-control", "max-age=100"),
                ("set-cookie", "a=1"),
                ("set-cookie", "b=2"),
                ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
                ("connection", "x-hop"),
                ("x-hop", "1"),
                ("keep-alive", "timeout=5"),
            ],
            "x",
        )
    });
    fetch(&cache, get(URL), &origin).await;
    clock.advance(Duration::from_secs(30));
    let hit = fetch(&cache, get(URL), &origin).await;
    assert_eq!(hit.cache, CacheStatus::Hit);
    let cookies: Vec<_> =
        hit.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert_eq!(hit.headers["date"], "Tue, 14 Nov 2023 22:13:20 GMT");
    assert_eq!(hit.headers["age"], "30");
    assert!(hit.headers.get("x-hop").is_none() && hit.headers.get("keep-alive").is_none());
}

#[tokio::test]
async fn upper_case_no_cache_always_revalidates() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| match n {
        0 => ok(200, &[("cache-control", "max-age=100, No-CaChE"), ("etag", "\"e\"")], "b"),
        _ => ok(304, &[("etag", "\"e\"")], ""),
    });
    fetch(&cache, get(URL), &origin).await;
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Revalidated);
    assert_eq!(origin.calls(), 2);
}

#[tokio::test]
async fn heuristic_freshness_is_a_tenth_of_last_modified_age() {
    let (cache, clock) = cache_with_clock(MIB);
    let d = date(&clock);
    // Last modified ten days before Date: one day of heuristic freshness.
    let lm = sessionkit_http_cache::format_http_date(start() - Duration::from_secs(10 * 86_400));
    let origin = Origin::new(move |_, _| ok(200, &[("date", &d), ("last-modified", &lm)], "h"));
    fetch(&cache, get(URL), &origin).await;
    clock.advance(Duration::from_secs(86_400 - 60));
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Hit);
    clock.advance(Duration::from_secs(120));
    assert_ne!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Hit);
    assert_eq!(origin.calls(), 2);
}

#[tokio::test]
async fn vary_keeps_several_variants_newest_first_capped() {
    let clock = sessionkit_http_cache::ManualClock::new(start());
    let cache = HttpCache::builder().clock(clock.clone()).max_variants(2).in_memory(MIB);
    let origin = Origin::new(|req, _| {
        let lang =
            req.headers().get("accept-language").map_or("none", |v| v.to_str().unwrap()).to_owned();
        ok(200, &[("cache-control", "max-age=100"), ("vary", "Accept-Language")], &lang)
    });
    let lang = |l: &str| get_with(URL, &[("accept-language", l)]);
    for l in ["en", "fr"] {
        assert_eq!(fetch(&cache, lang(l), &origin).await.cache, CacheStatus::Miss);
    }
    for l in ["en", "fr"] {
        let hit = fetch(&cache, lang(l), &origin).await;
        assert_eq!((hit.cache, hit.body.as_str()), (CacheStatus::Hit, l));
    }
    // White space around commas does not make a new variant.
    fetch(&cache, lang("de,  en"), &origin).await;
    assert_eq!(fetch(&cache, lang("de, en"), &origin).await.cache, CacheStatus::Hit);
    // Cap of two: "en" (least recently stored) is gone, "fr" and "de, en" remain.
    assert_eq!(fetch(&cache, lang("fr"), &origin).await.cache, CacheStatus::Hit);
    assert_eq!(origin.calls(), 3);
    assert_eq!(fetch(&cache, lang("en"), &origin).await.cache, CacheStatus::Miss);
}

#[tokio::test]
async fn vary_star_is_never_stored() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin =
        Origin::new(|_, _| ok(200, &[("cache-control", "max-age=100"), ("vary", "*")], "v"));
    fetch(&cache, get(URL), &origin).await;
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Miss);
    assert_eq!((origin.calls(), cache.size()), (2, 0));
}

#[tokio::test]
async fn stale_while_revalidate_serves_stale_and_revalidates_once() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| {
        ok(200, &[("cache-control", "max-age=1, stale-while-revalidate=60")], &format!("v{n}"))
    });
    fetch(&cache, get(URL), &origin).await;
    clock.advance(Duration::from_secs(10));
    for _ in 0..5 {
        let got = fetch(&cache, get(URL), &origin).await;
        assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Stale, "v0"));
    }
    cache.background_idle().await;
    assert_eq!(origin.calls(), 2, "exactly one background revalidation");
    let fresh = fetch(&cache, get(URL), &origin).await;
    assert_eq!((fresh.cache, fresh.body.as_str()), (CacheStatus::Hit, "v1"));
    // Past the window: an ordinary (blocking) revalidation.
    clock.advance(Duration::from_secs(100));
    let got = fetch(&cache, get(URL), &origin).await;
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Miss, "v2"));
}

#[tokio::test]
async fn stale_if_error_only_where_allowed() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, n| match (req.uri().path(), n) {
        ("/sie", 0) => ok(200, &[("cache-control", "max-age=1, stale-if-error=60")], "keep"),
        ("/plain", 1) => ok(200, &[("cache-control", "max-age=1")], "plain"),
        ("/sie", 3) => ok(503, &[], "down"),
        _ => Reply::Fail,
    });
    fetch(&cache, get("http://o.test/sie"), &origin).await;
    fetch(&cache, get("http://o.test/plain"), &origin).await;
    clock.advance(Duration::from_secs(10));
    let got = fetch(&cache, get("http://o.test/sie"), &origin).await;
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::StaleIfError, "keep"));
    let got = fetch(&cache, get("http://o.test/sie"), &origin).await; // a 503
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::StaleIfError, "keep"));
    let err = cache.fetch(get("http://o.test/plain"), origin.clone()).await.unwrap_err();
    assert!(matches!(err, Error::Upstream(_)), "{err}");
    clock.advance(Duration::from_secs(100));
    assert!(cache.fetch(get("http://o.test/sie"), origin.clone()).await.is_err());
}

#[tokio::test]
async fn no_store_in_response_or_request() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, _| {
        let cc = if req.uri().path() == "/ns" { "no-store, max-age=100" } else { "max-age=100" };
        ok(200, &[("cache-control", cc)], "x")
    });
    fetch(&cache, get("http://o.test/ns"), &origin).await;
    assert_eq!(fetch(&cache, get("http://o.test/ns"), &origin).await.cache, CacheStatus::Miss);
    let req = || get_with("http://o.test/ok", &[("cache-control", "No-Store")]);
    fetch(&cache, req(), &origin).await;
    assert_eq!(fetch(&cache, get("http://o.test/ok"), &origin).await.cache, CacheStatus::Miss);
    assert_eq!(fetch(&cache, get("http://o.test/ok"), &origin).await.cache, CacheStatus::Hit);
}

#[tokio::test]
async fn unsafe_methods_invalidate_url_and_same_origin_locations() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, _| {
        if req.method() == http::Method::POST {
            ok(200, &[("location", "/loc"), ("content-location", "http://other.test/cl")], "posted")
        } else {
            ok(200, &[("cache-control", "max-age=100")], req.uri().path())
        }
    });
    for u in ["http://o.test/r", "http://o.test/loc", "http://other.test/cl"] {
        fetch(&cache, get(u), &origin).await;
        assert_eq!(fetch(&cache, get(u), &origin).await.cache, CacheStatus::Hit);
    }
    let post = CacheRequest::new(Request::post("http://o.test/r").body(Bytes::from("x")).unwrap());
    assert_eq!(fetch(&cache, post, &origin).await.cache, CacheStatus::Bypass);
    assert_eq!(fetch(&cache, get("http://o.test/r"), &origin).await.cache, CacheStatus::Miss);
    assert_eq!(fetch(&cache, get("http://o.test/loc"), &origin).await.cache, CacheStatus::Miss);
    // Another origin's Content-Location is not ours to invalidate.
    assert_eq!(fetch(&cache, get("http://other.test/cl"), &origin).await.cache, CacheStatus::Hit);
}

#[tokio::test]
async fn failed_unsafe_method_invalidates_nothing() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, _| {
        if req.method() == http::Method::DELETE {
            ok(500, &[], "")
        } else {
            ok(200, &[("cache-control", "max-age=100")], "g")
        }
    });
    fetch(&cache, get(URL), &origin).await;
    let del = CacheRequest::new(Request::delete(URL).body(Bytes::new()).unwrap());
    fetch(&cache, del, &origin).await;
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Hit);
}

#[tokio::test]
async fn head_is_answered_from_stored_get() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, _| {
        ok(200, &[("cache-control", "max-age=100"), ("content-length", "5")], "hello")
    });
    fetch(&cache, get(URL), &origin).await;
    let head = CacheRequest::new(Request::head(URL).body(Bytes::new()).unwrap());
    let got = fetch(&cache, head, &origin).await;
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Hit, ""));
    assert_eq!(got.headers["content-length"], "5");
    assert_eq!(origin.calls(), 1);
}

#[tokio::test]
async fn fetch_cache_modes() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| {
        ok(200, &[("cache-control", "max-age=10"), ("etag", "\"e\"")], &format!("v{n}"))
    });
    let m = |mode| with_mode(get(URL), mode);
    // only-if-cached on a miss is an error, and no network is used.
    let err = cache.fetch(m(CacheMode::OnlyIfCached), origin.clone()).await.unwrap_err();
    assert!(matches!(err, Error::OnlyIfCachedMiss { .. }));
    assert_eq!(origin.calls(), 0);
    // no-store: network, nothing stored.
    assert_eq!(fetch(&cache, m(CacheMode::NoStore), &origin).await.cache, CacheStatus::Bypass);
    assert_eq!(cache.size(), 0);
    // default stores v1; reload goes to the network although fresh, and stores v2.
    fetch(&cache, m(CacheMode::Default), &origin).await;
    let got = fetch(&cache, m(CacheMode::Reload), &origin).await;
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Miss, "v2"));
    assert_eq!(fetch(&cache, m(CacheMode::Default), &origin).await.body, "v2");
    // no-cache revalidates a fresh response: the origin says 200 with v3.
    let got = fetch(&cache, m(CacheMode::NoCache), &origin).await;
    assert_eq!(got.body, "v3");
    assert_eq!(origin.request(3).headers()["if-none-match"], "\"e\"");
    // force-cache and only-if-cached use a stale response without the network.
    clock.advance(Duration::from_secs(1000));
    let calls = origin.calls();
    for mode in [CacheMode::ForceCache, CacheMode::OnlyIfCached] {
        let got = fetch(&cache, m(mode), &origin).await;
        assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Hit, "v3"));
    }
    assert_eq!(origin.calls(), calls);
    // A page's own conditional request bypasses the cache in default mode.
    let got = fetch(&cache, get_with(URL, &[("if-none-match", "\"x\"")]), &origin).await;
    assert_eq!(got.cache, CacheStatus::Bypass);
}

#[tokio::test]
async fn ranges_served_from_complete_fresh_body_and_206_never_stored() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, _| {
        if req.uri().path() == "/partial" {
            ok(206, &[("cache-control", "max-age=100"), ("content-range", "bytes 0-1/10")], "01")
        } else {
            ok(200, &[("cache-control", "max-age=100")], "0123456789")
        }
    });
    fetch(&cache, get(URL), &origin).await;
    let got = fetch(&cache, get_with(URL, &[("range", "bytes=2-4")]), &origin).await;
    assert_eq!((got.status, got.cache, got.body.as_str()), (206, CacheStatus::Hit, "234"));
    assert_eq!(got.headers["content-range"], "bytes 2-4/10");
    assert_eq!(got.headers["content-length"], "3");
    let got = fetch(&cache, get_with(URL, &[("range", "bytes=-3")]), &origin).await;
    assert_eq!(got.body, "789");
    let got = fetch(&cache, get_with(URL, &[("range", "bytes=50-")]), &origin).await;
    assert_eq!((got.status, got.headers["content-range"].to_str().unwrap()), (416, "bytes */10"));
    assert_eq!(origin.calls(), 1);

    let p = "http://origin.test/partial";
    let got = fetch(&cache, get_with(p, &[("range", "bytes=0-1")]), &origin).await;
    assert_eq!((got.status, got.body.as_str()), (206, "01"));
    assert_eq!(fetch(&cache, get(p), &origin).await.cache, CacheStatus::Miss);
    assert_eq!(origin.calls(), 3);
}

#[tokio::test]
async fn keys_ignore_fragment_and_split_by_isolation() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| ok(200, &[("cache-control", "max-age=100")], &format!("v{n}")));
    fetch(&cache, get("http://o.test/k#one"), &origin).await;
    assert_eq!(fetch(&cache, get("http://o.test/k#two"), &origin).await.cache, CacheStatus::Hit);
    let iso = |top: &str| get("http://o.test/k").with_isolation_key(IsolationKey::new(top, top));
    assert_eq!(fetch(&cache, iso("https://a.test"), &origin).await.cache, CacheStatus::Miss);
    assert_eq!(fetch(&cache, iso("https://b.test"), &origin).await.cache, CacheStatus::Miss);
    assert_eq!(fetch(&cache, iso("https://a.test"), &origin).await.body, "v1");
}

#[tokio::test]
async fn memory_eviction_is_lru_and_bytes_are_bounded() {
    let (cache, _clock) = cache_with_clock(64 * 1024);
    let origin =
        Origin::new(|_, _| ok(200, &[("cache-control", "max-age=100")], &"x".repeat(7000)));
    let u = |i: usize| format!("http://o.test/{i}");
    for i in 0..12 {
        fetch(&cache, get(&u(i)), &origin).await;
        assert!(cache.size() <= 64 * 1024);
        // Keep entry 0 in use.
        assert_eq!(fetch(&cache, get(&u(0)), &origin).await.cache, CacheStatus::Hit);
    }
    // Twelve 7000-byte bodies do not fit in 64 KiB: the least recently used went
    // first (1, 2, 3), the one in use stayed.
    assert!(cache.size() <= 64 * 1024 && cache.size() > 56 * 1024, "{}", cache.size());
    for i in [0, 4, 11] {
        assert_eq!(fetch(&cache, get(&u(i)), &origin).await.cache, CacheStatus::Hit, "{i}");
    }
    for i in [1, 2, 3] {
        assert_eq!(fetch(&cache, get(&u(i)), &origin).await.cache, CacheStatus::Miss, "{i}");
    }
}

#[tokio::test]
async fn entry_over_an_eighth_of_the_cache_is_passed_through() {
    let (cache, _clock) = cache_with_clock(64 * 1024);
    let origin =
        Origin::new(|_, _| ok(200, &[("cache-control", "max-age=100")], &"y".repeat(9 * 1024)));
    let got = fetch(&cache, get(URL), &origin).await;
    assert_eq!(got.body.len(), 9 * 1024);
    assert_eq!(cache.size(), 0);
}

#[tokio::test]
async fn short_body_is_served_but_not_stored() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, _| {
        ok(200, &[("cache-control", "max-age=100"), ("content-length", "10")], "short")
    });
    // The scripted body is 5 bytes: hyper would reject this, a custom upstream may not.
    let got = cache.fetch(get(URL), origin.clone()).await.unwrap();
    drop(got);
    assert_eq!(cache.size(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_readers_and_writers_see_whole_bodies() {
    let cache = HttpCache::in_memory(MIB);
    let origin = Origin::new(|req, _| {
        let body = req.uri().path().repeat(500);
        ok(200, &[("cache-control", "max-age=100")], &body)
    });
    let mut tasks = Vec::new();
    for i in 0..64 {
        let (cache, origin) = (cache.clone(), origin.clone());
        tasks.push(tokio::spawn(async move {
            let path = format!("/p{}", i % 4);
            let got = fetch(&cache, get(&format!("http://o.test{path}")), &origin).await;
            assert_eq!(got.body, path.repeat(500));
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let before = cache.size();
    for i in 0..4 {
        let got = fetch(&cache, get(&format!("http://o.test/p{i}")), &origin).await;
        assert_eq!(got.cache, CacheStatus::Hit);
    }
    assert_eq!(cache.size(), before);
}

#[tokio::test]
async fn clear_and_clear_origin() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, _| ok(200, &[("cache-control", "max-age=100")], "c"));
    for u in ["http://a.test/1", "http://a.test/2", "http://b.test/1"] {
        fetch(&cache, get(u), &origin).await;
    }
    let a = url::Url::parse("http://a.test/").unwrap().origin();
    cache.clear_origin(&a).await.unwrap();
    assert_eq!(fetch(&cache, get("http://a.test/1"), &origin).await.cache, CacheStatus::Miss);
    assert_eq!(fetch(&cache, get("http://b.test/1"), &origin).await.cache, CacheStatus::Hit);
    cache.clear().await.unwrap();
    assert_eq!(cache.size(), 0);
    assert_eq!(fetch(&cache, get("http://b.test/1"), &origin).await.cache, CacheStatus::Miss);
}

#[tokio::test]
async fn relative_uri_is_a_typed_error() {
    let cache = HttpCache::in_memory(MIB);
    let origin = Origin::new(|_, _| ok(200, &[], ""));
    let req = CacheRequest::new(Request::get("/relative").body(Bytes::new()).unwrap());
    assert!(matches!(cache.fetch(req, origin).await, Err(Error::InvalidRequest { .. })));
}

#[tokio::test]
async fn shared_cache_rules_are_opt_in() {
    let origin = Origin::new(|req, _| {
        let cc = if req.uri().path() == "/private" {
            "private, max-age=100"
        } else {
            "max-age=0, s-maxage=100"
        };
        ok(200, &[("cache-control", cc)], "s")
    });
    let clock = sessionkit_http_cache::ManualClock::new(start());
    let private = HttpCache::builder().clock(clock.clone()).in_memory(MIB);
    let shared = HttpCache::builder().clock(clock.clone()).shared(true).in_memory(MIB);
    for cache in [&private, &shared] {
        for path in ["/private", "/smaxage"] {
            fetch(cache, get(&format!("http://o.test{path}")), &origin).await;
        }
    }
    let status = |cache: &HttpCache, path: &'static str| {
        let (cache, origin) = (cache.clone(), origin.clone());
        async move { fetch(&cache, get(&format!("http://o.test{path}")), &origin).await.cache }
    };
    // A browser keeps `private` responses and ignores s-maxage; a proxy does the opposite.
    assert_eq!(status(&private, "/private").await, CacheStatus::Hit);
    assert_ne!(status(&private, "/smaxage").await, CacheStatus::Hit);
    assert_eq!(status(&shared, "/private").await, CacheStatus::Miss);
    assert_eq!(status(&shared, "/smaxage").await, CacheStatus::Hit);
}

#[test]
fn fetch_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let cache = HttpCache::in_memory(MIB);
    let origin = Origin::new(|_, _| ok(200, &[], ""));
    let future = cache.fetch(get(URL), origin);
    assert_send(&future);
}

#[tokio::test]
async fn shared_cache_stores_set_cookie_but_not_authenticated_responses() {
    let clock = sessionkit_http_cache::ManualClock::new(start());
    let shared = HttpCache::builder().clock(clock).shared(true).in_memory(MIB);
    let origin = Origin::new(|_, _| {
        ok(200, &[("cache-control", "max-age=100"), ("set-cookie", "a=1")], "c")
    });
    fetch(&shared, get("http://o.test/cookie"), &origin).await;
    assert_eq!(fetch(&shared, get("http://o.test/cookie"), &origin).await.cache, CacheStatus::Hit);
    let auth = || get_with("http://o.test/auth", &[("authorization", "Basic eDp5")]);
    fetch(&shared, auth(), &origin).await;
    assert_eq!(fetch(&shared, auth(), &origin).await.cache, CacheStatus::Miss);
}

#[tokio::test]
async fn not_modified_never_rewrites_the_body_digest_or_length() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| match n {
        0 => ok(
            200,
            &[("cache-control", "max-age=1"), ("etag", "\"e\""), ("content-md5", "old")],
            "abc",
        ),
        _ => ok(304, &[("etag", "\"e\""), ("content-md5", "new"), ("content-length", "99")], ""),
    });
    fetch(&cache, get(URL), &origin).await;
    clock.advance(Duration::from_secs(5));
    let got = fetch(&cache, get(URL), &origin).await;
    assert_eq!(got.cache, CacheStatus::Revalidated);
    assert_eq!(got.headers["content-md5"], "old");
    assert_eq!(got.body, "abc");
}

#[tokio::test]
async fn request_directives_max_stale_max_age_min_fresh() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, _| {
        let cc =
            if req.uri().path() == "/mr" { "max-age=10, must-revalidate" } else { "max-age=10" };
        ok(200, &[("cache-control", cc)], "d")
    });
    for p in ["/plain", "/mr"] {
        fetch(&cache, get(&format!("http://o.test{p}")), &origin).await;
    }
    let with = |p: &str, cc: &str| get_with(&format!("http://o.test{p}"), &[("cache-control", cc)]);
    // Fresh for 10 s: max-age=5 in the request refuses a 6 s old response,
    // min-fresh=5 one with 4 s left.
    clock.advance(Duration::from_secs(6));
    assert_ne!(fetch(&cache, with("/plain", "Max-Age=5"), &origin).await.cache, CacheStatus::Hit);
    clock.advance(Duration::from_secs(1));
    let calls = origin.calls();
    assert_eq!(fetch(&cache, with("/mr", "max-age=60"), &origin).await.cache, CacheStatus::Hit);
    assert_ne!(fetch(&cache, with("/mr", "min-fresh=5"), &origin).await.cache, CacheStatus::Hit);
    assert_eq!(origin.calls(), calls + 1);
    // Stale by 20 s: max-stale=60 accepts it, max-stale=5 does not, must-revalidate never.
    clock.advance(Duration::from_secs(30));
    let p = "http://o.test/plain";
    let stale_plain = cache.fetch(get(p), origin.clone()).await.unwrap();
    drop(stale_plain); // refreshed the entry: age it again
    clock.advance(Duration::from_secs(30));
    assert_eq!(
        fetch(&cache, with("/plain", "max-stale=60"), &origin).await.cache,
        CacheStatus::Hit
    );
    assert_ne!(fetch(&cache, with("/plain", "max-stale=5"), &origin).await.cache, CacheStatus::Hit);
    clock.advance(Duration::from_secs(30));
    assert_eq!(fetch(&cache, with("/plain", "max-stale"), &origin).await.cache, CacheStatus::Hit);
    assert_ne!(fetch(&cache, with("/mr", "max-stale"), &origin).await.cache, CacheStatus::Hit);
}
