//! Shared helpers: run the real binary against a temporary data directory.

#![allow(dead_code, unreachable_pub)] // each test binary uses a different subset

use std::path::Path;
use std::process::{Command, Output};

/// Runs `sessionkit` with `args` and `--data-dir data`, nothing inherited
/// from the environment's `SESSIONKIT_DATA_DIR`.
pub fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionkit"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("SESSIONKIT_DATA_DIR")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run sessionkit")
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
