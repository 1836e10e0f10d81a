//! Opening a partition's sled database, tolerating the moment after another handle of
//! the same database closed.

use std::io::ErrorKind;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

/// How long [`open_database`] keeps retrying while the database's file lock is held.
pub const LOCK_WAIT: Duration = Duration::from_secs(3);

/// Opens (creating if needed) the sled database at `path`.
///
/// sled takes an exclusive lock on the database file, and releases it only once its
/// background flusher, and any commit still running on the jar's commit thread, let go
/// of their handles — shortly *after* the last [`sled::Db`] is dropped. Reopening a
/// partition right after closing it (a restart in the same process, a test) can meet
/// that lock, so a lock failure is retried for up to [`LOCK_WAIT`]. A database held by
/// a live handle (this process or another) still fails, after the wait, with sled's
/// own error; so does everything else at once.
pub fn open_database(path: impl AsRef<Path>) -> Result<sled::Db, sled::Error> {
    let path = path.as_ref();
    let deadline = Instant::now() + LOCK_WAIT;
    let mut pause = Duration::from_millis(5);
    loop {
        match sled::Config::new().path(path).open() {
            Err(e) if is_lock_error(&e) && Instant::now() < deadline => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// sled reports a held file lock as an `Other` I/O error with this message (0.34).
fn is_lock_error(error: &sled::Error) -> bool {
    matches!(error, sled::Error::Io(io)
        if io.kind() == ErrorKind::Other && io.to_string().starts_with("could not acquire lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_held_open_is_refused_after_the_wait_and_reopens_once_closed() {
        let dir = tempfile::tempdir().unwrap();
        let held = open_database(dir.path()).unwrap();
        let started = Instant::now();
        let err = open_database(dir.path()).unwrap_err();
        assert!(is_lock_error(&err), "{err}");
        assert!(started.elapsed() >= LOCK_WAIT);
        drop(held);
        open_database(dir.path()).unwrap();
    }
}
