//! PAC mode of a session: scripts fetched over HTTP from a loopback server
//! this test starts, reuse, reload, Electron's mandatory failure and
//! Chrome's fall-back to DIRECT, and the async entry point.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use sessionkit::pac::{FetchError, PacError};
use sessionkit::{Error, PacFailureMode, ProxyConfig, ProxyOptions, Session, Sessions};
use url::Url;

/// What the server answers with.
#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn script(result: &str) -> Self {
        Self::raw(200, Some("application/x-ns-proxy-autoconfig"), pac(result).into_bytes())
    }

    fn raw(status: u16, content_type: Option<&str>, body: Vec<u8>) -> Self {
        Self { status, content_type: content_type.map(str::to_owned), body }
    }
}

fn pac(result: &str) -> String {
    format!(
        "function FindProxyForURL(url, host) {{\n  if (dnsDomainIs(host, '.corp.test')) return 'DIRECT';\n  return '{result}';\n}}\n"
    )
}

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers every request with the
/// current [`Reply`] and counts requests. Its thread ends with the test
/// binary; every socket has a read timeout so nothing waits forever.
struct Server {
    url: String,
    reply: Arc<Mutex<Reply>>,
    hits: Arc<AtomicUsize>,
    last_request: Arc<Mutex<String>>,
}

impl Server {
    fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/proxy.pac", listener.local_addr().expect("addr"));
        let reply = Arc::new(Mutex::new(reply));
        let hits = Arc::new(AtomicUsize::new(0));
        let last_request = Arc::new(Mutex::new(String::new()));
        let (r, h, l) = (Arc::clone(&reply), Arc::clone(&hits), Arc::clone(&last_request));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let reply = r.lock().expect("reply").clone();
                let request = serve(stream, &reply);
                h.fetch_add(1, Ordering::SeqCst);
                *l.lock().expect("request") = request;
            }
        });
        Self { url, reply, hits, last_request }
    }

    fn set(&self, reply: Reply) {
        *self.reply.lock().expect("reply") = reply;
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, reply: &Reply) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let mut head =
        format!("HTTP/1.1 {} X\r\nContent-Length: {}\r\n", reply.status, reply.body.len());
    if let Some(ct) = &reply.content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&reply.body));
    String::from_utf8_lossy(&request).into_owned()
}

fn session() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("sessions");
    let ses = sessions.from_partition("pac-test", Default::default()).expect("session");
    (dir, ses)
}

fn url(u: &str) -> Url {
    Url::parse(u).expect("test URL")
}

fn resolve(ses: &Session, u: &str) -> Result<String, Error> {
    ses.resolve_proxy(&url(u)).map(|list| list.to_pac_string())
}

/// Electron's `resolveProxy` string: `""` on error.
fn electron_string(ses: &Session, u: &str) -> String {
    resolve(ses, u).unwrap_or_default()
}

#[test]
fn http_script_is_fetched_once_and_reloaded_on_demand() {
    let server = Server::start(Reply::script("PROXY a.test:8080"));
    let (_dir, ses) = session();
    ses.set_proxy(ProxyConfig::pac_script(server.url.clone()));
    assert_eq!(server.hits(), 0, "nothing is fetched before the first resolution");

    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY a.test:8080");
    assert_eq!(resolve(&ses, "http://wiki.corp.test/").expect("resolve"), "DIRECT");
    let request = server.last_request.lock().expect("request").to_ascii_lowercase();
    assert!(request.starts_with("get /proxy.pac http/1.1\r\n"), "{request}");
    assert!(request.contains("\r\ncache-control: no-cache\r\n"), "{request}");
    assert!(request.contains("\r\npragma: no-cache\r\n"), "{request}");
    assert!(!request.contains("cookie"), "{request}");

    // A new script on the server is not seen until the reload.
    server.set(Reply::script("PROXY b.test:3128; DIRECT"));
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY a.test:8080");
    assert_eq!(server.hits(), 1, "one fetch for every resolution");

    ses.force_reload_proxy_config().expect("reload");
    assert_eq!(server.hits(), 2);
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY b.test:3128;DIRECT");

    // One resolver shared by threads: still no new fetch.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for i in 0..20 {
                    let answer = resolve(&ses, &format!("http://h{i}.example/")).expect("resolve");
                    assert_eq!(answer, "PROXY b.test:3128;DIRECT");
                }
            });
        }
    });
    assert_eq!(server.hits(), 2);

    // A new set_proxy makes a new resolver, which fetches again.
    ses.set_proxy(ProxyConfig::pac_script(server.url.clone()));
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY b.test:3128;DIRECT");
    assert_eq!(server.hits(), 3);
}

#[test]
fn a_404_is_mandatory_by_default_and_direct_with_fall_back() {
    let server = Server::start(Reply::raw(404, Some("text/html"), b"not here".to_vec()));
    let (_dir, ses) = session();
    ses.set_proxy(ProxyConfig::pac_script(server.url.clone()));
    assert_eq!(ses.proxy_options().pac_failure, None);

    let err = resolve(&ses, "http://example.com/").expect_err("mandatory PAC fails");
    assert!(
        matches!(
            &err,
            Error::PacResolve {
                source: PacError::Fetch { source: FetchError::Status(404), .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("HTTP status 404"), "{err}");
    assert!(!err.is_invalid_input());
    assert_eq!(electron_string(&ses, "http://example.com/"), "");
    // Implicit bypass comes first: no script needed.
    assert_eq!(resolve(&ses, "http://localhost:3000/").expect("resolve"), "DIRECT");
    assert_eq!(resolve(&ses, "http://127.0.0.1/").expect("resolve"), "DIRECT");
    // The failure is remembered (Chromium retries after 8 s), and a reload
    // reports it.
    let hits = server.hits();
    assert!(resolve(&ses, "http://example.com/").is_err());
    assert_eq!(server.hits(), hits);
    let err = ses.force_reload_proxy_config().expect_err("still 404");
    assert!(matches!(err, Error::PacReload { .. }), "{err:?}");

    // Chrome's behaviour.
    let chrome = ProxyOptions::new().pac_failure(PacFailureMode::FallBackToDirect);
    ses.set_proxy_with(ProxyConfig::pac_script(server.url.clone()), chrome);
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "DIRECT");
    assert_eq!(ses.proxy_options().pac_failure, Some(PacFailureMode::FallBackToDirect));

    // Once the server has the script, a reload picks it up.
    server.set(Reply::script("PROXY fixed.test:80"));
    ses.force_reload_proxy_config().expect("reload");
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY fixed.test:80");
}

#[test]
fn other_status_codes_and_oversized_bodies_fail() {
    for status in [204, 302, 500] {
        let server = Server::start(Reply::raw(status, None, pac("PROXY x:1").into_bytes()));
        let (_dir, ses) = session();
        ses.set_proxy(ProxyConfig::pac_script(server.url.clone()));
        let err = resolve(&ses, "http://example.com/").expect_err("status must be 200");
        assert!(err.to_string().contains(&format!("HTTP status {status}")), "{err}");
    }

    let mut big = pac("PROXY x:1").into_bytes();
    big.resize((1 << 20) + 1, b' ');
    let server = Server::start(Reply::raw(200, None, big));
    let (_dir, ses) = session();
    ses.set_proxy(ProxyConfig::pac_script(server.url));
    let err = resolve(&ses, "http://example.com/").expect_err("over 1 MiB");
    assert!(
        matches!(
            &err,
            Error::PacResolve {
                source: PacError::Fetch { source: FetchError::TooLarge { .. }, .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn the_content_type_charset_decides_the_decoding() {
    let script = "function FindProxyForURL(u, h) { return '\u{e9}' === '\\u00e9' ? 'PROXY utf8:1' : 'PROXY latin1:1'; }";
    let server =
        Server::start(Reply::raw(200, Some("text/javascript; charset=utf-8"), script.into()));
    let (_dir, ses) = session();
    ses.set_proxy(ProxyConfig::pac_script(server.url.clone()));
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY utf8:1");

    // No charset: ISO-8859-1, so the two UTF-8 bytes are two characters.
    server.set(Reply::raw(200, Some("application/x-ns-proxy-autoconfig"), script.into()));
    ses.force_reload_proxy_config().expect("reload");
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY latin1:1");
}

#[test]
fn an_unreachable_server_is_a_fetch_error() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let (_dir, ses) = session();
    ses.set_proxy(ProxyConfig::pac_script(format!("http://{addr}/proxy.pac")));
    let err = resolve(&ses, "http://example.com/").expect_err("nothing listens");
    assert!(matches!(&err, Error::PacResolve { source: PacError::Fetch { .. }, .. }), "{err:?}");
}

#[test]
fn throwing_scripts_and_invalid_urls() {
    let (_dir, ses) = session();
    let throwing = ProxyConfig::pac_script(
        "data:,function%20FindProxyForURL(u,h){throw%20new%20Error('boom')}",
    );
    ses.set_proxy(throwing.clone());
    let err = resolve(&ses, "http://example.com/").expect_err("throws");
    assert!(err.to_string().contains("boom"), "{err}");
    ses.set_proxy_with(throwing, ProxyOptions::new().pac_failure(PacFailureMode::FallBackToDirect));
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "DIRECT");

    // A pacScript that is not a URL is direct mode in Electron.
    ses.set_proxy(ProxyConfig::pac_script("not a url"));
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "DIRECT");
    ses.force_reload_proxy_config().expect("nothing to reload");

    // Fixed servers are untouched by PAC, and reload is a no-op there.
    let (config, _) =
        ProxyConfig::from_electron(None, None, Some("http=foopy:80"), None).expect("config");
    ses.set_proxy(config);
    assert_eq!(resolve(&ses, "http://example.com/").expect("resolve"), "PROXY foopy:80");
    ses.force_reload_proxy_config().expect("nothing to reload");
}

#[test]
fn resolve_proxy_async_runs_on_the_blocking_pool() {
    let server = Server::start(Reply::script("PROXY async.test:8080"));
    let (_dir, ses) = session();
    ses.set_proxy(ProxyConfig::pac_script(server.url.clone()));
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let answers = runtime.block_on(async {
        let a = ses.resolve_proxy_async(&url("http://example.com/")).await;
        let b = ses.resolve_proxy_async(&url("http://localhost/")).await;
        ses.force_reload_proxy_config_async().await.expect("reload");
        let c = ses.resolve_proxy_async(&url("https://x.corp.test/")).await;
        [a, b, c].map(|r| r.expect("resolve").to_pac_string())
    });
    assert_eq!(answers, ["PROXY async.test:8080", "DIRECT", "DIRECT"]);
    assert_eq!(server.hits(), 2);

    // Mandatory failure through the async path too.
    ses.set_proxy(ProxyConfig::pac_script("data:,function%20FindProxyForURL(){return%201}"));
    let err = runtime
        .block_on(ses.resolve_proxy_async(&url("http://example.com/")))
        .expect_err("non-string result");
    assert!(err.to_string().contains("not a string"), "{err}");
}

#[test]
fn resolve_proxy_async_works_outside_tokio() {
    let (_dir, ses) = session();
    ses.set_proxy(ProxyConfig::pac_script(
        "data:,function%20FindProxyForURL(u,h){return%20'PROXY%20t:1'}",
    ));
    let answer = block_on(ses.resolve_proxy_async(&url("http://example.com/")));
    assert_eq!(answer.expect("resolve").to_pac_string(), "PROXY t:1");
}

/// A minimal executor (no Tokio context), parking the thread between polls.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        assert!(std::time::Instant::now() < deadline, "future did not complete");
        std::thread::park_timeout(Duration::from_millis(100));
    }
}
