//! `sessionkit spell …` with a tiny dictionary written by the test (no
//! system dictionaries needed).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{assert_error, code, run, stderr, stdout};

fn write_dictionary(dir: &Path) {
    std::fs::write(
        dir.join("en_US.aff"),
        "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\nSFX S Y 1\nSFX S 0 s .\n",
    )
    .expect("aff");
    std::fs::write(dir.join("en_US.dic"), "4\nhello\nworld/S\nquick\nfox/S\n").expect("dic");
    std::fs::write(dir.join("fr_FR.aff"), b"SET ISO8859-1\n").expect("aff");
    std::fs::write(dir.join("fr_FR.dic"), b"2\ncaf\xe9\nmonde\n").expect("dic");
}

fn setup() -> (tempfile::TempDir, tempfile::TempDir, String) {
    let data = tempfile::tempdir().expect("tempdir");
    let dicts = tempfile::tempdir().expect("tempdir");
    write_dictionary(dicts.path());
    let dir = dicts.path().display().to_string();
    (data, dicts, dir)
}

#[test]
fn check_prints_each_misspelled_word() {
    let (data, _dicts, dir) = setup();
    let output = run(
        data.path(),
        &["spell", "check", "--dict-dir", &dir, "hello", "wrld", "worlds", "helo"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "wrld\nhelo\n");
    let output = run(data.path(), &["spell", "check", "--dict-dir", &dir, "hello", "world"]);
    assert_eq!((code(&output), stdout(&output)), (0, String::new()));
}

#[test]
fn check_with_several_languages() {
    let (data, _dicts, dir) = setup();
    let output = run(
        data.path(),
        &[
            "spell",
            "check",
            "--lang",
            "en-US",
            "--lang",
            "fr",
            "--dict-dir",
            &dir,
            "café",
            "world",
            "mundo",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "mundo\n");
}

#[test]
fn check_dash_reads_a_text_from_stdin() {
    let (data, _dicts, dir) = setup();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionkit"))
        .args(["--data-dir"])
        .arg(data.path())
        .args(["spell", "check", "--dict-dir", &dir, "-"])
        .env_remove("SESSIONKIT_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Hello, quikc world!\nTeh foxs.\n")
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "quikc\nTeh\n");
}

#[test]
fn suggest_prints_at_most_five() {
    let (data, _dicts, dir) = setup();
    let output = run(data.path(), &["spell", "suggest", "--dict-dir", &dir, "wrld"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.lines().any(|l| l == "world"), "{out}");
    assert!(out.lines().count() <= 5);
    let output = run(data.path(), &["spell", "suggest", "--dict-dir", &dir, "hello"]);
    assert_eq!((code(&output), stdout(&output)), (0, String::new()));
}

#[test]
fn missing_dictionary_and_unknown_language_are_one_line_errors() {
    let (data, _dicts, dir) = setup();
    let output = run(data.path(), &["spell", "check", "--lang", "de", "--dict-dir", &dir, "Haus"]);
    let err = assert_error(&output, 1);
    assert!(err.contains("no dictionary for de"), "{err}");
    let output = run(data.path(), &["spell", "check", "--lang", "xx-YY", "--dict-dir", &dir, "a"]);
    let err = assert_error(&output, 2);
    assert!(err.contains("\"xx-YY\" is not a valid language code"), "{err}");
}

#[test]
fn custom_words_persist_in_the_partition() {
    let (data, _dicts, dir) = setup();
    let words = ["--partition", "persist:work", "spell", "words"];
    let add = run(data.path(), &[&words[..], &["add", "sessionkit"]].concat());
    assert_eq!(code(&add), 0, "{}", stderr(&add));
    let list = run(data.path(), &[&words[..], &["list"]].concat());
    assert_eq!(stdout(&list), "sessionkit\n");
    let check = run(
        data.path(),
        &[
            "--partition",
            "persist:work",
            "spell",
            "check",
            "--dict-dir",
            &dir,
            "sessionkit",
            "hello",
            "nope",
        ],
    );
    assert_eq!(stdout(&check), "nope\n", "{}", stderr(&check));
    let remove = run(data.path(), &[&words[..], &["remove", "sessionkit"]].concat());
    assert_eq!(code(&remove), 0);
    assert_eq!(stdout(&run(data.path(), &[&words[..], &["list"]].concat())), "");
    let invalid = run(data.path(), &[&words[..], &["add", " x"]].concat());
    assert_error(&invalid, 2);
}

#[test]
fn languages_lists_electrons_codes() {
    let data = tempfile::tempdir().expect("tempdir");
    let output = run(data.path(), &["spell", "languages"]);
    assert_eq!(code(&output), 0);
    let out = stdout(&output);
    assert_eq!(out.lines().count(), 56);
    assert!(out.lines().any(|l| l == "en-US"));
}
