//! A process that flushes and is then SIGKILLed loses nothing it flushed.
#![cfg(feature = "sled")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use sessionkit_cookie_jar::CookieContext;
use sessionkit_cookie_jar::persist::PersistentCookieJar;
use url::Url;

const CHILD_ENV: &str = "SESSIONKIT_PERSIST_KILL_CHILD_DB";
const MARKER: &str = "FLUSHED-AND-WAITING";
const FLUSHED: usize = 300;

/// The child: runs only when the parent re-executes this test binary with `CHILD_ENV` set.
#[test]
fn child_sets_flushes_and_waits_to_be_killed() {
    let Some(path) = std::env::var_os(CHILD_ENV) else { return };
    let db = sessionkit_cookie_jar::persist::open_database(path).unwrap();
    let jar = PersistentCookieJar::builder().background_commits(false).open(&db).unwrap();
    let ctx = CookieContext::same_site();
    for i in 0..FLUSHED {
        let url = Url::parse(&format!("https://site{}.com/", i % 10)).unwrap();
        jar.set_cookie(&url, &format!("flushed{i}=v{i}; Max-Age=3600"), &ctx).unwrap();
    }
    jar.flush().unwrap();
    // Set after the flush and under the batch size: only in memory when the kill comes.
    let url = Url::parse("https://late.com/").unwrap();
    jar.set_cookie(&url, "unflushed=1; Max-Age=3600", &ctx).unwrap();
    println!("{MARKER}");
    loop {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

#[test]
fn flushed_cookies_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child_sets_flushes_and_waits_to_be_killed", "--exact", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // libtest may print the test's name on the same line before the marker.
    let saw_marker =
        BufReader::new(stdout).lines().map_while(Result::ok).any(|l| l.ends_with(MARKER));
    child.kill().unwrap(); // SIGKILL: no destructor, no drop-time flush
    let status = child.wait().unwrap();
    assert!(saw_marker, "the child exited before flushing: {status}");

    let db = sessionkit_cookie_jar::persist::open_database(dir.path()).unwrap();
    let jar = PersistentCookieJar::builder().background_commits(false).open(&db).unwrap();
    let all = jar.all_cookies();
    assert_eq!(all.len(), FLUSHED, "every flushed cookie, and nothing that was only pending");
    for i in 0..FLUSHED {
        assert!(
            all.iter().any(|c| c.name() == format!("flushed{i}") && c.value() == format!("v{i}"))
        );
    }
}
