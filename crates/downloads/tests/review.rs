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
