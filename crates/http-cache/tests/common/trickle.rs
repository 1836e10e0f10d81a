//! An origin whose body the test writes chunk by chunk.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::sync::Arc;

use bytes::Bytes;
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use sessionkit_http_cache::{Body, BoxError, CacheRequest, Upstream};
use tokio::sync::mpsc;

pub const URL: &str = "http://origin.test/stream";

pub type Chunk = Result<Frame<Bytes>, BoxError>;

/// An origin whose body the test writes chunk by chunk: each call hands the
/// test the sender of its body.
pub struct Trickle {
    bodies: mpsc::UnboundedSender<mpsc::Sender<Chunk>>,
    length: Option<u64>,
    status: u16,
}

impl Upstream for Trickle {
    async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        let (tx, rx) = mpsc::channel::<Chunk>(8);
        self.bodies.send(tx)?;
        let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        });
        let mut response = http::Response::builder().status(self.status);
        response = if self.status == 200 {
            response.header("cache-control", "max-age=600")
        } else {
            // A permanent redirect: fresh without explicit freshness in a
            // private cache, as in Chromium.
            response.header("location", "/elsewhere")
        };
        if let Some(length) = self.length {
            response = response.header("content-length", length);
        }
        Ok(response.body(BodyExt::boxed(StreamBody::new(chunks)))?)
    }
}

pub type Calls = mpsc::UnboundedReceiver<mpsc::Sender<Chunk>>;

pub fn origin(length: Option<u64>) -> (Arc<Trickle>, Calls) {
    origin_with(200, length)
}

pub fn origin_with(status: u16, length: Option<u64>) -> (Arc<Trickle>, Calls) {
    let (bodies, calls) = mpsc::unbounded_channel();
    (Arc::new(Trickle { bodies, length, status }), calls)
}

pub fn get() -> CacheRequest {
    CacheRequest::new(http::Request::get(URL).body(Bytes::new()).unwrap())
}

pub fn data(text: &'static str) -> Chunk {
    Ok(Frame::data(Bytes::from_static(text.as_bytes())))
}
