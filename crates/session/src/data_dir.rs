//! Where sessions live: the data directory and the process-wide choice of it.

use std::path::{Path, PathBuf};

use crate::Error;

/// Environment variable naming the data directory when none is set in code.
pub const DATA_DIR_ENV: &str = "SESSIONKIT_DATA_DIR";

/// Folder under the data directory that holds the persistent partitions.
pub const PARTITIONS_DIR: &str = "Partitions";

/// The platform's data directory for sessionkit (for example
/// `~/.local/share/sessionkit` on Linux), or `None` without a home directory.
///
/// Electron: `app.getPath('sessionData')`, which defaults to the per-app
/// user-data directory.
#[must_use]
pub fn platform_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sessionkit").map(|dirs| dirs.data_dir().to_path_buf())
}

/// The data directory from [`DATA_DIR_ENV`], else the platform's.
///
/// An empty variable counts as unset; a relative one is taken from the
/// current directory.
pub(crate) fn from_env_or_platform() -> Result<PathBuf, Error> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => absolute(Path::new(&dir)),
        _ => platform_data_dir().ok_or(Error::NoDataDir),
    }
}

/// Makes a data directory absolute without touching the file system, so a
/// later `chdir` can't move the sessions.
pub(crate) fn absolute(path: &Path) -> Result<PathBuf, Error> {
    if path.as_os_str().is_empty() {
        return Err(Error::RelativePath { path: path.to_path_buf() });
    }
    std::path::absolute(path).map_err(|e| Error::io("resolve the path", path, e))
}
