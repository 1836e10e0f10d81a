//! Cookies: sessionkit's jar against cookie_store 0.22 (with
//! `preserve_order`, the store reqwest's `cookie_store` feature uses) on the
//! same data: (a) ingest 10,000 Set-Cookie headers from 300 sites into an
//! empty store, (b) build the Cookie header for 10,000 request URLs from a
//! store holding 3,000 cookies over 300 sites. URLs are parsed beforehand
//! for both. After the run the ratio of the two medians is printed.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::fmt::Write as _;
use std::sync::Arc;

use cookie_store::CookieStore;
use criterion::{BenchmarkId, Criterion, Throughput};
use sessionkit_benches::cookies::{
    HEADERS, REQUESTS, SITES, STORED, request_urls, set_cookie_headers, stored_cookies,
};
use sessionkit_benches::estimates::median_ns;
use sessionkit_cookie_jar::{CookieContext, CookieJar, Policy, SystemClock};
use url::Url;

const PEER: &str = "cookie_store";
const OURS: &str = "sessionkit";
/// Diagnostic only: our jar with the global limit (3300) out of reach, to
/// show what the global-limit scan costs once a jar is over it.
const OURS_NO_GLOBAL_CAP: &str = "sessionkit-no-global-cap";

/// Responses as both sides receive them: a parsed URL and the header text.
fn responses(input: &[(String, String)]) -> Vec<(Url, &str)> {
    input
        .iter()
        .map(|(url, header)| (Url::parse(url).expect("generated URL"), header.as_str()))
        .collect()
}

/// The context of a browser's top-level navigation: what a plain HTTP
/// client like reqwest's cookie store assumes.
fn context() -> CookieContext {
    CookieContext::same_site().top_level_navigation(true)
}

fn ingest_ours(responses: &[(Url, &str)]) -> CookieJar {
    ingest_into(CookieJar::new(), responses)
}

fn ingest_into(jar: CookieJar, responses: &[(Url, &str)]) -> CookieJar {
    let ctx = context();
    for (url, header) in responses {
        // Rejections are part of the work; none are expected here.
        let _ = jar.set_cookie(url, header, &ctx);
    }
    jar
}

fn ingest_peer(responses: &[(Url, &str)]) -> CookieStore {
    let mut store = CookieStore::default();
    for (url, header) in responses {
        let _ = store.parse(header, url);
    }
    store
}

/// The peer's Cookie header, joined as a client writes it.
fn peer_header(store: &CookieStore, url: &Url) -> Option<String> {
    let mut header = String::new();
    for (name, value) in store.get_request_values(url) {
        if !header.is_empty() {
            header.push_str("; ");
        }
        let _ = write!(header, "{name}={value}");
    }
    (!header.is_empty()).then_some(header)
}

fn bench_ingest(c: &mut Criterion) {
    let input = set_cookie_headers(HEADERS, SITES);
    let responses = responses(&input);
    let (ours, peer) = (ingest_ours(&responses), ingest_peer(&responses));
    println!(
        "ingest: {} cookies kept by {OURS}, {} by {PEER}",
        ours.len(),
        peer.iter_unexpired().count()
    );

    let mut group = c.benchmark_group("cookie_ingest");
    group.throughput(Throughput::Elements(HEADERS as u64));
    group.bench_with_input(BenchmarkId::new(OURS, HEADERS), &responses, |b, r| {
        b.iter_with_large_drop(|| ingest_ours(r));
    });
    group.bench_with_input(BenchmarkId::new(PEER, HEADERS), &responses, |b, r| {
        b.iter_with_large_drop(|| ingest_peer(r));
    });
    let mut uncapped = Policy::default();
    uncapped.global_max = usize::MAX / 2;
    group.bench_with_input(BenchmarkId::new(OURS_NO_GLOBAL_CAP, HEADERS), &responses, |b, r| {
        b.iter_with_large_drop(|| {
            ingest_into(CookieJar::with_policy(uncapped, Arc::new(SystemClock)), r)
        });
    });
    group.finish();
}

fn bench_header(c: &mut Criterion) {
    let stored = stored_cookies(STORED, SITES);
    let stored = responses(&stored);
    let ours = ingest_ours(&stored);
    let peer = ingest_peer(&stored);
    assert_eq!(ours.len(), STORED);
    assert_eq!(peer.iter_unexpired().count(), STORED);
    let urls: Vec<Url> = request_urls(REQUESTS, SITES)
        .iter()
        .map(|u| Url::parse(u).expect("generated URL"))
        .collect();
    let ctx = context();
    let sent = |header: Option<String>| header.map_or(0, |h| h.split("; ").count());
    println!(
        "header: {} cookies sent by {OURS}, {} by {PEER} over {REQUESTS} requests",
        urls.iter().map(|u| sent(ours.cookie_header(u, &ctx))).sum::<usize>(),
        urls.iter().map(|u| sent(peer_header(&peer, u))).sum::<usize>(),
    );

    let mut group = c.benchmark_group("cookie_header");
    group.throughput(Throughput::Elements(REQUESTS as u64));
    group.bench_with_input(BenchmarkId::new(OURS, STORED), &urls, |b, urls| {
        b.iter(|| {
            urls.iter().filter_map(|u| ours.cookie_header(u, &ctx)).map(|h| h.len()).sum::<usize>()
        });
    });
    group.bench_with_input(BenchmarkId::new(PEER, STORED), &urls, |b, urls| {
        b.iter(|| {
            urls.iter().filter_map(|u| peer_header(&peer, u)).map(|h| h.len()).sum::<usize>()
        });
    });
    group.finish();
}

fn print_ratios() {
    for (group, n, what) in [
        ("cookie_ingest", HEADERS, "Set-Cookie headers ingested"),
        ("cookie_header", STORED, "Cookie headers for 10,000 URLs, cookies stored"),
    ] {
        if let (Some(ours), Some(peer)) = (median_ns(group, OURS, n), median_ns(group, PEER, n)) {
            println!(
                "{group} ({n} {what}): {OURS} {:.2} ms, {PEER} {:.2} ms, {OURS} is {:.2}x as fast",
                ours / 1e6,
                peer / 1e6,
                peer / ours
            );
        }
        if let (Some(diag), Some(peer)) =
            (median_ns(group, OURS_NO_GLOBAL_CAP, n), median_ns(group, PEER, n))
        {
            println!(
                "{group} diagnostic: {OURS_NO_GLOBAL_CAP} {:.2} ms, {:.2}x as fast as {PEER}",
                diag / 1e6,
                peer / diag
            );
        }
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_ingest(&mut criterion);
    bench_header(&mut criterion);
    criterion.final_summary();
    print_ratios();
}
