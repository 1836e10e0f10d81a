//! The crate's single error type.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Longest partition name an error message repeats before it is shortened.
const SHOWN_NAME_LEN: usize = 80;

/// Everything that can go wrong in `sessionkit`.
///
/// Messages are written for an end user: they name the partition, path or
/// URL involved, and [`Error::is_invalid_input`] tells a caller (such as the
/// command line) whether the input was at fault or the operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The partition name can't be used (empty `persist:` name, too long…).
    #[error("invalid partition name {}: {reason}", shown(name))]
    InvalidPartitionName {
        /// The name as given.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A path that must be absolute was relative (or empty).
    #[error("path must be absolute: {:?}", path.display().to_string())]
    RelativePath {
        /// The path as given.
        path: PathBuf,
    },
    /// The partition is in use, so it can't be deleted.
    #[error("partition {} is in use by {by}", shown(name))]
    PartitionInUse {
        /// The normalised partition name.
        name: String,
        /// Who holds it.
        by: InUseBy,
    },
    /// The operation needs a persistent (`persist:`) partition.
    #[error(
        "partition {} is not persistent: only \"persist:NAME\" partitions live on disk",
        shown(name)
    )]
    NotPersistent {
        /// The partition name as given.
        name: String,
    },
    /// No directory exists for this persistent partition.
    #[error("partition {} does not exist (no directory {})", shown(name), path.display())]
    PartitionNotFound {
        /// The normalised partition name.
        name: String,
        /// Where its directory would be.
        path: PathBuf,
    },
    /// [`crate::set_data_dir`] was called while sessions of another data
    /// directory are alive.
    #[error(
        "cannot change the data directory to {} while sessions in {} are alive",
        requested.display(),
        current.display()
    )]
    DataDirInUse {
        /// The directory the live sessions use.
        current: PathBuf,
        /// The directory that was asked for.
        requested: PathBuf,
    },
    /// No data directory was set and the platform has none (no home directory).
    #[error(
        "no data directory: pass one explicitly, set SESSIONKIT_DATA_DIR, or run with a home directory"
    )]
    NoDataDir,
    /// A file-system operation failed.
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        /// What was being done ("create directory", "lock", …).
        op: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A user agent or Accept-Language value that can't go into an HTTP header.
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidHeaderValue {
        /// "user agent" or "accept languages".
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An invalid entry in a `proxyRules` string (strict parsing).
    #[error(transparent)]
    ProxyRules(#[from] sessionkit_proxy_rules::ParseError),
    /// An invalid entry in a `proxyBypassRules` string (strict parsing).
    #[error(transparent)]
    BypassRules(#[from] sessionkit_bypass_rules::ParseError),
    /// An Electron-style proxy configuration that can't be built (bad mode…).
    #[error(transparent)]
    ProxyConfig(#[from] sessionkit_proxy_rules::ConfigError),
    /// The proxy for a URL could not be resolved.
    ///
    /// Electron's `resolveProxy` resolves with `""` in this case; sessionkit
    /// says why instead.
    #[error("cannot resolve the proxy for {url}: {source}")]
    ResolveProxy {
        /// The URL being resolved.
        url: String,
        /// Why resolution failed.
        #[source]
        source: sessionkit_proxy_rules::ResolveError,
    },
    /// A mandatory PAC script (`pac_script` mode) could not be fetched,
    /// did not load, or failed for this URL.
    ///
    /// Electron's `resolveProxy` resolves with `""` and requests fail with
    /// `ERR_MANDATORY_PROXY_CONFIGURATION_FAILED`.
    #[error("cannot resolve the proxy for {url}: {source}")]
    PacResolve {
        /// The URL being resolved.
        url: String,
        /// What went wrong with the script.
        #[source]
        source: sessionkit_pac::PacError,
    },
    /// `force_reload_proxy_config` could not fetch or load the PAC script.
    #[error("cannot reload the proxy configuration: {source}")]
    PacReload {
        /// What went wrong with the script.
        #[source]
        source: sessionkit_pac::PacError,
    },
    /// The session's cookie database could not be opened or written: sled
    /// failed (I/O, another process has it open, its own corruption check),
    /// or a stored cookie does not decode. A corrupt store is reported,
    /// never emptied.
    #[error("cannot {op} the cookie store {}: {source}", path.display())]
    CookieStore {
        /// "open" or "write".
        op: &'static str,
        /// The database directory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: sessionkit_cookie_jar::persist::PersistError,
    },
    /// An origin given to `clear_storage_data` or `clear_data` that can't
    /// select anything.
    #[error("invalid origin {origin:?}: {reason}")]
    InvalidOrigin {
        /// The origin as given.
        origin: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The spellchecker refused the input (an unknown language code, a bad
    /// download URL) or failed (a missing dictionary, a download, I/O).
    #[error(transparent)]
    Spellcheck(#[from] sessionkit_spellcheck::Error),
    /// A storage name that is not one of Electron's.
    #[error(
        "unknown storage {name:?}: expected cookies, filesystem, indexdb, localstorage, shadercache, websql, serviceworkers or cachestorage"
    )]
    InvalidStorageKind {
        /// The name as given.
        name: String,
    },
    /// A data type name that is not one of Electron's `clearData` names.
    #[error(
        "unknown data type {name:?}: expected backgroundFetch, cache, cookies, downloads, fileSystems, indexedDB, localStorage, serviceWorkers or webSQL"
    )]
    InvalidDataType {
        /// The name as given.
        name: String,
    },
    /// An `originMatchingMode` that is not one of Electron's.
    #[error(
        "unknown origin matching mode {name:?}: expected third-parties-included or origin-in-all-contexts"
    )]
    InvalidOriginMatchingMode {
        /// The name as given.
        name: String,
    },
    /// `clear_data` was given both `origins` and `exclude_origins`, which
    /// Electron rejects too.
    #[error("cannot give both origins and exclude_origins")]
    ConflictingOrigins,
    /// `clear_data` was asked for something sessionkit can't do faithfully
    /// (nothing was cleared).
    #[error("cannot clear {data_type}: {reason}")]
    ClearDataUnsupported {
        /// The data type concerned.
        data_type: crate::DataType,
        /// Why, and what to do instead.
        reason: &'static str,
    },
    /// The HTTP cache could not be opened, read or cleared (the disk
    /// cache's directory or index of a persistent partition).
    #[error("HTTP cache {}: {source}", path.display())]
    HttpCache {
        /// The cache's directory (`<partition dir>/Cache`), empty in memory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: sessionkit_http_cache::Error,
    },
    /// A download could not be started, created or restored (a URL that is
    /// not http(s), a bad header, Electron's `createInterruptedDownload`
    /// validation errors, no Tokio runtime, a record store failure).
    #[error(transparent)]
    Download(#[from] sessionkit_downloads::Error),
}

impl Error {
    /// True when the caller's input was at fault (a bad name, path, header
    /// value or proxy string) rather than the operation failing.
    ///
    /// The `sessionkit` command line maps this to exit status 2.
    #[must_use]
    pub fn is_invalid_input(&self) -> bool {
        if let Self::Spellcheck(e) = self {
            return e.is_invalid_input();
        }
        if let Self::Download(e) = self {
            return matches!(
                e,
                sessionkit_downloads::Error::InvalidRequest(_)
                    | sessionkit_downloads::Error::InvalidInterruptedDownload(_)
            );
        }
        matches!(
            self,
            Self::InvalidPartitionName { .. }
                | Self::RelativePath { .. }
                | Self::NotPersistent { .. }
                | Self::InvalidHeaderValue { .. }
                | Self::ProxyRules(_)
                | Self::BypassRules(_)
                | Self::ProxyConfig(_)
                | Self::InvalidOrigin { .. }
                | Self::InvalidStorageKind { .. }
                | Self::InvalidDataType { .. }
                | Self::InvalidOriginMatchingMode { .. }
                | Self::ConflictingOrigins
                | Self::ClearDataUnsupported { .. }
        )
    }

    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io { op, path: path.into(), source }
    }
}

/// Who holds a partition that was asked to be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InUseBy {
    /// A live [`crate::Session`] of the same registry.
    ThisProcess,
    /// A lock held by another registry or another process.
    AnotherHolder,
}

impl fmt::Display for InUseBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ThisProcess => "a live session in this process",
            Self::AnotherHolder => "another session (lock file held, perhaps by another process)",
        })
    }
}

/// Quotes a name for a message; hostile names are escaped and shortened so
/// one error stays one readable line.
fn shown(name: &str) -> String {
    if name.chars().count() <= SHOWN_NAME_LEN {
        return format!("{name:?}");
    }
    let head: String = name.chars().take(SHOWN_NAME_LEN).collect();
    format!("{head:?}… ({} bytes)", name.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_shortened_and_escaped() {
        let name = format!("persist:\0{}", "x".repeat(500));
        let err = Error::InvalidPartitionName { name, reason: "too long" };
        let msg = err.to_string();
        assert!(msg.len() < 200, "{msg}");
        assert!(msg.contains("\\0"));
        assert!(!msg.contains('\n'));
    }
}
