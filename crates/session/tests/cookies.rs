//! `Session::cookies()` and `clear_storage_data`: memory and persistent jars,
//! reopening, session cookies, clearing by origin.

use sessionkit::{
    ClearStorageOptions, CookieContext, CookieFilter, Error, PartitionOptions, Session, Sessions,
    StorageKind,
};
use url::Url;

fn registry() -> (tempfile::TempDir, Sessions) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    (dir, sessions)
}

fn open(sessions: &Sessions, name: &str, options: PartitionOptions) -> Session {
    sessions.from_partition(name, options).expect(name)
}

fn nav() -> CookieContext {
    CookieContext::same_site().top_level_navigation(true)
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("url")
}

/// Receives one persistent and one session cookie from example.com.
fn receive(session: &Session) {
    let cookies = session.cookies().expect("cookies");
    let from = url("https://example.com/");
    cookies.set_cookie(&from, "keep=1; Max-Age=3600", &nav()).expect("keep");
    cookies.set_cookie(&from, "tab=2", &nav()).expect("tab");
}

fn header(session: &Session) -> Option<String> {
    session.cookies().expect("cookies").cookie_header(&url("https://example.com/"), &nav())
}

#[test]
fn memory_partitions_get_a_memory_jar_and_write_nothing() {
    let (dir, sessions) = registry();
    let scratch = open(&sessions, "scratch", PartitionOptions::default());
    let cookies = scratch.cookies().expect("cookies");
    assert!(!cookies.is_persistent());
    receive(&scratch);
    assert_eq!(header(&scratch).as_deref(), Some("keep=1; tab=2"));
    cookies.flush().expect("flush is a no-op");
    assert_eq!(std::fs::read_dir(dir.path()).expect("read").count(), 0, "nothing on disk");
    drop((cookies, scratch));
    let again = open(&sessions, "scratch", PartitionOptions::default());
    assert_eq!(header(&again), None, "a memory jar is gone with its session");
}

#[test]
fn the_database_is_opened_lazily() {
    let (dir, sessions) = registry();
    let work = open(&sessions, "persist:work", PartitionOptions::default());
    let db = work.storage_path().expect("path").join(sessionkit::DATABASE_DIR_NAME);
    assert!(!db.exists(), "no database before cookies() is used");
    let cookies = work.cookies().expect("cookies");
    assert!(cookies.is_persistent());
    assert!(db.is_dir(), "{}", db.display());
    // The default session's database is at the data directory's root.
    let default = sessions.default_session();
    default.cookies().expect("cookies");
    assert!(dir.path().join(sessionkit::DATABASE_DIR_NAME).is_dir());
}

#[test]
fn handles_share_one_jar() {
    let (_dir, sessions) = registry();
    let work = open(&sessions, "persist:work", PartitionOptions::default());
    let a = work.cookies().expect("a");
    let b = open(&sessions, "persist:work", PartitionOptions::default()).cookies().expect("b");
    assert!(std::sync::Arc::ptr_eq(a.jar(), b.jar()));
    assert_eq!(a.session(), &work);
}

#[test]
fn reopen_after_drop_finds_persistent_cookies_only() {
    let (_dir, sessions) = registry();
    for name in ["persist:work", ""] {
        let session = open(&sessions, name, PartitionOptions::default());
        receive(&session);
        drop(session); // the last handle: committed and flushed
        let session = open(&sessions, name, PartitionOptions::default());
        assert_eq!(header(&session).as_deref(), Some("keep=1"), "{name:?}");
    }
}

#[test]
fn session_cookies_survive_with_the_option() {
    let (_dir, sessions) = registry();
    let options = PartitionOptions::new().persist_session_cookies(true);
    let session = open(&sessions, "persist:cli", options);
    receive(&session);
    drop(session);
    let session = open(&sessions, "persist:cli", options);
    assert_eq!(header(&session).as_deref(), Some("keep=1; tab=2"));
    let listed = session
        .cookies()
        .expect("cookies")
        .get(&CookieFilter { session: Some(true), ..CookieFilter::default() })
        .expect("get");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name(), "tab");
    // Reopened without the option, the session cookie is gone.
    drop(session);
    let session = open(&sessions, "persist:cli", PartitionOptions::default());
    assert_eq!(header(&session).as_deref(), Some("keep=1"));
}

#[test]
fn from_path_sessions_persist_too() {
    let (dir, sessions) = registry();
    let path = dir.path().join("elsewhere");
    let session = sessions.from_path(&path, PartitionOptions::default()).expect("from_path");
    receive(&session);
    drop(session);
    let session = sessions.from_path(&path, PartitionOptions::default()).expect("from_path");
    assert_eq!(header(&session).as_deref(), Some("keep=1"));
}

#[test]
fn partitions_are_isolated() {
    let (_dir, sessions) = registry();
    receive(&open(&sessions, "persist:a", PartitionOptions::default()));
    let b = open(&sessions, "persist:b", PartitionOptions::default());
    assert_eq!(header(&b), None);
    assert_eq!(header(&sessions.default_session()), None);
}

#[test]
fn a_corrupt_store_is_an_error_and_is_kept() {
    let (_dir, sessions) = registry();
    let session = open(&sessions, "persist:bad", PartitionOptions::default());
    let dir = session.storage_path().expect("path").to_path_buf();
    receive(&session);
    drop(session);
    {
        // A record no format version can read.
        let db = sled::open(dir.join(sessionkit::DATABASE_DIR_NAME)).expect("sled");
        let tree = db.open_tree("cookies").expect("tree");
        tree.insert(b"garbage", b"not json").expect("insert");
        db.flush().expect("flush");
    }
    let session = open(&sessions, "persist:bad", PartitionOptions::default());
    let err = session.cookies().expect_err("corrupt");
    assert!(matches!(err, Error::CookieStore { .. }), "{err}");
    assert!(!err.is_invalid_input());
    drop(session);
    let db = sled::open(dir.join(sessionkit::DATABASE_DIR_NAME)).expect("sled");
    assert_eq!(db.open_tree("cookies").expect("tree").len(), 2, "nothing was deleted");
}

#[test]
fn clear_storage_data_by_origin_removes_that_hosts_cookies() {
    let (_dir, sessions) = registry();
    let session = open(&sessions, "persist:clear", PartitionOptions::default());
    let cookies = session.cookies().expect("cookies");
    let set = |from: &str, line: &str| {
        cookies.set_cookie(&url(from), line, &nav()).expect(line);
    };
    set("https://example.com/", "host=1; Max-Age=3600");
    set("http://example.com:8080/app/", "deep=1; Path=/app; Max-Age=3600");
    set("https://example.com/", "wide=1; Domain=example.com; Max-Age=3600");
    // A domain cookie with the same name as a host cookie stays.
    set("https://example.com/", "host=domain; Domain=example.com; Max-Age=3600");
    set("https://www.example.com/", "sub=1; Max-Age=3600");
    set("https://other.test/", "other=1; Max-Age=3600");

    let options = ClearStorageOptions::new()
        .origin(url("https://example.com"))
        .storages([StorageKind::Cookies, StorageKind::LocalStorage]);
    let cleared = session.clear_storage_data(&options).expect("clear");
    assert_eq!(cleared.cookies, 2);
    let mut left: Vec<String> =
        cookies.all_cookies().iter().map(|c| format!("{}={}", c.name(), c.value())).collect();
    left.sort();
    assert_eq!(left, ["host=domain", "other=1", "sub=1", "wide=1"]);

    // Other kinds only: cookies untouched.
    let options = ClearStorageOptions::new().storages([StorageKind::IndexDb]);
    assert_eq!(session.clear_storage_data(&options).expect("clear").cookies, 0);
    assert_eq!(cookies.len(), 4);

    // No origin, no kinds: everything.
    assert_eq!(session.clear_storage_data(&ClearStorageOptions::new()).expect("clear").cookies, 4);
    drop((cookies, session));
    let session = open(&sessions, "persist:clear", PartitionOptions::default());
    assert!(session.cookies().expect("cookies").is_empty(), "the clear was persisted");
}

#[test]
fn clear_storage_data_refuses_an_origin_without_host() {
    let (_dir, sessions) = registry();
    let session = open(&sessions, "mem", PartitionOptions::default());
    let options = ClearStorageOptions::new().origin(url("file:///tmp/x"));
    let err = session.clear_storage_data(&options).expect_err("no host");
    assert!(err.is_invalid_input(), "{err}");
}

#[test]
fn storage_kinds_parse_electron_names() {
    for kind in StorageKind::ALL {
        assert_eq!(kind.as_str().parse::<StorageKind>().expect("parse"), kind);
    }
    let err = "Cookies".parse::<StorageKind>().expect_err("case matters");
    assert!(err.is_invalid_input(), "{err}");
}
