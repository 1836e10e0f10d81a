//! A process killed while it writes bodies leaves a cache that serves only whole
//! entries after restart, with exact size accounting.
#![cfg(feature = "sled")]
// Helpers outside #[test] functions panic on failure like the tests do.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use http_body_util::BodyExt;
use sessionkit_http_cache::{CacheMode, DiskOptions, HttpCache};

const CHILD_ENV: &str = "SESSIONKIT_HTTP_CACHE_KILL_CHILD_DIR";
const MARKER: &str = "WRITING-BODIES";
const URLS: usize = 4000;

/// Body of URL `i`: its length and bytes are a function of `i`, so a torn or mixed-up
/// body cannot pass for whole.
fn body(i: usize) -> Vec<u8> {
    let len = 3000 + (i * 7919) % 60_000;
    (0..len).map(|j| (i.wrapping_mul(31) ^ j.wrapping_mul(7)) as u8).collect()
}

fn open(dir: &Path) -> HttpCache {
    HttpCache::open(dir, DiskOptions::default().max_bytes(1 << 30)).unwrap()
}

/// The child: runs only when the parent re-executes this test binary with `CHILD_ENV`.
#[test]
fn child_writes_bodies_until_killed() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    runtime.block_on(async move {
        let cache = open(Path::new(&dir));
        let origin = Origin::new(|req, _| {
            let i: usize = req.uri().path()[1..].parse().unwrap();
            Reply::Ok(200, vec![("cache-control", "max-age=100000".into())], body(i))
        });
        // Four writers at once, so the kill lands amid renames and index batches.
        let mut tasks = Vec::new();
        for w in 0..4 {
            let (cache, origin) = (cache.clone(), origin.clone());
            tasks.push(tokio::spawn(async move {
                for i in (w..URLS).step_by(4) {
                    let r = cache.fetch(get(&format!("http://o.test/{i}")), origin.clone()).await;
                    let got = r.unwrap().into_body().collect().await.unwrap().to_bytes();
                    assert!(got == body(i));
                    if i == 40 {
                        println!("{MARKER}");
                    }
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        // Every body written before the parent got to kill: keep going until killed.
        loop {
            std::thread::sleep(Duration::from_secs(60));
        }
    });
}

#[tokio::test]
async fn killed_writer_leaves_only_whole_entries() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child_writes_bodies_until_killed", "--exact", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let saw_marker =
        BufReader::new(stdout).lines().map_while(Result::ok).any(|l| l.ends_with(MARKER));
    // Let it write a while longer, then SIGKILL: no destructor, no flush.
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(saw_marker, "the child exited before writing: {status}");

    let cache = open(dir.path());
    let origin = Origin::new(|_, _| Reply::Fail);
    let mut served = 0;
    for i in 0..URLS {
        let req = with_mode(get(&format!("http://o.test/{i}")), CacheMode::OnlyIfCached);
        if let Ok(response) = cache.fetch(req, origin.clone()).await {
            let got = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(got.len(), body(i).len(), "entry {i} is whole");
            assert!(got == body(i), "entry {i} has its own bytes");
            served += 1;
        }
    }
    assert_eq!(origin.calls(), 0);
    assert!(served > 0, "something survived");
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0,
        "temporary files swept"
    );
    let size = cache.size();
    drop(cache);
    // Exact accounting: what the index and the files add up to.
    let db = index::open_index(dir.path());
    let entries = db.open_tree("entries").unwrap();
    let index: u64 =
        entries.iter().map(|kv| kv.unwrap()).map(|(k, v)| (k.len() + v.len()) as u64).sum();
    let mut files = 0;
    for shard in std::fs::read_dir(dir.path().join("blobs")).unwrap() {
        for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            files += file.unwrap().metadata().unwrap().len();
        }
    }
    assert_eq!(size, index + files);
    eprintln!("{served} of {URLS} entries survived the kill whole; {size} bytes");
}
