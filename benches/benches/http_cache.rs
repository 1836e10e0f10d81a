//! HTTP cache: sessionkit-http-cache beside http-cache-reqwest 1.0.0-alpha.10 on the
//! same requests, both in front of the same reqwest client and loopback origin.
//!
//! - `http_cache_hit`: one cache hit (request in, whole body out) for a 1 KiB and a
//!   100 KiB response; memory stores (ours; the peer's moka manager, sized so it
//!   never refuses an entry) and disk stores (ours: sled index + body files; the
//!   peer's cacache manager). Private-cache rules on both sides.
//! - `http_cache_store`: 1,000 distinct 100 KiB responses fetched into an empty
//!   cache (network, storage and the client reading each body), per store.
//!
//! The origin counts requests: the hit benchmarks assert that no request reached it.
//! After the run the ratio of the medians is printed.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use http_body_util::BodyExt;
use http_cache_reqwest::{
    CACacheManager, Cache, CacheManager, CacheMode, CacheOptions, HttpCache as PeerCache,
    HttpCacheOptions, MokaCache, MokaManager,
};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use sessionkit_benches::estimates::median_ns;
use sessionkit_http_cache::{CacheRequest, CacheStatus, DiskOptions, HttpCache};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const OURS_MEM: &str = "sessionkit-memory";
const PEER_MEM: &str = "http-cache-reqwest-moka";
const OURS_DISK: &str = "sessionkit-disk";
const PEER_DISK: &str = "http-cache-reqwest-cacache";
const SIZES: [usize; 2] = [1024, 100 * 1024];
const STORE_COUNT: usize = 1000;
const STORE_SIZE: usize = 100 * 1024;

/// The body for a path: distinct per path, so content addressing cannot dedup.
fn body_for(path: &str, size: usize) -> Vec<u8> {
    let seed = path.bytes().fold(7u64, |h, b| h.wrapping_mul(131).wrapping_add(u64::from(b)));
    (0..size).map(|j| (seed.wrapping_add(j as u64 * 7) >> 3) as u8).collect()
}

/// A keep-alive HTTP/1.1 origin on 127.0.0.1: `/<size>/<anything>` answers `size`
/// bytes, cacheable for a day, with an ETag.
async fn origin(requests: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let requests = requests.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = vec![0; 16 * 1024];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        buf.drain(..end + 4);
                        requests.fetch_add(1, Ordering::SeqCst);
                        let path = head.split(' ').nth(1).unwrap_or("/0/x").to_owned();
                        let size = path.split('/').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
                        let body = body_for(&path, size);
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncache-control: max-age=86400\r\netag: \"{}\"\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
                            path.len(),
                            body.len()
                        );
                        if socket.write_all(head.as_bytes()).await.is_err()
                            || socket.write_all(&body).await.is_err()
                        {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client")
}

fn peer<M: CacheManager>(manager: M) -> ClientWithMiddleware {
    ClientBuilder::new(client())
        .with(Cache(PeerCache {
            mode: CacheMode::Default,
            manager,
            options: HttpCacheOptions {
                cache_options: Some(CacheOptions { shared: false, ..CacheOptions::default() }),
                cache_status_headers: false,
                ..HttpCacheOptions::default()
            },
        }))
        .build()
}

fn moka() -> MokaManager {
    // Sized by entries so it never refuses one (the default holds 42).
    MokaManager::new(MokaCache::new(1_000_000))
}

async fn ours_get(
    cache: &HttpCache,
    upstream: &Arc<reqwest::Client>,
    url: &str,
) -> (CacheStatus, Bytes) {
    let request = http::Request::get(url).body(Bytes::new()).expect("request");
    let response = cache.fetch(CacheRequest::new(request), upstream.clone()).await.expect("fetch");
    let status = *response.extensions().get::<CacheStatus>().expect("cache status");
    (status, response.into_body().collect().await.expect("body").to_bytes())
}

async fn peer_get(client: &ClientWithMiddleware, url: &str) -> Bytes {
    client.get(url).send().await.expect("peer fetch").bytes().await.expect("peer body")
}

fn bench_hits(c: &mut Criterion, rt: &Runtime, base: &str, requests: &Arc<AtomicUsize>) {
    let upstream = Arc::new(client());
    let dir = tempfile::tempdir().expect("temporary directory");
    let ours_mem = HttpCache::in_memory(256 << 20);
    let ours_disk =
        HttpCache::open(&dir.path().join("ours"), DiskOptions::default().max_bytes(1 << 30))
            .expect("disk cache");
    let peer_mem = peer(moka());
    let peer_disk = peer(CACacheManager::new(dir.path().join("cacache"), true));

    let mut group = c.benchmark_group("http_cache_hit");
    for size in SIZES {
        let url = format!("{base}/{size}/hit");
        let want = body_for(&format!("/{size}/hit"), size);
        group.throughput(Throughput::Bytes(size as u64));
        // Warm every cache, then check each answers from its store.
        rt.block_on(async {
            for cache in [&ours_mem, &ours_disk] {
                ours_get(cache, &upstream, &url).await;
                let (status, body) = ours_get(cache, &upstream, &url).await;
                assert_eq!((status, body.as_ref()), (CacheStatus::Hit, want.as_slice()));
            }
            for client in [&peer_mem, &peer_disk] {
                peer_get(client, &url).await;
                let before = requests.load(Ordering::SeqCst);
                assert_eq!(peer_get(client, &url).await.as_ref(), want.as_slice());
                assert_eq!(requests.load(Ordering::SeqCst), before, "the peer hit its cache");
            }
        });
        let before = requests.load(Ordering::SeqCst);
        for (name, cache) in [(OURS_MEM, &ours_mem), (OURS_DISK, &ours_disk)] {
            group.bench_with_input(BenchmarkId::new(name, size), &url, |b, url| {
                b.iter(|| rt.block_on(ours_get(cache, &upstream, url)).1.len());
            });
        }
        for (name, client) in [(PEER_MEM, &peer_mem), (PEER_DISK, &peer_disk)] {
            group.bench_with_input(BenchmarkId::new(name, size), &url, |b, url| {
                b.iter(|| rt.block_on(peer_get(client, url)).len());
            });
        }
        assert_eq!(requests.load(Ordering::SeqCst), before, "every timed request was a hit");
    }
    group.finish();
}

fn bench_store(c: &mut Criterion, rt: &Runtime, base: &str) {
    let upstream = Arc::new(client());
    let round = AtomicUsize::new(0);
    // Each iteration fetches 1,000 URLs never seen before into a new, empty cache.
    let urls = |round: usize| -> Vec<String> {
        (0..STORE_COUNT).map(|i| format!("{base}/{STORE_SIZE}/r{round}-{i}")).collect()
    };
    let mut group = c.benchmark_group("http_cache_store");
    group.sample_size(10).throughput(Throughput::Bytes((STORE_COUNT * STORE_SIZE) as u64));
    group.bench_function(BenchmarkId::new(OURS_MEM, STORE_COUNT), |b| {
        b.iter_batched(
            || (HttpCache::in_memory(256 << 20), urls(round.fetch_add(1, Ordering::Relaxed))),
            |(cache, urls)| {
                rt.block_on(async {
                    for url in &urls {
                        ours_get(&cache, &upstream, url).await;
                    }
                });
                cache
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function(BenchmarkId::new(PEER_MEM, STORE_COUNT), |b| {
        b.iter_batched(
            || (peer(moka()), urls(round.fetch_add(1, Ordering::Relaxed))),
            |(client, urls)| {
                rt.block_on(async {
                    for url in &urls {
                        peer_get(&client, url).await;
                    }
                });
                client
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function(BenchmarkId::new(OURS_DISK, STORE_COUNT), |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temporary directory");
                let cache = HttpCache::open(dir.path(), DiskOptions::default().max_bytes(1 << 30))
                    .expect("disk cache");
                (dir, cache, urls(round.fetch_add(1, Ordering::Relaxed)))
            },
            |(dir, cache, urls)| {
                rt.block_on(async {
                    for url in &urls {
                        ours_get(&cache, &upstream, url).await;
                    }
                });
                (dir, cache)
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function(BenchmarkId::new(PEER_DISK, STORE_COUNT), |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temporary directory");
                let client = peer(CACacheManager::new(dir.path().to_owned(), true));
                (dir, client, urls(round.fetch_add(1, Ordering::Relaxed)))
            },
            |(dir, client, urls)| {
                rt.block_on(async {
                    for url in &urls {
                        peer_get(&client, url).await;
                    }
                });
                (dir, client)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn print_ratios() {
    for size in SIZES {
        for (ours, peer) in [(OURS_MEM, PEER_MEM), (OURS_DISK, PEER_DISK)] {
            if let (Some(o), Some(p)) =
                (median_ns("http_cache_hit", ours, size), median_ns("http_cache_hit", peer, size))
            {
                println!(
                    "http_cache_hit ({} KiB): {ours} {:.1} µs, {peer} {:.1} µs, {ours} is {:.2}x as fast",
                    size / 1024,
                    o / 1e3,
                    p / 1e3,
                    p / o
                );
            }
        }
    }
    for (ours, peer) in [(OURS_MEM, PEER_MEM), (OURS_DISK, PEER_DISK)] {
        if let (Some(o), Some(p)) = (
            median_ns("http_cache_store", ours, STORE_COUNT),
            median_ns("http_cache_store", peer, STORE_COUNT),
        ) {
            println!(
                "http_cache_store (1,000 × 100 KiB): {ours} {:.0} ms, {peer} {:.0} ms, {ours} is {:.2}x as fast",
                o / 1e6,
                p / 1e6,
                p / o
            );
        }
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let requests = Arc::new(AtomicUsize::new(0));
    let base = rt.block_on(origin(requests.clone()));
    let mut criterion = Criterion::default().configure_from_args();
    bench_hits(&mut criterion, &rt, &base, &requests);
    bench_store(&mut criterion, &rt, &base);
    criterion.final_summary();
    print_ratios();
}
