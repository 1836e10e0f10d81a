//! Bypass matching: sessionkit's compiled matcher against the NO_PROXY
//! matcher that reqwest 0.13 uses (hyper-util's `client::proxy::matcher`),
//! built from the same list and run over the same 10,000 URLs, at 10 and
//! at 1,000 rules. After the run the ratio of the two medians is printed.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use hyper_util::client::proxy::matcher::Matcher;
use sessionkit_benches::estimates::median_ns;
use sessionkit_benches::{URL_COUNT, bypass_list, urls};
use sessionkit_bypass_rules::BypassRules;

const SIZES: [usize; 2] = [10, 1_000];
const PEER: &str = "hyper-util";
const OURS: &str = "sessionkit";

fn peer_matcher(list: &str) -> Matcher {
    Matcher::builder().all("http://proxy.test:3128").no(list).build()
}

fn bench_match(c: &mut Criterion) {
    let mut group = c.benchmark_group("bypass_match");
    group.throughput(Throughput::Elements(URL_COUNT as u64));
    for n in SIZES {
        let list = bypass_list(n);
        let texts = urls(n, URL_COUNT);
        let parsed: Vec<url::Url> = texts.iter().filter_map(|u| url::Url::parse(u).ok()).collect();
        let uris: Vec<http::Uri> = texts.iter().filter_map(|u| u.parse().ok()).collect();
        assert_eq!(parsed.len(), URL_COUNT);
        assert_eq!(uris.len(), URL_COUNT);

        let ours = BypassRules::parse(&list).expect("generated list is valid").compile();
        let peer = peer_matcher(&list);

        group.bench_with_input(BenchmarkId::new(OURS, n), &parsed, |b, urls| {
            b.iter(|| urls.iter().filter(|u| ours.matches(u)).count());
        });
        group.bench_with_input(BenchmarkId::new(PEER, n), &uris, |b, uris| {
            b.iter(|| uris.iter().filter(|u| peer.intercept(u).is_none()).count());
        });
    }
    group.finish();
}

fn bench_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("bypass_build");
    for n in SIZES {
        let list = bypass_list(n);
        group.bench_with_input(BenchmarkId::new(OURS, n), &list, |b, list| {
            b.iter(|| BypassRules::parse(black_box(list)).map(|r| r.compile()));
        });
        group.bench_with_input(BenchmarkId::new(PEER, n), &list, |b, list| {
            b.iter(|| peer_matcher(black_box(list)));
        });
    }
    group.finish();
}

fn print_ratios() {
    for group in ["bypass_match", "bypass_build"] {
        for n in SIZES {
            if let (Some(ours), Some(peer)) = (median_ns(group, OURS, n), median_ns(group, PEER, n))
            {
                println!(
                    "{group}/{n} rules: {OURS} {:.1} µs, {PEER} {:.1} µs, {OURS} is {:.2}x as fast",
                    ours / 1e3,
                    peer / 1e3,
                    peer / ours
                );
            }
        }
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_match(&mut criterion);
    bench_build(&mut criterion);
    criterion.final_summary();
    print_ratios();
}
