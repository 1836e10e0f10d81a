//! Network emulation in `Session::fetch`: offline, latency, throughput.

mod common;

use std::time::{Duration, Instant};

use common::{Origin, TEST_TIMEOUT, body_bytes, get, reply, session};
use sessionkit::{FetchError, FetchOptions, NetworkEmulation};
use tokio::time::timeout;

#[tokio::test]
async fn offline_fails_without_touching_the_network() {
    timeout(TEST_TIMEOUT, async {
        let origin = Origin::start(|_| reply("200 OK", &[], b"ok")).await;
        let session = session("emulation-offline");
        session.enable_network_emulation(NetworkEmulation::offline());
        let error =
            session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap_err();
        assert!(matches!(error, FetchError::InternetDisconnected { .. }), "{error:?}");
        assert_eq!(error.net_error(), "ERR_INTERNET_DISCONNECTED");
        assert_eq!(origin.connection_count(), 0);

        session.disable_network_emulation();
        assert_eq!(session.network_emulation(), None);
        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"ok");
        assert_eq!(origin.connection_count(), 1);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn latency_comes_before_the_response() {
    timeout(TEST_TIMEOUT, async {
        let origin = Origin::start(|_| reply("200 OK", &[], b"ok")).await;
        let session = session("emulation-latency");
        session
            .enable_network_emulation(NetworkEmulation::new().latency(Duration::from_millis(300)));
        let start = Instant::now();
        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(300), "{:?}", start.elapsed());
        assert_eq!(body_bytes(response).await, b"ok");
    })
    .await
    .unwrap();
}

/// Behaviour check of the shaper, with the tolerance the issue asks for:
/// 1 MiB at 256 KiB/s takes 4 s ± 25 %.
#[tokio::test]
async fn a_mebibyte_at_256_kib_per_second_takes_four_seconds() {
    timeout(TEST_TIMEOUT, async {
        let body = vec![b'x'; 1 << 20];
        let origin = Origin::start(move |_| reply("200 OK", &[], &body)).await;
        let session = session("emulation-download");
        session.enable_network_emulation(NetworkEmulation::new().download_throughput(256 * 1024));
        let start = Instant::now();
        let response =
            session.fetch(get(&origin.url("/big")), FetchOptions::default()).await.unwrap();
        let bytes = body_bytes(response).await;
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(bytes.len(), 1 << 20);
        eprintln!("1 MiB at 256 KiB/s: {elapsed:.2} s");
        assert!((3.0..=5.0).contains(&elapsed), "{elapsed:.2} s");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn upload_throughput_shapes_the_request_body() {
    timeout(TEST_TIMEOUT, async {
        let origin =
            Origin::start(|seen| reply("200 OK", &[], seen.body.len().to_string().as_bytes()))
                .await;
        let session = session("emulation-upload");
        session.enable_network_emulation(NetworkEmulation::new().upload_throughput(64 * 1024));
        let request = http::Request::post(origin.url("/up"))
            .body(bytes::Bytes::from(vec![1u8; 64 * 1024]))
            .unwrap();
        let start = Instant::now();
        let response = session.fetch(request, FetchOptions::default()).await.unwrap();
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(body_bytes(response).await, b"65536");
        // One second's worth, less the tenth of a second the bucket starts with.
        assert!((0.7..=1.5).contains(&elapsed), "{elapsed:.2} s");
    })
    .await
    .unwrap();
}
