//! A scriptable loopback HTTP/1.1 server and a hyper-based transport for the
//! download tests. Every test starts its own server on 127.0.0.1.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use sessionkit_downloads::{Body, BoxError, DownloadEvent, DownloadItem, ExternalState, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Req {
    pub path: String,
    /// Lower-case names.
    pub headers: HashMap<String, String>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A file the server serves.
#[derive(Clone, Debug)]
pub struct File {
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub date: Option<String>,
    pub ranges: bool,
    pub content_type: String,
    pub content_disposition: Option<String>,
}

impl File {
    /// Ranges on, a strong ETag.
    pub fn strong(body: Vec<u8>, etag: &str) -> Self {
        Self {
            body,
            etag: Some(format!("\"{etag}\"")),
            last_modified: None,
            date: None,
            ranges: true,
            content_type: "application/octet-stream".into(),
            content_disposition: None,
        }
    }
}

/// A response to send.
#[derive(Clone, Debug, Default)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Close the connection after this many body bytes.
    pub cut_after: Option<usize>,
    /// Send no `Content-Length`: the body ends when the connection closes.
    pub no_length: bool,
}

type Hook = Arc<dyn Fn(&Req, usize) -> Option<Resp> + Send + Sync>;

#[derive(Default)]
struct Script {
    files: HashMap<String, File>,
    /// Cut the body of the n-th request (0-based) after this many bytes.
    cuts: HashMap<usize, usize>,
    /// Cut every body after this many bytes.
    cut_all: Option<usize>,
    /// Bytes per second for bodies (None: as fast as possible).
    throttle: Option<usize>,
    hook: Option<Hook>,
    requests: Vec<Req>,
}

#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    script: Arc<Mutex<Script>>,
}

impl Server {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(Script::default()));
        let s = script.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, s.clone()));
            }
        });
        Self { addr, script }
    }

    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).unwrap()
    }

    pub fn put(&self, path: &str, file: File) {
        self.script.lock().unwrap().files.insert(path.into(), file);
    }

    pub fn cut_request(&self, n: usize, after: usize) {
        self.script.lock().unwrap().cuts.insert(n, after);
    }

    pub fn cut_all(&self, after: Option<usize>) {
        self.script.lock().unwrap().cut_all = after;
    }

    pub fn throttle(&self, bytes_per_second: Option<usize>) {
        self.script.lock().unwrap().throttle = bytes_per_second;
    }

    /// A hook sees each request with its index and may answer instead of the
    /// file logic.
    pub fn hook(&self, hook: impl Fn(&Req, usize) -> Option<Resp> + Send + Sync + 'static) {
        self.script.lock().unwrap().hook = Some(Arc::new(hook));
    }

    pub fn requests(&self) -> Vec<Req> {
        self.script.lock().unwrap().requests.clone()
    }
}

fn file_response(file: &File, req: &Req) -> Resp {
    let len = file.body.len();
    let mut headers = vec![("Content-Type".to_owned(), file.content_type.clone())];
    for (name, value) in [
        ("ETag", &file.etag),
        ("Last-Modified", &file.last_modified),
        ("Date", &file.date),
        ("Content-Disposition", &file.content_disposition),
    ] {
        if let Some(v) = value {
            headers.push((name.to_owned(), v.clone()));
        }
    }
    let range_start = req
        .header("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| file.ranges);
    let if_range_ok = req.header("if-range").is_none_or(|v| {
        Some(v) == file.etag.as_deref() || Some(v) == file.last_modified.as_deref()
    });
    if file.ranges {
        headers.push(("Accept-Ranges".into(), "bytes".into()));
    }
    match range_start {
        Some(start) if if_range_ok && start >= len => {
            headers.push(("Content-Range".into(), format!("bytes */{len}")));
            Resp { status: 416, headers, ..Resp::default() }
        }
        Some(start) if if_range_ok => {
            headers.push(("Content-Range".into(), format!("bytes {start}-{}/{len}", len - 1)));
            Resp { status: 206, headers, body: file.body[start..].to_vec(), ..Resp::default() }
        }
        _ => Resp { status: 200, headers, body: file.body.clone(), ..Resp::default() },
    }
}

async fn serve(mut stream: TcpStream, script: Arc<Mutex<Script>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next().unwrap_or("").split(' ').nth(1).unwrap_or("/").to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let req = Req { path, headers };
    let (index, hook) = {
        let mut s = script.lock().unwrap();
        s.requests.push(req.clone());
        (s.requests.len() - 1, s.hook.clone())
    };
    // The hook runs without the lock: it may change the script.
    let hooked = hook.and_then(|h| h(&req, index));
    let (resp, throttle) = {
        let s = script.lock().unwrap();
        let mut resp = hooked.unwrap_or_else(|| match s.files.get(&req.path) {
            Some(file) => file_response(file, &req),
            None => Resp { status: 404, ..Resp::default() },
        });
        if resp.cut_after.is_none() {
            resp.cut_after = s.cuts.get(&index).copied().or(s.cut_all);
        }
        (resp, s.throttle)
    };
    let mut out = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", resp.status);
    let has_length = resp.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    for (n, v) in &resp.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    if !has_length && !resp.no_length {
        out.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    out.push_str("\r\n");
    if stream.write_all(out.as_bytes()).await.is_err() {
        return;
    }
    let body = &resp.body[..resp.cut_after.unwrap_or(usize::MAX).min(resp.body.len())];
    let step = throttle.map_or(256 * 1024, |t| (t / 20).max(1));
    for piece in body.chunks(step) {
        if stream.write_all(piece).await.is_err() {
            return;
        }
        if throttle.is_some() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let _ = stream.shutdown().await;
}

/// One connection per request with hyper's HTTP/1 client, redirects not followed.
#[derive(Clone, Copy, Debug, Default)]
pub struct HyperTransport;

impl Transport for HyperTransport {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Body>, BoxError> {
        let uri = request.uri().clone();
        let host = uri.host().ok_or("no host")?.to_owned();
        let port = uri.port_u16().unwrap_or(80);
        let stream = TcpStream::connect((host.as_str(), port)).await?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        let (mut parts, body) = request.into_parts();
        parts.uri = uri.path_and_query().map_or("/", |p| p.as_str()).parse()?;
        parts.headers.insert(http::header::HOST, format!("{host}:{port}").parse()?);
        let response =
            sender.send_request(http::Request::from_parts(parts, Full::new(body))).await?;
        Ok(response.map(|b| b.map_err(BoxError::from).boxed()))
    }
}

/// Deterministic pseudo-random bytes.
pub fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Waits (at most 30 s) for the item to be done.
pub async fn done(item: &DownloadItem) -> ExternalState {
    match tokio::time::timeout(Duration::from_secs(30), item.wait_done()).await {
        Ok(state) => state,
        Err(_) => panic!(
            "download not done in 30 s: {} {:?} {:?} received {}",
            item.internal_state(),
            item.interrupt_reason(),
            item.resume_mode(),
            item.received_bytes()
        ),
    }
}

/// Waits (at most 30 s) until `f` holds.
pub async fn until(mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(tokio::time::Instant::now() < deadline, "condition not reached in 30 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Every event received so far.
pub fn drain(rx: &mut tokio::sync::broadcast::Receiver<DownloadEvent>) -> Vec<DownloadEvent> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        out.push(e);
    }
    out
}
