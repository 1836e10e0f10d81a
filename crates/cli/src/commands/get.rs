//! `sessionkit get`: one request through the session's pipeline.

use std::io::{self, Write};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, header};
use http_body_util::BodyExt;
use sessionkit::{Body, CacheMode, FetchOptions, NetworkEmulation};

use crate::args::{GetArgs, GlobalArgs};
use crate::commands::get_output::Output;
use crate::commands::net::{apply_proxy, fetch_failure, open_session, runtime};
use crate::commands::signals::Signals;
use crate::failure::Failure;
use crate::output::WriteError;

/// How long `get` waits, after the body, for the cache's background
/// refreshes (see [`sessionkit::Session::cache_idle`]).
const CACHE_IDLE_LIMIT: Duration = Duration::from_secs(10);

/// Fetches `args.url` and writes the response.
pub(crate) fn run(global: &GlobalArgs, args: &GetArgs) -> Result<(), WriteError> {
    let request = build_request(args)?;
    let cache = args.cache_mode.parse::<CacheMode>().map_err(|_| {
        Failure::bad_input(format!(
            "--cache-mode {:?}: expected default, no-store, reload, no-cache, force-cache or only-if-cached",
            args.cache_mode
        ))
    })?;
    let session = open_session(global)?;
    apply_proxy(&session, args.proxy_rules.as_deref(), args.proxy_bypass.as_deref())?;
    if let Some(conditions) = emulation(args) {
        session.enable_network_emulation(conditions);
    }
    // Dropped on failure, which removes a `-o` file's temporary file.
    let mut out = Output::open(args.output.as_deref())?;

    let rt = runtime(1)?;
    let result = rt.block_on(async {
        let exchange = async {
            let response = session
                .fetch(request, FetchOptions::new().cache(cache))
                .await
                .map_err(|e| WriteError::Failed(fetch_failure(&e)))?;
            tracing::info!(status = %response.status(), "response");
            if args.include {
                write_head(&mut out, &response)?;
            }
            write_body(&mut out, response.into_body(), &args.url).await
        };
        let Some(file) = &args.output else { return exchange.await };
        // With -o, Ctrl-C (or SIGTERM) ends the run through the failure
        // path, so the temporary file is removed and FILE stays as it was;
        // without -o the signal's default action is kept.
        let mut signals = Signals::install();
        tokio::select! {
            result = exchange => result,
            name = signals.recv() => Err(WriteError::Failed(Failure::failed(format!(
                "interrupted by {name}; {} left as it was",
                file.display()
            )))),
        }
    });
    // FILE is in place as soon as the body is whole, before the wait below.
    let committed = result.and_then(|()| out.commit().map_err(write_error));
    if committed.is_ok() {
        // A stale-while-revalidate hit starts a refresh in the background;
        // the runtime ends with this run, so the refresh gets a bounded
        // time to be stored for the next run.
        rt.block_on(async {
            if tokio::time::timeout(CACHE_IDLE_LIMIT, session.cache_idle()).await.is_err() {
                tracing::warn!("a background cache refresh was still running; it is abandoned");
            }
        });
    }
    // The cookies the responses set are written now, failure or not.
    let flushed = session.cookies().and_then(|cookies| cookies.flush());
    committed?;
    Ok(flushed?)
}

fn build_request(args: &GetArgs) -> Result<http::Request<Bytes>, Failure> {
    let method = match (&args.method, &args.data) {
        (Some(method), _) => Method::from_bytes(method.as_bytes())
            .map_err(|_| Failure::bad_input(format!("-X {method:?} is not an HTTP method")))?,
        (None, Some(_)) => Method::POST,
        (None, None) => Method::GET,
    };
    let mut request = http::Request::new(Bytes::from(args.data.clone().unwrap_or_default()));
    *request.method_mut() = method;
    *request.uri_mut() = args
        .url
        .parse()
        .map_err(|e| Failure::bad_input(format!("invalid URL {:?}: {e}", args.url)))?;
    let headers = request.headers_mut();
    for line in &args.headers {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Failure::bad_input(format!("-H {line:?}: expected 'Name: value'")))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| Failure::bad_input(format!("-H {line:?}: invalid header name")))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| Failure::bad_input(format!("-H {line:?}: invalid header value")))?;
        headers.append(name, value);
    }
    if args.data.is_some() && !headers.contains_key(header::CONTENT_TYPE) {
        // What curl sends with --data.
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
    }
    Ok(request)
}

fn emulation(args: &GetArgs) -> Option<NetworkEmulation> {
    let asked = args.offline
        || args.latency.is_some()
        || args.download_throughput.is_some()
        || args.upload_throughput.is_some();
    asked.then(|| {
        NetworkEmulation::new()
            .with_offline(args.offline)
            .latency(Duration::from_millis(args.latency.unwrap_or(0)))
            .download_throughput(args.download_throughput.unwrap_or(0))
            .upload_throughput(args.upload_throughput.unwrap_or(0))
    })
}

/// `HTTP/1.1 200 OK`, the headers as received, a blank line (curl -i).
fn write_head(out: &mut dyn Write, response: &http::Response<Body>) -> Result<(), WriteError> {
    let status = response.status();
    let mut head = format!(
        "{:?} {} {}\r\n",
        response.version(),
        status.as_str(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in response.headers() {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    out.write_all(&head).map_err(write_error)
}

async fn write_body(out: &mut dyn Write, mut body: Body, url: &str) -> Result<(), WriteError> {
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            let mut root: &dyn std::error::Error = &*e;
            while let Some(next) = root.source() {
                root = next;
            }
            Failure::failed(format!("reading the body of {url}: {root}"))
        })?;
        if let Ok(data) = frame.into_data() {
            out.write_all(&data).map_err(write_error)?;
        }
    }
    Ok(())
}

fn write_error(e: io::Error) -> WriteError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        WriteError::Closed
    } else {
        WriteError::Failed(Failure::failed(format!("cannot write the body: {e}")))
    }
}
