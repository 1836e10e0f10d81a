//! A store whose every write fails, and what the cache answers with it: a
//! failing store never fails a request the network answered.

use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use http_body_util::{BodyExt, Full};

use super::{BodySink, SinkOutput, Store, Variant};
use crate::record::StoredResponse;
use crate::{Body, BoxError, CacheRequest, CacheStatus, Error, HttpCache, Upstream};

fn broken() -> Error {
    Error::Io(std::io::Error::other("disk on fire"))
}

/// Where the store fails: at creating a sink, at writing to one, or only at
/// finishing it (its commits, updates and removals fail in every case).
#[derive(Clone, Copy)]
enum Failing {
    Sink,
    Write,
    Commit,
}

struct FailingStore(Failing);

struct FailingSink;

impl BodySink for FailingSink {
    fn write(&mut self, _: &[u8]) -> Result<(), Error> {
        Err(broken())
    }
    fn len(&self) -> u64 {
        0
    }
    fn finish(self: Box<Self>) -> Result<SinkOutput, Error> {
        Err(broken())
    }
}

/// Takes every write, fails to finish.
struct UnfinishableSink(u64);

impl BodySink for UnfinishableSink {
    fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.0 += chunk.len() as u64;
        Ok(())
    }
    fn len(&self) -> u64 {
        self.0
    }
    fn finish(self: Box<Self>) -> Result<SinkOutput, Error> {
        Err(broken())
    }
}

impl Store for FailingStore {
    fn lookup(&self, _: &str) -> Result<Vec<Arc<Variant>>, Error> {
        Ok(Vec::new())
    }
    fn sink(&self) -> Result<Box<dyn BodySink>, Error> {
        match self.0 {
            Failing::Sink => Err(broken()),
            Failing::Write => Ok(Box::new(FailingSink)),
            Failing::Commit => Ok(Box::new(UnfinishableSink(0))),
        }
    }
    fn commit(
        &self,
        _: &str,
        _: StoredResponse,
        _: &HeaderMap,
        _: SinkOutput,
    ) -> Result<Arc<Variant>, Error> {
        Err(broken())
    }
    fn update(
        &self,
        _: &str,
        _: &StoredResponse,
        _: StoredResponse,
    ) -> Result<Option<Arc<Variant>>, Error> {
        Err(broken())
    }
    fn remove(&self, _: &str) -> Result<(), Error> {
        Err(broken())
    }
    fn remove_origin(&self, _: &url::Origin) -> Result<(), Error> {
        Err(broken())
    }
    fn clear(&self) -> Result<(), Error> {
        Err(broken())
    }
    fn size(&self) -> u64 {
        0
    }
    fn max_entry_size(&self) -> u64 {
        1 << 20
    }
}

/// Always the same cacheable answer, with a `Location` for invalidation.
struct Origin;

impl Upstream for Origin {
    async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        let body = Full::new(Bytes::from_static(b"0123456789")).map_err(|e| match e {}).boxed();
        Ok(http::Response::builder()
            .header("cache-control", "max-age=60")
            .header("content-length", "10")
            .header("location", "/other")
            .body(body)?)
    }
}

fn request(method: &str, range: bool) -> CacheRequest {
    let mut builder = http::Request::builder().method(method).uri("http://o.test/a");
    if range {
        builder = builder.header("range", "bytes=2-4");
    }
    CacheRequest::new(builder.body(Bytes::new()).unwrap())
}

async fn answer(cache: &HttpCache, request: CacheRequest) -> (u16, Bytes) {
    let response = cache.fetch(request, Arc::new(Origin)).await.expect("answered");
    let status = response.status().as_u16();
    (status, response.into_body().collect().await.expect("whole body").to_bytes())
}

#[tokio::test]
async fn a_failing_store_never_fails_a_request_the_network_answered() {
    for failing in [Failing::Sink, Failing::Write] {
        let cache = HttpCache::builder().build(Box::new(FailingStore(failing)));
        // Range miss: read whole before it is answered; not stored, so the
        // origin's whole answer goes out.
        assert_eq!(answer(&cache, request("GET", true)).await, (200, "0123456789".into()));
        // Streamed miss.
        assert_eq!(answer(&cache, request("GET", false)).await, (200, "0123456789".into()));
        // An unsafe method whose invalidation fails.
        assert_eq!(answer(&cache, request("POST", false)).await, (200, "0123456789".into()));
        cache.background_idle().await;
        assert!(cache.store_failures() >= 3, "{}", cache.store_failures());
    }
}

#[tokio::test]
async fn a_commit_that_fails_still_answers_the_range_from_what_was_read() {
    let cache = HttpCache::builder().build(Box::new(FailingStore(Failing::Commit)));
    assert_eq!(answer(&cache, request("GET", true)).await, (206, "234".into()));
    let streamed = cache.fetch(request("GET", false), Arc::new(Origin)).await.unwrap();
    assert_eq!(streamed.extensions().get::<CacheStatus>(), Some(&CacheStatus::Miss));
    assert_eq!(streamed.into_body().collect().await.unwrap().to_bytes(), "0123456789");
    cache.background_idle().await;
    assert_eq!(cache.store_failures(), 2);
}
