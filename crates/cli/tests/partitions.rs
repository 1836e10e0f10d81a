//! `sessionkit partitions list|delete`, and the help text.

mod common;

use std::process::Command;

use common::{assert_error, code, run, stderr, stdout};
use sessionkit::{PartitionOptions, Sessions};

#[test]
fn list_shows_partitions_as_a_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("Partitions/work")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("Partitions/%2E%2E")).expect("mkdir");
    let output = run(dir.path(), &["partitions", "list"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("NAME"), "{out}");
    assert!(lines[1].starts_with("(default)"), "{out}");
    assert!(lines[2].starts_with("persist:.. "), "{out}");
    assert!(lines[3].starts_with("persist:work "), "{out}");
    assert!(lines[3].contains("disk") && lines[3].contains(" no "), "{out}");
}

#[test]
fn list_json_is_one_array() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    let held = sessions.from_partition("persist:Held", PartitionOptions::default()).expect("open");
    std::fs::create_dir_all(dir.path().join("Partitions/free")).expect("mkdir");

    let output = run(dir.path(), &["partitions", "list", "--json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let rows = value.as_array().expect("array");
    assert_eq!(rows.len(), 3, "{value}");
    assert_eq!(rows[0]["name"], "");
    assert_eq!(rows[1]["name"], "persist:free");
    assert_eq!(rows[1]["in_use"], false);
    assert_eq!(rows[2]["name"], "persist:held");
    assert_eq!(rows[2]["persistent"], true);
    assert_eq!(rows[2]["in_use"], true, "the lock of another process shows");
    assert_eq!(
        rows[2]["path"].as_str().map(std::path::PathBuf::from),
        held.storage_path().map(std::path::Path::to_path_buf)
    );
}

#[test]
fn list_of_a_missing_data_dir_is_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(&dir.path().join("missing"), &["partitions", "list", "--json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "[]\n");
    // --json is global: it may come before the subcommand too.
    let output = run(&dir.path().join("missing"), &["--json", "partitions", "list"]);
    assert_eq!(stdout(&output), "[]\n");
}

#[test]
fn delete_removes_a_partition() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Partitions/work");
    std::fs::create_dir_all(path.join("sub")).expect("mkdir");
    let output = run(dir.path(), &["partitions", "delete", "persist:Work"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).starts_with("deleted persist:Work"), "{}", stdout(&output));
    assert!(!path.exists());

    let err = assert_error(&run(dir.path(), &["partitions", "delete", "persist:work"]), 1);
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn delete_is_refused_while_in_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    let held = sessions.from_partition("persist:busy", PartitionOptions::default()).expect("open");
    let err = assert_error(&run(dir.path(), &["partitions", "delete", "persist:busy"]), 1);
    assert!(err.contains("in use"), "{err}");
    assert!(held.storage_path().expect("path").is_dir());
    drop(held);
    let output = run(dir.path(), &["partitions", "delete", "persist:busy"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

#[test]
fn delete_needs_a_persistent_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["memory", "", "persist:"] {
        assert_error(&run(dir.path(), &["partitions", "delete", name]), 2);
    }
}

#[test]
fn data_dir_comes_from_the_environment_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("Partitions/from-env")).expect("mkdir");
    let output = Command::new(env!("CARGO_BIN_EXE_sessionkit"))
        .args(["partitions", "list", "--json"])
        .env("SESSIONKIT_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("persist:from-env"), "{}", stdout(&output));
}

#[test]
fn help_and_usage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(dir.path(), &["--help"]);
    assert_eq!(code(&output), 0);
    let help = stdout(&output);
    for needle in ["proxy", "partitions", "--data-dir", "--partition", "Examples:"] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
    let output = run(dir.path(), &["proxy", "resolve", "--help"]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains("--strict"));

    let output = run(dir.path(), &["proxy", "resolve"]);
    assert_eq!(code(&output), 2, "missing URL is a usage error");
    assert!(stderr(&output).starts_with("error: "));
    let output = run(dir.path(), &["frobnicate"]);
    assert_eq!(code(&output), 2);
}
