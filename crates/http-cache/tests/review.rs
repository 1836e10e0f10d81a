//! Review checks: behaviour compared with RFC 9111, the caching test suite and
//! Chromium's `HttpCache`, each written to fail when the crate gets it wrong.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use http::{HeaderValue, Request};
use sessionkit_http_cache::{CacheRequest, CacheStatus, HttpCache, format_http_date};

const MIB: u64 = 1024 * 1024;
const URL: &str = "http://origin.test/r";

/// cache-tests `headers-omit-headers-listed-in-Cache-Control-no-cache(-single)`
/// (required) and Chromium (`PERSIST_SANS_NON_CACHEABLE`): a qualified
/// `no-cache="a, b"` lets the response be reused while fresh, without the named
/// fields.
#[tokio::test]
async fn qualified_no_cache_reuses_the_response_without_the_named_fields() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, _| {
        let cc = if req.uri().path() == "/one" { "no-cache=\"a\"" } else { "No-Cache=\"a, b\"" };
        ok(
            200,
            &[
                ("cache-control", "max-age=3600"),
                ("cache-control", cc),
                ("a", "1"),
                ("b", "2"),
                ("c", "3"),
            ],
            "body",
        )
    });
    let first = fetch(&cache, get("http://o.test/two"), &origin).await;
    // The origin's own response goes out whole.
    assert_eq!(first.headers["a"], "1");
    clock.advance(Duration::from_secs(10));
    let hit = fetch(&cache, get("http://o.test/two"), &origin).await;
    assert_eq!((hit.cache, hit.body.as_str()), (CacheStatus::Hit, "body"));
    assert!(hit.headers.get("a").is_none() && hit.headers.get("b").is_none());
    assert_eq!(hit.headers["c"], "3");

    fetch(&cache, get("http://o.test/one"), &origin).await;
    let hit = fetch(&cache, get("http://o.test/one"), &origin).await;
    assert_eq!(hit.cache, CacheStatus::Hit);
    assert!(hit.headers.get("a").is_none());
    assert_eq!(hit.headers["b"], "2");
    assert_eq!(origin.calls(), 2);
}

/// An unqualified `no-cache` still forces revalidation every time.
#[tokio::test]
async fn unqualified_no_cache_still_revalidates() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| match n {
        0 => ok(200, &[("cache-control", "max-age=3600, no-cache"), ("etag", "\"e\"")], "b"),
        _ => ok(304, &[], ""),
    });
    fetch(&cache, get(URL), &origin).await;
    let got = fetch(&cache, get(URL), &origin).await;
    assert_eq!(got.cache, CacheStatus::Revalidated);
    assert_eq!(origin.calls(), 2);
}

/// RFC 9111 §4.2.3 (and Chromium's `GetCurrentAge`): the age of a response
/// includes its apparent age, `response_time - Date`, so a response whose `Date`
/// is an hour old is already stale under `max-age=60`.
#[tokio::test]
async fn age_counts_the_apparent_age_from_date() {
    let (cache, clock) = cache_with_clock(MIB);
    let hour_ago = format_http_date(start() - Duration::from_secs(3600));
    let half_minute_ago = format_http_date(start() - Duration::from_secs(30));
    let origin = Origin::new(move |req, _| {
        let date =
            if req.uri().path() == "/old" { hour_ago.clone() } else { half_minute_ago.clone() };
        ok(200, &[("cache-control", "max-age=60"), ("date", &date)], "x")
    });
    fetch(&cache, get("http://o.test/old"), &origin).await;
    assert_eq!(fetch(&cache, get("http://o.test/old"), &origin).await.cache, CacheStatus::Miss);

    fetch(&cache, get("http://o.test/recent"), &origin).await;
    let hit = fetch(&cache, get("http://o.test/recent"), &origin).await;
    assert_eq!(hit.cache, CacheStatus::Hit);
    assert_eq!(hit.headers["age"], "30");
    clock.advance(Duration::from_secs(31));
    assert_ne!(fetch(&cache, get("http://o.test/recent"), &origin).await.cache, CacheStatus::Hit);
}

/// The byte bound holds even when one URL's variants together outgrow the cache:
/// each body is under 1/8 of it, eight of them are not.
#[tokio::test]
async fn byte_bound_holds_with_many_variants_of_one_url() {
    const MAX: u64 = 16_000;
    let (cache, _clock) = cache_with_clock(MAX);
    let origin = Origin::new(|_, _| {
        ok(200, &[("cache-control", "max-age=100"), ("vary", "accept")], &"v".repeat(1_950))
    });
    for i in 0..8 {
        let accept = format!("type/{i}");
        fetch(&cache, get_with(URL, &[("accept", &accept)]), &origin).await;
        assert!(cache.size() <= MAX, "{} > {MAX} after variant {i}", cache.size());
    }
    // The newest variant is the one kept first.
    let got = fetch(&cache, get_with(URL, &[("accept", "type/7")]), &origin).await;
    assert_eq!(got.cache, CacheStatus::Hit);
}

/// RFC 9111 §4.1: a field absent from one request matches only if absent from the
/// other, and values are compared as sent (bytes outside UTF-8 included).
#[tokio::test]
async fn vary_compares_raw_values_and_absence() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| {
        ok(200, &[("cache-control", "max-age=100"), ("vary", "x-v")], &format!("v{n}"))
    });
    let with = |bytes: &'static [u8]| {
        let mut r = Request::get(URL).body(Bytes::new()).unwrap();
        r.headers_mut().insert("x-v", HeaderValue::from_bytes(bytes).unwrap());
        CacheRequest::new(r)
    };
    fetch(&cache, with(b"caf\xe9"), &origin).await;
    let other = fetch(&cache, with(b"caf\xe8"), &origin).await;
    assert_eq!((other.cache, other.body.as_str()), (CacheStatus::Miss, "v1"));
    let same = fetch(&cache, with(b"caf\xe9"), &origin).await;
    assert_eq!((same.cache, same.body.as_str()), (CacheStatus::Hit, "v0"));

    fetch(&cache, get("http://o.test/absent"), &origin).await;
    let empty = fetch(&cache, get_with("http://o.test/absent", &[("x-v", "")]), &origin).await;
    assert_eq!(empty.cache, CacheStatus::Miss);
}

/// RFC 9111 §4.3.5: a 200 to a HEAD the cache sends updates the stored GET it
/// could have used (same validators), or invalidates it when they differ.
#[tokio::test]
async fn head_200_updates_or_invalidates_the_stored_get() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, n| {
        let changed = req.uri().path() == "/changed";
        match (req.method().as_str(), n) {
            ("GET", _) => ok(
                200,
                &[("cache-control", "max-age=1"), ("etag", "\"a\""), ("x-v", "1")],
                "get-body",
            ),
            _ => ok(
                200,
                &[
                    ("cache-control", "max-age=100"),
                    ("etag", if changed { "\"b\"" } else { "\"a\"" }),
                    ("x-v", "2"),
                ],
                "",
            ),
        }
    });
    let head = |url: &str| CacheRequest::new(Request::head(url).body(Bytes::new()).unwrap());
    fetch(&cache, get("http://o.test/same"), &origin).await;
    fetch(&cache, get("http://o.test/changed"), &origin).await;
    clock.advance(Duration::from_secs(10));
    let got = fetch(&cache, head("http://o.test/same"), &origin).await;
    // The HEAD is answered with the refreshed stored head.
    assert_eq!((got.status, got.cache), (200, CacheStatus::Revalidated));
    assert_eq!(got.headers["x-v"], "2");
    assert_eq!(fetch(&cache, head("http://o.test/changed"), &origin).await.status, 200);
    let calls = origin.calls();
    let got = fetch(&cache, get("http://o.test/same"), &origin).await;
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Hit, "get-body"));
    assert_eq!(got.headers["x-v"], "2");
    assert_eq!(origin.calls(), calls);
    let got = fetch(&cache, get("http://o.test/changed"), &origin).await;
    assert_eq!(got.cache, CacheStatus::Miss);
}

/// Chromium turns a request's `Cache-Control: max-age=0` into a forced
/// validation (`LOAD_VALIDATE_CACHE`), and Fetch's `no-cache` mode is defined by
/// adding that very header: a stored response is never used unvalidated.
#[tokio::test]
async fn request_max_age_zero_always_validates() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| match n {
        0 => ok(200, &[("cache-control", "max-age=100"), ("etag", "\"e\"")], "b"),
        _ => ok(304, &[], ""),
    });
    fetch(&cache, get(URL), &origin).await;
    let got = fetch(&cache, get_with(URL, &[("cache-control", "max-age=0")]), &origin).await;
    assert_eq!(got.cache, CacheStatus::Revalidated);
    assert_eq!(origin.request(1).headers()["if-none-match"], "\"e\"");
}

/// RFC 9111 §4.2.2: heuristic freshness only for heuristically cacheable statuses
/// (301, 404 ...), never for a 302.
#[tokio::test]
async fn heuristics_only_for_heuristically_cacheable_statuses() {
    let (cache, _clock) = cache_with_clock(MIB);
    let lm = format_http_date(start() - Duration::from_secs(100_000));
    let origin = Origin::new(move |req, _| {
        let status = req.uri().path().trim_start_matches('/').parse().unwrap();
        ok(status, &[("last-modified", &lm), ("location", "/x")], "")
    });
    for (status, cached) in [(200, true), (301, true), (404, true), (302, false), (307, false)] {
        let url = format!("http://o.test/{status}");
        fetch(&cache, get(&url), &origin).await;
        let got = fetch(&cache, get(&url), &origin).await;
        assert_eq!(got.cache == CacheStatus::Hit, cached, "{status}");
        assert_eq!(got.status, status, "{status}");
    }
}

/// A range asked of a stale entry is revalidated and then cut from the stored body.
#[tokio::test]
async fn range_on_stale_entry_revalidates_then_slices() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| match n {
        0 => ok(200, &[("cache-control", "max-age=1"), ("etag", "\"e\"")], "0123456789"),
        _ => ok(304, &[("cache-control", "max-age=100")], ""),
    });
    fetch(&cache, get(URL), &origin).await;
    clock.advance(Duration::from_secs(5));
    let got = fetch(&cache, get_with(URL, &[("range", "bytes=3-5")]), &origin).await;
    assert_eq!((got.status, got.body.as_str()), (206, "345"));
    assert_eq!(origin.request(1).headers()["if-none-match"], "\"e\"");
}

/// Numbers from the network at their limits never panic: huge `max-age`, `Age`,
/// SWR and stale-if-error windows, far dates, huge lengths and ranges, a clock
/// moved by centuries.
#[tokio::test]
async fn extreme_numbers_never_panic() {
    let huge = "184467440737095516150";
    let far = "Fri, 31 Dec 9999 23:59:59 GMT";
    let old = "Thu, 01 Jan 1970 00:00:00 GMT";
    let responses: Vec<Vec<(&'static str, String)>> = vec![
        vec![("cache-control", format!("max-age={huge}"))],
        vec![("cache-control", "max-age=18446744073709551615".into()), ("age", huge.into())],
        vec![("cache-control", format!("max-age=1, stale-while-revalidate={huge}"))],
        vec![("cache-control", format!("max-age=1, stale-if-error={huge}"))],
        vec![("cache-control", format!("s-maxage={huge}, max-age={huge}, immutable"))],
        vec![("expires", far.into()), ("date", old.into())],
        vec![("expires", old.into()), ("date", far.into()), ("age", "4294967296".into())],
        vec![("last-modified", old.into()), ("date", far.into())],
        vec![("last-modified", far.into()), ("date", old.into())],
        vec![("cache-control", "max-age=100".into()), ("content-length", u64::MAX.to_string())],
    ];
    let requests: Vec<Vec<(&str, String)>> = vec![
        vec![],
        vec![("cache-control", format!("max-stale={huge}"))],
        vec![("cache-control", format!("min-fresh={huge}, max-age={huge}"))],
        vec![("cache-control", format!("stale-if-error={huge}"))],
        vec![("range", format!("bytes={huge}-"))],
        vec![("range", "bytes=18446744073709551615-18446744073709551615".into())],
        vec![("range", format!("bytes=-{huge}"))],
    ];
    for (i, headers) in responses.iter().enumerate() {
        let (cache, clock) = cache_with_clock(MIB);
        let headers = headers.clone();
        let origin = Origin::new(move |_, n| {
            if n % 3 == 2 {
                return Reply::Fail;
            }
            let hs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            ok(200, &hs, "body")
        });
        let url = format!("http://o.test/{i}");
        for step in [0, 1, 3600, 100 * 365 * 86_400] {
            clock.advance(Duration::from_secs(step));
            for r in &requests {
                let hs: Vec<(&str, &str)> = r.iter().map(|(n, v)| (*n, v.as_str())).collect();
                // Errors are fine (the scripted origin fails every third call);
                // panics are not.
                let _ = cache.fetch(get_with(&url, &hs), origin.clone()).await;
            }
        }
    }
}

/// Two misses for one URL in flight at once: both clients get a whole body, and
/// the store ends with one entry whose size is counted once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_for_one_key_leave_one_consistent_entry() {
    let cache = HttpCache::in_memory(MIB);
    let origin = Origin::new(|_, n| {
        ok(200, &[("cache-control", "max-age=100")], &format!("{n}").repeat(10_000))
    });
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let gated = Arc::new(Gated { inner: origin.clone(), barrier });
    let run = |cache: HttpCache, up: Arc<Gated>| async move {
        let response = cache.fetch(get(URL), up).await.unwrap();
        http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes()
    };
    let (a, b) = tokio::join!(
        tokio::spawn(run(cache.clone(), gated.clone())),
        tokio::spawn(run(cache.clone(), gated.clone()))
    );
    for body in [a.unwrap(), b.unwrap()] {
        assert_eq!(body.len(), 10_000);
        assert!(body.iter().all(|&c| c == body[0]));
    }
    let size = cache.size();
    let hit = fetch(&cache, get(URL), &origin).await;
    assert_eq!((hit.cache, hit.body.len()), (CacheStatus::Hit, 10_000));
    assert!(size > 10_000 && size < 20_000, "{size}");
    cache.clear().await.unwrap();
    assert_eq!(cache.size(), 0);
}

/// An upstream that holds every request until two are in flight.
struct Gated {
    inner: Arc<Origin>,
    barrier: Arc<tokio::sync::Barrier>,
}

impl sessionkit_http_cache::Upstream for Gated {
    async fn send(
        &self,
        request: Request<Bytes>,
    ) -> Result<http::Response<sessionkit_http_cache::Body>, sessionkit_http_cache::BoxError> {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.barrier.wait()).await;
        self.inner.send(request).await
    }
}

#[cfg(feature = "sled")]
mod disk {
    use super::*;
    use sessionkit_http_cache::{DiskOptions, ManualClock};

    /// Chromium's eviction score ties (entries used within the same second) must
    /// not evict the entry just written ahead of older ones.
    #[tokio::test]
    async fn eviction_never_drops_the_entry_just_written_on_a_score_tie() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let cache = HttpCache::builder()
            .clock(clock.clone())
            .open(dir.path(), DiskOptions::default().max_bytes(100_000))
            .unwrap();
        // Distinct bodies: identical ones would share one content-addressed file.
        let origin = Origin::new(|_, n| {
            ok(200, &[("cache-control", "max-age=100")], &format!("{n:04}").repeat(2_250))
        });
        for i in 0..10 {
            fetch(&cache, get(&format!("http://o.test/b{i}")), &origin).await;
        }
        // Written last, named first: a key-order tie-break would evict it.
        fetch(&cache, get("http://o.test/a-last"), &origin).await;
        assert!(cache.size() <= 95_000, "{}", cache.size());
        let got = fetch(&cache, get("http://o.test/a-last"), &origin).await;
        assert_eq!(got.cache, CacheStatus::Hit);
        let got = fetch(&cache, get("http://o.test/b0"), &origin).await;
        assert_eq!(got.cache, CacheStatus::Miss);
    }

    /// Two concurrent misses with different large bodies on disk: one entry, the
    /// size counted exactly (the same after a reopen).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_on_disk_keep_exact_accounting() {
        let dir = tempfile::tempdir().unwrap();
        let open = || HttpCache::open(dir.path(), DiskOptions::default().max_bytes(64 * MIB));
        let cache = open().unwrap();
        let origin = Origin::new(|_, n| {
            ok(200, &[("cache-control", "max-age=100")], &format!("{n}").repeat(50_000))
        });
        let gated = Arc::new(Gated {
            inner: origin.clone(),
            barrier: Arc::new(tokio::sync::Barrier::new(2)),
        });
        let (a, b) = tokio::join!(
            cache.fetch(get(URL), gated.clone()),
            cache.fetch(get(URL), gated.clone())
        );
        for r in [a.unwrap(), b.unwrap()] {
            let body = http_body_util::BodyExt::collect(r.into_body()).await.unwrap().to_bytes();
            assert_eq!(body.len(), 50_000);
        }
        let size = cache.size();
        drop(cache);
        let reopened = open().unwrap();
        assert_eq!(reopened.size(), size);
        let hit = fetch(&reopened, get(URL), &origin).await;
        assert_eq!((hit.cache, hit.body.len()), (CacheStatus::Hit, 50_000));
        assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }
}

/// cache-tests `status-*-fresh` (Chrome reuses them): a final response of any
/// status with explicit freshness is stored and reused while fresh, and never
/// once stale (`status-*-stale`, required).
#[tokio::test]
async fn any_final_status_with_explicit_freshness_is_reused_while_fresh() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|req, _| {
        let status = req.uri().path().trim_start_matches('/').parse().unwrap();
        ok(status, &[("cache-control", "max-age=100")], "s")
    });
    let codes = [299, 400, 499, 500, 502, 503, 504, 599];
    for status in codes {
        let url = format!("http://o.test/{status}");
        fetch(&cache, get(&url), &origin).await;
        let got = fetch(&cache, get(&url), &origin).await;
        assert_eq!((got.cache, got.status), (CacheStatus::Hit, status), "{status}");
    }
    clock.advance(Duration::from_secs(200));
    for status in codes {
        let got = fetch(&cache, get(&format!("http://o.test/{status}")), &origin).await;
        assert_eq!(got.cache, CacheStatus::Miss, "{status}");
    }
    // Without explicit freshness they are not heuristically fresh.
    let lm = format_http_date(start() - Duration::from_secs(100_000));
    let origin = Origin::new(move |_, _| ok(500, &[("last-modified", &lm)], "e"));
    fetch(&cache, get("http://o.test/lm"), &origin).await;
    assert_eq!(fetch(&cache, get("http://o.test/lm"), &origin).await.cache, CacheStatus::Miss);
}

/// Chromium persists cache entries without `Set-Cookie` (`PERSIST_SANS_COOKIES`);
/// with `store_set_cookie(false)` the network's answer carries its cookies and a
/// hit never replays them (private and shared rules alike). The default keeps the
/// origin's lines, as the issue asks.
#[tokio::test]
async fn set_cookie_is_not_stored_when_asked_like_chromium() {
    for shared in [false, true] {
        let clock = sessionkit_http_cache::ManualClock::new(start());
        let cache = HttpCache::builder()
            .clock(clock.clone())
            .shared(shared)
            .store_set_cookie(false)
            .in_memory(MIB);
        let origin = Origin::new(|_, n| match n {
            0 => ok(
                200,
                &[("cache-control", "max-age=10"), ("etag", "\"e\""), ("set-cookie", "sid=1")],
                "b",
            ),
            _ => ok(304, &[("set-cookie", "sid=2"), ("set-cookie2", "x=1")], ""),
        });
        let miss = fetch(&cache, get(URL), &origin).await;
        assert_eq!(miss.headers["set-cookie"], "sid=1");
        let hit = fetch(&cache, get(URL), &origin).await;
        assert_eq!(hit.cache, CacheStatus::Hit);
        assert!(hit.headers.get("set-cookie").is_none(), "shared={shared}");
        clock.advance(Duration::from_secs(20));
        let reval = fetch(&cache, get(URL), &origin).await;
        assert_eq!(reval.cache, CacheStatus::Revalidated);
        let hit = fetch(&cache, get(URL), &origin).await;
        assert_eq!(hit.cache, CacheStatus::Hit);
        assert!(
            hit.headers.get("set-cookie").is_none() && hit.headers.get("set-cookie2").is_none()
        );
    }
    let (cache, _clock) = cache_with_clock(MIB);
    let origin =
        Origin::new(|_, _| ok(200, &[("cache-control", "max-age=10"), ("set-cookie", "a=1")], ""));
    fetch(&cache, get(URL), &origin).await;
    assert_eq!(fetch(&cache, get(URL), &origin).await.headers["set-cookie"], "a=1");
}

/// RFC 9111 §5.2.2.3 (cache-tests `status-599-must-understand`, required): with
/// `must-understand`, a response whose status the cache does not understand is
/// not stored, explicit freshness or not.
#[tokio::test]
async fn must_understand_with_an_unknown_status_is_not_stored() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, _| {
        ok(599, &[("cache-control", "max-age=100, must-understand, no-store")], "")
    });
    fetch(&cache, get(URL), &origin).await;
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Miss);
    let expires = format_http_date(start() + Duration::from_secs(100));
    let origin = Origin::new(move |_, _| {
        ok(599, &[("cache-control", "must-understand"), ("expires", &expires)], "")
    });
    fetch(&cache, get("http://o.test/mu"), &origin).await;
    assert_eq!(fetch(&cache, get("http://o.test/mu"), &origin).await.cache, CacheStatus::Miss);
}

/// An authentication challenge is answered by the network layer each time; even
/// with `max-age` it is not replayed from the cache.
#[tokio::test]
async fn challenges_are_not_reused() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, _| {
        ok(401, &[("cache-control", "max-age=100"), ("www-authenticate", "Basic realm=x")], "")
    });
    fetch(&cache, get(URL), &origin).await;
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Miss);
}

/// A maximum of `u64::MAX` (no limit) is a valid option, not an overflow.
#[cfg(feature = "sled")]
#[tokio::test]
async fn unlimited_disk_cache_does_not_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let cache = HttpCache::open(
        dir.path(),
        sessionkit_http_cache::DiskOptions::default().max_bytes(u64::MAX),
    )
    .unwrap();
    let origin = Origin::new(|_, n| ok(200, &[("cache-control", "max-age=100")], &format!("{n}")));
    for i in 0..3 {
        fetch(&cache, get(&format!("http://o.test/{i}")), &origin).await;
    }
    assert_eq!(fetch(&cache, get("http://o.test/0"), &origin).await.cache, CacheStatus::Hit);
}

/// RFC 9111 §5.2.1.7: a request's `Cache-Control: only-if-cached` is answered
/// from a stored response that satisfies the request, or fails; the origin is
/// never contacted.
#[tokio::test]
async fn request_only_if_cached_directive_never_reaches_the_origin() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, _| ok(200, &[("cache-control", "max-age=10")], "b"));
    let oic = |url: &str| get_with(url, &[("cache-control", "only-if-cached")]);
    let err = cache.fetch(oic(URL), origin.clone()).await.unwrap_err();
    assert!(matches!(err, sessionkit_http_cache::Error::OnlyIfCachedMiss { .. }));
    assert_eq!(origin.calls(), 0);
    fetch(&cache, get(URL), &origin).await;
    assert_eq!(fetch(&cache, oic(URL), &origin).await.cache, CacheStatus::Hit);
    clock.advance(Duration::from_secs(60));
    assert!(cache.fetch(oic(URL), origin.clone()).await.is_err());
    let stale_ok = get_with(URL, &[("cache-control", "only-if-cached, max-stale")]);
    assert_eq!(fetch(&cache, stale_ok, &origin).await.cache, CacheStatus::Hit);
    assert_eq!(origin.calls(), 1);
}

/// A stale entry whose body file disappears while its revalidation is in flight
/// (evicted or cleared meanwhile): the 304 cannot be served from the vanished
/// body, so the client gets the origin's full answer, never an I/O error.
#[cfg(feature = "sled")]
#[tokio::test]
async fn body_vanishing_during_revalidation_falls_back_to_the_network() {
    struct ClearingOrigin {
        cache: std::sync::OnceLock<HttpCache>,
        origin: Arc<Origin>,
    }
    impl sessionkit_http_cache::Upstream for ClearingOrigin {
        async fn send(
            &self,
            request: Request<Bytes>,
        ) -> Result<http::Response<sessionkit_http_cache::Body>, sessionkit_http_cache::BoxError>
        {
            if request.headers().contains_key("if-none-match") {
                self.cache.get().unwrap().clear().await.unwrap();
            }
            self.origin.send(request).await
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let clock = sessionkit_http_cache::ManualClock::new(start());
    let cache = HttpCache::builder()
        .clock(clock.clone())
        .open(dir.path(), sessionkit_http_cache::DiskOptions::default().max_bytes(64 * MIB))
        .unwrap();
    let big = "b".repeat(20_000);
    let origin = Origin::new(move |req, _| {
        if req.headers().contains_key("if-none-match") {
            ok(304, &[("cache-control", "max-age=1")], "")
        } else {
            ok(200, &[("cache-control", "max-age=1"), ("etag", "\"e\"")], &big)
        }
    });
    let upstream = Arc::new(ClearingOrigin { cache: std::sync::OnceLock::new(), origin });
    upstream.cache.set(cache.clone()).ok();
    let first = cache.fetch(get(URL), upstream.clone()).await.unwrap();
    drop(http_body_util::BodyExt::collect(first.into_body()).await.unwrap());
    clock.advance(Duration::from_secs(10));
    let got = cache.fetch(get(URL), upstream.clone()).await.unwrap();
    let body = http_body_util::BodyExt::collect(got.into_body()).await.unwrap().to_bytes();
    assert_eq!(body.len(), 20_000);
}

/// Opening a cache directory another handle holds fails before touching it: the
/// running cache's in-flight bodies in `tmp/` stay.
#[cfg(feature = "sled")]
#[tokio::test]
async fn a_second_open_of_a_cache_in_use_leaves_its_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let options = || sessionkit_http_cache::DiskOptions::default().max_bytes(64 * MIB);
    let running = HttpCache::open(dir.path(), options()).unwrap();
    let in_flight = dir.path().join("tmp").join("in-flight");
    std::fs::write(&in_flight, b"half a body").unwrap();
    assert!(HttpCache::open(dir.path(), options()).is_err());
    assert!(in_flight.exists(), "the second open swept the running cache's tmp/");
    drop(running);
}

/// Fetch's `no-cache` mode and a request's `no-cache` (RFC 9111 §5.2.1.4) use
/// nothing stored without the origin's word: `stale-if-error` does not stand in
/// for a failed validation there (it still does in default mode).
#[tokio::test]
async fn no_cache_requests_never_get_stale_if_error() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| match n {
        0 => {
            ok(200, &[("cache-control", "max-age=10, stale-if-error=3600"), ("etag", "\"e\"")], "b")
        }
        _ => Reply::Fail,
    });
    fetch(&cache, get(URL), &origin).await;
    let mode = get(URL).with_mode(sessionkit_http_cache::CacheMode::NoCache);
    assert!(cache.fetch(mode, origin.clone()).await.is_err());
    clock.advance(Duration::from_secs(20));
    for headers in [
        [("cache-control", "no-cache")],
        [("pragma", "no-cache")],
        [("cache-control", "max-age=0")],
    ] {
        assert!(cache.fetch(get_with(URL, &headers), origin.clone()).await.is_err(), "{headers:?}");
    }
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::StaleIfError);
}

/// RFC 8246: `immutable` says a fresh response need not be revalidated; it does
/// not lengthen freshness (Chromium uses it only to skip revalidation on reload).
/// `http-cache-semantics` gives it a 24 h minimum lifetime by default.
#[tokio::test]
async fn immutable_does_not_extend_freshness() {
    let (cache, clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| {
        ok(200, &[("cache-control", "max-age=10, immutable")], &format!("v{n}"))
    });
    fetch(&cache, get(URL), &origin).await;
    clock.advance(Duration::from_secs(5));
    assert_eq!(fetch(&cache, get(URL), &origin).await.cache, CacheStatus::Hit);
    clock.advance(Duration::from_secs(60));
    let got = fetch(&cache, get(URL), &origin).await;
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Miss, "v1"));
}

/// Chromium's private cache holds a 300, 301, 308 or 410 without explicit
/// freshness fresh forever (`GetFreshnessLifetimes`: "implicitly fresh"); a 302
/// or a 301 with `no-cache` is not; shared (proxy) rules keep RFC 9111's.
#[tokio::test]
async fn permanent_redirects_and_gone_are_implicitly_fresh_in_a_private_cache() {
    let origin = Origin::new(|req, _| {
        let path = req.uri().path().trim_start_matches('/').to_owned();
        let (status, no_cache) = match path.split_once('-') {
            Some((s, _)) => (s.parse().unwrap(), true),
            None => (path.parse().unwrap(), false),
        };
        let mut headers = vec![("location", "/elsewhere")];
        if no_cache {
            headers.push(("cache-control", "no-cache"));
        }
        ok(status, &headers, "")
    });
    let (cache, clock) = cache_with_clock(MIB);
    for path in ["300", "301", "308", "410", "302", "301-nc"] {
        fetch(&cache, get(&format!("http://o.test/{path}")), &origin).await;
    }
    clock.advance(Duration::from_secs(400 * 86_400));
    for (path, cached) in [
        ("300", true),
        ("301", true),
        ("308", true),
        ("410", true),
        ("302", false),
        ("301-nc", false),
    ] {
        let got = fetch(&cache, get(&format!("http://o.test/{path}")), &origin).await;
        assert_eq!(got.cache == CacheStatus::Hit, cached, "{path}");
    }
    let shared = HttpCache::builder().shared(true).in_memory(MIB);
    fetch(&shared, get("http://o.test/301"), &origin).await;
    assert_eq!(fetch(&shared, get("http://o.test/301"), &origin).await.cache, CacheStatus::Miss);
}

/// RFC 9111 §5.2.2.8/§5.2.2.10: for a shared cache `proxy-revalidate` and
/// `s-maxage` forbid stale use (no `stale-if-error`, no `stale-while-revalidate`,
/// no `max-stale`); a private cache ignores both directives.
#[tokio::test]
async fn proxy_revalidate_and_s_maxage_bind_only_shared_caches() {
    for (cc, shared, stale_ok) in [
        ("max-age=1, proxy-revalidate, stale-if-error=600", true, false),
        ("max-age=1, proxy-revalidate, stale-if-error=600", false, true),
        ("s-maxage=1, stale-if-error=600", true, false),
    ] {
        let clock = sessionkit_http_cache::ManualClock::new(start());
        let cache = HttpCache::builder().clock(clock.clone()).shared(shared).in_memory(MIB);
        let origin = Origin::new(move |_, n| match n {
            0 => ok(200, &[("cache-control", cc), ("etag", "\"e\"")], "b"),
            _ => Reply::Fail,
        });
        fetch(&cache, get(URL), &origin).await;
        clock.advance(Duration::from_secs(10));
        let got = cache.fetch(get(URL), origin.clone()).await;
        assert_eq!(got.is_ok(), stale_ok, "{cc} shared={shared}");
        let max_stale = get_with(URL, &[("cache-control", "max-stale")]);
        let got = cache.fetch(max_stale, origin.clone()).await;
        assert_eq!(got.is_ok(), stale_ok, "max-stale: {cc} shared={shared}");
    }
}

/// Fetch `no-store` neither reads nor writes: a fresh stored response is not
/// used, and the network's answer does not replace it.
#[tokio::test]
async fn no_store_mode_neither_reads_nor_writes() {
    let (cache, _clock) = cache_with_clock(MIB);
    let origin = Origin::new(|_, n| ok(200, &[("cache-control", "max-age=100")], &format!("v{n}")));
    fetch(&cache, get(URL), &origin).await;
    let size = cache.size();
    let got =
        fetch(&cache, get(URL).with_mode(sessionkit_http_cache::CacheMode::NoStore), &origin).await;
    assert_eq!((got.cache, got.body.as_str()), (CacheStatus::Bypass, "v1"));
    assert_eq!(cache.size(), size);
    let hit = fetch(&cache, get(URL), &origin).await;
    assert_eq!((hit.cache, hit.body.as_str()), (CacheStatus::Hit, "v0"));
}
