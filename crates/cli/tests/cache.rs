//! `sessionkit cache size|clear`, and `get` filling the cache between runs.

// The loopback origin is test scaffolding outside #[test] functions: a
// failure there should panic the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{code, loopback, run, stderr, stdout};

/// A loopback origin answering every request with a cacheable body naming
/// the request's number; returns its base URL and the request count.
fn origin() -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let addr = loopback(move |_, stream| {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let body = format!("response {n}");
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    (format!("http://{addr}"), count)
}

fn size(data: &std::path::Path, partition: &str) -> u64 {
    let output = run(data, &["--partition", partition, "cache", "size"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output).trim().parse().unwrap()
}

#[test]
fn get_fills_the_cache_size_counts_it_and_clear_empties_it() {
    let dir = tempfile::tempdir().unwrap();
    let (base, count) = origin();
    let url = format!("{base}/page");
    assert_eq!(size(dir.path(), "persist:c"), 0);

    let first = run(dir.path(), &["--partition", "persist:c", "get", &url]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert_eq!(stdout(&first), "response 1");
    let filled = size(dir.path(), "persist:c");
    assert!(filled > 10, "{filled}");

    // A second run is served from the partition's disk cache.
    let second = run(dir.path(), &["--partition", "persist:c", "get", &url]);
    assert_eq!(stdout(&second), "response 1");
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let cleared = run(dir.path(), &["--partition", "persist:c", "cache", "clear"]);
    assert_eq!(code(&cleared), 0, "{}", stderr(&cleared));
    assert!(stdout(&cleared).is_empty());
    assert_eq!(size(dir.path(), "persist:c"), 0);
    let third = run(dir.path(), &["--partition", "persist:c", "get", &url]);
    assert_eq!(stdout(&third), "response 2");
}

#[test]
fn an_in_memory_partition_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(size(dir.path(), "scratch"), 0);
    let output = run(dir.path(), &["--partition", "scratch", "cache", "clear"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}
