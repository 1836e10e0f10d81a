//! A minimal HTTP/1.1 `GET` over std's `TcpStream`: `http://` only,
//! `Connection: close`, `Content-Length`, chunked or read-to-close bodies,
//! up to five redirects, and a deadline for the whole exchange.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use url::Url;

use super::{Fetch, FetchError};

const MAX_REDIRECTS: usize = 5;
const MAX_HEADER_BYTES: usize = 64 << 10;

/// The default [`Fetch`]: plain HTTP/1.1 with std only. `https://` URLs are
/// refused with an error that says to provide a TLS-capable fetcher.
#[derive(Debug, Clone)]
pub struct HttpFetch {
    timeout: Duration,
}

impl Default for HttpFetch {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(60) }
    }
}

impl HttpFetch {
    /// A client whose every request, redirects included, must finish within
    /// `timeout` (default 60 s).
    #[must_use]
    pub fn with_timeout(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl Fetch for HttpFetch {
    fn get(&self, url: &Url, limit: usize) -> Result<Vec<u8>, FetchError> {
        let deadline = Instant::now() + self.timeout;
        let mut url = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            match get_once(&url, limit, deadline)? {
                Response::Body(body) => return Ok(body),
                Response::Redirect(location) => {
                    url = url
                        .join(&location)
                        .map_err(|e| FetchError::new(format!("bad redirect {location:?}: {e}")))?;
                }
            }
        }
        Err(FetchError::new(format!("more than {MAX_REDIRECTS} redirects")))
    }
}

enum Response {
    Body(Vec<u8>),
    Redirect(String),
}

fn get_once(url: &Url, limit: usize, deadline: Instant) -> Result<Response, FetchError> {
    if url.scheme() != "http" {
        return Err(FetchError::new(format!(
            "{}: scheme is not supported by the built-in client (http:// only); set a fetcher that speaks TLS",
            url.scheme()
        )));
    }
    let host = url.host_str().ok_or_else(|| FetchError::new("URL has no host"))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let stream = connect(host, port, deadline)?;
    let io = |e: std::io::Error| FetchError::new(format!("{host}:{port}: {e}"));
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let host_header = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or(host)),
        None => host.to_owned(),
    };
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: sessionkit-spellcheck/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let mut writer = stream.try_clone().map_err(io)?;
    writer.write_all(request.as_bytes()).map_err(io)?;
    let mut reader = Deadlined { stream, deadline };
    let mut reader = BufReader::new(&mut reader);

    let status_line = read_line(&mut reader)?;
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status: u16 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let reason = parts.next().unwrap_or_default().trim().to_owned();
    if !version.starts_with("HTTP/1.") || status < 100 {
        return Err(FetchError::new(format!("not an HTTP/1.x response: {status_line:?}")));
    }
    let mut content_length = None;
    let mut chunked = false;
    let mut location = None;
    let mut header_bytes = status_line.len();
    loop {
        let line = read_line(&mut reader)?;
        header_bytes += line.len();
        if header_bytes > MAX_HEADER_BYTES {
            return Err(FetchError::new("response headers too large"));
        }
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                content_length = Some(
                    value.parse::<usize>().map_err(|_| FetchError::new("bad Content-Length"))?,
                );
            }
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "location" => location = Some(value.to_owned()),
            _ => {}
        }
    }
    if matches!(status, 301 | 302 | 303 | 307 | 308) {
        let location =
            location.ok_or_else(|| FetchError::new(format!("HTTP {status} without Location")))?;
        return Ok(Response::Redirect(location));
    }
    if !(200..300).contains(&status) {
        return Err(FetchError::new(format!("HTTP {status} {reason}").trim_end().to_owned()));
    }
    let body = if chunked {
        read_chunked(&mut reader, limit)?
    } else if let Some(length) = content_length {
        if length > limit {
            return Err(too_large(limit));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).map_err(|e| FetchError::new(format!("body: {e}")))?;
        body
    } else {
        read_to_end_limited(&mut reader, limit)?
    };
    Ok(Response::Body(body))
}

fn connect(host: &str, port: u16, deadline: Instant) -> Result<TcpStream, FetchError> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| FetchError::new(format!("cannot resolve {host}: {e}")))?;
    let mut last = FetchError::new(format!("{host} has no address"));
    for addr in addrs {
        let Some(left) = remaining(deadline) else { break };
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = FetchError::new(format!("cannot connect to {addr}: {e}")),
        }
    }
    Err(last)
}

fn remaining(deadline: Instant) -> Option<Duration> {
    deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
}

fn too_large(limit: usize) -> FetchError {
    FetchError::new(format!("response body over the {limit}-byte limit"))
}

/// A stream whose every read waits at most until the deadline.
struct Deadlined {
    stream: TcpStream,
    deadline: Instant,
}

impl Read for Deadlined {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = remaining(self.deadline)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"))?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

fn read_line(reader: &mut impl BufRead) -> Result<String, FetchError> {
    let mut line = Vec::new();
    reader
        .take(MAX_HEADER_BYTES as u64)
        .read_until(b'\n', &mut line)
        .map_err(|e| FetchError::new(format!("reading the response: {e}")))?;
    if !line.ends_with(b"\n") {
        return Err(FetchError::new("connection closed in the response headers"));
    }
    Ok(String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_owned())
}

fn read_chunked(reader: &mut impl BufRead, limit: usize) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| FetchError::new(format!("bad chunk size {size:?}")))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(reader)?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > limit {
            return Err(too_large(limit));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|e| FetchError::new(format!("chunk: {e}")))?;
        read_line(reader)?;
    }
}

fn read_to_end_limited(reader: &mut impl Read, limit: usize) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| FetchError::new(format!("body: {e}")))?;
    if body.len() > limit {
        return Err(too_large(limit));
    }
    Ok(body)
}
