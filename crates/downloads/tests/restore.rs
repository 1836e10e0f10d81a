//! Records and crash recovery: what is written, when, and how an item comes back
//! after its process died (in-process records and a real killed child process).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{File, HyperTransport, Server, bytes, done, drain, until};
use sessionkit_downloads::{
    DownloadEvent, DownloadManager, DownloadRecord, DownloadRequest, Error, ExternalState,
    FileStore, InterruptReason, InterruptedDownload, ManagerConfig, MemoryStore, RecordState,
    RecordStore, ResumeMode, RetryPolicy,
};
use sha2::{Digest, Sha256};

fn config(dir: &Path) -> ManagerConfig {
    let mut c = ManagerConfig::new(dir);
    c.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        ..RetryPolicy::default()
    };
    c.checkpoint_interval = Duration::from_millis(20);
    c
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn record(server: &Server, dir: &Path, offset: u64, total: u64, etag: &str) -> DownloadRecord {
    DownloadRecord {
        id: 7,
        url_chain: vec![server.url("/f").to_string()],
        headers: vec![("x-app".into(), "1".into())],
        target_path: dir.join("f"),
        partial_path: dir.join("f.part"),
        mime_type: "application/octet-stream".into(),
        content_disposition: None,
        etag: Some(format!("\"{etag}\"")),
        last_modified: None,
        total_bytes: Some(total),
        committed_offset: offset,
        fingerprint: None,
        expected_sha256: None,
        state: RecordState::InProgress,
        reason: None,
        auto_attempts: 0,
        start_time: 1_700_000_000.0,
        end_time: 0.0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_follow_durable_bytes_and_drop_secrets() {
    let server = Server::start().await;
    let body = bytes(400_000, 21);
    server.put("/f", File::strong(body.clone(), "e"));
    server.cut_all(Some(50_000));
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let m = DownloadManager::with_store(HyperTransport, config(dir.path()), store.clone()).unwrap();
    let request = DownloadRequest::new(server.url("/f"))
        .header("Cookie", "sid=secret")
        .unwrap()
        .header("Authorization", "Bearer secret")
        .unwrap()
        .header("X-App", "kept")
        .unwrap()
        .header("Range", "bytes=5-")
        .unwrap();
    let item = m.download(request).unwrap();
    until(|| item.resume_mode() == Some(ResumeMode::UserContinue)).await;
    let records = store.load().unwrap();
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.state, RecordState::Interrupted);
    assert_eq!(r.interrupt_reason(), Some(InterruptReason::ServerContentLengthMismatch));
    assert_eq!(r.committed_offset, 300_000);
    assert_eq!(std::fs::metadata(&r.partial_path).unwrap().len(), 300_000);
    assert_eq!(r.headers, vec![("x-app".to_owned(), "kept".to_owned())]);
    assert_eq!(r.etag.as_deref(), Some("\"e\""));
    assert_eq!(r.total_bytes, Some(400_000));
    assert_eq!(r.auto_attempts, 5);
    let tail = &body[300_000 - 65_536..300_000];
    assert_eq!(r.fingerprint.as_deref(), Some(hex(&Sha256::digest(tail)).as_str()));
    // The user's Cookie went out on the wire all the same.
    assert_eq!(server.requests()[0].header("cookie"), Some("sid=secret"));
    assert_eq!(server.requests()[0].header("range"), None, "the downloader owns Range");

    server.cut_all(None);
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed);
    let r = &store.load().unwrap()[0];
    assert_eq!(r.state, RecordState::Complete);
    assert_eq!(r.committed_offset, 400_000);
    assert!(r.end_time > 0.0);
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body);
    assert!(m.remove(item.id()).unwrap());
    assert!(store.load().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_marks_crash_and_cuts_a_longer_partial() {
    let server = Server::start().await;
    let body = bytes(300_000, 22);
    server.put("/f", File::strong(body.clone(), "e"));
    let dir = tempfile::tempdir().unwrap();
    // 100 000 bytes recorded durable, 20 000 more written but never recorded.
    let mut partial = body[..120_000].to_vec();
    partial[110_000] ^= 0xff;
    std::fs::write(dir.path().join("f.part"), &partial).unwrap();
    let mut rec = record(&server, dir.path(), 100_000, 300_000, "e");
    rec.fingerprint = Some(hex(&Sha256::digest(&body[100_000 - 65_536..100_000])));
    let store = Arc::new(MemoryStore::new());
    store.put(&rec).unwrap();
    let m = DownloadManager::with_store(HyperTransport, config(dir.path()), store.clone()).unwrap();
    let items = m.restore().unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.id(), 7);
    assert_eq!(item.state(), ExternalState::Interrupted);
    assert_eq!(item.interrupt_reason(), Some(InterruptReason::Crash));
    assert_eq!(item.resume_mode(), Some(ResumeMode::UserContinue));
    assert!(item.can_resume());
    assert_eq!(item.received_bytes(), 100_000);
    assert_eq!(std::fs::metadata(dir.path().join("f.part")).unwrap().len(), 100_000);
    assert_eq!(store.load().unwrap()[0].state, RecordState::Interrupted);
    assert!(m.restore().unwrap().is_empty(), "restoring twice adds nothing");
    // Nothing happens until resume().
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.requests().is_empty());
    item.resume();
    assert_eq!(done(item).await, ExternalState::Completed);
    let req = &server.requests()[0];
    assert_eq!(req.header("range"), Some("bytes=100000-"));
    assert_eq!(req.header("x-app"), Some("1"));
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body);
    // New downloads get ids after the restored ones.
    let next = m.download_url(&server.url("/f")).unwrap();
    assert!(next.id() > 7);
    next.cancel();
    let _ = done(&next).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_restarts_on_a_short_partial_or_a_fingerprint_mismatch() {
    for case in ["short", "fingerprint", "missing"] {
        let server = Server::start().await;
        let body = bytes(200_000, 23);
        server.put("/f", File::strong(body.clone(), "e"));
        let dir = tempfile::tempdir().unwrap();
        let mut rec = record(&server, dir.path(), 100_000, 200_000, "e");
        rec.fingerprint = Some(hex(&Sha256::digest(&body[100_000 - 65_536..100_000])));
        match case {
            "short" => std::fs::write(dir.path().join("f.part"), &body[..50_000]).unwrap(),
            "fingerprint" => {
                let mut p = body[..100_000].to_vec();
                p[99_000] ^= 1;
                std::fs::write(dir.path().join("f.part"), p).unwrap();
            }
            _ => {}
        }
        let store = Arc::new(MemoryStore::new());
        store.put(&rec).unwrap();
        let m = DownloadManager::with_store(HyperTransport, config(dir.path()), store).unwrap();
        let item = m.restore().unwrap().remove(0);
        assert_eq!(item.received_bytes(), 0, "{case}");
        assert_eq!(item.resume_mode(), Some(ResumeMode::UserRestart), "{case}");
        item.resume();
        assert_eq!(done(&item).await, ExternalState::Completed, "{case}");
        assert_eq!(server.requests()[0].header("range"), None, "{case}");
        assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body, "{case}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completed_records_come_back_done_and_416_at_the_end_completes() {
    let server = Server::start().await;
    let body = bytes(80_000, 24);
    server.put("/f", File::strong(body.clone(), "e"));
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let mut done_rec = record(&server, dir.path(), 80_000, 80_000, "e");
    done_rec.id = 1;
    done_rec.state = RecordState::Complete;
    done_rec.target_path = dir.path().join("old");
    store.put(&done_rec).unwrap();
    // Every byte is durable but the process died before the rename.
    std::fs::write(dir.path().join("f.part"), &body).unwrap();
    store.put(&record(&server, dir.path(), 80_000, 80_000, "e")).unwrap();
    let m = DownloadManager::with_store(HyperTransport, config(dir.path()), store).unwrap();
    let items = m.restore().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].state(), ExternalState::Completed);
    assert!(items[0].is_done() && !items[0].can_resume());
    let item = &items[1];
    item.resume();
    assert_eq!(done(item).await, ExternalState::Completed);
    assert_eq!(server.requests()[0].header("range"), Some("bytes=80000-"));
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_interrupted_download_validates_like_electron_and_resumes() {
    let server = Server::start().await;
    let body = bytes(150_000, 25);
    server.put("/f", File::strong(body.clone(), "e"));
    let dir = tempfile::tempdir().unwrap();
    let m = DownloadManager::new(HyperTransport, config(dir.path())).unwrap();
    let empty = InterruptedDownload::default();
    let err = m.create_interrupted_download(empty).unwrap_err();
    assert_eq!(err.to_string(), "Must pass non-empty path, urlChain and length.");
    let mut opts = InterruptedDownload::default();
    opts.path = dir.path().join("f");
    opts.url_chain = vec![server.url("/f")];
    opts.length = 150_000;
    opts.offset = 150_000;
    let err = m.create_interrupted_download(opts.clone()).unwrap_err();
    assert!(matches!(err, Error::InvalidInterruptedDownload(_)));
    assert_eq!(err.to_string(), "Must pass an offset value less than length.");

    // Electron keeps the partial bytes under the final name.
    std::fs::write(dir.path().join("f"), &body[..60_000]).unwrap();
    opts.offset = 60_000;
    opts.etag = Some("\"e\"".into());
    let mut events = m.subscribe();
    let item = m.create_interrupted_download(opts).unwrap();
    assert!(
        matches!(drain(&mut events).first(), Some(DownloadEvent::Created(i)) if i.id() == item.id())
    );
    assert!(!dir.path().join("f").exists(), "the partial bytes moved to f.part");
    assert_eq!(item.state(), ExternalState::Interrupted);
    assert_eq!(item.received_bytes(), 60_000);
    assert_eq!(item.total_bytes(), Some(150_000));
    assert_eq!(item.percent_complete(), Some(40));
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(server.requests()[0].header("if-range"), Some("\"e\""));
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body);
}

const CHILD_ENV: &str = "SESSIONKIT_DOWNLOADS_CRASH_CHILD";

/// The child side of `killed_process_resumes_after_restart`: downloads until it
/// is killed. Does nothing when run as an ordinary test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else { return };
    let (url, dir) = spec.split_once(' ').unwrap();
    let dir = Path::new(dir);
    let store = Arc::new(FileStore::new(dir.join("records")).unwrap());
    let m = DownloadManager::with_store(HyperTransport, config(dir), store).unwrap();
    let item = m.download_url(&url::Url::parse(url).unwrap()).unwrap();
    tokio::time::timeout(Duration::from_secs(60), item.wait_done()).await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_process_resumes_after_restart() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let server = Server::start().await;
    let body = bytes(3_000_000, 26);
    server.put("/big.bin", File::strong(body.clone(), "e"));
    server.throttle(Some(1_000_000));
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("{} {}", server.url("/big.bin"), dir.path().display());
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, spec)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let records = FileStore::new(dir.path().join("records")).unwrap();
    until(|| {
        records.load().unwrap_or_default().first().is_some_and(|r| r.committed_offset >= 500_000)
    })
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    let before = records.load().unwrap().remove(0);
    assert_eq!(before.state, RecordState::InProgress);
    let partial_len = std::fs::metadata(&before.partial_path).unwrap().len();
    assert!(partial_len >= before.committed_offset, "a record never runs ahead of the file");

    server.throttle(None);
    let store = Arc::new(records);
    let m = DownloadManager::with_store(HyperTransport, config(dir.path()), store.clone()).unwrap();
    let item = m.restore().unwrap().remove(0);
    assert_eq!(item.interrupt_reason(), Some(InterruptReason::Crash));
    assert_eq!(item.received_bytes(), before.committed_offset);
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed);
    let resumed = server.requests().last().unwrap().clone();
    assert_eq!(
        resumed.header("range"),
        Some(format!("bytes={}-", before.committed_offset).as_str())
    );
    let got = std::fs::read(dir.path().join("big.bin")).unwrap();
    assert_eq!(hex(&Sha256::digest(&got)), hex(&Sha256::digest(&body)));
    assert_eq!(store.load().unwrap()[0].state, RecordState::Complete);
}

#[cfg(feature = "sled")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sled_store_keeps_records_across_reopen() {
    use sessionkit_downloads::record::SledStore;
    let server = Server::start().await;
    let body = bytes(100_000, 27);
    server.put("/f", File::strong(body.clone(), "e"));
    let dir = tempfile::tempdir().unwrap();
    let db_dir = dir.path().join("db");
    {
        let db = sled::open(&db_dir).unwrap();
        let store = Arc::new(SledStore::new(db.open_tree(SledStore::TREE_NAME).unwrap()));
        let m = DownloadManager::with_store(HyperTransport, config(dir.path()), store).unwrap();
        let item = m.download_url(&server.url("/f")).unwrap();
        assert_eq!(done(&item).await, ExternalState::Completed);
    }
    // The finished driver task and sled's flusher thread let go of the file
    // lock a moment after the download is done: wait for it.
    let mut tries = 0;
    let db = loop {
        match sled::open(&db_dir) {
            Ok(db) => break db,
            Err(_) if tries < 200 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            Err(e) => panic!("sled did not reopen: {e}"),
        }
    };
    let store = SledStore::new(db.open_tree(SledStore::TREE_NAME).unwrap());
    let records = store.load().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].state, RecordState::Complete);
    store.put(&record(&server, dir.path(), 0, 100_000, "e")).unwrap();
    assert_eq!(store.load().unwrap().len(), 2);
    store.remove(7).unwrap();
    assert_eq!(store.load().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_leaves_every_download_synced_and_recorded() {
    let server = Server::start().await;
    let body = bytes(2_000_000, 28);
    server.put("/f", File::strong(body.clone(), "e"));
    server.put("/g", File::strong(body.clone(), "e"));
    server.throttle(Some(500_000));
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path());
    // No periodic checkpoint: only shutdown's sync can bring the record up to date.
    config.checkpoint_interval = Duration::from_secs(3600);
    let store = Arc::new(MemoryStore::new());
    let m = DownloadManager::with_store(HyperTransport, config, store.clone()).unwrap();
    let a = m.download_url(&server.url("/f")).unwrap();
    let b = m.download_url(&server.url("/g")).unwrap();
    until(|| a.received_bytes() > 100_000 && b.received_bytes() > 100_000).await;
    assert_eq!(m.shutdown(Duration::from_secs(10)).await, 0);
    for item in [&a, &b] {
        assert!(item.is_paused());
        let record = store.load().unwrap().into_iter().find(|r| r.id == item.id()).unwrap();
        assert_eq!(record.committed_offset, item.received_bytes());
        assert_eq!(std::fs::metadata(&record.partial_path).unwrap().len(), record.committed_offset);
    }
    a.resume();
    assert_eq!(done(&a).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body);
    b.cancel();
    assert_eq!(done(&b).await, ExternalState::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_total_the_bytes_exceed_is_forgotten() {
    let server = Server::start().await;
    let body = bytes(200_000, 29);
    let b = body.clone();
    server.hook(move |req, _| {
        let start: usize =
            req.header("range")?.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok()?;
        Some(common::Resp {
            status: 206,
            headers: vec![
                ("ETag".into(), "\"e\"".into()),
                // Complete length unknown: the recorded total stands until exceeded.
                ("Content-Range".into(), format!("bytes {start}-199999/*")),
            ],
            body: b[start..].to_vec(),
            ..common::Resp::default()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), &body[..50_000]).unwrap();
    let m = DownloadManager::new(HyperTransport, config(dir.path())).unwrap();
    let mut opts = InterruptedDownload::default();
    opts.path = dir.path().join("f");
    opts.url_chain = vec![server.url("/f")];
    opts.offset = 50_000;
    opts.length = 100_000;
    opts.etag = Some("\"e\"".into());
    let item = m.create_interrupted_download(opts).unwrap();
    assert_eq!(item.total_bytes(), Some(100_000));
    item.resume();
    assert_eq!(done(&item).await, ExternalState::Completed);
    assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), body);
    // Forgotten when exceeded, then set to what arrived once all data is saved.
    assert_eq!(item.total_bytes(), Some(200_000));
}

/// A restored item waits for `resume()` on a task; once the manager's last
/// handle and the item's last handle are dropped nobody can resume it, and
/// the task ends (before, it held the manager, and with it the record store,
/// for the life of the runtime).
/// The record stays as it was, for a later restore.
#[tokio::test]
async fn a_parked_task_ends_with_the_manager() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let parked = DownloadRecord {
        id: 3,
        url_chain: vec!["http://127.0.0.1:9/never".to_owned()],
        headers: Vec::new(),
        target_path: dir.path().join("never"),
        partial_path: dir.path().join("never.part"),
        mime_type: String::new(),
        content_disposition: None,
        etag: None,
        last_modified: None,
        total_bytes: None,
        committed_offset: 0,
        fingerprint: None,
        expected_sha256: None,
        state: RecordState::Interrupted,
        reason: Some(InterruptReason::NetworkFailed.code()),
        auto_attempts: 0,
        start_time: 1_700_000_000.0,
        end_time: 0.0,
    };
    store.put(&parked).unwrap();
    let m = DownloadManager::with_store(HyperTransport, config(dir.path()), store.clone()).unwrap();
    let restored = m.restore().unwrap();
    assert_eq!(restored.len(), 1);
    assert!(restored[0].can_resume());
    // A clone of the manager, then an item handle, can still resume it:
    // the task goes on (it holds the store).
    let clone = m.clone();
    let mut restored = restored;
    let item = restored.pop().unwrap();
    drop((m, restored));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(Arc::strong_count(&store) > 1);
    drop(clone);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(Arc::strong_count(&store) > 1);
    assert!(item.can_resume());

    drop(item);
    until(|| Arc::strong_count(&store) == 1).await;
    let records = store.load().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].state, RecordState::Interrupted);
    assert_eq!(records[0].interrupt_reason(), Some(InterruptReason::NetworkFailed));
}
