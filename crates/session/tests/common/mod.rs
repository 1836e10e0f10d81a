//! Loopback servers and proxies for the fetch tests: a small HTTP/1.1
//! origin, a SOCKS5 proxy, an HTTP proxy (absolute-form and CONNECT) and a
//! port nobody listens on. Every one runs on 127.0.0.1 with an ephemeral
//! port and records what it saw.

#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset
#![allow(clippy::unwrap_used)] // test scaffolding: a failure should panic

pub mod tls;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every test is bounded by this.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A request as the origin read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// The first value of `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The path of the target (origin-form or absolute-form).
    pub fn path(&self) -> String {
        match self.target.find("://") {
            Some(i) => {
                let rest = &self.target[i + 3..];
                rest.find('/').map_or_else(|| "/".to_owned(), |j| rest[j..].to_owned())
            }
            None => self.target.clone(),
        }
    }
}

/// What the origin answers: raw bytes written as they are, then the
/// connection is closed.
pub type Handler = Arc<dyn Fn(&Seen) -> Vec<u8> + Send + Sync>;

/// A response with `Content-Length` and `Connection: close`.
pub fn reply(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A loopback HTTP/1.1 origin.
pub struct Origin {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Origin {
    pub async fn start(handler: impl Fn(&Seen) -> Vec<u8> + Send + Sync + 'static) -> Self {
        let handler: Handler = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (c, s) = (connections.clone(), seen.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let (handler, seen) = (handler.clone(), s.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else { return };
                    seen.lock().unwrap().push(request.clone());
                    let _ = stream.write_all(&handler(&request)).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self { addr, connections, seen }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn connection_count(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads one request head and its `Content-Length` body.
pub async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Seen> {
    let head = read_head(stream).await?;
    let text = String::from_utf8_lossy(&head.0).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = head.1;
    while body.len() < length {
        let mut buf = [0u8; 8192];
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some(Seen { method, target, headers, body })
}

/// The bytes up to the blank line, and whatever was read after it.
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = data.split_off(end + 4);
            data.truncate(end);
            return Some((data, rest));
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
}

/// A port with nothing listening on it (bound, then closed).
pub async fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

/// A SOCKS proxy (versions 4 and 5, no authentication, CONNECT only)
/// that records the destinations it was asked for, as `host:port`.
pub struct Socks5 {
    pub addr: SocketAddr,
    pub destinations: Arc<Mutex<Vec<String>>>,
}

impl Socks5 {
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    /// A SOCKS proxy that connects every request to `target`, whatever
    /// destination it names (so tests can use names no resolver knows).
    pub async fn start_to(target: SocketAddr) -> Self {
        Self::start_with(Some(target)).await
    }

    async fn start_with(target: Option<SocketAddr>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let destinations = Arc::new(Mutex::new(Vec::new()));
        let d = destinations.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let d = d.clone();
                tokio::spawn(async move {
                    let _ = socks_session(stream, d, target).await;
                });
            }
        });
        Self { addr, destinations }
    }
}

async fn socks_session(
    mut client: TcpStream,
    seen: Arc<Mutex<Vec<String>>>,
    target: Option<SocketAddr>,
) -> std::io::Result<()> {
    let version = client.read_u8().await?;
    let (host, port) = if version == 4 {
        // VN CD DSTPORT DSTIP USERID NUL
        let _command = client.read_u8().await?;
        let port = client.read_u16().await?;
        let mut ip = [0u8; 4];
        client.read_exact(&mut ip).await?;
        while client.read_u8().await? != 0 {}
        (std::net::Ipv4Addr::from(ip).to_string(), port)
    } else {
        let methods = client.read_u8().await?;
        let mut skip = vec![0u8; usize::from(methods)];
        client.read_exact(&mut skip).await?;
        client.write_all(&[5, 0]).await?;
        let mut request = [0u8; 4];
        client.read_exact(&mut request).await?;
        let host = match request[3] {
            1 => {
                let mut ip = [0u8; 4];
                client.read_exact(&mut ip).await?;
                std::net::Ipv4Addr::from(ip).to_string()
            }
            3 => {
                let len = client.read_u8().await?;
                let mut name = vec![0u8; usize::from(len)];
                client.read_exact(&mut name).await?;
                String::from_utf8_lossy(&name).into_owned()
            }
            _ => return Ok(()),
        };
        (host, client.read_u16().await?)
    };
    seen.lock().unwrap().push(format!("{host}:{port}"));
    let mut upstream = match target {
        Some(target) => TcpStream::connect(target).await?,
        None => TcpStream::connect((host.as_str(), port)).await?,
    };
    if version == 4 {
        client.write_all(&[0, 0x5a, 0, 0, 0, 0, 0, 0]).await?;
    } else {
        client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    }
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// An HTTP proxy: absolute-form requests are forwarded (one per
/// connection), `CONNECT` opens a tunnel. Records each request line.
pub struct HttpProxy {
    pub addr: SocketAddr,
    pub lines: Arc<Mutex<Vec<String>>>,
    /// Connections accepted.
    pub accepted: Arc<AtomicUsize>,
}

impl HttpProxy {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let accepted = Arc::new(AtomicUsize::new(0));
        let (l, a) = (lines.clone(), accepted.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                let l = l.clone();
                tokio::spawn(async move {
                    let _ = proxy_session(stream, l).await;
                });
            }
        });
        Self { addr, lines, accepted }
    }
}

async fn proxy_session(
    mut client: TcpStream,
    lines: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let Some((head, rest)) = read_head(&mut client).await else { return Ok(()) };
    let text = String::from_utf8_lossy(&head).into_owned();
    let first = text.lines().next().unwrap_or_default().to_owned();
    lines.lock().unwrap().push(first.clone());
    let mut parts = first.split(' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    if method == "CONNECT" {
        let mut upstream = TcpStream::connect(target).await?;
        client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n").await?;
        upstream.write_all(&rest).await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
        return Ok(());
    }
    // Absolute-form: connect to the authority, send the request on in
    // origin-form with the same headers and body.
    let after = target.split_once("://").map_or(target, |(_, r)| r);
    let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut upstream = TcpStream::connect(authority).await?;
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for line in text.split("\r\n").skip(1) {
        if !line.to_ascii_lowercase().starts_with("proxy-connection") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    upstream.write_all(out.as_bytes()).await?;
    upstream.write_all(&rest).await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// A plain TCP server that keeps the first bytes each connection sends
/// (to see a TLS ClientHello come through a tunnel), then closes it.
pub struct Sink {
    pub addr: SocketAddr,
    pub first_bytes: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Sink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let first_bytes = Arc::new(Mutex::new(Vec::new()));
        let f = first_bytes.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buf = [0u8; 16];
                if let Ok(n) = stream.read(&mut buf).await {
                    f.lock().unwrap().push(buf[..n].to_vec());
                }
            }
        });
        Self { addr, first_bytes }
    }
}

/// A fresh in-memory session of its own.
pub fn session(name: &str) -> sessionkit::Session {
    session_with(name, sessionkit::PartitionOptions::default())
}

/// [`session`] with options (e.g. `cache: false`).
pub fn session_with(name: &str, options: sessionkit::PartitionOptions) -> sessionkit::Session {
    let dir = std::env::temp_dir().join("sessionkit-fetch-tests");
    sessionkit::Sessions::new(dir)
        .unwrap()
        .from_partition(&format!("{name}-{}", std::process::id()), options)
        .unwrap()
}

/// A GET request for `url`.
pub fn get(url: &str) -> http::Request<bytes::Bytes> {
    http::Request::get(url).body(bytes::Bytes::new()).unwrap()
}

/// Reads a response body to the end.
pub async fn body_bytes(response: http::Response<sessionkit::Body>) -> Vec<u8> {
    use http_body_util::BodyExt;
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// A listener that accepts and hangs up at once, counting connections: a
/// SOCKS proxy whose handshake always fails.
pub async fn hang_up_proxy() -> (u16, Arc<AtomicUsize>) {
    let (addr, count) = serve(|stream, _| async move { drop(stream) }).await;
    (addr.port(), count)
}

/// A loopback TCP server: each connection it accepts is counted, then
/// handed to `handler` on a task of its own with its 0-based order.
/// Returns the bound address and the count.
pub async fn serve<F, Fut>(handler: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream, usize) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let order = count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handler(stream, order));
        }
    });
    (addr, accepted)
}

/// Answers each request read from `stream` with `answer(request)`, keeping
/// the connection alive, until the client stops or a write fails.
pub async fn answer_each<S>(stream: &mut S, answer: impl Fn(&Seen) -> Vec<u8>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    while let Some(request) = read_request(stream).await {
        if stream.write_all(&answer(&request)).await.is_err() {
            return;
        }
    }
}

/// Fixed proxy rules; the bypass rules subtract the implicit loopback
/// bypass, or a request to 127.0.0.1 would never use a proxy.
pub fn fixed_proxies(rules: &str) -> sessionkit::ProxyConfig {
    sessionkit::ProxyConfig::fixed_servers(
        sessionkit::ProxyRules::parse(rules).expect("rules"),
        sessionkit::BypassRules::parse("<-loopback>").expect("bypass"),
    )
}
