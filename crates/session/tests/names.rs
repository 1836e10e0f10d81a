//! Hostile partition names never leave `<data>/Partitions`.

use std::path::Path;

use sessionkit::{Error, PartitionOptions, Sessions};

fn hostile_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "..",
        ".",
        "../x",
        "../../etc/passwd",
        "/etc",
        "/",
        "\\",
        "..\\..\\x",
        "a/b",
        "a\\b",
        "C:",
        "C:\\Windows",
        "\0",
        "a\0b",
        "con",
        "CON",
        "nul",
        "Aux",
        "prn",
        "com1",
        "COM9",
        "lpt1",
        "LPT0",
        "con.txt",
        "nul.",
        "x.",
        "x ",
        " x",
        "~",
        "~root",
        "$HOME",
        "%2e%2e",
        "%2E%2E",
        "%",
        "%%",
        "é",
        "É",
        "ß",
        "\u{202e}gpj.exe",
        "\u{feff}",
        "\n",
        "\t",
        "*",
        "?",
        "\"",
        "<>",
        "|",
        ":",
        "persist:",
        "a:b",
        "😀",
        "Partitions",
        "sessionkit.lock",
        ".deleting-1-0",
        "\u{ff0e}\u{ff0e}",
        "\u{2215}etc",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    names.push("a".repeat(255));
    names.push("/".repeat(85));
    names.push("\0".repeat(85));
    names
}

#[test]
fn every_persistent_dir_is_a_direct_child_of_partitions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    let partitions = dir.path().join("Partitions");
    let mut seen = std::collections::HashMap::new();
    for name in hostile_names() {
        let partition = format!("persist:{name}");
        let session = sessions
            .from_partition(&partition, PartitionOptions::default())
            .unwrap_or_else(|e| panic!("{partition:?}: {e}"));
        let path = session.storage_path().expect("persistent");
        assert_eq!(path.parent(), Some(partitions.as_path()), "{partition:?}");
        let file_name = path.file_name().expect("file name").to_str().expect("utf-8");
        assert!(
            file_name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"%_-ABCDEF".contains(&b)),
            "{file_name}"
        );
        assert!(path.is_dir(), "{partition:?} -> {}", path.display());
        // Only spellings of one folded name may share a folder, even on a
        // case-insensitive file system.
        let folded = name.to_ascii_lowercase();
        let owner = seen.entry(file_name.to_ascii_lowercase()).or_insert_with(|| folded.clone());
        assert_eq!(*owner, folded, "{partition:?} collides");
        // The name round-trips through the listing.
        assert_eq!(sessions.partition_path(&partition).expect("path").as_deref(), Some(path));
    }
    // Nothing escaped: the only thing in the data dir is Partitions/.
    let top: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(top, vec![std::ffi::OsString::from("Partitions")]);
}

#[test]
fn listing_shows_each_hostile_name_once_in_its_folded_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    let mut kept = Vec::new();
    for name in hostile_names() {
        let session = sessions
            .from_partition(&format!("persist:{name}"), PartitionOptions::default())
            .expect("valid");
        kept.push(session);
    }
    let listed: Vec<String> = sessions
        .list_partitions()
        .expect("list")
        .into_iter()
        .filter(|p| p.name.starts_with("persist:"))
        .map(|p| p.name)
        .collect();
    let mut expected: Vec<String> = hostile_names()
        .into_iter()
        .map(|n| format!("persist:{}", n.to_ascii_lowercase()))
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(listed, expected);
}

#[test]
fn unusable_names_are_errors_not_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    let too_long = format!("persist:{}", "a".repeat(256));
    let too_long_encoded = format!("persist:{}", ".".repeat(86));
    let huge = "x".repeat(10_000);
    for name in ["persist:", too_long.as_str(), too_long_encoded.as_str(), huge.as_str()] {
        let err = sessions.from_partition(name, PartitionOptions::default()).expect_err("refused");
        assert!(matches!(err, Error::InvalidPartitionName { .. }), "{err}");
        assert!(err.is_invalid_input());
        let msg = err.to_string();
        assert!(msg.starts_with("invalid partition name"), "{msg}");
        assert!(msg.len() < 300 && !msg.contains('\n'), "{msg}");
    }
    assert!(!Path::new(&dir.path().join("Partitions")).exists());
}
