//! The disk store's commit: file work outside the table lock, and what
//! happens when a placed body file is removed before its record is written.

use std::sync::Arc;
use std::time::SystemTime;

use http::{HeaderMap, Method, StatusCode};

use super::{DiskOptions, DiskStore, StoredBody};
use crate::clock::SystemClock;
use crate::record::StoredResponse;
use crate::semantics::PolicyOptions;
use crate::store::{SinkOutput, Store};

fn record(len: u64) -> StoredResponse {
    StoredResponse {
        status: StatusCode::OK,
        headers: Vec::new(),
        request_method: Method::GET,
        request_uri: "http://o.test/a".into(),
        request_headers: Vec::new(),
        request_time: SystemTime::now(),
        response_time: SystemTime::now(),
        body_len: len,
    }
}

fn open(dir: &std::path::Path) -> DiskStore {
    let policy = PolicyOptions { shared: false, heuristic: 0.1, set_cookie: true };
    let options = DiskOptions::default().max_bytes(1 << 24);
    DiskStore::open(dir, options, 8, policy, Arc::new(SystemClock)).unwrap()
}

fn finished(store: &DiskStore, body: &[u8]) -> ([u8; 32], u64, std::path::PathBuf) {
    let mut sink = store.sink().unwrap();
    sink.write(body).unwrap();
    match sink.finish().unwrap() {
        SinkOutput::Blob { tmp, hash, len } => (hash, len, tmp),
        SinkOutput::Inline(_) => panic!("a body over 4 KiB goes to a file"),
    }
}

#[test]
fn a_body_file_removed_before_its_record_is_written_is_never_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let body = vec![7u8; 10_000];
    let (hash, len, tmp) = finished(&store, &body);
    store.place_blob(&tmp, &hash, len).unwrap();
    assert!(!tmp.exists(), "the temporary file was moved");
    // A clear (or the removal of the last entry naming the same content)
    // runs between the file work and the locked record write.
    std::fs::remove_file(store.blob_path(&hash)).unwrap();
    let refused =
        store.record_placed("k", record(len), &HeaderMap::new(), StoredBody::Blob { hash, len });
    assert!(refused.is_err());
    assert!(store.lookup("k").unwrap().is_empty());
    assert_eq!(store.size(), 0);

    // Placed and still there: named, and the content is shared by a second key.
    let (hash, len, tmp) = finished(&store, &body);
    store.place_blob(&tmp, &hash, len).unwrap();
    store
        .record_placed("k", record(len), &HeaderMap::new(), StoredBody::Blob { hash, len })
        .unwrap();
    let (_, _, second_tmp) = finished(&store, &body);
    let output = SinkOutput::Blob { tmp: second_tmp.clone(), hash, len };
    store.commit("k2", record(len), &HeaderMap::new(), output).unwrap();
    assert!(!second_tmp.exists(), "identical content is stored once");
    assert_eq!(store.lookup("k2").unwrap().len(), 1);
    assert!(store.size() >= len && store.size() < 2 * len, "{}", store.size());
}

#[test]
fn a_failed_placement_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let (hash, len, tmp) = finished(&store, &vec![1u8; 10_000]);
    // The body directory is not a directory any more: the rename fails.
    std::fs::remove_dir_all(dir.path().join("blobs")).unwrap();
    std::fs::write(dir.path().join("blobs"), b"not a directory").unwrap();
    let output = SinkOutput::Blob { tmp: tmp.clone(), hash, len };
    assert!(store.commit("k", record(len), &HeaderMap::new(), output).is_err());
    assert!(!tmp.exists());
    assert!(store.lookup("k").unwrap().is_empty());
}

/// Entries under split-cache keys of the layout before the sites got their
/// lengths are dropped when the cache opens; current keys stay.
#[test]
fn keys_of_the_earlier_split_layout_are_dropped_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let old = "1/0/_dk_https://top.test https://frame.test http://o.test/a";
    let current = "1/0/_dk_16:https://top.test 18:https://frame.test http://o.test/a";
    {
        let store = open(dir.path());
        for key in [old, current] {
            let output = SinkOutput::Inline(bytes::Bytes::from_static(b"body"));
            store.commit(key, record(4), &HeaderMap::new(), output).unwrap();
        }
        assert_eq!(store.lookup(old).unwrap().len(), 1);
    }
    let store = open(dir.path());
    assert!(store.lookup(old).unwrap().is_empty());
    assert_eq!(store.lookup(current).unwrap().len(), 1);
}
