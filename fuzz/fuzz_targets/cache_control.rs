//! HTTP cache: cache-relevant headers (Cache-Control, Age, Expires, Date, Vary,
//! validators, Range) and the policy decisions on them never panic; served bodies
//! are the origin's bytes; the size bound holds; records and HTTP-dates round-trip.
//!
//! Input: 4 control bytes (status, method and second answer, clock advance), then
//! NUL-separated request headers, response headers, 304 headers and the body;
//! header blocks are `name: value` lines. The whole input is also decoded as a
//! stored record.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use libfuzzer_sys::fuzz_target;
use sessionkit_http_cache::headers::without_hop_by_hop;
use sessionkit_http_cache::record::StoredResponse;
use sessionkit_http_cache::{
    Body, BoxError, CacheRequest, CacheStatus, Error, HttpCache, ManualClock, Upstream,
    format_http_date, parse_http_date,
};

const STATUSES: [u16; 12] = [200, 203, 204, 206, 300, 301, 304, 404, 410, 500, 503, 299];
const MAX: u64 = 64 * 1024;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_current_thread().build().expect("runtime"))
}

fn headers(block: &[u8]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in block.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            map.append(n, v);
        }
    }
    map
}

struct Origin {
    status: StatusCode,
    headers: HeaderMap,
    not_modified: HeaderMap,
    body: Bytes,
    second_fails: bool,
    calls: AtomicUsize,
}

impl Upstream for Origin {
    async fn send(&self, _: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let (status, headers, body) = match n {
            0 => (self.status, self.headers.clone(), self.body.clone()),
            _ if self.second_fails => return Err("refused".into()),
            _ => (StatusCode::NOT_MODIFIED, self.not_modified.clone(), Bytes::new()),
        };
        let mut response =
            http::Response::new(Full::new(body).map_err(|never| match never {}).boxed());
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

fuzz_target!(|data: &[u8]| {
    // Any record that decodes re-encodes to itself.
    if let Ok(record) = StoredResponse::from_bytes(data) {
        let again = StoredResponse::from_bytes(&record.to_bytes()).expect("re-encoded record");
        assert_eq!(again, record);
    }
    if let Some(t) = std::str::from_utf8(data).ok().and_then(parse_http_date) {
        assert_eq!(parse_http_date(&format_http_date(t)), Some(t));
    }
    let Some((ctl, rest)) = data.split_first_chunk::<4>() else { return };
    let mut parts = rest.split(|&b| b == 0);
    let request_headers = headers(parts.next().unwrap_or_default());
    let response_headers = headers(parts.next().unwrap_or_default());
    let not_modified = headers(parts.next().unwrap_or_default());
    let body = Bytes::copy_from_slice(parts.next().unwrap_or_default());
    let status =
        StatusCode::from_u16(STATUSES[usize::from(ctl[0]) % STATUSES.len()]).expect("status");
    let method =
        [Method::GET, Method::GET, Method::HEAD, Method::POST][usize::from(ctl[1] & 3)].clone();
    let advance = Duration::from_secs(u64::from(u16::from_be_bytes([ctl[2], ctl[3]])));

    // A record built from these headers round-trips.
    let record = StoredResponse {
        status,
        headers: without_hop_by_hop(&response_headers),
        request_method: method.clone(),
        request_uri: "https://example.test/r".into(),
        request_headers: request_headers.iter().map(|(n, v)| (n.clone(), v.clone())).collect(),
        request_time: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        response_time: UNIX_EPOCH + Duration::from_secs(1_700_000_001),
        body_len: body.len() as u64,
    };
    assert_eq!(StoredResponse::from_bytes(&record.to_bytes()).expect("record"), record);

    let origin = Arc::new(Origin {
        status,
        headers: response_headers,
        not_modified,
        body: body.clone(),
        second_fails: ctl[1] & 4 != 0,
        calls: AtomicUsize::new(0),
    });
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let cache = HttpCache::builder().clock(clock.clone()).max_variants(2).in_memory(MAX);
    let plain_get = method == Method::GET && !request_headers.contains_key(http::header::RANGE);
    let request = || {
        let mut r = http::Request::new(Bytes::new());
        *r.method_mut() = method.clone();
        *r.uri_mut() = http::Uri::from_static("https://example.test/r#f");
        *r.headers_mut() = request_headers.clone();
        CacheRequest::new(r)
    };
    runtime().block_on(async {
        let first = match cache.fetch(request(), origin.clone()).await {
            Ok(response) => response,
            // The request's own `only-if-cached` with an empty cache: the origin is never asked.
            Err(Error::OnlyIfCachedMiss { .. }) => {
                assert_eq!(origin.calls.load(Ordering::SeqCst), 0);
                return;
            }
            Err(other) => panic!("the origin answered, yet: {other}"),
        };
        assert!(first.extensions().get::<CacheStatus>().is_some());
        let first_status = first.status();
        let got = first.into_body().collect().await.map(|b| b.to_bytes());
        if plain_get && first_status == status {
            assert_eq!(got.expect("whole body"), body);
        }
        assert!(cache.size() <= MAX);
        clock.advance(advance);
        if let Ok(second) = cache.fetch(request(), origin.clone()).await {
            let hit = second.extensions().get::<CacheStatus>() == Some(&CacheStatus::Hit);
            let got = second.into_body().collect().await.map(|b| b.to_bytes());
            if hit && plain_get {
                assert_eq!(got.expect("stored body"), body);
            }
        }
        cache.background_idle().await;
        assert!(cache.size() <= MAX);
    });
});
