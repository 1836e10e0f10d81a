//! Listing partitions and deleting persistent ones.

use sessionkit::{Error, InUseBy, PartitionInfo, PartitionOptions, Sessions};

fn registry() -> (tempfile::TempDir, Sessions) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    (dir, sessions)
}

fn find<'a>(rows: &'a [PartitionInfo], name: &str) -> &'a PartitionInfo {
    rows.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("{name:?} not in {rows:?}"))
}

#[test]
fn empty_data_dir_lists_nothing_missing_one_too() {
    let (dir, sessions) = registry();
    let rows = sessions.list_partitions().expect("list");
    // The data dir exists (tempdir), so the default session is listed.
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "");
    assert!(!rows[0].in_use);
    let missing = Sessions::new(dir.path().join("nope")).expect("registry");
    assert!(missing.list_partitions().expect("list").is_empty());
}

#[test]
fn lists_memory_and_disk_with_flags() {
    let (dir, sessions) = registry();
    let _mem = sessions.from_partition("scratch", PartitionOptions::default()).expect("mem");
    let _live = sessions.from_partition("persist:Live", PartitionOptions::default()).expect("live");
    drop(sessions.from_partition("persist:closed", PartitionOptions::default()).expect("closed"));
    // A folder made by hand (or by an earlier run) is a partition too.
    std::fs::create_dir_all(dir.path().join("Partitions/by-hand")).expect("mkdir");
    // Folders no name encodes to are ignored.
    std::fs::create_dir_all(dir.path().join("Partitions/Upper")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("Partitions/.hidden")).expect("mkdir");
    std::fs::write(dir.path().join("Partitions/file"), b"").expect("file");

    let rows = sessions.list_partitions().expect("list");
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["", "persist:by-hand", "persist:closed", "persist:live", "scratch"]);
    let live = find(&rows, "persist:live");
    assert!(live.persistent && live.in_use);
    assert_eq!(live.path.as_deref(), Some(dir.path().join("Partitions/live").as_path()));
    let closed = find(&rows, "persist:closed");
    assert!(closed.persistent && !closed.in_use);
    let mem = find(&rows, "scratch");
    assert!(!mem.persistent && mem.in_use && mem.path.is_none());
    assert!(!find(&rows, "persist:by-hand").in_use);
}

#[test]
fn delete_removes_the_folder() {
    let (dir, sessions) = registry();
    let session =
        sessions.from_partition("persist:Gone", PartitionOptions::default()).expect("open");
    let path = session.storage_path().expect("path").to_path_buf();
    std::fs::write(path.join("data"), b"x").expect("write");
    drop(session);
    assert_eq!(sessions.delete_partition("persist:GONE").expect("delete"), path);
    assert!(!path.exists());
    // Nothing is left behind, not even the hidden trash folder.
    let left: Vec<_> = std::fs::read_dir(dir.path().join("Partitions")).expect("read").collect();
    assert!(left.is_empty(), "{left:?}");
    // And it can be made again.
    sessions.from_partition("persist:gone", PartitionOptions::default()).expect("reopen");
}

#[test]
fn delete_is_refused_while_a_handle_lives() {
    let (_dir, sessions) = registry();
    let session =
        sessions.from_partition("persist:busy", PartitionOptions::default()).expect("open");
    let err = sessions.delete_partition("persist:busy").expect_err("in use");
    assert!(matches!(err, Error::PartitionInUse { by: InUseBy::ThisProcess, .. }), "{err}");
    assert!(!err.is_invalid_input());
    assert!(err.to_string().contains("in use"), "{err}");
    assert!(session.storage_path().expect("path").is_dir());
}

#[test]
fn delete_is_refused_while_another_holder_has_the_lock() {
    let (dir, sessions) = registry();
    // A second registry stands for another process: it shares nothing with
    // the first except the lock file.
    let other = Sessions::new(dir.path()).expect("other");
    let held = other.from_partition("persist:shared", PartitionOptions::default()).expect("open");
    let err = sessions.delete_partition("persist:shared").expect_err("locked");
    assert!(matches!(err, Error::PartitionInUse { by: InUseBy::AnotherHolder, .. }), "{err}");
    let rows = sessions.list_partitions().expect("list");
    assert!(find(&rows, "persist:shared").in_use, "the lock shows in the list");
    drop(held);
    assert!(!find(&sessions.list_partitions().expect("list"), "persist:shared").in_use);
    sessions.delete_partition("persist:shared").expect("delete");
}

#[test]
fn delete_needs_an_existing_persistent_partition() {
    let (_dir, sessions) = registry();
    for name in ["", "memory"] {
        let err = sessions.delete_partition(name).expect_err(name);
        assert!(matches!(err, Error::NotPersistent { .. }), "{err}");
        assert!(err.is_invalid_input());
    }
    let err = sessions.delete_partition("persist:never").expect_err("missing");
    assert!(matches!(err, Error::PartitionNotFound { .. }), "{err}");
    let err = sessions.delete_partition("persist:").expect_err("empty");
    assert!(matches!(err, Error::InvalidPartitionName { .. }), "{err}");
    // Hostile names are looked up inside Partitions/ only.
    let err = sessions.delete_partition("persist:..").expect_err("dotdot");
    assert!(matches!(err, Error::PartitionNotFound { .. }), "{err}");
}
