//! The process-wide registry behind `Session::from_partition`.
//!
//! One test function, because the registry is global to the test binary.

use sessionkit::{Error, PartitionOptions, Session};

#[test]
fn global_registry_follows_set_data_dir() {
    let first = tempfile::tempdir().expect("tempdir");
    let second = tempfile::tempdir().expect("tempdir");

    sessionkit::set_data_dir(first.path()).expect("set");
    sessionkit::set_data_dir(first.path()).expect("setting the same dir again is fine");
    assert_eq!(sessionkit::data_dir().expect("dir"), first.path());

    let a = Session::from_partition("persist:g", PartitionOptions::default()).expect("a");
    let b = Session::from_partition("persist:G", PartitionOptions::default()).expect("b");
    assert_eq!(a, b);
    assert_eq!(a.storage_path(), Some(first.path().join("Partitions/g").as_path()));
    let default = Session::default_session().expect("default");
    assert_eq!(default.storage_path(), Some(first.path()));
    let by_path =
        Session::from_path(first.path().join("Partitions/g"), PartitionOptions::default())
            .expect("path");
    assert_eq!(by_path, a);
    assert!(matches!(
        Session::from_path("relative", PartitionOptions::default()),
        Err(Error::RelativePath { .. })
    ));

    let err = sessionkit::set_data_dir(second.path()).expect_err("sessions are alive");
    assert!(matches!(err, Error::DataDirInUse { .. }), "{err}");

    drop((a, b, default, by_path));
    sessionkit::set_data_dir(second.path()).expect("no live sessions any more");
    let c = Session::from_partition("persist:g", PartitionOptions::default()).expect("c");
    assert_eq!(c.storage_path(), Some(second.path().join("Partitions/g").as_path()));
}
