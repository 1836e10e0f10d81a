//! `sessionkit serve-proxy` with a loopback origin and a raw client.

// The loopback servers and the process guard are test scaffolding outside
// #[test] functions: a failure there should panic the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

use common::{IO_TIMEOUT, Request, loopback};

/// The proxy process, killed when dropped.
struct Proxy {
    child: Child,
    addr: SocketAddr,
    _data: tempfile::TempDir,
}

impl Proxy {
    fn start(args: &[&str]) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_sessionkit"))
            .arg("--data-dir")
            .arg(data.path())
            .args(["--partition", "proxy-test", "serve-proxy", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("SESSIONKIT_DATA_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("{line:?}"));
        Self { addr: addr.parse().unwrap(), child, _data: data }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream
    }

    /// Sends `request` on a new connection and reads until the proxy closes
    /// it (the requests say `Connection: close`).
    fn exchange(&self, request: &str) -> String {
        String::from_utf8_lossy(&self.exchange_bytes(request)).into_owned()
    }

    fn exchange_bytes(&self, request: &str) -> Vec<u8> {
        let mut stream = self.connect();
        stream.write_all(request.as_bytes()).unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        out
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Request heads the origin received.
type Seen = Arc<Mutex<Vec<String>>>;

/// A loopback origin; what it answers depends on the path. One request per
/// connection.
fn origin() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let addr = loopback(move |request, stream| answer(&request, stream, &record));
    (addr, seen)
}

fn answer(request: &Request, stream: &mut TcpStream, seen: &Seen) {
    seen.lock().unwrap().push(request.head_text());
    let path = request.path();
    let response: Vec<u8> = match path {
        "/redirect" => b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nSet-Cookie: a=1\r\nContent-Length: 0\r\n\r\n".to_vec(),
        "/gzip" => b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00".to_vec(),
        "/odd-status" => b"HTTP/1.1 599 Whatever\r\nContent-Length: 2\r\n\r\nok".to_vec(),
        "/cached" | "/uncached" => b"HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nETag: \"v1\"\r\nContent-Length: 6\r\n\r\ncached".to_vec(),
        "/early-hints" => b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal".to_vec(),
        "/odd-bytes" => b"HTTP/1.1 200 OK\r\nX-Name: caf\xe9\r\nContent-Length: 2\r\n\r\nok".to_vec(),
        "/truncated" => b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..".to_vec(),
        "/reset" => {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
        _ => {
            let body = format!("you asked for {path}");
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
        }
    };
    let _ = stream.write_all(&response);
}

fn get_via_forward(proxy: &Proxy, origin: SocketAddr, path: &str) -> String {
    proxy.exchange(&format!(
        "GET http://{origin}{path} HTTP/1.1\r\nHost: {origin}\r\nProxy-Connection: keep-alive\r\nConnection: close\r\n\r\n"
    ))
}

#[test]
fn forward_proxy_passes_requests_redirects_and_encoded_bodies() {
    let (origin, seen) = origin();
    let proxy = Proxy::start(&[]);
    let response = get_via_forward(&proxy, origin, "/hello?x=1");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.ends_with("you asked for /hello?x=1"), "{response}");
    let head = seen.lock().unwrap()[0].clone();
    assert!(head.starts_with("GET /hello?x=1 HTTP/1.1\r\n"), "{head}");
    assert!(!head.to_ascii_lowercase().contains("proxy-connection"), "{head}");

    let response = get_via_forward(&proxy, origin, "/redirect");
    assert!(response.starts_with("HTTP/1.1 302 Found\r\n"), "{response}");
    assert!(response.to_ascii_lowercase().contains("location: /elsewhere"), "{response}");
    assert_eq!(seen.lock().unwrap().len(), 2, "the redirect was not followed");

    // Cookies are off by default: the Set-Cookie reached the client, and
    // the next request carries no cookie from the proxy's jar.
    assert!(response.to_ascii_lowercase().contains("set-cookie: a=1"), "{response}");
    get_via_forward(&proxy, origin, "/after");
    assert!(!seen.lock().unwrap()[2].to_ascii_lowercase().contains("cookie:"));

    let raw = proxy.exchange_bytes(&format!(
        "GET http://{origin}/gzip HTTP/1.1\r\nHost: {origin}\r\nConnection: close\r\n\r\n"
    ));
    let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    assert!(text.contains("content-encoding: gzip"), "{text}");
    assert!(raw.ends_with(b"\r\n\r\n\x1f\x8b\x08\x00"), "{raw:?}");
}

#[test]
fn reverse_proxy_serves_one_origin_and_keeps_cookies_with_the_flag() {
    let (origin, seen) = origin();
    let proxy =
        Proxy::start(&["--upstream", &format!("http://{origin}"), "--cookies", "--shared-cache"]);
    let request = |path: &str| {
        proxy.exchange(&format!("GET {path} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n"))
    };
    let response = request("/redirect");
    assert!(response.starts_with("HTTP/1.1 302 Found\r\n"), "{response}");
    let response = request("/page");
    assert!(response.ends_with("you asked for /page"), "{response}");
    let head = seen.lock().unwrap()[1].clone();
    assert!(head.contains(&format!("host: {origin}")), "{head}");
    assert!(head.contains("cookie: a=1"), "{head}");
}

#[test]
fn connect_opens_a_tunnel() {
    let (origin, seen) = origin();
    let proxy = Proxy::start(&[]);
    let mut stream = proxy.connect();
    stream
        .write_all(format!("CONNECT {origin} HTTP/1.1\r\nHost: {origin}\r\n\r\n").as_bytes())
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
    }
    stream.write_all(b"GET /tunnelled HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    assert!(rest.ends_with("you asked for /tunnelled"), "{rest}");
    assert!(seen.lock().unwrap()[0].starts_with("GET /tunnelled "));
}

/// An HTTP proxy that only opens `CONNECT` tunnels, recording each
/// request line.
fn connect_proxy() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let addr = loopback(move |request, client| {
        let line = request.head[0].clone();
        record.lock().unwrap().push(line.clone());
        let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
        let Ok(upstream) = TcpStream::connect(&target) else {
            let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            return;
        };
        client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n").unwrap();
        client.set_read_timeout(None).unwrap();
        let (mut from_client, mut to_upstream) =
            (client.try_clone().unwrap(), upstream.try_clone().unwrap());
        let pump = thread::spawn(move || {
            let _ = std::io::copy(&mut from_client, &mut to_upstream);
            let _ = to_upstream.shutdown(Shutdown::Write);
        });
        let _ = std::io::copy(&mut &upstream, client);
        let _ = client.shutdown(Shutdown::Write);
        let _ = pump.join();
    });
    (addr, seen)
}

/// Sends `CONNECT target` and reads the proxy's answer head.
fn open_connect(proxy: &Proxy, target: &str) -> (TcpStream, BufReader<TcpStream>, String) {
    let mut stream = proxy.connect();
    stream
        .write_all(format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").as_bytes())
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    (stream, reader, head)
}

#[test]
fn connect_goes_through_the_proxy_rules() {
    let (origin, seen) = origin();
    let (upstream_proxy, lines) = connect_proxy();
    // Loopback destinations bypass proxies unless the bypass rules subtract it.
    let rules = format!("https=127.0.0.1:{}", upstream_proxy.port());
    let proxy = Proxy::start(&["--proxy-rules", &rules, "--proxy-bypass", "<-loopback>"]);
    let (mut stream, mut reader, head) = open_connect(&proxy, &origin.to_string());
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    stream.write_all(b"GET /via-proxy HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    assert!(rest.ends_with("you asked for /via-proxy"), "{rest}");
    assert!(seen.lock().unwrap()[0].starts_with("GET /via-proxy "));
    assert_eq!(*lines.lock().unwrap(), [format!("CONNECT {origin} HTTP/1.1")]);
}

#[test]
fn a_connect_whose_proxy_is_dead_is_502_naming_the_net_error() {
    let (origin, seen) = origin();
    let dead = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let rules = format!("127.0.0.1:{}", dead.port());
    let proxy = Proxy::start(&["--proxy-rules", &rules, "--proxy-bypass", "<-loopback>"]);
    let (_stream, mut reader, head) = open_connect(&proxy, &origin.to_string());
    assert!(head.starts_with("HTTP/1.1 502"), "{head}");
    let mut body = String::new();
    let _ = reader.read_to_string(&mut body);
    assert!(body.contains("net::ERR_PROXY_CONNECTION_FAILED"), "{body}");
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn misbehaving_peers_do_not_take_it_down() {
    let (origin, _) = origin();
    let proxy = Proxy::start(&[]);

    let response = get_via_forward(&proxy, origin, "/odd-status");
    assert!(response.starts_with("HTTP/1.1 599 "), "{response}");
    let response = get_via_forward(&proxy, origin, "/early-hints");
    assert!(
        response.starts_with("HTTP/1.1 200 OK\r\n") && response.ends_with("final"),
        "{response}"
    );
    let response = get_via_forward(&proxy, origin, "/odd-bytes");
    assert!(response.contains("caf\u{fffd}"), "{response}");
    let response = get_via_forward(&proxy, origin, "/reset");
    assert!(response.starts_with("HTTP/1.1 502 "), "{response}");
    assert!(
        response.contains("ERR_EMPTY_RESPONSE") || response.contains("ERR_CONNECTION_RESET"),
        "{response}"
    );
    // An error after the headers: the client sees a short body and a close.
    let response = get_via_forward(&proxy, origin, "/truncated");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains("content-length: 100\r\n"), "{response}");
    assert!(response.ends_with("\r\n\r\nonly ten.."), "{response}");

    // A client that sends garbage, one that resets mid-request.
    let mut garbage = proxy.connect();
    garbage.write_all(b"\x00\x01 not http at all\r\n\r\n").unwrap();
    let mut out = Vec::new();
    let _ = garbage.read_to_end(&mut out);
    let mut half = proxy.connect();
    half.write_all(b"GET http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\n").unwrap();
    drop(half);
    // An origin-form request to a forward proxy is refused, politely.
    let response = proxy.exchange("GET /relative HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(response.starts_with("HTTP/1.1 400 "), "{response}");

    let response = get_via_forward(&proxy, origin, "/still-alive");
    assert!(response.ends_with("you asked for /still-alive"), "{response}");
}

#[test]
fn many_clients_at_once() {
    let (origin, seen) = origin();
    let proxy = Arc::new(Proxy::start(&[]));
    let threads: Vec<_> = (0..32)
        .map(|i| {
            let proxy = proxy.clone();
            thread::spawn(move || get_via_forward(&proxy, origin, &format!("/n{i}")))
        })
        .collect();
    for (i, thread) in threads.into_iter().enumerate() {
        let response = thread.join().unwrap();
        assert!(response.ends_with(&format!("you asked for /n{i}")), "{response}");
    }
    assert_eq!(seen.lock().unwrap().len(), 32);
}

#[test]
fn the_cache_answers_client_validators_and_only_if_cached() {
    let (origin, seen) = origin();
    let proxy = Proxy::start(&["--upstream", &format!("http://{origin}"), "--shared-cache"]);
    let request = |path: &str, extra: &str| {
        proxy.exchange(&format!(
            "GET {path} HTTP/1.1\r\nHost: proxy\r\n{extra}Connection: close\r\n\r\n"
        ))
    };
    let miss = request("/cached", "");
    assert!(miss.starts_with("HTTP/1.1 200 OK\r\n") && miss.ends_with("cached"), "{miss}");
    let hit = request("/cached", "");
    assert!(hit.ends_with("cached"), "{hit}");
    // The client's current copy: a 304 from the cache, the origin untouched.
    let not_modified = request("/cached", "If-None-Match: \"v1\"\r\n");
    assert!(not_modified.starts_with("HTTP/1.1 304 "), "{not_modified}");
    assert!(not_modified.contains("etag: \"v1\""), "{not_modified}");
    let changed = request("/cached", "If-None-Match: \"v0\"\r\n");
    assert!(changed.starts_with("HTTP/1.1 200 OK\r\n"), "{changed}");
    assert_eq!(seen.lock().unwrap().len(), 1);

    // Nothing stored: only-if-cached is a 504, and validators go to the origin.
    let gateway = request("/uncached", "Cache-Control: only-if-cached\r\n");
    assert!(gateway.starts_with("HTTP/1.1 504 "), "{gateway}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    let forwarded = request("/uncached", "If-None-Match: \"v0\"\r\n");
    assert!(forwarded.starts_with("HTTP/1.1 200 OK\r\n"), "{forwarded}");
    let head = seen.lock().unwrap()[1].to_ascii_lowercase();
    assert!(head.contains("if-none-match: \"v0\""), "{head}");
}

/// A reverse proxy reaches its upstream only: a scheme-relative target
/// (`//host/x`) is not joined onto the upstream URL (which would make it
/// another host), and an absolute-form one is refused.
#[test]
fn reverse_proxy_never_leaves_its_upstream() {
    let (other, other_seen) = origin();
    let (origin, seen) = origin();
    let proxy = Proxy::start(&["--upstream", &format!("http://{origin}")]);
    let request = |target: &str| {
        proxy
            .exchange(&format!("GET {target} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n"))
    };
    let response = request(&format!("//{other}/x"));
    assert!(other_seen.lock().unwrap().is_empty(), "{response}");
    // Either refused or sent to the upstream with that path, never elsewhere.
    if response.starts_with("HTTP/1.1 200 ") {
        assert!(response.ends_with(&format!("you asked for //{other}/x")), "{response}");
    } else {
        assert!(response.starts_with("HTTP/1.1 400 "), "{response}");
    }
    let response = request(&format!("http://{other}/y"));
    assert!(response.starts_with("HTTP/1.1 400 "), "{response}");
    assert!(other_seen.lock().unwrap().is_empty(), "{response}");

    let response = request("/ok?q=1");
    assert!(response.ends_with("you asked for /ok?q=1"), "{response}");
    assert!(seen.lock().unwrap().iter().all(|head| !head.contains("/y ")));
}

/// A request body over the proxy's limit (16 MiB) is a 413, with a
/// Content-Length and chunked; the origin never sees it.
#[test]
fn an_oversized_request_body_is_413() {
    const OVER: usize = 16 * 1024 * 1024 + 1;
    let (origin, seen) = origin();
    let proxy = Proxy::start(&["--upstream", &format!("http://{origin}")]);
    let send = |head: String, chunked: bool| {
        let mut stream = proxy.connect();
        let mut writer = stream.try_clone().unwrap();
        // The proxy may answer and close before taking the whole body: the
        // body goes from another thread, its write errors ignored.
        let sender = thread::spawn(move || {
            let _ = writer.write_all(head.as_bytes());
            let piece = vec![b'x'; 1024 * 1024];
            let mut left = OVER;
            while left > 0 {
                let n = left.min(piece.len());
                let sent = if chunked {
                    writer
                        .write_all(format!("{n:x}\r\n").as_bytes())
                        .and_then(|()| writer.write_all(&piece[..n]))
                        .and_then(|()| writer.write_all(b"\r\n"))
                } else {
                    writer.write_all(&piece[..n])
                };
                if sent.is_err() {
                    return;
                }
                left -= n;
            }
            if chunked {
                let _ = writer.write_all(b"0\r\n\r\n");
            }
        });
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        let _ = stream.shutdown(Shutdown::Both);
        sender.join().unwrap();
        String::from_utf8_lossy(&out).into_owned()
    };
    let response = send(
        format!(
            "POST /upload HTTP/1.1\r\nHost: proxy\r\nContent-Length: {OVER}\r\nConnection: close\r\n\r\n"
        ),
        false,
    );
    assert!(response.starts_with("HTTP/1.1 413 "), "{response}");
    let response = send(
        "POST /upload HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_owned(),
        true,
    );
    assert!(response.starts_with("HTTP/1.1 413 "), "{response}");
    assert!(seen.lock().unwrap().is_empty());
}
