//! The lock file that marks an on-disk session as in use, across processes.
//!
//! A live session holds a *shared* lock on `<dir>/sessionkit.lock`; deleting
//! needs the *exclusive* lock, so it is refused while any session — in this
//! process or another — has the directory open. Locks are advisory
//! (`flock`/`LockFileEx` through std's `File::try_lock*`) and vanish when the
//! holder exits, even on a crash, so a stale file never blocks anything.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use crate::Error;

/// Name of the lock file inside a session directory.
pub const LOCK_FILE_NAME: &str = "sessionkit.lock";

/// How often, and how far apart, opening retries while the exclusive lock is
/// briefly held (by a `list_partitions` probe or a delete in progress).
const OPEN_ATTEMPTS: u32 = 50;
const OPEN_RETRY_DELAY: Duration = Duration::from_millis(10);

/// A held lock; released when dropped.
#[derive(Debug)]
pub(crate) struct LockFile {
    _file: File,
}

/// Outcome of trying to take the exclusive lock.
pub(crate) enum Exclusive {
    /// Nobody else holds the directory.
    Acquired(LockFile),
    /// Some session holds it.
    Busy,
}

fn lock_path(dir: &Path) -> PathBuf {
    dir.join(LOCK_FILE_NAME)
}

fn open(path: &Path) -> Result<File, Error> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::io("open the lock file", path, e))
}

/// Creates `dir` if needed and takes a shared lock on it for a live session.
///
/// `busy` builds the error returned when a deleter keeps the directory for
/// longer than the retry window.
pub(crate) fn acquire_shared(dir: &Path, busy: impl Fn() -> Error) -> Result<LockFile, Error> {
    let path = lock_path(dir);
    for _ in 0..OPEN_ATTEMPTS {
        fs::create_dir_all(dir).map_err(|e| Error::io("create the directory", dir, e))?;
        let file = match open(&path) {
            Ok(file) => file,
            // A deleter renamed the directory between the two calls; go again.
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                continue;
            }
            Err(e) => return Err(e),
        };
        match file.try_lock_shared() {
            // A deleter may have removed the file while we waited for it:
            // our lock would then guard nothing, so start over.
            Ok(()) if path.exists() => return Ok(LockFile { _file: file }),
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => thread::sleep(OPEN_RETRY_DELAY),
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", &path, e)),
        }
    }
    Err(busy())
}

/// Tries to take the exclusive lock of an existing session directory.
pub(crate) fn try_exclusive(dir: &Path) -> Result<Exclusive, Error> {
    let path = lock_path(dir);
    let file = open(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(Exclusive::Acquired(LockFile { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(Exclusive::Busy),
        Err(TryLockError::Error(e)) => Err(Error::io("lock", &path, e)),
    }
}

/// True when some session holds the directory. Never creates a lock file,
/// and only reads, so listing works in a read-only data directory.
pub(crate) fn is_held(dir: &Path) -> Result<bool, Error> {
    let path = lock_path(dir);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io("open the lock file", &path, e)),
    };
    match file.try_lock() {
        Ok(()) => Ok(false),
        Err(TryLockError::WouldBlock) => Ok(true),
        Err(TryLockError::Error(e)) => Err(Error::io("lock", &path, e)),
    }
}
