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
