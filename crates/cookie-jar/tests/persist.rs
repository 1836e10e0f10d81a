//! Persistence in sled: batching, reload, session and expired cookies, corrupt records, and
//! the time to load a full jar.
#![cfg(feature = "sled")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use sessionkit_cookie_jar::persist::{PersistError, PersistentCookieJar, TREE_NAME};
use sessionkit_cookie_jar::{Clock, CookieContext, CookieJar, ManualClock, Timestamp};
use url::Url;

fn set(jar: &CookieJar, url: &str, line: &str) {
    let url = Url::parse(url).expect("test URL");
    jar.set_cookie(&url, line, &CookieContext::same_site()).expect("cookie accepted");
}

fn names(jar: &CookieJar) -> Vec<String> {
    let mut names: Vec<String> = jar.all_cookies().iter().map(|c| c.name().to_owned()).collect();
    names.sort();
    names
}

fn manual_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Timestamp::now()))
}

#[test]
fn writes_wait_for_512_ops_or_30_seconds_or_flush() {
    let dir = tempfile::tempdir().unwrap();
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let tree = db.open_tree(TREE_NAME).unwrap();
    let clock = manual_clock();
    let jar = PersistentCookieJar::builder()
        .jar(CookieJar::with_clock(clock.clone()))
        .background_commits(false)
        .open(&db)
        .unwrap();

    // One cookie per site, so no per-domain limit evicts anything.
    for i in 0..511 {
        set(&jar, &format!("https://site{i}.com/"), "id=1; Max-Age=3600");
    }
    assert_eq!(tree.len(), 0, "nothing is written before the batch is full");
    assert_eq!(jar.pending_ops(), 511);
    set(&jar, "https://site511.com/", "id=1; Max-Age=3600");
    assert_eq!(tree.len(), 512, "the 512th operation commits the batch");
    assert_eq!(jar.pending_ops(), 0);

    set(&jar, "https://late.com/", "a=1; Max-Age=3600");
    clock.advance(Duration::from_secs(29));
    set(&jar, "https://late.com/", "b=1; Max-Age=3600");
    assert!(!jar.commit_if_due().unwrap());
    assert_eq!(tree.len(), 512, "29 s after the first pending op: still queued");
    clock.advance(Duration::from_secs(1));
    set(&jar, "https://late.com/", "c=1; Max-Age=3600");
    assert_eq!(tree.len(), 515, "30 s after the first pending op, the next change commits");

    set(&jar, "https://late.com/", "d=1; Max-Age=3600");
    assert_eq!(tree.len(), 515);
    jar.flush().unwrap();
    assert_eq!(tree.len(), 516, "flush writes what is pending");

    // Removals are operations too: the 512th of the 516 commits a batch mid-way.
    assert_eq!(jar.clear(), 516);
    assert_eq!(tree.len(), 4);
    assert_eq!(jar.pending_ops(), 4);
    jar.flush().unwrap();
    assert_eq!(tree.len(), 0);
}

#[test]
fn commit_if_due_serves_callers_without_the_thread() {
    let dir = tempfile::tempdir().unwrap();
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let clock = manual_clock();
    let jar = PersistentCookieJar::builder()
        .jar(CookieJar::with_clock(clock.clone()))
        .background_commits(false)
        .open(&db)
        .unwrap();
    set(&jar, "https://a.com/", "a=1; Max-Age=3600");
    assert!(!jar.commit_if_due().unwrap());
    clock.advance(Duration::from_secs(30));
    assert!(jar.commit_if_due().unwrap());
    assert_eq!(db.open_tree(TREE_NAME).unwrap().len(), 1);
}

#[test]
fn background_thread_commits_a_quiet_batch() {
    let dir = tempfile::tempdir().unwrap();
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let tree = db.open_tree(TREE_NAME).unwrap();
    let jar = PersistentCookieJar::builder()
        .commit_interval(Duration::from_millis(100))
        .open(&db)
        .unwrap();
    set(&jar, "https://a.com/", "a=1; Max-Age=3600");
    let deadline = Instant::now() + Duration::from_secs(10);
    while tree.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(tree.len(), 1, "committed without another change or a flush");
}

/// Last-access updates are persisted (one batched operation each, as Chromium's
/// `UpdateCookieAccessTime`), so eviction after a restart follows real use.
#[test]
fn access_time_updates_are_persisted_and_drive_eviction_after_reload() {
    let dir = tempfile::tempdir().unwrap();
    let clock = manual_clock();
    let start = clock.now();
    let nav = CookieContext::same_site().top_level_navigation(true);
    {
        let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
        let jar = PersistentCookieJar::builder()
            .jar(CookieJar::with_clock(clock.clone()))
            .background_commits(false)
            .open(&db)
            .unwrap();
        // 180 cookies on one site; c0..c9 (the oldest) under /hot.
        for i in 0..180 {
            let path = if i < 10 { "/hot" } else { "/cold" };
            set(&jar, "https://a.com/", &format!("c{i}=1; Max-Age=86400; Path={path}"));
            clock.advance(Duration::from_millis(1));
        }
        jar.flush().unwrap();
        clock.advance(Duration::from_secs(120));
        let hot = Url::parse("https://a.com/hot/x").unwrap();
        assert_eq!(jar.cookie_header(&hot, &nav).unwrap().matches("=1").count(), 10);
        assert_eq!(jar.pending_ops(), 10, "one operation per access update");
        // A session cookie's access update is not written.
        set(&jar, "https://b.com/", "s=1");
        clock.advance(Duration::from_secs(120));
        let _ = jar.cookie_header(&Url::parse("https://b.com/").unwrap(), &nav);
        assert_eq!(jar.pending_ops(), 10);
        jar.flush().unwrap();
    }
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let jar = PersistentCookieJar::builder()
        .jar(CookieJar::with_clock(clock))
        .background_commits(false)
        .open(&db)
        .unwrap();
    let restored = jar.all_cookies();
    let c0 = restored.iter().find(|c| c.name() == "c0").unwrap();
    assert_eq!(c0.last_access(), start.saturating_add_seconds(120).saturating_add_micros(180_000));
    // One more cookie: the 31 least recently used go, so the ten used ones stay.
    set(&jar, "https://a.com/", "new=1; Max-Age=86400");
    let names = names(&jar);
    assert_eq!(names.len(), 150);
    for i in 0..10 {
        assert!(names.contains(&format!("c{i}")), "c{i} was used before the restart");
    }
    assert!(!names.contains(&"c10".to_owned()));
}

#[test]
fn reload_keeps_persistent_cookies_and_drops_session_ones() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
        let jar = PersistentCookieJar::open(&db).unwrap();
        set(&jar, "https://example.com/", "persistent=1; Max-Age=3600; HttpOnly; SameSite=Strict");
        set(&jar, "https://example.com/", "session=1");
        set(&jar, "https://example.com/app", "__Host-x=1; Secure; Path=/; Max-Age=60");
        // No flush: dropping the jar commits and flushes.
    }
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let jar = PersistentCookieJar::open(&db).unwrap();
    assert_eq!(names(&jar), ["__Host-x", "persistent"]);
    let persistent = jar.all_cookies().into_iter().find(|c| c.name() == "persistent").unwrap();
    assert!(persistent.http_only());
    assert_eq!(persistent.same_site(), sessionkit_cookie_jar::SameSite::Strict);
    let header = jar
        .cookie_header(&Url::parse("https://example.com/").unwrap(), &CookieContext::same_site());
    assert_eq!(header.as_deref(), Some("persistent=1; __Host-x=1"));
}

#[test]
fn session_cookies_survive_with_the_option() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
        let jar = PersistentCookieJar::builder().persist_session_cookies(true).open(&db).unwrap();
        set(&jar, "https://example.com/", "session=1");
        jar.flush().unwrap();
    }
    {
        let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
        let jar = PersistentCookieJar::builder().persist_session_cookies(true).open(&db).unwrap();
        assert_eq!(names(&jar), ["session"]);
    }
    // Opened without the option, the old session record is not loaded, and is deleted.
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let jar = PersistentCookieJar::open(&db).unwrap();
    assert!(jar.is_empty());
    jar.flush().unwrap();
    assert!(db.open_tree(TREE_NAME).unwrap().is_empty());
}

#[test]
fn expired_cookies_are_not_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let clock = manual_clock();
    {
        let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
        let jar = PersistentCookieJar::builder()
            .jar(CookieJar::with_clock(clock.clone()))
            .open(&db)
            .unwrap();
        set(&jar, "https://example.com/", "short=1; Max-Age=60");
        set(&jar, "https://example.com/", "long=1; Max-Age=3600");
        jar.flush().unwrap();
    }
    clock.advance(Duration::from_secs(120));
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let jar = PersistentCookieJar::builder().jar(CookieJar::with_clock(clock)).open(&db).unwrap();
    assert_eq!(names(&jar), ["long"]);
    jar.flush().unwrap();
    assert_eq!(db.open_tree(TREE_NAME).unwrap().len(), 1, "the expired record is deleted");
}

#[test]
fn overwrite_and_removal_reach_the_store() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
        let jar = PersistentCookieJar::open(&db).unwrap();
        set(&jar, "https://example.com/", "a=old; Max-Age=3600");
        set(&jar, "https://example.com/", "b=1; Max-Age=3600");
        jar.flush().unwrap();
        set(&jar, "https://example.com/", "a=new; Max-Age=3600");
        set(&jar, "https://example.com/", "b=gone; Max-Age=0");
        // A session cookie replacing a persistent one removes the stored record.
        set(&jar, "https://example.com/", "c=1; Max-Age=3600");
        set(&jar, "https://example.com/", "c=session");
        jar.flush().unwrap();
    }
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let jar = PersistentCookieJar::open(&db).unwrap();
    let all = jar.all_cookies();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].name(), all[0].value()), ("a", "new"));
}

#[test]
fn a_corrupt_record_is_an_error_and_nothing_is_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    {
        let jar = PersistentCookieJar::open(&db).unwrap();
        set(&jar, "https://example.com/", "good=1; Max-Age=3600");
        set(&jar, "https://example.com/", "victim=1; Max-Age=3600");
        jar.flush().unwrap();
    }
    let tree = db.open_tree(TREE_NAME).unwrap();
    let victim = tree
        .iter()
        .map(|entry| entry.unwrap().0)
        .find(|key| key.windows(6).any(|w| w == b"victim"))
        .unwrap();
    tree.insert(&victim, &b"{\"v\":1,\"name\":"[..]).unwrap();

    let err = PersistentCookieJar::open(&db).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, PersistError::CorruptRecord { .. }), "{err:?}");
    assert!(message.contains("\"victim\"") && message.contains("\"example.com\""), "{message}");
    assert_eq!(tree.len(), 2, "the store is left as it was");

    tree.insert(&victim, &br#"{"v":7,"future":true}"#[..]).unwrap();
    let err = PersistentCookieJar::open(&db).unwrap_err();
    assert!(matches!(err, PersistError::UnsupportedVersion { version: 7, .. }), "{err:?}");

    tree.insert(b"not a key", &br#"{"v":1}"#[..]).unwrap();
    tree.remove(&victim).unwrap();
    let err = PersistentCookieJar::open(&db).unwrap_err();
    assert!(err.to_string().contains("undecodable key \"not a key\""), "{err}");
}

#[test]
fn loading_3300_cookies() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
        let jar = PersistentCookieJar::builder().background_commits(false).open(&db).unwrap();
        // 20 sites of 165 cookies: under the per-site limit of 180 and at the global 3300.
        for site in 0..20 {
            for i in 0..165 {
                set(
                    &jar,
                    &format!("https://www.site{site}.com/"),
                    &format!("cookie{i}=value-{site}-{i}; Max-Age=86400; Path=/p{}", i % 7),
                );
            }
        }
        assert_eq!(jar.len(), 3300);
        jar.flush().unwrap();
    }
    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let started = Instant::now();
    let jar = PersistentCookieJar::builder().background_commits(false).open(&db).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(jar.len(), 3300);
    println!("loaded 3300 cookies in {:.2} ms", elapsed.as_secs_f64() * 1000.0);
}
