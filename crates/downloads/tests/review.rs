//! Review tests: black-box checks of the crate against issue 6, the research
//! note, RFC 9110 and Chromium's observed behaviour. Each test names the rule it
//! checks; every server is a loopback one the test starts itself.

mod common;

use std::time::Duration;

use common::{File, HyperTransport, Resp, Server, bytes, done, until};
use sessionkit_downloads::content_range::ContentRange;
use sessionkit_downloads::naming::{sanitize, suggested_file_name};
use sessionkit_downloads::{
    DownloadManager, ExternalState, InterruptReason, ManagerConfig, ResumeMode, RetryPolicy,
};

fn manager(dir: &std::path::Path, retry: RetryPolicy) -> DownloadManager {
    let mut c = ManagerConfig::new(dir);
    c.retry = retry;
    c.stall_timeout = Duration::from_secs(10);
    DownloadManager::new(HyperTransport, c).expect("inside a runtime")
}

/// Byte-exact comparison that prints sizes, not megabytes of numbers.
fn assert_same(got: &[u8], want: &[u8]) {
    assert!(got == want, "file differs: {} bytes on disk, {} expected", got.len(), want.len());
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        ..RetryPolicy::default()
    }
}

/// A `Content-Range` from the network may announce any numbers: its length
/// must never overflow (outside input never panics).
#[test]
fn content_range_len_never_overflows() {
    let r = ContentRange::parse(b"bytes 0-18446744073709551615/*").unwrap();
    assert_eq!(r.len(), u64::MAX);
    let inverted = ContentRange::Bytes { first: 9, last: 3, complete_length: None };
    assert_eq!(inverted.len(), 0);
}

/// RFC 9110 §13.1.5: a client must not send a weak entity tag in `If-Range`,
/// nor a date when it has an entity tag. A weak ETag beside an old
/// Last-Modified makes the response "strong" for Chromium, but neither value
/// may guard a range: the resume must start over without `Range`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_etag_is_never_sent_in_if_range() {
    let server = Server::start().await;
    let body = bytes(200_000, 101);
    let mut file = File::strong(body.clone(), "x");
    file.etag = Some("W/\"weak\"".into());
    file.last_modified = Some("Sat, 05 Nov 1994 08:49:37 GMT".into());
    file.date = Some("Sun, 06 Nov 1994 08:49:37 GMT".into());
    server.put("/wl", file);
    server.cut_request(0, 50_000);
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/wl")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_same(&std::fs::read(dir.path().join("wl")).unwrap(), &body);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let if_range = reqs[1].header("if-range");
    assert!(!if_range.is_some_and(|v| v.starts_with("W/")), "weak If-Range: {if_range:?}");
    assert_eq!(reqs[1].header("range"), None, "no usable validator: no Range");
}

/// A 206 whose range stops before the complete length (`bytes 4-7/10`) ends its
/// body cleanly, but the file is not whole: the download must never complete
/// short. The bytes it did bring are good, so the next attempt continues.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_206_that_stops_short_of_the_total_never_completes_short() {
    let server = Server::start().await;
    let body = bytes(100_000, 102);
    server.put("/s", File::strong(body.clone(), "e"));
    server.cut_request(0, 30_000);
    let short = body[30_000..40_000].to_vec();
    server.hook(move |req, n| {
        (n == 1 && req.header("range") == Some("bytes=30000-")).then(|| Resp {
            status: 206,
            headers: vec![
                ("ETag".into(), "\"e\"".into()),
                ("Content-Range".into(), "bytes 30000-39999/100000".into()),
            ],
            body: short.clone(),
            ..Resp::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/s")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_same(&std::fs::read(dir.path().join("s")).unwrap(), &body);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[2].header("range"), Some("bytes=40000-"));
}

/// Chromium's reservation tracker never hands out a path that exists: when
/// `name (1)` … `name (100)` are all taken it tries a time-stamped name. An
/// existing file is never overwritten by a download that was not told to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uniquifying_past_100_never_overwrites_an_existing_file() {
    let server = Server::start().await;
    let body = bytes(5_000, 103);
    server.put("/full.txt", File::strong(body.clone(), "e"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("full.txt"), b"mine").unwrap();
    for n in 1..=100 {
        std::fs::write(dir.path().join(format!("full ({n}).txt")), b"mine").unwrap();
    }
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/full.txt")).unwrap();
    let state = done(&item).await;
    assert_eq!(std::fs::read(dir.path().join("full.txt")).unwrap(), b"mine");
    for n in 1..=100 {
        assert_eq!(std::fs::read(dir.path().join(format!("full ({n}).txt"))).unwrap(), b"mine");
    }
    assert_eq!(state, ExternalState::Completed);
    let path = item.save_path().unwrap();
    assert_eq!(path.parent(), Some(dir.path()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("full - ") && name.ends_with(".txt"), "{name}");
    assert_same(&std::fs::read(&path).unwrap(), &body);
}

/// File naming like Chromium: `filename*` wins wherever it stands, names never
/// leave the directory, and dangerous names are made safe.
#[test]
fn names_from_headers_and_urls_are_safe_components() {
    let url = url::Url::parse("https://h/a/b/last%20seg.zip?x=1").unwrap();
    let cd = |h: &str| suggested_file_name(&url, Some(h.as_bytes()), None);
    assert_eq!(cd("attachment; filename*=UTF-8''n%C3%A9w.txt; filename=old.txt"), "n\u{e9}w.txt");
    assert_eq!(cd("attachment; filename=old.txt; filename*=UTF-8''n%C3%A9w.txt"), "n\u{e9}w.txt");
    // An undecodable filename* falls back to filename.
    assert_eq!(cd("attachment; filename*=bogus''x%FF; filename=ok.txt"), "ok.txt");
    for h in [
        "attachment; filename=\"../../etc/passwd\"",
        "attachment; filename=\"..\\\\..\\\\win.ini\"",
        "attachment; filename=\"/abs/path\"",
        "attachment; filename*=UTF-8''..%2F..%2Fx",
        "attachment; filename=\"..\"",
        "attachment; filename=\"a\u{7}b\"",
    ] {
        let name = cd(h);
        assert!(!name.is_empty(), "{h}");
        assert!(!name.contains(['/', '\\']), "{h} -> {name}");
        assert!(!name.starts_with('.'), "{h} -> {name}");
        assert!(!name.chars().any(char::is_control), "{h} -> {name}");
    }
    assert_eq!(suggested_file_name(&url, None, None), "last seg.zip");
    let bare = url::Url::parse("https://h/").unwrap();
    assert_eq!(suggested_file_name(&bare, None, None), "download");
    assert_eq!(sanitize("CON.txt", 255).as_deref(), Some("_CON.txt"));
    assert_eq!(sanitize("lpt1", 255).as_deref(), Some("_lpt1"));
    assert_eq!(sanitize("___", 255), None);
    // The byte limit cuts on a character boundary and keeps the extension.
    let long = format!("{}.bin", "\u{e9}".repeat(200));
    let cut = sanitize(&long, 255).unwrap();
    assert!(cut.len() <= 255 && cut.ends_with(".bin"), "{}", cut.len());
}

/// Electron: `cancel()` deletes the partial, also for an item interrupted and
/// waiting for `resume()`; `done(cancelled)` comes exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_while_waiting_for_the_user_deletes_the_partial() {
    let server = Server::start().await;
    server.put("/w", File::strong(bytes(100_000, 104), "e"));
    server.cut_all(Some(20_000));
    let dir = tempfile::tempdir().unwrap();
    let retry = RetryPolicy { max_attempts: 0, ..fast_retry() };
    let item = manager(dir.path(), retry).download_url(&server.url("/w")).unwrap();
    let mut ev = item.subscribe();
    until(|| item.resume_mode() == Some(ResumeMode::UserContinue)).await;
    assert!(dir.path().join("w.part").exists());
    assert!(item.can_resume());
    item.cancel();
    assert_eq!(done(&item).await, ExternalState::Cancelled);
    assert!(!dir.path().join("w.part").exists());
    assert!(!dir.path().join("w").exists());
    tokio::time::sleep(Duration::from_millis(20)).await;
    let dones = common::drain(&mut ev)
        .into_iter()
        .filter(|e| matches!(e, sessionkit_downloads::DownloadEvent::Done { .. }))
        .count();
    assert_eq!(dones, 1);
    assert_eq!(item.state(), ExternalState::Cancelled);
    assert!(!item.can_resume());
}

/// Electron: `getCurrentBytesPerSecond()` is 0 while paused, and pausing stops
/// reading: no bytes arrive until `resume()`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_items_read_nothing_and_report_zero_speed() {
    let server = Server::start().await;
    let body = bytes(400_000, 105);
    server.put("/p", File::strong(body.clone(), "e"));
    server.throttle(Some(400_000));
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/p")).unwrap();
    until(|| item.received_bytes() > 0).await;
    item.pause();
    assert!(item.is_paused());
    assert!(item.can_resume());
    assert_eq!(item.current_bytes_per_second(), 0);
    assert_eq!(item.state(), ExternalState::Progressing);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let a = item.received_bytes();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The socket buffer may hold one frame already read by hyper; nothing more.
    assert!(item.received_bytes() <= a + 64 * 1024, "{} -> {}", a, item.received_bytes());
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_same(&std::fs::read(dir.path().join("p")).unwrap(), &body);
    // Electron keeps the request of a paused item: resume() continues it, no
    // new request.
    assert_eq!(server.requests().len(), 1);
}

/// Chromium: a range request is guarded by the downloader alone; a `Range` or
/// `If-Range` the caller passed is not sent on a fresh start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_range_headers_are_not_sent() {
    let server = Server::start().await;
    let body = bytes(10_000, 106);
    server.put("/r", File::strong(body.clone(), "e"));
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path(), fast_retry());
    let req = sessionkit_downloads::DownloadRequest::new(server.url("/r"))
        .header("Range", "bytes=500-")
        .unwrap()
        .header("If-Range", "\"e\"")
        .unwrap()
        .header("Accept-Encoding", "gzip")
        .unwrap();
    let item = m.download(req).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_same(&std::fs::read(dir.path().join("r")).unwrap(), &body);
    let r = &server.requests()[0];
    assert_eq!(r.header("range"), None);
    assert_eq!(r.header("if-range"), None);
    assert_eq!(r.header("accept-encoding"), Some("identity"));
}

/// A 404 on the first request is SERVER_BAD_CONTENT: not resumable, `done`
/// with `interrupted`, and no file left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_ends_the_download_and_leaves_no_file() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/missing")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Interrupted);
    assert_eq!(item.interrupt_reason(), Some(InterruptReason::ServerBadContent));
    assert_eq!(item.resume_mode(), Some(ResumeMode::Invalid));
    assert!(!item.can_resume());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Chromium keeps room for the intermediate suffix (`.crdownload`) when it
/// cuts a long name; our partial file is `<target>.part`, so a name cut to the
/// file system's 255 bytes must still leave room for it, or the partial file
/// can never be created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_very_long_name_still_downloads() {
    let server = Server::start().await;
    let body = bytes(3_000, 107);
    let mut file = File::strong(body.clone(), "e");
    file.content_disposition = Some(format!("attachment; filename=\"{}.bin\"", "a".repeat(300)));
    server.put("/long", file);
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/long")).unwrap();
    let state = done(&item).await;
    assert_eq!(state, ExternalState::Completed, "{:?}", item.interrupt_reason());
    let path = item.save_path().unwrap();
    assert_eq!(path.parent(), Some(dir.path()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.len() + ".part".len() <= 255 && name.ends_with(".bin"), "{}", name.len());
    assert_same(&std::fs::read(&path).unwrap(), &body);
}

/// Names from URLs: the last segment is percent-decoded and an encoded slash
/// cannot smuggle a separator; an empty last segment falls back to Electron's
/// default `download`; `filename*` in ISO-8859-1 decodes.
#[test]
fn more_names_like_chromium() {
    let u = |s: &str| url::Url::parse(s).unwrap();
    let enc = suggested_file_name(&u("https://h/a%2F..%2Fb.txt"), None, None);
    assert!(!enc.contains('/') && !enc.starts_with('.'), "{enc}");
    assert_eq!(suggested_file_name(&u("https://h/dir/"), None, None), "download");
    let latin = suggested_file_name(
        &u("https://h/x"),
        Some(b"attachment; filename*=iso-8859-1'en'%A3%20rates.txt"),
        None,
    );
    assert_eq!(latin, "\u{a3} rates.txt");
    let inline = suggested_file_name(&u("https://h/x"), Some(b"inline; filename=i.pdf"), None);
    assert_eq!(inline, "i.pdf");
}

/// Chromium reports progress on a timer (every `kUpdatePeriodMs`), not only
/// when bytes arrive: while a connection stalls, `updated` keeps coming and the
/// rate falls to 0 instead of showing the last burst's speed until the stall
/// timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_connection_reports_zero_speed_and_keeps_updating() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf).await.unwrap();
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 200000\r\nETag: \"e\"\r\n\r\n";
        s.write_all(head.as_bytes()).await.unwrap();
        // Half a second of steady traffic, so a rate is measured...
        for piece in bytes(100_000, 108).chunks(10_000) {
            s.write_all(piece).await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Stall until the test has looked, then close.
        let _ = tokio::time::timeout(Duration::from_secs(20), release_rx).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let mut c = ManagerConfig::new(dir.path());
    c.update_interval = Duration::from_millis(40);
    c.stall_timeout = Duration::from_secs(20);
    let m = DownloadManager::new(HyperTransport, c).unwrap();
    let url = url::Url::parse(&format!("http://{addr}/stall")).unwrap();
    let item = m.download_url(&url).unwrap();
    let mut ev = item.subscribe();
    until(|| item.current_bytes_per_second() > 0).await;
    until(|| item.received_bytes() == 100_000).await;
    // ...then several update periods of silence.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = common::drain(&mut ev);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let updates = common::drain(&mut ev)
        .into_iter()
        .filter(|e| matches!(e, sessionkit_downloads::DownloadEvent::Updated { .. }))
        .count();
    assert_eq!(item.current_bytes_per_second(), 0, "stale speed during a stall");
    assert!(updates >= 1, "no updated event during 200 ms of stall (period 40 ms)");
    assert_eq!(item.state(), ExternalState::Progressing);
    let _ = release_tx.send(());
    item.cancel();
    assert_eq!(done(&item).await, ExternalState::Cancelled);
}

/// The stall timeout still fires while the progress timer ticks: no data for
/// `stall_timeout` is NETWORK_TIMEOUT (an automatic-continue reason; with no
/// automatic attempts allowed the item waits for `resume()`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_longer_than_the_timeout_interrupts_with_network_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf).await.unwrap();
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 200000\r\nETag: \"e\"\r\n\r\n";
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(&bytes(50_000, 109)).await.unwrap();
        tokio::time::sleep(Duration::from_secs(20)).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let mut c = ManagerConfig::new(dir.path());
    c.update_interval = Duration::from_millis(20);
    c.stall_timeout = Duration::from_millis(150);
    c.retry = RetryPolicy { max_attempts: 0, ..fast_retry() };
    let m = DownloadManager::new(HyperTransport, c).unwrap();
    let url = url::Url::parse(&format!("http://{addr}/stall")).unwrap();
    let item = m.download_url(&url).unwrap();
    until(|| item.state() == ExternalState::Interrupted).await;
    assert_eq!(item.interrupt_reason(), Some(InterruptReason::NetworkTimeout));
    assert_eq!(item.resume_mode(), Some(ResumeMode::UserContinue));
    assert_eq!(item.received_bytes(), 50_000);
    assert!(dir.path().join("stall.part").exists());
    item.cancel();
    assert_eq!(done(&item).await, ExternalState::Cancelled);
}

/// A 206 whose `Content-Length` disagrees with its own `Content-Range` is not
/// the range asked for: appending it would put stray bytes into the file (and
/// hide it by forgetting the total). It restarts like a misplaced range, and
/// the final file is exactly the server's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_206_longer_than_its_content_range_is_not_appended() {
    let server = Server::start().await;
    let body = bytes(100_000, 110);
    server.put("/x", File::strong(body.clone(), "e"));
    server.cut_request(0, 30_000);
    let mut padded = body[30_000..].to_vec();
    padded.extend_from_slice(&[0u8; 1000]);
    server.hook(move |req, n| {
        (n == 1 && req.header("range").is_some()).then(|| Resp {
            status: 206,
            headers: vec![
                ("ETag".into(), "\"e\"".into()),
                ("Content-Range".into(), "bytes 30000-99999/100000".into()),
            ],
            body: padded.clone(),
            ..Resp::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/x")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_same(&std::fs::read(dir.path().join("x")).unwrap(), &body);
    assert_eq!(item.total_bytes(), Some(100_000));
}

/// The same rule in the pure core.
#[test]
fn classify_checks_content_length_against_content_range() {
    use sessionkit_downloads::response::{
        Outcome, RequestedRange, ResponseHead, classify_response,
    };
    let req = RequestedRange { offset: 4, expected_total: Some(10) };
    let head = |cl| ResponseHead {
        status: 206,
        content_range: Some(b"bytes 4-9/10".as_slice()),
        content_length: cl,
    };
    assert_eq!(
        classify_response(&head(Some(6)), &req),
        Outcome::Continue { offset: 4, total: Some(10) }
    );
    assert_eq!(
        classify_response(&head(None), &req),
        Outcome::Continue { offset: 4, total: Some(10) }
    );
    assert_eq!(
        classify_response(&head(Some(7)), &req),
        Outcome::Interrupt(InterruptReason::ServerNoRange)
    );
}

/// A caller's suggested name goes through the same sanitiser: it can never
/// climb out of the download directory either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suggested_name_stays_inside_the_directory() {
    let server = Server::start().await;
    let body = bytes(2_000, 111);
    server.put("/q", File::strong(body.clone(), "e"));
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("dl");
    std::fs::create_dir(&dir).unwrap();
    let m = manager(&dir, fast_retry());
    let req = sessionkit_downloads::DownloadRequest::new(server.url("/q"))
        .suggested_name("../../escaped.txt");
    let item = m.download(req).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    let path = item.save_path().unwrap();
    assert_eq!(path.parent(), Some(dir.as_path()), "{path:?}");
    assert!(!root.path().join("escaped.txt").exists());
    assert_same(&std::fs::read(&path).unwrap(), &body);
}

/// Many downloads at once, each from its own server path, each exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_downloads_are_each_exact() {
    let server = Server::start().await;
    let bodies: Vec<Vec<u8>> = (0..8).map(|i| bytes(150_000 + i * 7_919, 200 + i as u64)).collect();
    for (i, b) in bodies.iter().enumerate() {
        server.put(&format!("/c{i}.bin"), File::strong(b.clone(), &format!("e{i}")));
    }
    // Every first response is cut, so each item also resumes once.
    for n in 0..8 {
        server.cut_request(n, 40_000);
    }
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path(), fast_retry());
    let items: Vec<_> =
        (0..8).map(|i| m.download_url(&server.url(&format!("/c{i}.bin"))).unwrap()).collect();
    for (i, item) in items.iter().enumerate() {
        assert_eq!(done(item).await, ExternalState::Completed, "item {i}");
        assert_same(&std::fs::read(dir.path().join(format!("c{i}.bin"))).unwrap(), &bodies[i]);
    }
}

/// Two downloads in flight told to save to the same path must not share one
/// partial file (their bytes would interleave and the first rename would pull
/// the file from under the second). The first keeps the path; the second gets
/// a unique name beside it, as Chromium's reservation tracker does for paths
/// in use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_downloads_to_one_save_path_never_share_a_partial() {
    use std::sync::Arc;
    let server = Server::start().await;
    let a = bytes(300_000, 120);
    let b = bytes(300_000, 121);
    server.put("/a", File::strong(a.clone(), "a"));
    server.put("/b", File::strong(b.clone(), "b"));
    server.throttle(Some(2_000_000));
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path(), fast_retry());
    let target = dir.path().join("same.bin");
    let t = target.clone();
    m.set_will_download_handler(Some(Arc::new(move |_| {
        sessionkit_downloads::WillDownload::SavePath(t.clone())
    })));
    let ia = m.download_url(&server.url("/a")).unwrap();
    until(|| ia.save_path().is_some()).await;
    let ib = m.download_url(&server.url("/b")).unwrap();
    assert_eq!(done(&ia).await, ExternalState::Completed);
    assert_eq!(done(&ib).await, ExternalState::Completed, "{:?}", ib.interrupt_reason());
    let (pa, pb) = (ia.save_path().unwrap(), ib.save_path().unwrap());
    assert_eq!(pa, target);
    assert_ne!(pa, pb);
    assert_eq!(pb.parent(), Some(dir.path()));
    assert_same(&std::fs::read(&pa).unwrap(), &a);
    assert_same(&std::fs::read(&pb).unwrap(), &b);
}

/// Chromium checks the partial file before it continues (`BaseFile`): shorter
/// than the bytes already received is FILE_TOO_SHORT, a restart. A partial
/// deleted or cut while the item waited must never be continued over a hole of
/// zeros.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_that_shrank_while_waiting_is_not_continued() {
    let server = Server::start().await;
    let body = bytes(200_000, 112);
    server.put("/g", File::strong(body.clone(), "e"));
    server.cut_request(0, 80_000);
    server.cut_request(2, 60_000);
    let dir = tempfile::tempdir().unwrap();
    let retry = RetryPolicy { max_attempts: 0, ..fast_retry() };
    let item = manager(dir.path(), retry).download_url(&server.url("/g")).unwrap();
    until(|| item.resume_mode() == Some(ResumeMode::UserContinue)).await;
    let partial = dir.path().join("g.part");
    std::fs::remove_file(&partial).unwrap();
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed, "{:?}", item.interrupt_reason());
    assert_same(&std::fs::read(dir.path().join("g")).unwrap(), &body);
    // A second item whose partial is cut shorter than recorded.
    let item = manager(dir.path(), retry).download_url(&server.url("/g")).unwrap();
    until(|| item.resume_mode() == Some(ResumeMode::UserContinue)).await;
    let partial = dir.path().join("g (1).part");
    std::fs::OpenOptions::new().write(true).open(&partial).unwrap().set_len(10_000).unwrap();
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed, "{:?}", item.interrupt_reason());
    assert_same(&std::fs::read(dir.path().join("g (1)")).unwrap(), &body);
}

/// Cancellation is prompt even while the server has not answered the request
/// yet, and leaves nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_before_the_response_head_is_prompt() {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf).await;
        // Never answer.
        tokio::time::sleep(Duration::from_secs(20)).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry())
        .download_url(&url::Url::parse(&format!("http://{addr}/hang")).unwrap())
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let asked = std::time::Instant::now();
    item.cancel();
    let state = tokio::time::timeout(Duration::from_secs(2), item.wait_done()).await;
    assert_eq!(state.ok(), Some(ExternalState::Cancelled), "not cancelled within 2 s");
    assert!(asked.elapsed() < Duration::from_secs(2));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Automatic resumes wait: the n-th after a delay in [cap/2, cap] with
/// cap = base * 2^n (equal jitter). With a 200 ms base the first resume cannot
/// come sooner than 100 ms after the cut (generous lower bound only).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_resumes_back_off() {
    use std::sync::{Arc, Mutex};
    let server = Server::start().await;
    let body = bytes(50_000, 113);
    server.put("/b", File::strong(body.clone(), "e"));
    server.cut_request(0, 10_000);
    server.cut_request(1, 10_000);
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    server.hook(move |_, _| {
        t.lock().unwrap().push(std::time::Instant::now());
        None
    });
    let dir = tempfile::tempdir().unwrap();
    let retry = RetryPolicy {
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(2),
        ..RetryPolicy::default()
    };
    let item = manager(dir.path(), retry).download_url(&server.url("/b")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_same(&std::fs::read(dir.path().join("b")).unwrap(), &body);
    let times = times.lock().unwrap().clone();
    assert_eq!(times.len(), 3);
    let first = times[1] - times[0];
    let second = times[2] - times[1];
    assert!(first >= Duration::from_millis(100), "first resume after {first:?}");
    assert!(second >= Duration::from_millis(200), "second resume after {second:?}");
}

/// Outside input to the request builder is a typed error, never a panic or a
/// request: non-HTTP schemes and header values with line breaks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path(), fast_retry());
    for url in ["file:///etc/passwd", "data:,hello", "ftp://h/x"] {
        let r = m.download_url(&url::Url::parse(url).unwrap());
        assert!(matches!(r, Err(sessionkit_downloads::Error::InvalidRequest(_))), "{url}: {r:?}");
    }
    let r = sessionkit_downloads::DownloadRequest::new(url::Url::parse("http://h/").unwrap())
        .header("X-A", "a\r\nInjected: 1");
    assert!(r.is_err());
    let r = sessionkit_downloads::DownloadRequest::new(url::Url::parse("http://h/").unwrap())
        .header("Bad Name", "v");
    assert!(r.is_err());
    assert!(sessionkit_downloads::parse_sha256_hex("zz").is_err());
    assert!(sessionkit_downloads::parse_sha256_hex(&"é".repeat(32)).is_err());
}

/// The same for a 206 without `Content-Length` (delimited by the connection
/// closing) that sends more than its range: the surplus is never written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_206_without_length_that_overruns_its_range_is_not_appended() {
    let server = Server::start().await;
    let body = bytes(100_000, 114);
    server.put("/o", File::strong(body.clone(), "e"));
    server.cut_request(0, 30_000);
    let mut padded = body[30_000..].to_vec();
    padded.extend_from_slice(&[0u8; 1000]);
    server.hook(move |req, n| {
        (n == 1 && req.header("range").is_some()).then(|| Resp {
            status: 206,
            headers: vec![
                ("ETag".into(), "\"e\"".into()),
                ("Content-Range".into(), "bytes 30000-99999/100000".into()),
            ],
            body: padded.clone(),
            no_length: true,
            ..Resp::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path(), fast_retry()).download_url(&server.url("/o")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_same(&std::fs::read(dir.path().join("o")).unwrap(), &body);
    assert_eq!(item.total_bytes(), Some(100_000));
}

/// Records come from disk: one that cannot be turned back into a download (an
/// unparsable or empty URL chain) must not keep every other download from
/// coming back after a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_record_does_not_block_restore() {
    use sessionkit_downloads::{InterruptedDownload, MemoryStore, RecordStore};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    {
        let m = DownloadManager::with_store(
            HyperTransport,
            ManagerConfig::new(dir.path()),
            store.clone(),
        )
        .unwrap();
        let mut opts = InterruptedDownload::default();
        opts.path = dir.path().join("good.bin");
        opts.url_chain = vec![url::Url::parse("http://127.0.0.1:9/good.bin").unwrap()];
        opts.offset = 0;
        opts.length = 10;
        opts.etag = Some("\"e\"".into());
        let item = m.create_interrupted_download(opts).unwrap();
        until(|| store.load().unwrap().len() == 1).await;
        let mut bad = item.record().unwrap();
        bad.id = item.id() + 100;
        bad.url_chain = vec!["not a url".into()];
        store.put(&bad).unwrap();
        let mut empty = item.record().unwrap();
        empty.id = item.id() + 200;
        empty.url_chain.clear();
        store.put(&empty).unwrap();
        // Times that parse as numbers but are past what a SystemTime holds
        // (`UNIX_EPOCH + d` used to panic).
        let mut late = item.record().unwrap();
        late.id = item.id() + 300;
        late.start_time = 1e19;
        store.put(&late).unwrap();
        let mut ended = item.record().unwrap();
        ended.id = item.id() + 400;
        ended.end_time = 1e300;
        store.put(&ended).unwrap();
    }
    let m =
        DownloadManager::with_store(HyperTransport, ManagerConfig::new(dir.path()), store.clone())
            .unwrap();
    let restored = m.restore().unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0].url().path(), "/good.bin");
}

/// Electron takes `startTime` as a number of seconds; one too large for a
/// `SystemTime` is an error, not a panic, and leaves the partial file alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_interrupted_download_rejects_an_out_of_range_start_time() {
    use sessionkit_downloads::{Error, InterruptedDownload};
    let dir = tempfile::tempdir().unwrap();
    let m = DownloadManager::new(HyperTransport, ManagerConfig::new(dir.path())).unwrap();
    std::fs::write(dir.path().join("t.bin"), b"0123").unwrap();
    let mut opts = InterruptedDownload::default();
    opts.path = dir.path().join("t.bin");
    opts.url_chain = vec![url::Url::parse("http://127.0.0.1:9/t.bin").unwrap()];
    opts.offset = 4;
    opts.length = 10;
    for t in [1e19, 1e300] {
        opts.start_time = Some(t);
        let err = m.create_interrupted_download(opts.clone()).unwrap_err();
        assert!(matches!(err, Error::InvalidInterruptedDownload(_)), "{err:?}");
    }
    assert!(dir.path().join("t.bin").exists(), "nothing moved aside");
    assert!(m.items().is_empty());
    opts.start_time = Some(1_700_000_000.0);
    let item = m.create_interrupted_download(opts).unwrap();
    assert_eq!(item.received_bytes(), 4);
}
