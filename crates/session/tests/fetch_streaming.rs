//! The response body streams, and dropping a fetch abandons it cleanly.

mod common;

use std::time::Duration;

use common::{Origin, TEST_TIMEOUT, body_bytes, get, reply, session, session_with};
use http_body_util::BodyExt;
use sessionkit::{FetchOptions, PartitionOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::time::timeout;

#[tokio::test]
async fn the_head_arrives_before_the_body_is_sent() {
    timeout(TEST_TIMEOUT, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (go, wait) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await.unwrap();
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst").await.unwrap();
            wait.await.unwrap();
            stream.write_all(b"-last").await.unwrap();
        });
        // The response is storable: the HTTP cache streams it to the client
        // while it stores it.
        let session = session_with("streaming", PartitionOptions::new());
        let response =
            session.fetch(get(&format!("http://{addr}/")), FetchOptions::default()).await.unwrap();
        let mut body = response.into_body();
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(&first[..], b"first");
        go.send(()).unwrap();
        let rest = body.collect().await.unwrap().to_bytes();
        assert_eq!(&rest[..], b"-last");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_dropped_fetch_leaves_the_session_usable() {
    timeout(TEST_TIMEOUT, async {
        // A server that accepts and never answers.
        let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let silent_addr = silent.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = silent.accept().await {
                held.push(stream);
            }
        });
        let origin = Origin::start(|_| reply("200 OK", &[("Set-Cookie", "k=v")], b"ok")).await;
        let session = session("cancel");
        let hanging =
            session.fetch(get(&format!("http://{silent_addr}/")), FetchOptions::default());
        assert!(timeout(Duration::from_millis(200), hanging).await.is_err());

        let response = session.fetch(get(&origin.url("/")), FetchOptions::default()).await.unwrap();
        assert_eq!(body_bytes(response).await, b"ok");
        assert_eq!(session.cookies().unwrap().len(), 1);
    })
    .await
    .unwrap();
}
