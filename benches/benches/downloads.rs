//! Downloads: 1 GiB from a loopback server to a file and to a sink, ours beside
//! curl (when installed) and beside a bare reqwest stream, in the same run.
//!
//! Not criterion: one sample is a whole gigabyte, so the cases run in a few
//! interleaved rounds (`DL_BENCH_RUNS`, default 5, after one warm-up round) and
//! each case's median is kept. `DL_BENCH_BYTES` changes
//! the size (default 1 GiB). The server runs on its own thread and runtime and
//! serves the same bytes to every client (a 4 MiB random block repeated), with
//! `Content-Length`, a strong `ETag` and `Accept-Ranges`, closing after each
//! response. Files go to a temporary directory and are deleted after each run.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::cast_precision_loss)]

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sessionkit_downloads::transport::ReqwestTransport;
use sessionkit_downloads::{
    DownloadManager, DownloadRequest, ExternalState, FileStore, ManagerConfig,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BLOCK: usize = 4 << 20;

fn block() -> Bytes {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(BLOCK);
    while out.len() < BLOCK {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    Bytes::from(out)
}

fn start_server(total: u64) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let data = block();
            loop {
                let Ok((mut s, _)) = listener.accept().await else { continue };
                let data = data.clone();
                tokio::spawn(async move {
                    let _ = s.set_nodelay(true);
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match s.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let header = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {total}\r\nContent-Type: application/octet-stream\r\nETag: \"bench\"\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n"
                    );
                    if s.write_all(header.as_bytes()).await.is_err() {
                        return;
                    }
                    let mut left = total;
                    while left > 0 {
                        let n = usize::try_from(left.min(BLOCK as u64)).unwrap();
                        if s.write_all(&data[..n]).await.is_err() {
                            return;
                        }
                        left -= n as u64;
                    }
                    let _ = s.shutdown().await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn reqwest_sink(url: &str) -> u64 {
    let mut resp = client().get(url).send().await.unwrap();
    let mut n = 0u64;
    while let Some(chunk) = resp.chunk().await.unwrap() {
        n += chunk.len() as u64;
    }
    n
}

async fn reqwest_file(url: &str, path: &Path) -> u64 {
    let mut resp = client().get(url).send().await.unwrap();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut n = 0u64;
    while let Some(chunk) = resp.chunk().await.unwrap() {
        out.write_all(&chunk).unwrap();
        n += chunk.len() as u64;
    }
    out.flush().unwrap();
    n
}

async fn ours(m: &DownloadManager, request: DownloadRequest) -> u64 {
    let item = m.download(request).unwrap();
    assert_eq!(item.wait_done().await, ExternalState::Completed);
    item.received_bytes()
}

fn main() {
    let total: u64 =
        std::env::var("DL_BENCH_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(1 << 30);
    let runs: usize = std::env::var("DL_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let addr = start_server(total);
    let url = format!("http://{addr}/big.bin");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.bin");
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let curl = Command::new("curl").arg("--version").output().is_ok_and(|o| o.status.success());

    let plain = rt.block_on(async {
        DownloadManager::new(ReqwestTransport::new(client()), ManagerConfig::new(dir.path()))
            .unwrap()
    });
    let recorded = rt.block_on(async {
        let store = Arc::new(FileStore::new(dir.path().join("records")).unwrap());
        DownloadManager::with_store(
            ReqwestTransport::new(client()),
            ManagerConfig::new(dir.path()),
            store,
        )
        .unwrap()
    });

    type Case<'a> = (&'a str, Box<dyn Fn() -> u64 + 'a>);
    let mut cases: Vec<Case<'_>> = Vec::new();
    if curl {
        cases.push((
            "curl -> sink",
            Box::new(|| {
                let ok =
                    Command::new("curl").args(["-s", "-o", "/dev/null", &url]).status().unwrap();
                assert!(ok.success());
                total
            }),
        ));
        cases.push((
            "curl -> file",
            Box::new(|| {
                let ok =
                    Command::new("curl").args(["-s", "-o"]).arg(&out).arg(&url).status().unwrap();
                assert!(ok.success());
                std::fs::metadata(&out).unwrap().len()
            }),
        ));
    }
    cases.push(("reqwest stream -> sink", Box::new(|| rt.block_on(reqwest_sink(&url)))));
    cases.push((
        "reqwest stream -> file (1 MiB BufWriter)",
        Box::new(|| rt.block_on(reqwest_file(&url, &out))),
    ));
    cases.push((
        "ours -> sink",
        Box::new(|| {
            rt.block_on(ours(&plain, DownloadRequest::new(url.parse().unwrap()).discard()))
        }),
    ));
    cases.push((
        "ours -> file",
        Box::new(|| {
            rt.block_on(ours(&plain, DownloadRequest::new(url.parse().unwrap()).save_path(&out)))
        }),
    ));
    cases.push((
        "ours -> file, records + synced checkpoints",
        Box::new(|| {
            rt.block_on(ours(&recorded, DownloadRequest::new(url.parse().unwrap()).save_path(&out)))
        }),
    ));

    println!(
        "downloads: {} MiB from 127.0.0.1, median of {runs} interleaved rounds (after one warm-up round)",
        total >> 20
    );
    // Rounds interleave the cases, so a burst of load on the machine hits all
    // of them rather than one.
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for round in 0..=runs {
        for (i, (name, run)) in cases.iter().enumerate() {
            let _ = std::fs::remove_file(&out);
            let t = Instant::now();
            let n = run();
            let elapsed = t.elapsed();
            assert_eq!(n, total, "{name}: wrong length");
            if round > 0 {
                times[i].push(elapsed);
            }
        }
    }
    let mut medians = std::collections::HashMap::new();
    for ((name, _), times) in cases.iter().zip(&times) {
        let m = median(times.clone());
        let mib_s = (total as f64 / (1 << 20) as f64) / m.as_secs_f64();
        let all: Vec<String> = times.iter().map(|t| format!("{:.3}", t.as_secs_f64())).collect();
        println!(
            "{name:<45} {:>7.3} s {mib_s:>8.0} MiB/s   runs {}",
            m.as_secs_f64(),
            all.join(", ")
        );
        medians.insert(*name, m);
    }
    let ratio = |a: &str, b: &str| {
        medians.get(a).zip(medians.get(b)).map(|(a, b)| b.as_secs_f64() / a.as_secs_f64())
    };
    println!();
    if let Some(r) = ratio("ours -> file", "curl -> file") {
        println!("ours -> file vs curl -> file: {r:.2}x curl's speed (target >= 1.00)");
    }
    if let Some(r) = ratio("ours -> sink", "reqwest stream -> sink") {
        println!(
            "ours -> sink vs bare reqwest -> sink: {:.0}% of its speed (target >= 90%)",
            r * 100.0
        );
    }
    if let Some(r) = ratio("ours -> sink", "curl -> sink") {
        println!("ours -> sink vs curl -> sink: {r:.2}x curl's speed");
    }
    if let Some(r) = ratio("ours -> file, records + synced checkpoints", "ours -> file") {
        println!("records + checkpoints: {:.0}% of plain file speed", r * 100.0);
    }
}
