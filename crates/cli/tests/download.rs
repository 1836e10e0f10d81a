//! `sessionkit download` and `sessionkit downloads …` against a loopback
//! origin the tests start.

// The loopback origin is test scaffolding outside #[test] functions: a
// failure there should panic the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::{Request, assert_error, code, loopback, run, send_signal, spawn, stderr, stdout};

/// `/file.bin`: done well within a second.
const TOTAL: usize = 100_000;
/// `/big.bin`: 300 KiB, three seconds at 100 KiB/s.
const BIG: usize = 300 * 1024;

fn payload() -> Vec<u8> {
    payload_of(TOTAL)
}

fn payload_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 253) as u8 ^ (i / 253) as u8).collect()
}

/// The origin's switches and what it saw (each request's head lines).
#[derive(Default)]
struct State {
    /// Cut the first response after 30 000 bytes and answer ranges with 503.
    flaky: AtomicBool,
    seen: Mutex<Vec<Vec<String>>>,
}

/// A loopback origin: `/file.bin` and `/big.bin` with a strong ETag and
/// range support.
fn origin() -> (String, Arc<State>) {
    let state = Arc::new(State::default());
    let shared = state.clone();
    let addr = loopback(move |request, stream| answer(request, stream, &shared));
    (format!("http://{addr}"), state)
}

fn answer(request: Request, stream: &mut TcpStream, state: &State) {
    let head = request.head;
    let total = if head.first().is_some_and(|l| l.contains("/big.bin")) { BIG } else { TOTAL };
    let range = head.iter().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("range: bytes=")
            .map(|v| v.trim_end_matches('-').to_owned())
    });
    state.seen.lock().unwrap().push(head);
    let body = payload_of(total);
    let flaky = state.flaky.load(Ordering::SeqCst);
    let response = match range {
        None => {
            let mut out = format!(
                "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nAccept-Ranges: bytes\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n"
            )
            .into_bytes();
            out.extend_from_slice(if flaky { &body[..30_000] } else { &body });
            out
        }
        Some(_) if flaky => {
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_vec()
        }
        Some(start) => {
            let start: usize = start.parse().unwrap();
            let mut out = format!(
                "HTTP/1.1 206 Partial Content\r\nETag: \"v1\"\r\nContent-Range: bytes {start}-{}/{total}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                total - 1,
                total - start
            )
            .into_bytes();
            out.extend_from_slice(&body[start..]);
            out
        }
    };
    let _ = stream.write_all(&response);
}

/// Asserts a download failed with `code`: stderr holds progress lines (the
/// output is not a terminal) and then exactly one `error: …` line, stdout
/// nothing. Returns the error line.
fn assert_failed(output: &std::process::Output, expected: i32) -> String {
    let err = stderr(output);
    assert_eq!(code(output), expected, "stderr: {err}");
    assert!(stdout(output).is_empty(), "{}", stdout(output));
    let mut lines = err.lines().filter(|l| !l.starts_with("progress: "));
    let line = lines.next().unwrap_or_default().to_owned();
    assert!(line.starts_with("error: "), "{err:?}");
    assert_eq!(lines.next(), None, "one error line expected: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
    line
}

/// The `progress: ` lines of a run's stderr.
fn progress_lines(output: &std::process::Output) -> Vec<String> {
    stderr(output).lines().filter(|l| l.starts_with("progress: ")).map(str::to_owned).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    // The expected digest is computed by a tool outside the binary under test.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("sha256sum").arg(&path).output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

#[test]
fn downloads_into_dir_and_prints_the_path() {
    let (base, _) = origin();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("out");
    let out = run(
        data.path(),
        &["download", "--dir", dir.to_str().unwrap(), &format!("{base}/file.bin")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = dir.join("file.bin");
    assert_eq!(stdout(&out), format!("{}\n", path.display()));
    assert_eq!(std::fs::read(&path).unwrap(), payload());
    // Not a terminal, and done within a second: no progress line yet.
    assert_eq!(stderr(&out), "");

    // The list shows it, from the partition's records.
    let list = run(data.path(), &["downloads", "list", "--json"]);
    assert_eq!(code(&list), 0, "{}", stderr(&list));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    let row = &rows[0];
    assert_eq!(row["state"], "completed");
    assert_eq!(row["received_bytes"], TOTAL);
    assert_eq!(row["total_bytes"], TOTAL);
    assert_eq!(row["url"], format!("{base}/file.bin"));
    assert_eq!(row["path"], path.display().to_string());
    let table = stdout(&run(data.path(), &["downloads", "list"]));
    assert!(table.starts_with("ID"), "{table}");
    assert!(table.contains(&format!("completed  {TOTAL}/{TOTAL}")), "{table}");
}

#[test]
fn output_path_and_checksum() {
    let (base, _) = origin();
    let data = tempfile::tempdir().unwrap();
    let target = data.path().join("named.bin");
    let url = format!("{base}/file.bin");
    let good = sha256_hex(&payload());
    let out = run(
        data.path(),
        &["download", "-o", target.to_str().unwrap(), "--sha256", &good, "-H", "X-A: 1", &url],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), target.display().to_string());
    assert_eq!(std::fs::read(&target).unwrap(), payload());

    let other = data.path().join("bad.bin");
    let bad = "0".repeat(64);
    let out =
        run(data.path(), &["download", "-o", other.to_str().unwrap(), "--sha256", &bad, &url]);
    let err = assert_failed(&out, 1);
    assert!(err.contains("FILE_SECURITY_CHECK_FAILED"), "{err}");
    assert!(!other.exists());

    // --output NAME, relative: inside --dir.
    let dir = data.path().join("dir");
    let out = run(
        data.path(),
        &["download", "--dir", dir.to_str().unwrap(), "--output", "long.bin", &url],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\n", dir.join("long.bin").display()));
    assert_eq!(std::fs::read(dir.join("long.bin")).unwrap(), payload());
}

#[test]
fn bad_input_exits_2() {
    let data = tempfile::tempdir().unwrap();
    assert_error(&run(data.path(), &["download", "not a url"]), 2);
    assert_error(&run(data.path(), &["download", "ftp://127.0.0.1/x"]), 2);
    assert_error(&run(data.path(), &["download", "--sha256", "abc", "http://127.0.0.1:9/x"]), 2);
    assert_error(&run(data.path(), &["download", "-H", "nocolon", "http://127.0.0.1:9/x"]), 2);
    assert_error(&run(data.path(), &["downloads", "resume", "42"]), 2);
}

#[test]
fn an_interrupted_download_resumes_when_run_again_or_can_be_cancelled() {
    let (base, state) = origin();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("out");
    let url = format!("{base}/file.bin");
    let args = ["download", "--dir", dir.to_str().unwrap(), url.as_str()];

    // Cut after 30 000 bytes, then 503: interrupted, partial and record kept.
    state.flaky.store(true, Ordering::SeqCst);
    let first = run(data.path(), &args);
    let err = assert_failed(&first, 1);
    assert!(err.contains("interrupted"), "{err}");
    // The cut is retried by itself (a line each for the interruption and the
    // resume); the 503 waits for the user and ends the command.
    let lines = progress_lines(&first);
    assert!(
        lines.iter().any(|l| l.contains("interrupted at") && l.ends_with("; retrying")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("progress: resumed at")), "{lines:?}");
    assert!(dir.join("file.bin.part").exists());
    let list = run(data.path(), &["downloads", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(rows[0]["state"], "interrupted");
    let offset = rows[0]["received_bytes"].as_u64().unwrap();
    assert!(offset > 0 && offset <= 30_000, "{offset}");

    // The same command again: a range request from the recorded offset.
    state.flaky.store(false, Ordering::SeqCst);
    let out = run(data.path(), &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("file.bin")).unwrap(), payload());
    let last = state.seen.lock().unwrap().last().unwrap().clone();
    assert!(last.contains(&format!("range: bytes={offset}-")), "{last:?}");
    assert!(last.contains(&"if-range: \"v1\"".to_owned()), "{last:?}");

    // Interrupted again, then resumed by id: the path on stdout.
    let third = data.path().join("third");
    state.flaky.store(true, Ordering::SeqCst);
    assert_failed(&run(data.path(), &["download", "--dir", third.to_str().unwrap(), &url]), 1);
    let list = run(data.path(), &["downloads", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(rows[1]["state"], "interrupted");
    let id = rows[1]["id"].as_u64().unwrap().to_string();
    state.flaky.store(false, Ordering::SeqCst);
    let out = run(data.path(), &["downloads", "resume", &id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), third.join("file.bin").display().to_string());
    assert_eq!(std::fs::read(third.join("file.bin")).unwrap(), payload());

    // Interrupted again elsewhere, then cancelled: the partial is deleted.
    let other = data.path().join("other");
    state.flaky.store(true, Ordering::SeqCst);
    assert_failed(&run(data.path(), &["download", "--dir", other.to_str().unwrap(), &url]), 1);
    assert!(other.join("file.bin.part").exists());
    let list = run(data.path(), &["downloads", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    let id = rows[2]["id"].as_u64().unwrap().to_string();
    let out = run(data.path(), &["downloads", "cancel", &id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!other.join("file.bin.part").exists());
    let list = run(data.path(), &["downloads", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(rows[2]["state"], "cancelled");
    // Cancelling it twice is a failure, not bad input.
    assert_error(&run(data.path(), &["downloads", "cancel", &id]), 1);
}

#[test]
fn ctrl_c_leaves_a_download_the_same_command_resumes() {
    let (base, state) = origin();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("out");
    let url = format!("{base}/file.bin");
    // 20 000 bytes per second: about five seconds for the whole file.
    let child = spawn(
        data.path(),
        &["download", "--limit-rate", "20000", "--dir", dir.to_str().unwrap(), &url],
    );
    thread::sleep(Duration::from_millis(1500));
    send_signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    let err = assert_failed(&out, 1);
    assert!(err.contains("interrupted by SIGINT"), "{err}");
    assert!(err.contains("run the same command again"), "{err}");
    assert!(dir.join("file.bin.part").exists());

    let out = run(data.path(), &["download", "--dir", dir.to_str().unwrap(), &url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("file.bin")).unwrap(), payload());
    let seen = state.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].iter().any(|l| l.starts_with("range: bytes=")), "{seen:?}");
}

#[test]
fn plain_progress_lines_on_stderr_when_it_is_not_a_terminal() {
    let (base, _) = origin();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("out");
    // 300 KiB at 100 KiB/s: about three seconds, a line a second.
    let started = std::time::Instant::now();
    let out = run(
        data.path(),
        &[
            "download",
            "--limit-rate",
            "102400",
            "--dir",
            dir.to_str().unwrap(),
            &format!("{base}/big.bin"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = dir.join("big.bin");
    // stdout is the path alone; everything else is on stderr.
    assert_eq!(stdout(&out), format!("{}\n", path.display()));
    assert_eq!(std::fs::read(&path).unwrap(), payload_of(BIG));
    let err = stderr(&out);
    let lines = progress_lines(&out);
    assert!(!lines.is_empty(), "{err:?}");
    assert_eq!(lines.len(), err.lines().count(), "only progress lines: {err:?}");
    // At most one a second (no state changes here), and plain text.
    let seconds = started.elapsed().as_secs() as usize;
    assert!(lines.len() <= seconds, "{} lines in {seconds} s: {err:?}", lines.len());
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    for line in &lines {
        assert!(line.contains(" / 300.0 KiB ("), "{line}");
        assert!(line.ends_with("/s"), "{line}");
    }
}

#[test]
fn sigterm_leaves_a_download_the_same_command_resumes() {
    let (base, state) = origin();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("out");
    let url = format!("{base}/big.bin");
    let args = ["download", "--limit-rate", "102400", "--dir", dir.to_str().unwrap(), &url];
    let mut child = spawn(data.path(), &args);
    // Killed at its first progress line (a second into the transfer, about a
    // third of the file), however slow the machine is to start it.
    let (first_line, progressed) = std::sync::mpsc::channel();
    let stderr_pipe = child.stderr.take().unwrap();
    let reader = thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr_pipe).lines() {
            let line = line.unwrap();
            if line.starts_with("progress: ") {
                let _ = first_line.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    progressed.recv_timeout(Duration::from_secs(30)).unwrap();
    send_signal(&child, "TERM");
    let mut out = child.wait_with_output().unwrap();
    out.stderr = reader.join().unwrap().into_bytes();
    let err = assert_failed(&out, 1);
    assert!(err.contains("interrupted by SIGTERM"), "{err}");
    assert!(err.contains("run the same command again"), "{err}");
    assert!(dir.join("big.bin.part").exists());
    assert!(!dir.join("big.bin").exists());

    // The record says where it stopped, and the partial holds those bytes.
    let list = run(data.path(), &["downloads", "list", "--json"]);
    assert_eq!(code(&list), 0, "{}", stderr(&list));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    let offset = rows[0]["received_bytes"].as_u64().unwrap();
    assert_ne!(rows[0]["state"], "completed", "{rows}");
    assert!(offset > 0 && offset < BIG as u64, "{offset}");
    let partial = std::fs::read(dir.join("big.bin.part")).unwrap();
    assert!(partial.len() as u64 >= offset, "{} < {offset}", partial.len());
    assert_eq!(&partial[..offset as usize], &payload_of(BIG)[..offset as usize]);

    // The same command again continues from there.
    let out = run(data.path(), &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\n", dir.join("big.bin").display()));
    assert_eq!(std::fs::read(dir.join("big.bin")).unwrap(), payload_of(BIG));
    assert!(!dir.join("big.bin.part").exists());
    let seen = state.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].contains(&format!("range: bytes={offset}-")), "{seen:?}");
}
