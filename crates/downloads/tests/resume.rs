//! Downloads against a scripted loopback server: for each scenario, the file on
//! disk is exactly the server's final file, or the item is interrupted with the
//! right reason.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{File, HyperTransport, Resp, Server, bytes, done, drain, until};
use sessionkit_downloads::{
    DownloadEvent, DownloadManager, DownloadRequest, ExternalState, InterruptReason, ManagerConfig,
    ResumeMode, RetryPolicy,
};

fn config(dir: &std::path::Path) -> ManagerConfig {
    let mut c = ManagerConfig::new(dir);
    c.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        ..RetryPolicy::default()
    };
    c.stall_timeout = Duration::from_secs(10);
    c
}

fn manager(dir: &std::path::Path) -> DownloadManager {
    DownloadManager::new(HyperTransport, config(dir)).expect("inside a runtime")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_download_with_electron_getters_and_events() {
    let server = Server::start().await;
    let body = bytes(300_000, 1);
    let mut file = File::strong(body.clone(), "v1");
    file.content_disposition = Some("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.bin".into());
    server.put("/files/x", file);
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let mut events = m.subscribe();
    // Electron's pattern: listen on the item inside will-download, before any
    // progress (subscribing after download_url returns races a fast download).
    let slot = Arc::new(std::sync::Mutex::new(None));
    let s = slot.clone();
    m.set_will_download_handler(Some(Arc::new(move |item| {
        *s.lock().unwrap() = Some(item.subscribe());
        sessionkit_downloads::WillDownload::Continue
    })));
    let item = m.download_url(&server.url("/files/x")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    let mut item_events = slot.lock().unwrap().take().unwrap();

    let path = dir.path().join("r\u{e9}sum\u{e9}.bin");
    assert_eq!(std::fs::read(&path).unwrap(), body);
    assert!(!dir.path().join("r\u{e9}sum\u{e9}.bin.part").exists());
    assert_eq!(item.save_path().as_deref(), Some(path.as_path()));
    assert_eq!(item.filename(), "r\u{e9}sum\u{e9}.bin");
    assert_eq!(item.mime_type(), "application/octet-stream");
    assert_eq!(item.etag().as_deref(), Some("\"v1\""));
    assert_eq!(item.last_modified(), None);
    assert_eq!(item.total_bytes(), Some(300_000));
    assert_eq!(item.received_bytes(), 300_000);
    assert_eq!(item.percent_complete(), Some(100));
    assert_eq!(item.current_bytes_per_second(), 0);
    assert_eq!(item.url_chain(), vec![server.url("/files/x")]);
    assert!(item.content_disposition().unwrap().starts_with("attachment"));
    assert!(item.end_time().unwrap() >= item.start_time());
    assert!(!item.can_resume());
    let req = &server.requests()[0];
    assert_eq!(req.header("accept-encoding"), Some("identity"));
    assert_eq!(req.header("range"), None);

    let events = drain(&mut events);
    assert!(matches!(events.first(), Some(DownloadEvent::Created(_))));
    let dones: Vec<_> = events.iter().filter(|e| matches!(e, DownloadEvent::Done { .. })).collect();
    assert_eq!(dones.len(), 1);
    assert!(matches!(
        events.last(),
        Some(DownloadEvent::Done { state: ExternalState::Completed, .. })
    ));
    let item_events = drain(&mut item_events);
    assert!(!item_events.iter().any(|e| matches!(e, DownloadEvent::Created(_))));
    assert_eq!(item_events.iter().filter(|e| matches!(e, DownloadEvent::Done { .. })).count(), 1);
    // Done again is never sent: cancelling a finished item does nothing.
    item.cancel();
    assert_eq!(item.state(), ExternalState::Completed);
    assert_eq!(std::fs::read(&path).unwrap(), body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_connection_resumes_with_range_and_if_range() {
    let server = Server::start().await;
    let body = bytes(500_000, 2);
    server.put("/f.bin", File::strong(body.clone(), "abc"));
    server.cut_request(0, 123_457);
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let item = m.download_url(&server.url("/f.bin")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("f.bin")).unwrap(), body);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("range"), Some("bytes=123457-"));
    assert_eq!(reqs[1].header("if-range"), Some("\"abc\""));
    assert_eq!(reqs[1].header("accept-encoding"), Some("identity"));
    assert_eq!(item.auto_resume_attempts(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_modified_alone_is_strong_when_old_enough() {
    let server = Server::start().await;
    let body = bytes(200_000, 3);
    let mut file = File::strong(body.clone(), "x");
    file.etag = None;
    file.last_modified = Some("Sat, 05 Nov 1994 08:49:37 GMT".into());
    file.date = Some("Sun, 06 Nov 1994 08:49:37 GMT".into());
    server.put("/lm", file);
    server.cut_request(0, 50_000);
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/lm")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("lm")).unwrap(), body);
    assert_eq!(server.requests()[1].header("if-range"), Some("Sat, 05 Nov 1994 08:49:37 GMT"));
    assert_eq!(item.last_modified().as_deref(), Some("Sat, 05 Nov 1994 08:49:37 GMT"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_validators_restart_from_zero_without_range() {
    let server = Server::start().await;
    let body = bytes(200_000, 4);
    let mut file = File::strong(body.clone(), "x");
    file.etag = Some("W/\"weak\"".into());
    server.put("/weak", file);
    server.cut_request(0, 70_000);
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/weak")).unwrap();
    let mut ev = item.subscribe();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("weak")).unwrap(), body);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("range"), None, "no Range without a strong validator");
    assert_eq!(item.etag(), None, "weak ETags are not kept");
    let _ = drain(&mut ev);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_without_ranges_sends_200_and_the_event_says_restarted() {
    let server = Server::start().await;
    let body = bytes(400_000, 5);
    let mut file = File::strong(body.clone(), "e");
    file.ranges = false;
    server.put("/nr", file);
    server.cut_request(0, 100_000);
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let mut ev = m.subscribe();
    let item = m.download_url(&server.url("/nr")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("nr")).unwrap(), body);
    assert_eq!(server.requests()[1].header("range"), Some("bytes=100000-"));
    assert!(
        drain(&mut ev).iter().any(|e| matches!(e, DownloadEvent::Updated { restarted: true, .. })),
        "an updated event reports the restart"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_replaced_between_attempts_gives_the_new_file_never_a_mix() {
    let server = Server::start().await;
    let old = bytes(300_000, 6);
    let new = bytes(300_000, 7);
    server.put("/r", File::strong(old, "v1"));
    let s = server.clone();
    let replacement = new.clone();
    server.hook(move |_, n| {
        if n == 1 {
            // Before the resume is answered, the file changes on the server.
            s.put("/r", File::strong(replacement.clone(), "v2"));
        }
        None
    });
    server.cut_request(0, 150_000);
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let mut ev = m.subscribe();
    let item = m.download_url(&server.url("/r")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("r")).unwrap(), new);
    assert_eq!(server.requests()[1].header("if-range"), Some("\"v1\""));
    assert_eq!(item.etag().as_deref(), Some("\"v2\""));
    assert!(
        drain(&mut ev).iter().any(|e| matches!(e, DownloadEvent::Updated { restarted: true, .. }))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_content_range_start_or_total_restarts() {
    for (label, bad) in [("start", "bytes 10-299999/300000"), ("total", "bytes {N}-299999/999999")]
    {
        let server = Server::start().await;
        let body = bytes(300_000, 8);
        server.put("/w", File::strong(body.clone(), "e"));
        server.cut_request(0, 100_000);
        let wrong = body.clone();
        server.hook(move |req, n| {
            (n == 1).then(|| {
                let start: usize = req
                    .header("range")
                    .unwrap()
                    .trim_start_matches("bytes=")
                    .trim_end_matches('-')
                    .parse()
                    .unwrap();
                Resp {
                    status: 206,
                    headers: vec![
                        ("ETag".into(), "\"e\"".into()),
                        ("Content-Range".into(), bad.replace("{N}", &start.to_string())),
                    ],
                    body: wrong[start..].to_vec(),
                    ..Resp::default()
                }
            })
        });
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path());
        let mut ev = m.subscribe();
        let item = m.download_url(&server.url("/w")).unwrap();
        assert_eq!(done(&item).await, ExternalState::Completed, "{label}");
        assert!(
            drain(&mut ev)
                .iter()
                .any(|e| matches!(e, DownloadEvent::Updated { restarted: true, .. })),
            "{label}: the restart is reported"
        );
        assert_eq!(std::fs::read(dir.path().join("w")).unwrap(), body, "{label}");
        let reqs = server.requests();
        assert_eq!(reqs.len(), 3, "{label}: cut, bad 206, restart");
        assert_eq!(reqs[2].header("range"), None, "{label}: the restart asks for everything");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsatisfiable_range_restarts_unless_the_file_is_whole() {
    let server = Server::start().await;
    let body = bytes(100_000, 9);
    server.put("/u", File::strong(body.clone(), "e"));
    server.cut_request(0, 40_000);
    server.hook(|_, n| {
        (n == 1).then(|| Resp {
            status: 416,
            headers: vec![("Content-Range".into(), "bytes */5".into())],
            ..Resp::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/u")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("u")).unwrap(), body);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_redirect_on_resume_is_refused() {
    let a = Server::start().await;
    let b = Server::start().await;
    let body = bytes(200_000, 10);
    b.put("/data", File::strong(body, "e"));
    b.cut_request(0, 60_000);
    let to_b = b.url("/data").to_string();
    a.hook(move |_, _| {
        Some(Resp {
            status: 302,
            headers: vec![("Location".into(), to_b.clone())],
            ..Resp::default()
        })
    });
    let to_a = a.url("/start").to_string();
    b.hook(move |req, n| {
        (n == 1 && req.header("range").is_some()).then(|| Resp {
            status: 307,
            headers: vec![("Location".into(), to_a.clone())],
            ..Resp::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&a.url("/start")).unwrap();
    assert_eq!(done(&item).await, ExternalState::Interrupted);
    assert_eq!(item.interrupt_reason(), Some(InterruptReason::ServerCrossOriginRedirect));
    assert_eq!(item.url_chain(), vec![a.url("/start"), b.url("/data")]);
    assert!(!dir.path().join("data.part").exists(), "not resumable: the partial is deleted");
    assert!(!item.can_resume());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_automatic_resumes_then_the_item_waits_for_resume() {
    let server = Server::start().await;
    let body = bytes(300_000, 11);
    server.put("/f", File::strong(body.clone(), "e"));
    server.cut_all(Some(10_000));
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/f")).unwrap();
    until(|| item.resume_mode() == Some(ResumeMode::UserContinue)).await;
    assert_eq!(item.state(), ExternalState::Interrupted);
    assert_eq!(item.interrupt_reason(), Some(InterruptReason::ServerContentLengthMismatch));
    assert!(item.can_resume());
    assert!(!item.is_done());
    assert_eq!(item.auto_resume_attempts(), 5);
    assert_eq!(server.requests().len(), 6);
    assert_eq!(item.received_bytes(), 60_000);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.requests().len(), 6, "no more automatic attempts");
    server.cut_all(None);
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body);
    assert_eq!(server.requests().last().unwrap().header("range"), Some("bytes=60000-"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_that_end_the_download() {
    for (status, reason) in [
        (404, InterruptReason::ServerBadContent),
        (403, InterruptReason::ServerForbidden),
        (401, InterruptReason::ServerUnauthorized),
    ] {
        let server = Server::start().await;
        server.hook(move |_, _| Some(Resp { status, ..Resp::default() }));
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path());
        let item = m.download_url(&server.url("/missing.txt")).unwrap();
        assert_eq!(done(&item).await, ExternalState::Interrupted, "{status}");
        assert_eq!(item.interrupt_reason(), Some(reason), "{status}");
        assert_eq!(item.resume_mode(), Some(ResumeMode::Invalid));
        assert_eq!(item.filename(), "missing.txt");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{status}: nothing left on disk"
        );
    }
    // A 500 waits for the user, with nothing kept.
    let server = Server::start().await;
    server.hook(|_, _| Some(Resp { status: 503, ..Resp::default() }));
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/x")).unwrap();
    until(|| item.state() == ExternalState::Interrupted).await;
    assert_eq!(item.interrupt_reason(), Some(InterruptReason::ServerFailed));
    assert_eq!(item.resume_mode(), Some(ResumeMode::UserRestart));
    assert!(item.can_resume());
    item.cancel();
    assert_eq!(done(&item).await, ExternalState::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_stops_reading_and_resume_continues() {
    let server = Server::start().await;
    let body = bytes(400_000, 12);
    server.put("/p", File::strong(body.clone(), "e"));
    server.throttle(Some(400_000));
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/p")).unwrap();
    until(|| item.received_bytes() > 50_000).await;
    item.pause();
    assert!(item.is_paused());
    assert!(item.can_resume());
    assert_eq!(item.current_bytes_per_second(), 0);
    assert_eq!(item.state(), ExternalState::Progressing);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let held = item.received_bytes();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(item.received_bytes(), held, "nothing is read while paused");
    item.resume();
    assert!(!item.is_paused());
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("p")).unwrap(), body);
    assert_eq!(server.requests().len(), 1, "the same request carried on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_is_prompt_and_deletes_the_partial() {
    let server = Server::start().await;
    server.put("/c", File::strong(bytes(2_000_000, 13), "e"));
    server.throttle(Some(200_000));
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/c")).unwrap();
    let mut ev = item.subscribe();
    until(|| item.received_bytes() > 10_000).await;
    assert!(dir.path().join("c.part").exists());
    let t = std::time::Instant::now();
    item.cancel();
    assert_eq!(done(&item).await, ExternalState::Cancelled);
    assert!(t.elapsed() < Duration::from_secs(5));
    assert!(!dir.path().join("c.part").exists());
    assert!(!dir.path().join("c").exists());
    assert!(item.end_time().is_some());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let dones = drain(&mut ev).iter().filter(|e| matches!(e, DownloadEvent::Done { .. })).count();
    assert_eq!(dones, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_updates_are_at_least_the_interval_apart() {
    let server = Server::start().await;
    server.put("/s", File::strong(bytes(600_000, 14), "e"));
    server.throttle(Some(400_000));
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/s")).unwrap();
    let mut ev = item.subscribe();
    let mut stamps = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ev.recv()).await.unwrap().unwrap() {
            DownloadEvent::Updated { state: ExternalState::Progressing, .. } => {
                stamps.push(std::time::Instant::now());
            }
            DownloadEvent::Done { state, .. } => {
                assert_eq!(state, ExternalState::Completed);
                break;
            }
            _ => {}
        }
    }
    assert!(stamps.len() >= 2, "{} updates", stamps.len());
    // The first update is the start of the transfer; later ones are progress.
    for w in stamps[1..].windows(2) {
        assert!(w[1] - w[0] >= Duration::from_millis(450), "{:?}", w[1] - w[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expected_sha256_is_checked() {
    use sha2::Digest;
    let server = Server::start().await;
    let body = bytes(3_000_000, 15);
    server.put("/h", File::strong(body.clone(), "e"));
    server.cut_request(0, 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let good: [u8; 32] = sha2::Sha256::digest(&body).into();
    let item = m.download(DownloadRequest::new(server.url("/h")).expected_sha256(good)).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("h")).unwrap(), body);

    let bad = m
        .download(
            DownloadRequest::new(server.url("/h"))
                .save_path(dir.path().join("bad"))
                .expected_sha256([7; 32]),
        )
        .unwrap();
    assert_eq!(done(&bad).await, ExternalState::Interrupted);
    assert_eq!(bad.interrupt_reason(), Some(InterruptReason::FileSecurityCheckFailed));
    assert!(!dir.path().join("bad").exists() && !dir.path().join("bad.part").exists());

    let sink =
        m.download(DownloadRequest::new(server.url("/h")).discard().expected_sha256(good)).unwrap();
    assert_eq!(done(&sink).await, ExternalState::Completed);
    assert_eq!(sink.received_bytes(), body.len() as u64);
    assert_eq!(sink.save_path(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_unique_against_files_and_downloads_in_flight() {
    let server = Server::start().await;
    server.put("/same.tar.gz", File::strong(bytes(200_000, 16), "e"));
    server.throttle(Some(1_000_000));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("same.tar.gz"), b"already here").unwrap();
    let m = manager(dir.path());
    let a = m.download_url(&server.url("/same.tar.gz")).unwrap();
    let b = m.download_url(&server.url("/same.tar.gz")).unwrap();
    assert_eq!(done(&a).await, ExternalState::Completed);
    assert_eq!(done(&b).await, ExternalState::Completed);
    let mut names = vec![a.save_path().unwrap(), b.save_path().unwrap()];
    names.sort();
    assert_eq!(names, vec![dir.path().join("same (1).tar.gz"), dir.path().join("same (2).tar.gz")]);
    assert_eq!(std::fs::read(dir.path().join("same.tar.gz")).unwrap(), b"already here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn will_download_handler_cancels_or_chooses_the_path() {
    use sessionkit_downloads::WillDownload;
    let server = Server::start().await;
    let body = bytes(50_000, 17);
    server.put("/keep", File::strong(body.clone(), "e"));
    server.put("/drop", File::strong(body.clone(), "e"));
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let chosen = dir.path().join("nested/deeper/kept.bin");
    let c = chosen.clone();
    let electron_style = dir.path().join("set-in-handler.bin");
    let e = electron_style.clone();
    m.set_will_download_handler(Some(Arc::new(move |item| match item.url().path() {
        "/drop" => WillDownload::Cancel,
        // Electron's way: item.setSavePath() inside will-download.
        "/set" => {
            item.set_save_path(e.clone());
            WillDownload::Continue
        }
        _ => WillDownload::SavePath(c.clone()),
    })));
    server.put("/set", File::strong(body.clone(), "e"));
    let set = m.download_url(&server.url("/set")).unwrap();
    assert_eq!(done(&set).await, ExternalState::Completed);
    assert_eq!(std::fs::read(&electron_style).unwrap(), body);
    assert_eq!(set.save_path().as_deref(), Some(electron_style.as_path()));
    let keep = m.download_url(&server.url("/keep")).unwrap();
    let drop = m.download_url(&server.url("/drop")).unwrap();
    assert_eq!(done(&keep).await, ExternalState::Completed);
    assert_eq!(done(&drop).await, ExternalState::Cancelled);
    assert_eq!(std::fs::read(&chosen).unwrap(), body);
    assert!(!dir.path().join("drop").exists());
    assert_eq!(m.items().len(), 3);
    assert!(m.remove(drop.id()).unwrap());
    assert_eq!(m.items().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_per_item_and_per_manager() {
    let server = Server::start().await;
    server.put("/slow", File::strong(bytes(300_000, 18), "e"));
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let t = std::time::Instant::now();
    let item =
        m.download(DownloadRequest::new(server.url("/slow")).rate_limit(Some(400_000))).unwrap();
    assert_eq!(done(&item).await, ExternalState::Completed);
    // 300 kB at 400 kB/s, less at most a quarter second of saved credit.
    assert!(t.elapsed() >= Duration::from_millis(450), "{:?}", t.elapsed());

    m.set_rate_limit(Some(600_000));
    let t = std::time::Instant::now();
    let a = m
        .download(DownloadRequest::new(server.url("/slow")).save_path(dir.path().join("a")))
        .unwrap();
    let b = m
        .download(DownloadRequest::new(server.url("/slow")).save_path(dir.path().join("b")))
        .unwrap();
    assert_eq!(done(&a).await, ExternalState::Completed);
    assert_eq!(done(&b).await, ExternalState::Completed);
    // 600 kB shared at 600 kB/s, less at most a quarter second of saved credit.
    assert!(t.elapsed() >= Duration::from_millis(650), "{:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_length_is_none_until_complete() {
    let server = Server::start().await;
    let body = bytes(2_000_000, 19);
    let b = body.clone();
    server.throttle(Some(2_000_000));
    server.hook(move |_, _| {
        Some(Resp { status: 200, body: b.clone(), no_length: true, ..Resp::default() })
    });
    let dir = tempfile::tempdir().unwrap();
    let item = manager(dir.path()).download_url(&server.url("/n")).unwrap();
    until(|| item.received_bytes() > 0).await;
    assert_eq!(item.total_bytes(), None);
    assert_eq!(item.percent_complete(), None);
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("n")).unwrap(), body);
    // Chromium sets the total to what arrived once all data is saved.
    assert_eq!(item.total_bytes(), Some(2_000_000));
}

#[test]
fn a_manager_needs_a_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let err = DownloadManager::new(HyperTransport, config(dir.path())).unwrap_err();
    assert!(matches!(err, sessionkit_downloads::Error::NoRuntime));
}
