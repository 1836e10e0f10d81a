//! Downloads through a session: cookies, the will-download handler, the
//! download path, and records that survive the session in a persistent
//! partition. Every server is a loopback origin the test starts.

// The origins' handlers are test scaffolding outside #[test] functions: a
// failure there should panic the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{HttpProxy, Origin, Seen, TEST_TIMEOUT, get, reply};
use sessionkit::downloads::{ExternalState, InterruptedDownload, ResumeMode};
use sessionkit::{
    BypassRules, DownloadEvent, FetchOptions, PartitionOptions, ProxyConfig, ProxyRules, Sessions,
    WillDownload,
};
use url::Url;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// 200 000 bytes that differ at every offset that matters.
fn payload() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8 ^ (i / 251) as u8).collect()
}

fn requests_to(origin: &Origin, path: &str) -> Vec<Seen> {
    origin.requests().into_iter().filter(|r| r.path() == path).collect()
}

#[tokio::test]
async fn cookies_set_earlier_go_with_a_download_and_new_ones_are_kept() {
    let origin = Origin::start(|seen| match seen.path().as_str() {
        "/login" => reply("200 OK", &[("Set-Cookie", "sid=abc; Path=/")], b"ok"),
        _ => reply(
            "200 OK",
            &[
                ("Content-Disposition", "attachment; filename=report.txt"),
                ("Set-Cookie", "seen=1; Path=/"),
            ],
            b"report body",
        ),
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let ses = Sessions::new(data.path()).unwrap().from_partition("dl", Default::default()).unwrap();
    ses.set_download_path(data.path().join("out"));
    tokio::time::timeout(TEST_TIMEOUT, async {
        ses.fetch(get(&origin.url("/login")), FetchOptions::default()).await.unwrap();
        let item = ses.download_url(&url(&origin.url("/file")), &[("X-App", "demo")]).unwrap();
        assert_eq!(item.wait_done().await, ExternalState::Completed);
        assert_eq!(item.filename(), "report.txt");
        let path = data.path().join("out").join("report.txt");
        assert_eq!(item.save_path().as_deref(), Some(path.as_path()));
        assert_eq!(std::fs::read(&path).unwrap(), b"report body");

        // A second download reaches the server again: downloads bypass the
        // HTTP cache, and add none of a cache mode's headers.
        let again = ses.download_url(&url(&origin.url("/file")), &[]).unwrap();
        assert_eq!(again.wait_done().await, ExternalState::Completed);
    })
    .await
    .unwrap();

    let seen = requests_to(&origin, "/file");
    assert_eq!(seen.len(), 2, "{seen:?}");
    let first = &seen[0];
    assert_eq!(first.header("cookie"), Some("sid=abc"));
    assert_eq!(first.header("x-app"), Some("demo"));
    assert_eq!(first.header("accept-encoding"), Some("identity"));
    assert_eq!(first.header("user-agent"), Some(ses.user_agent().as_str()));
    assert_eq!(first.header("pragma"), None);
    assert_eq!(first.header("cache-control"), None);
    // The download's own Set-Cookie was stored, and sent the second time.
    let cookie = seen[1].header("cookie").unwrap();
    assert!(cookie.contains("sid=abc") && cookie.contains("seen=1"), "{cookie}");
}

#[tokio::test]
async fn the_handler_can_cancel_or_choose_the_path_and_the_event_fires() {
    let origin = Origin::start(|seen| {
        let name = seen.path().trim_start_matches('/').to_owned();
        reply("200 OK", &[], name.as_bytes())
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let out = data.path().join("out");
    let chosen = data.path().join("chosen").join("kept.bin");
    let ses = Sessions::new(data.path()).unwrap().from_partition("dl", Default::default()).unwrap();
    ses.set_download_path(&out);
    let target = chosen.clone();
    ses.set_will_download_handler(Some(Arc::new(move |item: &sessionkit::DownloadItem| {
        if item.url().path() == "/cancel.bin" {
            WillDownload::Cancel
        } else {
            WillDownload::SavePath(target.clone())
        }
    })));
    let mut events = ses.subscribe_downloads().unwrap();
    tokio::time::timeout(TEST_TIMEOUT, async {
        let cancelled = ses.download_url(&url(&origin.url("/cancel.bin")), &[]).unwrap();
        assert_eq!(cancelled.wait_done().await, ExternalState::Cancelled);
        let kept = ses.download_url(&url(&origin.url("/keep.bin")), &[]).unwrap();
        assert_eq!(kept.wait_done().await, ExternalState::Completed);
        assert_eq!(kept.save_path().as_deref(), Some(chosen.as_path()));
        assert_eq!(std::fs::read(&chosen).unwrap(), b"keep.bin");

        // will-download as an event, once per download.
        let mut created = Vec::new();
        while let Ok(event) = events.try_recv() {
            if let DownloadEvent::Created(item) = event {
                created.push(item.id());
            }
        }
        assert_eq!(created, vec![cancelled.id(), kept.id()]);
    })
    .await
    .unwrap();
    assert!(!out.join("cancel.bin").exists());
    assert!(!out.join("cancel.bin.part").exists());

    // None restores the default: the download directory.
    ses.set_will_download_handler(None);
    let item = ses.download_url(&url(&origin.url("/plain.bin")), &[]).unwrap();
    assert_eq!(
        tokio::time::timeout(TEST_TIMEOUT, item.wait_done()).await.unwrap(),
        ExternalState::Completed
    );
    assert_eq!(std::fs::read(out.join("plain.bin")).unwrap(), b"plain.bin");
}

#[tokio::test]
async fn set_download_path_applies_to_later_downloads() {
    let origin = Origin::start(|_| reply("200 OK", &[], b"x")).await;
    let data = tempfile::tempdir().unwrap();
    let ses = Sessions::new(data.path()).unwrap().from_partition("dl", Default::default()).unwrap();
    // Before the manager exists, and after.
    let first = data.path().join("first");
    ses.set_download_path(&first);
    assert_eq!(ses.download_path(), first);
    let item = ses.download_url(&url(&origin.url("/a.txt")), &[]).unwrap();
    assert_eq!(
        tokio::time::timeout(TEST_TIMEOUT, item.wait_done()).await.unwrap(),
        ExternalState::Completed
    );
    assert!(first.join("a.txt").is_file());
    let second = data.path().join("second");
    ses.set_download_path(&second);
    assert_eq!(ses.download_path(), second);
    let item = ses.download_url(&url(&origin.url("/a.txt")), &[]).unwrap();
    assert_eq!(
        tokio::time::timeout(TEST_TIMEOUT, item.wait_done()).await.unwrap(),
        ExternalState::Completed
    );
    assert!(second.join("a.txt").is_file());
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    let data = tempfile::tempdir().unwrap();
    let ses = Sessions::new(data.path()).unwrap().from_partition("dl", Default::default()).unwrap();
    let error = ses.download_url(&url("ftp://example.com/x"), &[]).unwrap_err();
    assert!(error.is_invalid_input(), "{error}");
    let error = ses.download_url(&url("http://example.com/x"), &[("bad name", "1")]).unwrap_err();
    assert!(error.is_invalid_input(), "{error}");

    let mut options = InterruptedDownload::default();
    let error = ses.create_interrupted_download(options.clone()).unwrap_err();
    assert_eq!(error.to_string(), "Must pass non-empty path, urlChain and length.");
    assert!(error.is_invalid_input());
    options.path = data.path().join("f.bin");
    options.url_chain = vec![url("http://example.com/f.bin")];
    options.length = 10;
    options.offset = 10;
    let error = ses.create_interrupted_download(options).unwrap_err();
    assert_eq!(error.to_string(), "Must pass an offset value less than length.");
}

#[test]
fn the_manager_needs_a_runtime() {
    let data = tempfile::tempdir().unwrap();
    let ses = Sessions::new(data.path()).unwrap().from_partition("dl", Default::default()).unwrap();
    let error = ses.download_items().unwrap_err();
    assert!(!error.is_invalid_input());
    assert!(error.to_string().contains("runtime"), "{error}");
    // Settings made before do not need one.
    ses.set_download_path(data.path());
    assert_eq!(ses.download_path(), data.path());
}

/// The first response is cut short; resumes get 503 until `ready`, then
/// the rest with a 206 if `If-Range` still matches.
async fn flaky_origin(ready: Arc<AtomicBool>) -> Origin {
    let body = payload();
    Origin::start(move |seen| {
        let total = body.len();
        let range = seen.header("range").and_then(|r| r.strip_prefix("bytes="));
        match range {
            None => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nAccept-Ranges: bytes\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n"
                );
                let mut out = head.into_bytes();
                out.extend_from_slice(&body[..80_000]);
                out
            }
            Some(_) if !ready.load(Ordering::SeqCst) => {
                reply("503 Service Unavailable", &[], b"later")
            }
            Some(spec) => {
                let start: usize = spec.trim_end_matches('-').parse().unwrap();
                assert_eq!(seen.header("if-range"), Some("\"v1\""));
                reply(
                    "206 Partial Content",
                    &[
                        ("ETag", "\"v1\""),
                        ("Content-Range", &format!("bytes {start}-{}/{total}", total - 1)),
                    ],
                    &body[start..],
                )
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_persistent_partition_lists_its_download_after_a_restart_and_resumes_it() {
    let ready = Arc::new(AtomicBool::new(false));
    let origin = flaky_origin(ready.clone()).await;
    let data = tempfile::tempdir().unwrap();
    let out = data.path().join("out");
    let file_url = url(&origin.url("/big.bin"));

    // First run: the download is cut, the automatic resume gets a 503, and
    // the item waits for the user (Chromium: SERVER_FAILED, USER_CONTINUE).
    {
        let sessions = Sessions::new(data.path()).unwrap();
        let ses = sessions.from_partition("persist:dl", PartitionOptions::default()).unwrap();
        ses.set_download_path(&out);
        let item = ses.download_url(&file_url, &[]).unwrap();
        tokio::time::timeout(TEST_TIMEOUT, async {
            while item.resume_mode() != Some(ResumeMode::UserContinue) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap();
        assert_eq!(item.state(), ExternalState::Interrupted);
        assert!(!item.is_done());
        let manager = ses.downloads().unwrap();
        assert_eq!(manager.shutdown(Duration::from_secs(10)).await, 0);
    }

    // Second run, same partition: the record is listed and resumes to the
    // server's exact bytes.
    let sessions = Sessions::new(data.path()).unwrap();
    let ses = sessions.from_partition("persist:dl", PartitionOptions::default()).unwrap();
    let items = ses.download_items().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item.state(), ExternalState::Interrupted);
    assert_eq!(item.url_chain(), vec![file_url.clone()]);
    assert_eq!(item.etag().as_deref(), Some("\"v1\""));
    let offset = item.received_bytes();
    assert!(offset > 0 && offset <= 80_000, "{offset}");
    assert!(item.can_resume());

    ready.store(true, Ordering::SeqCst);
    item.resume();
    assert_eq!(
        tokio::time::timeout(TEST_TIMEOUT, item.wait_done()).await.unwrap(),
        ExternalState::Completed
    );
    let path = out.join("big.bin");
    assert_eq!(item.save_path().as_deref(), Some(path.as_path()));
    assert_eq!(std::fs::read(&path).unwrap(), payload());
    let last = origin.requests().pop().unwrap();
    assert_eq!(last.header("range"), Some(format!("bytes={offset}-").as_str()));
}

#[tokio::test]
async fn downloads_go_through_the_session_proxy() {
    let origin = Origin::start(|_| reply("200 OK", &[], b"via proxy")).await;
    let proxy = HttpProxy::start().await;
    let data = tempfile::tempdir().unwrap();
    let ses = Sessions::new(data.path()).unwrap().from_partition("dl", Default::default()).unwrap();
    ses.set_download_path(data.path());
    ses.set_proxy(ProxyConfig::fixed_servers(
        ProxyRules::parse(&format!("http=127.0.0.1:{}", proxy.addr.port())).unwrap(),
        // Chromium bypasses loopback implicitly; this test needs it proxied.
        BypassRules::parse("<-loopback>").unwrap(),
    ));
    let item = ses.download_url(&url(&origin.url("/p.txt")), &[]).unwrap();
    assert_eq!(
        tokio::time::timeout(TEST_TIMEOUT, item.wait_done()).await.unwrap(),
        ExternalState::Completed
    );
    assert_eq!(std::fs::read(data.path().join("p.txt")).unwrap(), b"via proxy");
    let lines = proxy.lines.lock().unwrap().clone();
    assert_eq!(lines, [format!("GET {} HTTP/1.1", origin.url("/p.txt"))]);
}
