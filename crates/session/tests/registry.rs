//! Identity, kinds and options of sessions in a registry.

use sessionkit::{Error, PartitionOptions, Session, Sessions};

fn registry() -> (tempfile::TempDir, Sessions) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sessions = Sessions::new(dir.path()).expect("registry");
    (dir, sessions)
}

fn open(sessions: &Sessions, name: &str) -> Session {
    sessions.from_partition(name, PartitionOptions::default()).expect(name)
}

#[test]
fn same_name_gives_same_instance() {
    let (_dir, sessions) = registry();
    for name in ["", "mem", "persist:disk"] {
        let a = open(&sessions, name);
        let b = open(&sessions, name);
        assert!(a.ptr_eq(&b), "{name:?}");
        assert_eq!(a, b.clone());
    }
    assert_ne!(open(&sessions, "a"), open(&sessions, "b"));
}

#[test]
fn persistent_names_fold_ascii_case_memory_names_do_not() {
    let (dir, sessions) = registry();
    let upper = open(&sessions, "persist:Foo");
    let lower = open(&sessions, "persist:foo");
    assert_eq!(upper, lower);
    assert_eq!(upper.partition(), Some("persist:foo"));
    assert_eq!(upper.storage_path(), Some(dir.path().join("Partitions").join("foo").as_path()));
    // In memory there is no folder to share, so Electron's raw key is kept.
    let a = open(&sessions, "Foo");
    let b = open(&sessions, "foo");
    assert_ne!(a, b);
    // The prefix itself is case-sensitive: this is an in-memory partition.
    assert!(!open(&sessions, "Persist:foo").is_persistent());
}

#[test]
fn kinds_and_storage_paths() {
    let (dir, sessions) = registry();
    let default = sessions.default_session();
    assert_eq!(default, open(&sessions, ""));
    assert!(default.is_persistent());
    assert_eq!(default.partition(), Some(""));
    assert_eq!(default.storage_path(), Some(dir.path()));

    let mem = open(&sessions, "scratch");
    assert!(!mem.is_persistent());
    assert_eq!(mem.storage_path(), None);
    assert_eq!(mem.partition(), Some("scratch"));

    let disk = open(&sessions, "persist:work");
    assert!(disk.is_persistent());
    let path = disk.storage_path().expect("path");
    assert!(path.is_dir(), "created on first use");
    assert_eq!(path, dir.path().join("Partitions").join("work"));
}

#[test]
fn in_memory_sessions_die_with_their_last_handle() {
    let (_dir, sessions) = registry();
    let first = open(&sessions, "temp");
    first.set_user_agent("Changed/1", None).expect("valid user agent");
    let clone = first.clone();
    drop(first);
    assert_eq!(open(&sessions, "temp").user_agent(), "Changed/1");
    drop(clone);
    assert_eq!(open(&sessions, "temp").user_agent(), sessionkit::default_user_agent());
}

#[test]
fn options_apply_only_on_first_creation() {
    let (_dir, sessions) = registry();
    let no_cache = PartitionOptions::new().cache(false);
    let first = sessions.from_partition("persist:x", no_cache).expect("x");
    assert!(!first.options().cache);
    let again = sessions.from_partition("persist:X", PartitionOptions::default()).expect("x");
    assert!(!again.options().cache, "later options are ignored");
    drop((first, again));
    let fresh = sessions.from_partition("persist:x", PartitionOptions::default()).expect("x");
    assert!(fresh.options().cache, "a new instance takes new options");
    assert!(PartitionOptions::default().cache);
}

#[test]
fn from_path_requires_an_absolute_path() {
    let (_dir, sessions) = registry();
    for path in ["", "relative", "./x", "../x"] {
        let err = sessions.from_path(path, PartitionOptions::default()).expect_err(path);
        assert!(matches!(err, Error::RelativePath { .. }), "{path:?}: {err}");
        assert!(err.is_invalid_input());
        assert!(err.to_string().starts_with("path must be absolute"), "{err}");
    }
}

#[test]
fn from_path_same_directory_same_instance() {
    let (dir, sessions) = registry();
    let path = dir.path().join("elsewhere");
    let a = sessions.from_path(&path, PartitionOptions::default()).expect("a");
    let b = sessions.from_path(path.join("."), PartitionOptions::default()).expect("b");
    assert_eq!(a, b);
    assert!(a.is_persistent());
    assert_eq!(a.partition(), None);
    assert_eq!(a.storage_path(), Some(path.as_path()));
    assert!(path.is_dir());

    // A partition's folder belongs to that partition's session.
    let work = open(&sessions, "persist:work");
    let by_path = sessions
        .from_path(dir.path().join("Partitions/work"), PartitionOptions::default())
        .expect("work by path");
    assert_eq!(work, by_path);
    // And the data directory to the default session.
    let root = sessions.from_path(dir.path(), PartitionOptions::default()).expect("root");
    assert_eq!(root, sessions.default_session());
}

#[test]
fn registries_are_independent_and_relative_data_dirs_become_absolute() {
    let (dir, sessions) = registry();
    let other = Sessions::new(dir.path()).expect("second registry");
    assert_ne!(open(&sessions, "mem"), open(&other, "mem"));
    let relative = Sessions::new("some/relative").expect("relative");
    assert!(relative.data_dir().is_absolute());
    assert!(matches!(Sessions::new(""), Err(Error::RelativePath { .. })));
}

#[test]
fn sessions_are_shared_across_threads() {
    let (_dir, sessions) = registry();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let sessions = sessions.clone();
            std::thread::spawn(move || open(&sessions, "persist:shared"))
        })
        .collect();
    let all: Vec<Session> = handles.into_iter().map(|h| h.join().expect("thread")).collect();
    assert!(all.windows(2).all(|w| w[0] == w[1]));
}
