//! Shared helpers: run the real binary against a temporary data directory.

#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Runs `sessionkit` with `args` and `--data-dir data`, nothing inherited
/// from the environment's `SESSIONKIT_DATA_DIR`.
pub fn run(data: &Path, args: &[&str]) -> Output {
    command(data, args).output().expect("run sessionkit")
}

/// Starts `sessionkit` as [`run`] does, with stdout and stderr piped, for a
/// test that signals it while it runs.
pub fn spawn(data: &Path, args: &[&str]) -> Child {
    command(data, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sessionkit")
}

/// Sends `signal` (a name `kill` knows, e.g. `INT` for Ctrl-C, `TERM`) to
/// `child`, as a terminal or a service manager would.
pub fn send_signal(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -{signal} failed");
}

/// The binary with `--data-dir data` and `args`, and none of the
/// environment variables that would change where it keeps data or what it
/// logs.
fn command(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sessionkit"));
    command
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("SESSIONKIT_DATA_DIR")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE");
    command
}

/// Stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

/// Stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// The exit status.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

/// Asserts the run failed with `code` and exactly one `error: …` line.
pub fn assert_error(output: &Output, expected: i32) -> String {
    let err = stderr(output);
    assert_eq!(code(output), expected, "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line expected: {err:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(output).is_empty(), "{}", stdout(output));
    err
}

/// How long a loopback server waits for a client's next bytes.
pub const IO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// A request as a loopback server read it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The request line, then each header line, without their CRLF.
    pub head: Vec<String>,
    /// The body (`Content-Length` bytes; none without one).
    pub body: Vec<u8>,
}

impl Request {
    /// The request target, e.g. `/echo?x=1`.
    pub fn path(&self) -> &str {
        self.head.first().and_then(|line| line.split(' ').nth(1)).unwrap_or("/")
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The head as the client sent it: each line and its CRLF.
    pub fn head_text(&self) -> String {
        self.head.iter().map(|line| format!("{line}\r\n")).collect()
    }
}

/// Starts a loopback HTTP/1.1 origin on a thread; each connection gets a
/// thread that reads one request and hands it to `answer` with the stream
/// (which writes the response, or does something ruder). A connection
/// closed before a whole request is dropped. Returns the bound address.
pub fn loopback<F>(answer: F) -> std::net::SocketAddr
where
    F: Fn(Request, &mut std::net::TcpStream) + Send + Sync + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("the bound address");
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let answer = answer.clone();
            std::thread::spawn(move || {
                if let Some(request) = read_request(&stream) {
                    answer(request, &mut stream);
                }
            });
        }
    });
    addr
}

/// Reads one request: the head up to its blank line, then a
/// `Content-Length` body. `None` when the client stops first.
fn read_request(stream: &std::net::TcpStream) -> Option<Request> {
    use std::io::{BufRead, Read};
    stream.set_read_timeout(Some(IO_TIMEOUT)).ok()?;
    let mut reader = std::io::BufReader::new(stream.try_clone().ok()?);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let mut request = Request { head, body: Vec::new() };
    let length = request.header("content-length").and_then(|v| v.parse::<usize>().ok());
    request.body = vec![0; length.unwrap_or(0)];
    reader.read_exact(&mut request.body).ok()?;
    Some(request)
}
