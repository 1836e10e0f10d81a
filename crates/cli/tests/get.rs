//! `sessionkit get` against a loopback origin.

// The loopback servers and the process guard are test scaffolding outside
// #[test] functions: a failure there should panic the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use common::{Request, assert_error, code, loopback, run, send_signal, spawn, stderr, stdout};

/// A request as the origin read it: the request line and the headers.
type Seen = Arc<Mutex<Vec<Vec<String>>>>;

/// A loopback origin: `/set` sets a session cookie, `/redirect` redirects
/// to `/echo`, `/echo` answers with the request head, `/gzip` sends a
/// gzip-encoded body, `/swr` a stale-while-revalidate one counting its
/// requests, `/truncated` a body cut short. One request per connection.
fn origin() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let addr = loopback(move |request, stream| answer(&request, stream, &record));
    (format!("http://{addr}"), seen)
}

fn answer(request: &Request, stream: &mut TcpStream, seen: &Seen) {
    let mut head = request.head.clone();
    head.push(format!("body={}", String::from_utf8_lossy(&request.body)));
    seen.lock().unwrap().push(head.clone());
    let (status, extra, body): (&str, &str, Vec<u8>) = match request.path() {
        "/set" => ("200 OK", "Set-Cookie: sid=42; Path=/\r\n", b"set".to_vec()),
        "/redirect" => ("302 Found", "Location: /echo\r\n", Vec::new()),
        "/gzip" => ("200 OK", "Content-Encoding: gzip\r\n", vec![0x1f, 0x8b, 8, 0, 0, 0]),
        "/teapot" => ("418 I'm a teapot", "", b"short and stout".to_vec()),
        "/swr" => {
            let n = seen.lock().unwrap().iter().filter(|h| h[0].starts_with("GET /swr ")).count();
            (
                "200 OK",
                "Cache-Control: max-age=0, stale-while-revalidate=60\r\n",
                format!("v{n}").into_bytes(),
            )
        }
        "/stall" => {
            // Ten bytes of a hundred, then nothing until the client leaves.
            let out = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..";
            let _ = stream.write_all(out.as_bytes());
            std::thread::sleep(std::time::Duration::from_secs(20));
            return;
        }
        "/truncated" => {
            let out =
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly ten..";
            let _ = stream.write_all(out.as_bytes());
            return;
        }
        _ => ("200 OK", "", head.join("\n").into_bytes()),
    };
    let mut out = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    let _ = stream.write_all(&out);
}

#[test]
fn body_goes_to_stdout_and_headers_with_include() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = origin();
    let out = run(dir.path(), &["get", &format!("{base}/echo")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("GET /echo HTTP/1.1"), "{text}");
    assert!(text.contains("user-agent: sessionkit/"), "{text}");
    assert!(text.contains("accept-language: en-US,en;q=0.9"), "{text}");

    let out = run(dir.path(), &["get", "-i", &format!("{base}/teapot")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("HTTP/1.1 418 I'm a teapot\r\n"), "{text}");
    assert!(text.contains("content-length: 15\r\n"), "{text}");
    assert!(text.ends_with("\r\n\r\nshort and stout"), "{text}");
}

#[test]
fn cookies_persist_between_runs_and_redirects_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = origin();
    let out = run(dir.path(), &["--partition", "persist:web", "get", &format!("{base}/set")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = run(dir.path(), &["--partition", "persist:web", "get", &format!("{base}/redirect")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("GET /echo HTTP/1.1"), "{text}");
    assert!(text.contains("cookie: sid=42"), "{text}");
    // The cookies command sees the same jar.
    let out = run(
        dir.path(),
        &["--partition", "persist:web", "cookies", "header", "--url", &format!("{base}/")],
    );
    assert_eq!(stdout(&out).trim(), "sid=42");
}

#[test]
fn method_headers_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = origin();
    let url = format!("{base}/echo");
    let out = run(
        dir.path(),
        &["get", "-X", "PUT", "-H", "X-One: 1", "-H", "User-Agent: mine", "--data", "a=1", &url],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let head = seen.lock().unwrap()[0].clone();
    assert_eq!(head[0], "PUT /echo HTTP/1.1");
    let has = |line: &str| head.iter().any(|l| l.eq_ignore_ascii_case(line));
    assert!(has("x-one: 1") && has("user-agent: mine"), "{head:?}");
    assert!(has("content-type: application/x-www-form-urlencoded"), "{head:?}");
    assert_eq!(head.last().unwrap(), "body=a=1");

    let out = run(dir.path(), &["get", "--data", "b=2", &url]);
    assert_eq!(code(&out), 0);
    assert!(seen.lock().unwrap()[1][0].starts_with("POST "));
}

#[test]
fn output_file_keeps_the_encoded_body() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = origin();
    let file = dir.path().join("body.gz");
    let out = run(dir.path(), &["get", "-o", file.to_str().unwrap(), &format!("{base}/gzip")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), [0x1f, 0x8b, 8, 0, 0, 0]);
}

/// `-o FILE` replaces FILE only with a whole body: a request that fails, or
/// a body cut short, leaves the old FILE and no temporary file. An HTTP error status
/// is a response, and replaces it.
#[test]
fn output_file_survives_a_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = origin();
    let file = dir.path().join("page.html");
    // The temporary file is `.page.html.XXXXXX.part`.
    let part = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .any(|entry| entry.unwrap().file_name().to_string_lossy().starts_with(".page.html"))
    };
    let path = file.to_str().unwrap();
    std::fs::write(&file, "the old copy").unwrap();

    let err = assert_error(&run(dir.path(), &["get", "-o", path, "http://127.0.0.1:1/"]), 1);
    assert!(err.contains("net::ERR_CONNECTION_REFUSED"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "the old copy");
    assert!(!part());

    let out = run(dir.path(), &["get", "-o", path, &format!("{base}/truncated")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "the old copy");
    assert!(!part());

    let out = run(dir.path(), &["get", "-o", path, &format!("{base}/teapot")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "short and stout");
    assert!(!part());
}

/// Ctrl-C during `-o FILE` removes the temporary file and leaves FILE as
/// it was, instead of the signal killing the process with the file behind.
#[test]
fn ctrl_c_during_output_to_a_file_leaves_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = origin();
    let file = dir.path().join("page.html");
    std::fs::write(&file, "the old copy").unwrap();
    let child = spawn(dir.path(), &["get", "-o", file.to_str().unwrap(), &format!("{base}/stall")]);
    // The request reached the origin; its first bytes are on their way.
    let started = std::time::Instant::now();
    while seen.lock().unwrap().is_empty() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "no request arrived");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    send_signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    let err = assert_error(&out, 1);
    assert!(err.contains("interrupted by SIGINT"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "the old copy");
    assert_eq!(listing(dir.path()).iter().filter(|n| n.starts_with(".page.html")).count(), 0);
}

/// A stale-while-revalidate hit is served at once and refreshed in the
/// background; `get` waits for that refresh before it exits, so the next
/// run is served the refreshed entry.
#[test]
fn a_background_refresh_outlives_the_run_that_started_it() {
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = origin();
    let url = format!("{base}/swr");
    let get = || {
        let out = run(dir.path(), &["--partition", "persist:swr", "get", &url]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(get(), "v1");
    // Stale: served from the cache while v2 is fetched behind it.
    assert_eq!(get(), "v1");
    assert_eq!(seen.lock().unwrap().len(), 2, "the refresh reached the origin");
    assert_eq!(get(), "v2");
}

#[test]
fn emulation_and_cache_mode_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = origin();
    let url = format!("{base}/echo");
    let out = run(dir.path(), &["get", "--offline", &url]);
    let err = assert_error(&out, 1);
    assert!(err.contains("net::ERR_INTERNET_DISCONNECTED"), "{err}");
    assert!(seen.lock().unwrap().is_empty());

    let out = run(dir.path(), &["get", "--cache-mode", "only-if-cached", &url]);
    let err = assert_error(&out, 1);
    assert!(err.contains("net::ERR_CACHE_MISS"), "{err}");

    let out = run(
        dir.path(),
        &[
            "get",
            "--cache-mode",
            "no-store",
            "--latency",
            "50",
            "--download-throughput",
            "100000",
            &url,
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("cache-control: no-cache"), "{}", stdout(&out));
}

#[test]
fn proxy_rules_route_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = origin();
    let dead = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // The loopback bypass is subtracted so the proxy is used for 127.0.0.1.
    let out = run(
        dir.path(),
        &[
            "get",
            "--proxy-rules",
            &format!("http://{dead}"),
            "--proxy-bypass",
            "<-loopback>",
            &format!("{base}/echo"),
        ],
    );
    let err = assert_error(&out, 1);
    assert!(
        err.contains("net::ERR_PROXY_CONNECTION_FAILED") && err.contains(&dead.to_string()),
        "{err}"
    );

    let out = run(
        dir.path(),
        &[
            "get",
            "--proxy-rules",
            &format!("http://{dead},direct://"),
            "--proxy-bypass",
            "<-loopback>",
            &format!("{base}/echo"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["get", "not a url"][..],
        &["get", "ftp://127.0.0.1/"],
        &["get", "-H", "no colon", "http://127.0.0.1:1/"],
        &["get", "-X", "BAD METHOD", "http://127.0.0.1:1/"],
        &["get", "--cache-mode", "sometimes", "http://127.0.0.1:1/"],
    ] {
        assert_error(&run(dir.path(), args), 2);
    }
    let err = assert_error(&run(dir.path(), &["get", "http://127.0.0.1:1/"]), 1);
    assert!(err.contains("net::ERR_CONNECTION_REFUSED"), "{err}");
}

/// The files in `dir`, sorted, so a left-over temporary file shows.
#[cfg(unix)]
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `-o LINK` writes through the symlink: the link stays a link and its
/// target gets the body, with no temporary file left beside either.
#[cfg(unix)]
#[test]
fn output_file_through_a_symlink_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = origin();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let real = out_dir.join("real.txt");
    let link = out_dir.join("link.txt");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let out = run(dir.path(), &["get", "-o", link.to_str().unwrap(), &format!("{base}/teapot")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), real);
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "short and stout");
    assert_eq!(listing(&out_dir), ["link.txt", "real.txt"]);
}

/// The new FILE has the old one's permissions; a FILE this user can't
/// write is refused before the request and left as it was.
#[cfg(unix)]
#[test]
fn output_file_keeps_its_permissions_and_a_read_only_one_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = origin();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let file = out_dir.join("page.html");
    std::fs::write(&file, "old").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let path = file.to_str().unwrap();
    let url = format!("{base}/teapot");

    let out = run(dir.path(), &["get", "-o", path, &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "short and stout");
    assert_eq!(mode(&file), 0o640);

    std::fs::write(&file, "old").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
    // Root writes a 0400 file anyway (and so would curl): then the mode
    // must survive the replacement.
    let writable = std::fs::OpenOptions::new().write(true).open(&file).is_ok();
    let requests = seen.lock().unwrap().len();
    let out = run(dir.path(), &["get", "-o", path, &url]);
    if writable {
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "short and stout");
    } else {
        let err = assert_error(&out, 1);
        assert!(err.contains("Permission denied") && err.contains(path), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
        assert_eq!(seen.lock().unwrap().len(), requests, "refused before the request");
    }
    assert_eq!(mode(&file), 0o400);
    assert_eq!(listing(&out_dir), ["page.html"]);
}

/// A `FILE.part` planted as a symlink is neither followed nor used: the
/// temporary file has a fresh random name.
#[cfg(unix)]
#[test]
fn output_file_ignores_a_planted_part_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = origin();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let file = out_dir.join("x");
    std::os::unix::fs::symlink(&victim, out_dir.join("x.part")).unwrap();

    let out = run(dir.path(), &["get", "-o", file.to_str().unwrap(), &format!("{base}/teapot")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "short and stout");
    assert_eq!(listing(&out_dir), ["x", "x.part"]);
}
