//! The cache as a reverse proxy, for running the HTTP caching test suite
//! (cache-tests) against it: listens on `LISTEN` (default 127.0.0.1:8090) and
//! forwards every request to `ORIGIN` (default 127.0.0.1:8000) through the cache,
//! with a `reqwest::Client` (no redirects, no decompression) as the network.
//! `SHARED=1` applies shared-cache rules; `DISK=<dir>` uses the disk store.
//!
//! ```sh
//! cargo run -p sessionkit-http-cache --example reverse_proxy --features reqwest,sled
//! ```
#![allow(clippy::print_stderr, reason = "a command-line example reports on stderr")]

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sessionkit_http_cache::{Body, BoxError, CacheRequest, HttpCache};

async fn handle(
    request: http::Request<Incoming>,
    cache: HttpCache,
    upstream: Arc<reqwest::Client>,
    origin: Arc<str>,
) -> Result<http::Response<Body>, Infallible> {
    let (mut parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) => return Ok(error(http::StatusCode::BAD_REQUEST, &e.to_string())),
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    parts.uri = match format!("http://{origin}{path}").parse() {
        Ok(uri) => uri,
        Err(e) => return Ok(error(http::StatusCode::BAD_REQUEST, &e.to_string())),
    };
    // reqwest writes Host from the URI.
    parts.headers.remove(http::header::HOST);
    let request = http::Request::from_parts(parts, body);
    Ok(match cache.fetch(CacheRequest::new(request), upstream).await {
        Ok(response) => response,
        Err(e) => error(http::StatusCode::BAD_GATEWAY, &e.to_string()),
    })
}

fn error(status: http::StatusCode, text: &str) -> http::Response<Body> {
    let body = Full::new(Bytes::from(text.to_owned())).map_err(|e| match e {}).boxed();
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    response
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:8090".into());
    let origin: Arc<str> =
        std::env::var("ORIGIN").unwrap_or_else(|_| "127.0.0.1:8000".into()).into();
    let shared = std::env::var("SHARED").is_ok_and(|v| v == "1");
    let builder = HttpCache::builder().shared(shared);
    let cache = match std::env::var_os("DISK") {
        Some(dir) => builder.open(std::path::Path::new(&dir), Default::default())?,
        None => builder.in_memory(sessionkit_http_cache::default_memory_capacity()),
    };
    let upstream = Arc::new(
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?,
    );
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    eprintln!("caching reverse proxy on {listen} for {origin} (shared: {shared})");
    loop {
        let (socket, _) = listener.accept().await?;
        let (cache, upstream, origin) = (cache.clone(), upstream.clone(), origin.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                handle(request, cache.clone(), upstream.clone(), origin.clone())
            });
            if let Err(e) =
                http1::Builder::new().serve_connection(TokioIo::new(socket), service).await
            {
                eprintln!("connection: {e}");
            }
        });
    }
}
