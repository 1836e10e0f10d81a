//! The connector's TLS settings under a changing certificate verify proc:
//! once `set_certificate_verify_proc` has returned, no request that starts
//! afterwards is served by a connection the old proc judged, however the
//! change interleaves with requests under way.

#![allow(clippy::unwrap_used)] // a failed test should panic

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::tls::{self_signed_acceptor, trusting_session};
use common::{TEST_TIMEOUT, answer_each, body_bytes, get, read_request, serve, session_with};
use sessionkit::{CertificateVerdict, CertificateVerifyRequest, FetchError, FetchOptions};
use tokio::io::AsyncWriteExt;
use tokio::sync::Barrier;
use tokio::time::timeout;

/// A loopback HTTPS origin with a self-signed certificate for 127.0.0.1
/// that keeps connections alive (so pooled connections get reused).
async fn keep_alive_https_origin() -> std::net::SocketAddr {
    let (acceptor, _) = self_signed_acceptor();
    let (addr, _) = serve(move |stream, _| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut tls) = acceptor.accept(stream).await else { return };
            answer_each(&mut tls, |_| b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec())
                .await;
        }
    })
    .await;
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_request_started_after_a_rejecting_proc_is_set_succeeds() {
    timeout(TEST_TIMEOUT, async {
        let origin = keep_alive_https_origin().await;
        let url = format!("https://{origin}/");
        let session = trusting_session("connect-proc-swap");
        // Warm up: the proc accepts, connections get pooled.
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"ok");

        // Requesters loop while the proc changes under them; each notes
        // whether the change had returned before its request started.
        let swapped = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let violations = Arc::new(AtomicUsize::new(0));
        let after = Arc::new(AtomicUsize::new(0));
        let before = Arc::new(AtomicUsize::new(0));
        let mut workers = Vec::new();
        for _ in 0..6 {
            let (session, url) = (session.clone(), url.clone());
            let (swapped, stop) = (swapped.clone(), stop.clone());
            let (violations, after, before) = (violations.clone(), after.clone(), before.clone());
            workers.push(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let started_after = swapped.load(Ordering::SeqCst);
                    let result = session.fetch(get(&url), FetchOptions::default()).await;
                    if started_after {
                        after.fetch_add(1, Ordering::SeqCst);
                        match result {
                            Ok(_) => {
                                violations.fetch_add(1, Ordering::SeqCst);
                            }
                            Err(error) => assert!(
                                matches!(error, FetchError::CertificateInvalid { .. }),
                                "{error:?}"
                            ),
                        }
                    } else {
                        if let Ok(response) = result {
                            let _ = body_bytes(response).await;
                        }
                        before.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }));
        }
        // Let the requesters get going on pooled and new connections.
        while before.load(Ordering::SeqCst) < 50 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        session.set_certificate_verify_proc(Some(|_: &CertificateVerifyRequest| {
            CertificateVerdict::Reject
        }));
        swapped.store(true, Ordering::SeqCst);
        while after.load(Ordering::SeqCst) < 60 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        stop.store(true, Ordering::SeqCst);
        for worker in workers {
            worker.await.unwrap();
        }
        assert_eq!(violations.load(Ordering::SeqCst), 0, "requests got through after Reject");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn clearing_the_proc_goes_back_to_the_platform_verifier() {
    timeout(TEST_TIMEOUT, async {
        let origin = keep_alive_https_origin().await;
        let url = format!("https://{origin}/");
        let session = trusting_session("connect-proc-clear");
        let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"ok");

        // The pooled connection the proc accepted is closed; the platform
        // does not know the self-signed certificate.
        session.clear_certificate_verify_proc();
        let error = session.fetch(get(&url), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::CertificateInvalid { .. }), "{error:?}");
    })
    .await
    .unwrap();
}

/// A loopback HTTP/1.1 origin with keep-alive that answers a request only
/// once `batch` requests are waiting (so a batch needs `batch` connections
/// at once), counting the connections it accepted.
async fn batching_origin(batch: usize) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let barrier = Arc::new(Barrier::new(batch));
    serve(move |mut stream, _| {
        let barrier = barrier.clone();
        async move {
            while read_request(&mut stream).await.is_some() {
                barrier.wait().await;
                let head = "HTTP/1.1 200 OK\r\nCache-Control: no-store\r\n\
                            Content-Length: 2\r\n\r\nok";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    })
    .await
}

/// The pool keeps at most six idle connections per destination
/// (Chromium's per-group limit): of ten connections a burst opened, the
/// next burst of ten finds six to reuse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_keeps_six_idle_connections_per_destination() {
    const BURST: usize = 10;
    timeout(TEST_TIMEOUT, async {
        let (origin, accepted) = batching_origin(BURST).await;
        let session =
            session_with("connect-idle-cap", sessionkit::PartitionOptions::new().cache(false));
        for round in 0..2 {
            let mut requests = Vec::new();
            for i in 0..BURST {
                let (session, url) = (session.clone(), format!("http://{origin}/{round}/{i}"));
                requests.push(tokio::spawn(async move {
                    let response = session.fetch(get(&url), FetchOptions::default()).await.unwrap();
                    body_bytes(response).await
                }));
            }
            for request in requests {
                assert_eq!(request.await.unwrap(), b"ok");
            }
            // Let the connections go back to the pool.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        // Ten for the first burst, four more for the second (six reused).
        assert!(accepted.load(Ordering::SeqCst) >= 14, "{accepted:?} connections");
    })
    .await
    .unwrap();
}
