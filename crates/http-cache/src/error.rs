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
