//! `Session::fetch` beside a plain reqwest client on the same loopback origin.
//!
//! - `fetch/plain-reqwest`: a reqwest client (no proxy, no decompression, no
//!   redirects: what the session's own hyper-util client stack does too)
//!   fetching a small response.
//! - `fetch/session-uncached`: the same request through `Session::fetch` of an
//!   in-memory partition (default headers, cookie jar, HTTP cache lookup, proxy
//!   resolution, redirects check); the response is `no-store`, so every request
//!   goes to the origin.
//! - `fetch/session-cache-off`: the same through a `cache: false` partition, to
//!   separate the cache's share of the overhead.
//! - `fetch/session-hit`: a fresh cached response served by the session's cache.
//!
//! All read the whole 1 KiB body. The origin counts requests: the bench asserts
//! that timed hits never reached it. After the run the ratios of the medians are
//! printed.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput};
use http_body_util::BodyExt;
use sessionkit::{CacheStatus, FetchOptions, PartitionOptions, Session, Sessions};
use sessionkit_benches::estimates::median_ns;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const GROUP: &str = "fetch";
const SIZE: usize = 1024;
const PLAIN: &str = "plain-reqwest";
const UNCACHED: &str = "session-uncached";
const CACHE_OFF: &str = "session-cache-off";
const HIT: &str = "session-hit";

/// A keep-alive HTTP/1.1 origin on 127.0.0.1: `/cached` is fresh for a day,
/// anything else is `no-store`; both answer `SIZE` bytes.
async fn origin(requests: Arc<AtomicUsize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.set_nodelay(true);
            let requests = requests.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = vec![0; 16 * 1024];
                let body = vec![b'x'; SIZE];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let cached = buf.starts_with(b"GET /cached ");
                        buf.drain(..end + 4);
                        requests.fetch_add(1, Ordering::SeqCst);
                        let policy = if cached { "max-age=86400" } else { "no-store" };
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncache-control: {policy}\r\ncontent-type: application/octet-stream\r\ncontent-length: {SIZE}\r\n\r\n"
                        );
                        // One write: a head and body in two small writes
                        // would meet Nagle and delayed ACKs (40 ms each).
                        let mut response = head.into_bytes();
                        response.extend_from_slice(&body);
                        if socket.write_all(&response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// reqwest with the settings of the session's own client stack (which was
/// reqwest until it needed warm connections for `preconnect`).
fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_zstd()
        .connect_timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client")
}

async fn plain_get(client: &reqwest::Client, url: &str) -> Bytes {
    let response = client.get(url).send().await.expect("plain fetch");
    response.bytes().await.expect("plain body")
}

async fn session_get(session: &Session, url: &str) -> (Option<CacheStatus>, Bytes) {
    let request = http::Request::get(url).body(Bytes::new()).expect("request");
    let response = session.fetch(request, FetchOptions::default()).await.expect("session fetch");
    let status = response.extensions().get::<CacheStatus>().copied();
    (status, response.into_body().collect().await.expect("session body").to_bytes())
}

fn bench(c: &mut Criterion, rt: &Runtime, cases: &Cases, requests: &Arc<AtomicUsize>) {
    rt.block_on(async {
        // Warm connections and the cache; check each path does what it says.
        assert_eq!(plain_get(&cases.plain, &cases.uncached_url).await.len(), SIZE);
        let (status, body) = session_get(&cases.cached, &cases.uncached_url).await;
        assert_eq!((status, body.len()), (Some(CacheStatus::Miss), SIZE));
        let (status, _) = session_get(&cases.cache_off, &cases.uncached_url).await;
        assert_eq!(status, None);
        session_get(&cases.cached, &cases.cached_url).await;
        let (status, body) = session_get(&cases.cached, &cases.cached_url).await;
        assert_eq!((status, body.len()), (Some(CacheStatus::Hit), SIZE));
    });

    let mut group = c.benchmark_group(GROUP);
    group.throughput(Throughput::Elements(1));
    for (case, name) in NAMES.iter().enumerate() {
        let before = requests.load(Ordering::SeqCst);
        group.bench_function(BenchmarkId::new(*name, SIZE), |b| {
            b.iter(|| rt.block_on(cases.run(case)));
        });
        if *name == HIT {
            assert_eq!(requests.load(Ordering::SeqCst), before, "every timed hit stayed cached");
        }
    }
    group.finish();
}

fn interleaved(rt: &Runtime, cases: &Cases) -> [f64; 4] {
    const ROUNDS: usize = 300;
    const BATCH: usize = 25;
    let mut samples: [Vec<f64>; 4] = Default::default();
    for round in 0..ROUNDS {
        for k in 0..4 {
            let case = (round + k) % 4;
            let start = Instant::now();
            rt.block_on(async {
                for _ in 0..BATCH {
                    cases.run(case).await;
                }
            });
            samples[case].push(start.elapsed().as_secs_f64() * 1e6 / BATCH as f64);
        }
    }
    samples.map(|mut s| {
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    })
}

/// What the four benchmarks fetch, and through what.
struct Cases {
    plain: reqwest::Client,
    cached: Session,
    cache_off: Session,
    uncached_url: String,
    cached_url: String,
}

const NAMES: [&str; 4] = [PLAIN, UNCACHED, CACHE_OFF, HIT];

impl Cases {
    async fn run(&self, case: usize) -> usize {
        match case {
            0 => plain_get(&self.plain, &self.uncached_url).await.len(),
            1 => session_get(&self.cached, &self.uncached_url).await.1.len(),
            2 => session_get(&self.cache_off, &self.uncached_url).await.1.len(),
            _ => session_get(&self.cached, &self.cached_url).await.1.len(),
        }
    }
}

fn print_interleaved(medians: [f64; 4]) {
    let plain = medians[0];
    println!("interleaved batches (median µs per request):");
    for (name, us) in NAMES.iter().zip(medians) {
        println!("  {name} {us:.1} µs, {:.2}x the time of {PLAIN}", us / plain);
    }
}

fn print_ratios() {
    let median = |name| median_ns(GROUP, name, SIZE);
    let Some(plain) = median(PLAIN) else { return };
    println!("fetch ({SIZE} B): {PLAIN} {:.1} µs ({:.0} req/s)", plain / 1e3, 1e9 / plain);
    for name in [UNCACHED, CACHE_OFF] {
        if let Some(ours) = median(name) {
            println!(
                "fetch ({SIZE} B): {name} {:.1} µs ({:.0} req/s), {:+.1}% time against {PLAIN}",
                ours / 1e3,
                1e9 / ours,
                (ours / plain - 1.0) * 100.0
            );
        }
    }
    if let Some(hit) = median(HIT) {
        println!(
            "fetch ({SIZE} B): {HIT} {:.1} µs ({:.0} req/s), {:.2}x as fast as {PLAIN}",
            hit / 1e3,
            1e9 / hit,
            plain / hit
        );
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
    let dir = tempfile::tempdir().expect("temporary directory");
    let sessions = Sessions::new(dir.path()).expect("sessions");
    let cases = Cases {
        plain: plain_client(),
        cached: sessions.from_partition("bench", PartitionOptions::default()).expect("session"),
        cache_off: sessions
            .from_partition("bench-cache-off", PartitionOptions::new().cache(false))
            .expect("session"),
        uncached_url: format!("{base}/uncached"),
        cached_url: format!("{base}/cached"),
    };
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &rt, &cases, &requests);
    criterion.final_summary();
    // Not after `cargo bench -- --test` (a smoke run: the figures on disk
    // would be an older run's).
    if std::env::args().all(|a| a != "--test") {
        print_ratios();
        if median_ns(GROUP, PLAIN, SIZE).is_some() {
            print_interleaved(interleaved(&rt, &cases));
        }
    }
}
