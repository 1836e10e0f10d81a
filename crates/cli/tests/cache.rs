//! `sessionkit cache size|clear`, and `get` filling the cache between runs.

// The loopback origin is test scaffolding outside #[test] functions: a
// failure there should panic the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::{code, run, stderr, stdout};

/// A loopback origin answering every request with a cacheable body naming
/// the request's number; returns its base URL and the request count.
fn origin() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
                    break;
                }
            }
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let body = format!("response {n}");
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (base, count)
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
