//! Memory of the two cookie stores holding the same 3,000 cookies over 300
//! sites: bytes still allocated after filling an empty store, counted by a
//! global allocator wrapper (stats_alloc). Run with
//! `cargo bench -p sessionkit-benches --bench cookie_memory`.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::alloc::System;
use std::hint::black_box;

use cookie_store::CookieStore;
use sessionkit_benches::cookies::{SITES, STORED, stored_cookies};
use sessionkit_cookie_jar::{CookieContext, CookieJar};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use url::Url;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes held at the end of `f` by what it returns (allocated minus freed,
/// reallocation growth included), and the value itself.
fn retained<T>(f: impl FnOnce() -> T) -> (T, isize) {
    let region = Region::new(GLOBAL);
    let value = f();
    let change = region.change();
    let bytes = isize::try_from(change.bytes_allocated).unwrap_or(isize::MAX)
        - isize::try_from(change.bytes_deallocated).unwrap_or(isize::MAX)
        + change.bytes_reallocated;
    (value, bytes)
}

fn main() {
    // Inputs are built and parsed before any counting starts.
    let input = stored_cookies(STORED, SITES);
    let responses: Vec<(Url, &str)> = input
        .iter()
        .map(|(url, header)| (Url::parse(url).expect("generated URL"), header.as_str()))
        .collect();
    let ctx = CookieContext::same_site().top_level_navigation(true);

    let (ours, ours_bytes) = retained(|| {
        let jar = CookieJar::new();
        for (url, header) in &responses {
            let _ = jar.set_cookie(url, header, &ctx);
        }
        jar
    });
    let (peer, peer_bytes) = retained(|| {
        let mut store = CookieStore::default();
        for (url, header) in &responses {
            let _ = store.parse(header, url);
        }
        store
    });
    assert_eq!(ours.len(), STORED);
    assert_eq!(peer.iter_unexpired().count(), STORED);
    black_box((&ours, &peer));

    let per = |bytes: isize| bytes as f64 / STORED as f64;
    println!(
        "memory for {STORED} cookies over {SITES} sites: sessionkit {ours_bytes} B ({:.0} B/cookie), \
         cookie_store {peer_bytes} B ({:.0} B/cookie), sessionkit uses {:.2}x the peer's memory",
        per(ours_bytes),
        per(peer_bytes),
        ours_bytes as f64 / peer_bytes as f64
    );
}
