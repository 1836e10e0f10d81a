//! The crate's [`Error`].

use thiserror::Error;

use crate::BoxError;

/// Everything that can go wrong while answering a request through the cache.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Fetch's `only-if-cached` mode found no stored response for the request.
    #[error("no cached response for {url} (cache mode only-if-cached)")]
    OnlyIfCachedMiss {
        /// The request's URL.
        url: String,
    },
    /// The network (the [`Upstream`](crate::Upstream)) failed and no stored response
    /// may stand in for it.
    #[error("upstream request failed: {0}")]
    Upstream(#[source] BoxError),
    /// A cache mode name that is not one of Fetch's six (`default`, `no-store`,
    /// `reload`, `no-cache`, `force-cache`, `only-if-cached`).
    #[error(
        "unknown cache mode {name:?} (expected default, no-store, reload, no-cache, force-cache or only-if-cached)"
    )]
    UnknownCacheMode {
        /// The name given.
        name: String,
    },
    /// The request cannot go through a cache: its URI is not absolute.
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong with it.
        reason: String,
    },
    /// A stored record could not be read back; `offset` is the byte where decoding
    /// stopped.
    #[error("corrupt cache record at byte {offset}: {reason}")]
    CorruptRecord {
        /// Byte offset into the record.
        offset: usize,
        /// What was expected there.
        reason: &'static str,
    },
    /// Reading or writing the cache directory failed.
    #[error("cache storage I/O failed: {0}")]
    Io(#[from] std::io::Error),
    /// The sled index failed.
    #[cfg(feature = "sled")]
    #[error("cache index (sled) failed: {0}")]
    Index(#[from] sled::Error),
}

impl Error {
    /// Whether opening a disk cache failed because another handle holds its
    /// folder's lock (sled's lock file, held by a cache still open in this
    /// or another process). Unlike other failures this one passes when the
    /// holder lets go, so a caller may try again later.
    #[must_use]
    pub fn is_lock_held(&self) -> bool {
        match self {
            #[cfg(feature = "sled")]
            Self::Index(e) => sled_lock_held(e),
            _ => false,
        }
    }
}

/// sled 0.34 reports a held lock file as an `Other` I/O error whose message
/// starts "could not acquire lock on" (it formats the `WouldBlock` into the
/// text and keeps no source), so the text is what tells it apart; a bare
/// `WouldBlock` is taken too.
#[cfg(feature = "sled")]
pub(crate) fn sled_lock_held(error: &sled::Error) -> bool {
    match error {
        sled::Error::Io(e) => {
            e.kind() == std::io::ErrorKind::WouldBlock
                || e.to_string().starts_with("could not acquire lock on")
        }
        _ => false,
    }
}
