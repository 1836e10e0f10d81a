//! An in-test origin that scripts responses and counts calls.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

#[cfg(feature = "sled")]
pub mod index;
pub mod trickle;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use sessionkit_http_cache::{
    Body, BoxError, CacheMode, CacheRequest, CacheStatus, HttpCache, ManualClock, Upstream,
};

/// What the origin does for one call.
pub enum Reply {
    Ok(u16, Vec<(&'static str, String)>, Vec<u8>),
    Fail,
}

pub fn ok(status: u16, headers: &[(&'static str, &str)], body: &str) -> Reply {
    Reply::Ok(
        status,
        headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect(),
        body.as_bytes().to_vec(),
    )
}

type Script = dyn Fn(&Request<Bytes>, usize) -> Reply + Send + Sync;

/// Answers with the script; `calls` counts requests, `seen` keeps them.
pub struct Origin {
    script: Box<Script>,
    pub calls: AtomicUsize,
    pub seen: Mutex<Vec<Request<Bytes>>>,
}

impl Origin {
    pub fn new(
        script: impl Fn(&Request<Bytes>, usize) -> Reply + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Self {
            script: Box::new(script),
            calls: AtomicUsize::new(0),
            seen: Mutex::default(),
        })
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The `n`th request (0-based) the origin received.
    pub fn request(&self, n: usize) -> Request<Bytes> {
        let seen = self.seen.lock().unwrap();
        let r = &seen[n];
        let mut copy = Request::new(r.body().clone());
        *copy.method_mut() = r.method().clone();
        *copy.uri_mut() = r.uri().clone();
        *copy.headers_mut() = r.headers().clone();
        copy
    }
}

impl Upstream for Origin {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Body>, BoxError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let reply = (self.script)(&request, n);
        self.seen.lock().unwrap().push(request);
        match reply {
            Reply::Fail => Err("connection refused".into()),
            Reply::Ok(status, headers, body) => {
                let mut b = Response::builder().status(status);
                for (name, value) in headers {
                    b = b.header(name, value);
                }
                Ok(b.body(Full::new(Bytes::from(body)).map_err(|e| match e {}).boxed())?)
            }
        }
    }
}

pub const T0: u64 = 1_700_000_000;

pub fn start() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0)
}

/// `Date` for the clock's current time.
pub fn date(clock: &ManualClock) -> String {
    use sessionkit_http_cache::Clock;
    sessionkit_http_cache::format_http_date(clock.now())
}

pub fn cache_with_clock(max: u64) -> (HttpCache, ManualClock) {
    let clock = ManualClock::new(start());
    (HttpCache::builder().clock(clock.clone()).in_memory(max), clock)
}

pub fn get(url: &str) -> CacheRequest {
    CacheRequest::new(Request::get(url).body(Bytes::new()).unwrap())
}

pub fn get_with(url: &str, headers: &[(&str, &str)]) -> CacheRequest {
    let mut b = Request::get(url);
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    CacheRequest::new(b.body(Bytes::new()).unwrap())
}

pub fn with_mode(r: CacheRequest, mode: CacheMode) -> CacheRequest {
    r.with_mode(mode)
}

pub struct Got {
    pub status: u16,
    pub cache: CacheStatus,
    pub headers: http::HeaderMap,
    pub body: String,
}

pub async fn fetch(cache: &HttpCache, req: CacheRequest, origin: &Arc<Origin>) -> Got {
    let response = cache.fetch(req, origin.clone()).await.unwrap();
    let cache_status = *response.extensions().get::<CacheStatus>().unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Got { status, cache: cache_status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}
