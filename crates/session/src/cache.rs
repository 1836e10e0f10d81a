//! The partition's HTTP cache and its Electron-facing methods
//! (`getCacheSize`, `clearCache`).
//!
//! Electron gives persistent partitions Chromium's disk cache and the
//! others its in-memory backend; `{ cache: false }` disables it. The cache
//! is opened on first use, like the cookie store, so a session that only
//! resolves proxies writes nothing.

use std::path::{Path, PathBuf};

use sessionkit_http_cache::{DiskOptions, HttpCache, default_memory_capacity};

use crate::{Error, Session};

/// The folder of a persistent partition's HTTP cache, inside its storage
/// path (Chromium's `Cache/` beside `Cookies`).
pub const CACHE_DIR_NAME: &str = "Cache";

impl Session {
    /// The session's HTTP cache, opened on first use; `None` when the
    /// session was created with [`PartitionOptions::cache`](crate::PartitionOptions::cache)
    /// `false`.
    ///
    /// A persistent session's cache is on disk under
    /// `<storage path>/Cache/` with Chromium's default size for the free
    /// space there; an in-memory session's holds Chromium's in-memory size
    /// ([`default_memory_capacity`]: 2% of RAM, at most 50 MiB).
    /// [`PartitionOptions::shared_cache`](crate::PartitionOptions::shared_cache)
    /// selects a shared cache's rules. A private cache stores responses
    /// without their `Set-Cookie` lines, as Chromium does.
    ///
    /// # Errors
    ///
    /// [`Error::HttpCache`] when the disk cache can't be opened; the next
    /// call tries again.
    pub fn http_cache(&self) -> Result<Option<HttpCache>, Error> {
        let options = self.options();
        if !options.cache {
            return Ok(None);
        }
        let mut stores = self.lock_stores();
        if let Some(cache) = &stores.http_cache {
            return Ok(Some(cache.clone()));
        }
        // A browser's private cache stores entries without their cookies, as
        // Chromium does (PERSIST_SANS_COOKIES): a hit never carries a
        // Set-Cookie, and none is written to the cache folder. A shared cache
        // (serve-proxy --shared-cache) keeps the origin's header list whole,
        // which RFC 9111 permits and the caching test suite checks.
        let builder = HttpCache::builder()
            .shared(options.shared_cache)
            .store_set_cookie(options.shared_cache);
        let cache = match self.storage_path() {
            None => builder.in_memory(default_memory_capacity()),
            Some(dir) => {
                let dir = cache_dir(dir);
                builder
                    .open(&dir, DiskOptions::default())
                    .map_err(|source| Error::HttpCache { path: dir, source })?
            }
        };
        stores.http_cache = Some(cache.clone());
        Ok(Some(cache))
    }

    /// Bytes the HTTP cache holds (bodies and records); 0 without a cache.
    ///
    /// Electron: `ses.getCacheSize()`.
    ///
    /// # Errors
    ///
    /// As [`http_cache`](Self::http_cache).
    pub fn cache_size(&self) -> Result<u64, Error> {
        Ok(self.http_cache()?.map_or(0, |cache| cache.size()))
    }

    /// Empties the HTTP cache. On disk the bodies' folder is renamed away
    /// and deleted in the background, as Chromium does, so this returns
    /// quickly; nothing to do without a cache.
    ///
    /// Electron: `ses.clearCache()`.
    ///
    /// # Errors
    ///
    /// As [`http_cache`](Self::http_cache); [`Error::HttpCache`] when the
    /// store can't be emptied.
    pub async fn clear_cache(&self) -> Result<(), Error> {
        let Some(cache) = self.http_cache()? else { return Ok(()) };
        cache.clear().await.map_err(|source| Error::HttpCache { path: self.cache_path(), source })
    }

    /// The disk cache's folder, empty for an in-memory session.
    fn cache_path(&self) -> PathBuf {
        self.storage_path().map(cache_dir).unwrap_or_default()
    }
}

fn cache_dir(storage: &Path) -> PathBuf {
    storage.join(CACHE_DIR_NAME)
}
