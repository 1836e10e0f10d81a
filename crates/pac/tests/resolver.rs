//! `PacResolver`: arguments, result parsing, failure modes, fetching and
//! reloading, implicit bypass, threading.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sessionkit_pac::{
    FailureMode, FetchError, Limits, PacEngine, PacEnvironment, PacError, PacFetcher, PacOptions,
    PacResolver, PacResponse,
};
use url::Url;

fn url(u: &str) -> Url {
    Url::parse(u).expect("test URL")
}

fn resolve(r: &PacResolver, u: &str) -> Result<String, PacError> {
    r.resolve(&url(u)).map(|l| l.to_pac_string())
}

fn inline(script: &str) -> PacResolver {
    PacResolver::from_script(script, PacOptions::new()).expect("resolver")
}

/// Echoes its arguments as `PROXY` hosts cannot carry them; via `alert`.
fn recording(script_result: &str) -> (PacResolver, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let env =
        PacEnvironment::new().with_alert(move |m| sink.lock().expect("lock").push(m.to_owned()));
    let script = format!(
        "function FindProxyForURL(url, host) {{ alert(url + ' ' + host); return {script_result}; }}"
    );
    let r = PacResolver::from_script(script, PacOptions::new().with_environment(env))
        .expect("resolver");
    (r, seen)
}

#[test]
fn script_sees_chromium_arguments() {
    let (r, seen) = recording("'DIRECT'");
    for u in [
        "https://user:pw@secure.example/path?q=1#frag",
        "http://user:pw@plain.example:8080/path?q=1#frag",
        "wss://ws.example/chat?room=1",
        "ws://ws.example/chat?room=1",
        "http://[2001:db8::1]:81/x",
    ] {
        resolve(&r, u).expect("resolves");
    }
    assert_eq!(
        *seen.lock().expect("lock"),
        [
            "https://secure.example/ secure.example",
            "http://plain.example:8080/path?q=1 plain.example",
            "wss://ws.example/ ws.example",
            "ws://ws.example/chat?room=1 ws.example",
            "http://[2001:db8::1]:81/x 2001:db8::1",
        ]
    );
}

#[test]
fn implicit_bypass_never_reaches_the_script() {
    let (r, seen) = recording("'PROXY p:1'");
    for u in [
        "http://localhost/",
        "http://app.localhost:3000/",
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://169.254.1.1/",
    ] {
        assert_eq!(resolve(&r, u).as_deref(), Ok("DIRECT"), "{u}");
    }
    assert!(seen.lock().expect("lock").is_empty());
    assert_eq!(resolve(&r, "http://example.com/").as_deref(), Ok("PROXY p:1"));
    assert_eq!(seen.lock().expect("lock").len(), 1);
}

#[test]
fn result_strings_are_parsed_leniently() {
    for (returned, expected) in [
        ("'PROXY a:1; SOCKS b; DIRECT'", "PROXY a:1;SOCKS b:1080;DIRECT"),
        ("'proxy a:8080'", "PROXY a:8080"),
        ("'HTTPS secure:443;SOCKS5 s5:1081'", "HTTPS secure:443;SOCKS5 s5:1081"),
        ("''", "DIRECT"),
        ("'garbage'", "DIRECT"),
        ("'BOGUS x:1; PROXY ok:2'", "PROXY ok:2"),
    ] {
        let r = inline(&format!("function FindProxyForURL(u, h) {{ return {returned}; }}"));
        assert_eq!(resolve(&r, "http://example.com/").as_deref(), Ok(expected), "{returned}");
    }
}

#[test]
fn non_string_and_non_ascii_results_are_errors() {
    for (returned, expected) in [
        ("undefined", PacError::NonStringResult { type_name: "undefined".into() }),
        ("null", PacError::NonStringResult { type_name: "null".into() }),
        ("42", PacError::NonStringResult { type_name: "number".into() }),
        ("['DIRECT']", PacError::NonStringResult { type_name: "object".into() }),
        ("new String('DIRECT')", PacError::NonStringResult { type_name: "object".into() }),
        ("'PROXY caf\\u00e9:80'", PacError::NonAsciiResult),
    ] {
        let r = inline(&format!("function FindProxyForURL(u, h) {{ return {returned}; }}"));
        assert_eq!(resolve(&r, "http://example.com/"), Err(expected), "{returned}");
    }
}

#[test]
fn mandatory_fails_and_fallback_goes_direct() {
    let throwing = "function FindProxyForURL(u, h) { throw new Error('boom'); }";
    let r = inline(throwing);
    assert_eq!(r.failure_mode(), FailureMode::Mandatory);
    assert_eq!(
        resolve(&r, "http://example.com/"),
        Err(PacError::Script { message: "Error: boom".into() })
    );

    let chrome = PacOptions::new().with_failure_mode(FailureMode::FallBackToDirect);
    let r = PacResolver::from_script(throwing, chrome.clone()).expect("resolver");
    assert_eq!(resolve(&r, "http://example.com/").as_deref(), Ok("DIRECT"));
    assert!(matches!(r.try_resolve(&url("http://example.com/")), Err(PacError::Script { .. })));

    // A script that does not load.
    let r = inline("function FindProxyForURL(u, h) {");
    assert!(matches!(resolve(&r, "http://example.com/"), Err(PacError::Compile { .. })));
    let r = PacResolver::from_script("var x = 1;", chrome.clone()).expect("resolver");
    assert_eq!(resolve(&r, "http://example.com/").as_deref(), Ok("DIRECT"));
    assert_eq!(r.load(), Err(PacError::MissingEntryPoint));

    // A script that cannot be fetched (http without an http fetcher).
    let r = PacResolver::new("http://wpad.example/proxy.pac", PacOptions::new()).expect("resolver");
    let expected = PacError::Fetch {
        url: "http://wpad.example/proxy.pac".into(),
        source: FetchError::UnsupportedScheme("http".into()),
    };
    assert_eq!(resolve(&r, "http://example.com/"), Err(expected));
    // ... localhost still works.
    assert_eq!(resolve(&r, "http://localhost/").as_deref(), Ok("DIRECT"));
    let r = PacResolver::new("http://wpad.example/proxy.pac", chrome).expect("resolver");
    assert_eq!(resolve(&r, "http://example.com/").as_deref(), Ok("DIRECT"));
}

#[test]
fn invalid_pac_url() {
    assert!(matches!(
        PacResolver::new("not a url", PacOptions::new()),
        Err(PacError::InvalidUrl { .. })
    ));
}

#[test]
fn data_url_scripts() {
    let r = PacResolver::new(
        "data:application/x-ns-proxy-autoconfig;base64,ZnVuY3Rpb24gRmluZFByb3h5Rm9yVVJMKHUsIGgpIHsgcmV0dXJuICJQUk9YWSBwOjMxMjgiOyB9",
        PacOptions::new(),
    )
    .expect("resolver");
    assert_eq!(resolve(&r, "http://example.com/").as_deref(), Ok("PROXY p:3128"));
    let r = PacResolver::new(
        "data:,function%20FindProxyForURL(u,h){return%20'SOCKS5%20s:1'}",
        PacOptions::new(),
    )
    .expect("resolver");
    assert_eq!(resolve(&r, "https://example.com/").as_deref(), Ok("SOCKS5 s:1"));
}

/// An http fetcher serving a script that changes with every fetch.
struct Versioned {
    fetches: AtomicUsize,
    fail: Mutex<Option<u16>>,
}

impl PacFetcher for Versioned {
    fn fetch(&self, url: &Url, _limit: usize) -> Result<PacResponse, FetchError> {
        assert_eq!(url.as_str(), "http://pac.example/proxy.pac");
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(status) = *self.fail.lock().expect("lock") {
            return Ok(PacResponse::new(status, None, Vec::new()));
        }
        let script = format!("function FindProxyForURL(u, h) {{ return 'PROXY v{n}:80'; }}");
        Ok(PacResponse::ok(Some("application/x-ns-proxy-autoconfig".into()), script.into_bytes()))
    }
}

#[test]
fn fetched_once_cached_and_reloaded() {
    let fetcher = Arc::new(Versioned { fetches: AtomicUsize::new(0), fail: Mutex::new(None) });
    struct Shared(Arc<Versioned>);
    impl PacFetcher for Shared {
        fn fetch(&self, url: &Url, limit: usize) -> Result<PacResponse, FetchError> {
            self.0.fetch(url, limit)
        }
    }
    let options = PacOptions::new().with_fetcher(
        sessionkit_pac::BuiltinFetcher::new().with_http(Shared(Arc::clone(&fetcher))),
    );
    let r = PacResolver::new("http://pac.example/proxy.pac", options).expect("resolver");
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 0, "nothing fetched before use");
    assert_eq!(resolve(&r, "http://a.example/").as_deref(), Ok("PROXY v1:80"));
    assert_eq!(resolve(&r, "http://b.example/").as_deref(), Ok("PROXY v1:80"));
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 1, "cached");

    r.force_reload().expect("reloads");
    assert_eq!(resolve(&r, "http://a.example/").as_deref(), Ok("PROXY v2:80"));
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 2);

    // A failed reload: mandatory mode fails until the next good load.
    *fetcher.fail.lock().expect("lock") = Some(404);
    let failed = PacError::Fetch {
        url: "http://pac.example/proxy.pac".into(),
        source: FetchError::Status(404),
    };
    assert_eq!(r.force_reload(), Err(failed.clone()));
    assert_eq!(resolve(&r, "http://a.example/"), Err(failed));
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 3, "failure cached until the retry delay");
    *fetcher.fail.lock().expect("lock") = None;
    r.force_reload().expect("reloads");
    assert_eq!(resolve(&r, "http://a.example/").as_deref(), Ok("PROXY v4:80"));
}

#[test]
fn file_url_scripts() {
    let dir = std::env::temp_dir().join(format!("sessionkit-pac-resolver-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("proxy.pac");
    std::fs::write(&path, "function FindProxyForURL(u, h) { return 'PROXY one:1'; }")
        .expect("write");
    let file_url = Url::from_file_path(&path).expect("file URL");
    let r = PacResolver::new(file_url.as_str(), PacOptions::new()).expect("resolver");
    assert_eq!(resolve(&r, "http://a.example/").as_deref(), Ok("PROXY one:1"));
    std::fs::write(&path, "function FindProxyForURL(u, h) { return 'PROXY two:2'; }")
        .expect("write");
    assert_eq!(resolve(&r, "http://a.example/").as_deref(), Ok("PROXY one:1"));
    r.force_reload().expect("reloads");
    assert_eq!(resolve(&r, "http://a.example/").as_deref(), Ok("PROXY two:2"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<PacResolver>();
    let r = Arc::new(inline(
        "function FindProxyForURL(u, h) { return shExpMatch(h, '*.corp') ? 'PROXY corp:8080' : 'DIRECT'; }",
    ));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let r = Arc::clone(&r);
            std::thread::spawn(move || {
                for j in 0..50 {
                    let host = if (i + j) % 2 == 0 { "x.corp" } else { "x.example" };
                    let expected = if (i + j) % 2 == 0 { "PROXY corp:8080" } else { "DIRECT" };
                    assert_eq!(resolve(&r, &format!("http://{host}/")).as_deref(), Ok(expected));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread");
    }
}

/// Not a benchmark: prints the cost of one call for the report.
#[test]
fn per_call_time() {
    let script = "function FindProxyForURL(url, host) {
        if (isPlainHostName(host) || dnsDomainIs(host, '.corp.example')) return 'DIRECT';
        if (shExpMatch(url, 'http://*.example.com/*')) return 'PROXY a:8080; PROXY b:8080';
        if (isInNet(host, '10.0.0.0', '255.0.0.0')) return 'DIRECT';
        return 'PROXY default:3128; DIRECT';
    }";
    let engine = PacEngine::new(script, &PacEnvironment::new(), Limits::default()).expect("loads");
    let target = url("http://www.example.com/index.html");
    let n = 2000;
    let started = Instant::now();
    for _ in 0..n {
        engine.find_proxy_for_url(&target).expect("runs");
    }
    let engine_each = started.elapsed() / n;
    let r = inline(script);
    r.load().expect("loads");
    let started = Instant::now();
    for _ in 0..n {
        r.resolve(&target).expect("runs");
    }
    let resolver_each = started.elapsed() / n;
    println!(
        "PacEngine::find_proxy_for_url: {engine_each:?}/call; PacResolver::resolve: {resolver_each:?}/call"
    );
}
