//! The partition's HTTP cache and its Electron-facing methods
//! (`getCacheSize`, `clearCache`).
//!
//! Electron gives persistent partitions Chromium's disk cache and the
//! others its in-memory backend; `{ cache: false }` disables it. The cache
//! is opened on first use, like the cookie store, so a session that only
//! resolves proxies writes nothing. A disk cache that can't be opened is
//! reported once; the session then runs without a cache. One whose folder
//! another handle holds (a dropped session's background work finishing) is
//! tried again after a short cool-down instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use sessionkit_http_cache::{DiskOptions, HttpCache, default_memory_capacity};

use crate::{Error, Session};

/// The folder of a persistent partition's HTTP cache, inside its storage
/// path (Chromium's `Cache/` beside `Cookies`).
pub const CACHE_DIR_NAME: &str = "Cache";

impl Session {
    /// The session's HTTP cache, opened on first use; `None` when the
    /// session was created with [`PartitionOptions::cache`](crate::PartitionOptions::cache)
    /// `false`, or when its disk cache could not be opened before.
    ///
    /// A persistent session's cache is on disk under
    /// `<storage path>/Cache/` with Chromium's default size for the free
    /// space there; an in-memory session's holds Chromium's in-memory size
    /// ([`default_memory_capacity`]: 2% of RAM, at most 50 MiB).
    /// [`PartitionOptions::shared_cache`](crate::PartitionOptions::shared_cache)
    /// selects a shared cache's rules. A private cache stores responses
    /// without their `Set-Cookie` lines, as Chromium does.
    ///
    /// Opening the disk cache reads its folder, so this blocks; async code
    /// that may be the first user prefers
    /// [`http_cache_async`](Self::http_cache_async).
    ///
    /// # Errors
    ///
    /// [`Error::HttpCache`] when the disk cache can't be opened. That is
    /// reported once: the session then runs without a cache (later calls
    /// return `Ok(None)`), as Chromium's HTTP cache goes on without its
    /// backend when creating it failed rather than retrying per request.
    /// The exception is a folder another handle holds
    /// ([`is_lock_held`](sessionkit_http_cache::Error::is_lock_held), such
    /// as a dropped session of the same partition finishing its background
    /// work): that is reported too, but tried again a few seconds later
    /// (calls meanwhile return `Ok(None)`), since the holder lets go.
    pub fn http_cache(&self) -> Result<Option<HttpCache>, Error> {
        if !self.options().cache {
            return Ok(None);
        }
        if let Some(cache) = self.opened_http_cache() {
            return Ok(Some(cache));
        }
        let Some(storage) = self.storage_path() else {
            let mut stores = self.lock_stores();
            let cache = stores
                .http_cache
                .get_or_insert_with(|| self.cache_builder().in_memory(default_memory_capacity()));
            return Ok(Some(cache.clone()));
        };
        if self.cache_unavailable() || lock_busy(&cache_dir(storage)) {
            return Ok(None);
        }
        let _opening = self.lock_cache_opening();
        // Another thread may have opened it, or failed to, meanwhile.
        if let Some(cache) = self.opened_http_cache() {
            return Ok(Some(cache));
        }
        if self.cache_unavailable() {
            return Ok(None);
        }
        let dir = cache_dir(storage);
        match self.cache_builder().open(&dir, DiskOptions::default()) {
            Ok(cache) => {
                self.lock_stores().http_cache = Some(cache.clone());
                Ok(Some(cache))
            }
            Err(source) => {
                if source.is_lock_held() {
                    // Another handle has the folder (a dropped session's
                    // background work finishing): that passes, so it is
                    // tried again after a cool-down rather than never.
                    mark_lock_busy(&dir);
                } else {
                    self.lock_stores().http_cache_failed = true;
                }
                Err(Error::HttpCache { path: dir, source })
            }
        }
    }

    /// [`http_cache`](Self::http_cache) with the disk cache opened on
    /// Tokio's blocking pool when called within a Tokio runtime, so the
    /// first request of a persistent session does not stall an async
    /// worker while the cache folder is read.
    ///
    /// # Errors
    ///
    /// As [`http_cache`](Self::http_cache).
    pub async fn http_cache_async(&self) -> Result<Option<HttpCache>, Error> {
        if let Some(cache) = self.opened_http_cache() {
            return Ok(Some(cache));
        }
        // Nothing to open, or an in-memory cache (opened without I/O): no
        // round trip to the blocking pool, which every request of such a
        // session would pay.
        let Some(storage) = self.storage_path() else { return self.http_cache() };
        if !self.options().cache || self.cache_unavailable() || lock_busy(&cache_dir(storage)) {
            return Ok(None);
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return self.http_cache();
        };
        let session = self.clone();
        match runtime.spawn_blocking(move || session.http_cache()).await {
            Ok(result) => result,
            // A panic on the blocking pool is the caller's panic.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            // The runtime is shutting down: open it here instead.
            Err(_) => self.http_cache(),
        }
    }

    /// Waits until the HTTP cache has no background work left: the
    /// refreshes that `stale-while-revalidate` hits started, which store
    /// the new response after the stale one was served. Returns at once
    /// when the cache is not open (nothing can be running).
    ///
    /// Electron has no name for this: Chromium's network service outlives
    /// any one request, so its refreshes finish on their own. A program
    /// that ends its Tokio runtime right after a fetch (`sessionkit get`)
    /// awaits this first, bounded by a timeout of its choice, or the
    /// refresh is lost with the runtime.
    pub async fn cache_idle(&self) {
        if let Some(cache) = self.opened_http_cache() {
            cache.background_idle().await;
        }
    }

    /// The cache if it is open already; never opens it.
    fn opened_http_cache(&self) -> Option<HttpCache> {
        self.lock_stores().http_cache.clone()
    }

    /// Whether opening this session's disk cache failed before.
    fn cache_unavailable(&self) -> bool {
        self.lock_stores().http_cache_failed
    }

    fn cache_builder(&self) -> sessionkit_http_cache::Builder {
        let options = self.options();
        // A browser's private cache stores entries without their cookies, as
        // Chromium does (PERSIST_SANS_COOKIES): a hit never carries a
        // Set-Cookie, and none is written to the cache folder. A shared cache
        // (serve-proxy --shared-cache) keeps the origin's header list whole,
        // which RFC 9111 permits and the caching test suite checks.
        HttpCache::builder().shared(options.shared_cache).store_set_cookie(options.shared_cache)
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
        let Some(cache) = self.http_cache_async().await? else { return Ok(()) };
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

/// How long a cache folder whose lock another handle held is left alone
/// before it is tried again: opening waits about a second for the lock, which
/// every request would pay meanwhile.
const LOCK_COOL_DOWN: Duration = Duration::from_secs(3);

/// The cache folders whose lock was found held, and when. Kept per folder,
/// process-wide, because the lock is the folder's, whichever session asks.
fn busy_folders() -> MutexGuard<'static, HashMap<PathBuf, Instant>> {
    static BUSY: OnceLock<Mutex<HashMap<PathBuf, Instant>>> = OnceLock::new();
    BUSY.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether `dir`'s lock was found held less than [`LOCK_COOL_DOWN`] ago.
fn lock_busy(dir: &Path) -> bool {
    let mut busy = busy_folders();
    busy.retain(|_, since| since.elapsed() < LOCK_COOL_DOWN);
    busy.contains_key(dir)
}

fn mark_lock_busy(dir: &Path) {
    busy_folders().insert(dir.to_owned(), Instant::now());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PartitionOptions, Sessions};

    /// A cache folder that can't be opened is reported once; the session
    /// then runs without a cache, and a new session for the same folder
    /// tries again.
    #[test]
    fn a_cache_that_cannot_be_opened_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::new(dir.path()).unwrap();
        let session = sessions.from_partition("persist:broken", PartitionOptions::new()).unwrap();
        let storage = session.storage_path().unwrap().to_owned();
        std::fs::create_dir_all(&storage).unwrap();
        // A file where the cache folder should be.
        std::fs::write(cache_dir(&storage), "not a folder").unwrap();

        assert!(matches!(session.http_cache(), Err(Error::HttpCache { .. })));
        assert!(session.http_cache().unwrap().is_none());
        assert_eq!(session.cache_size().unwrap(), 0);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert!(runtime.block_on(session.http_cache_async()).unwrap().is_none());
        runtime.block_on(session.clear_cache()).unwrap();

        drop(session);
        std::fs::remove_file(cache_dir(&storage)).unwrap();
        let session = sessions.from_partition("persist:broken", PartitionOptions::new()).unwrap();
        assert!(session.http_cache().unwrap().is_some());
    }

    /// A folder another handle holds is reported, left alone for a
    /// cool-down (no second wait for the lock per request), and opened once
    /// the holder let go: not given up on for the session's life.
    #[test]
    fn a_cache_folder_held_elsewhere_is_tried_again() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::new(dir.path()).unwrap();
        let session = sessions.from_partition("persist:held", PartitionOptions::new()).unwrap();
        let folder = cache_dir(session.storage_path().unwrap());
        let holder = HttpCache::builder().open(&folder, DiskOptions::default()).unwrap();

        match session.http_cache() {
            Err(Error::HttpCache { source, .. }) => assert!(source.is_lock_held(), "{source}"),
            other => panic!("expected the held lock, got {other:?}"),
        }
        assert!(session.http_cache().unwrap().is_none(), "cooling down");
        assert!(!session.cache_unavailable(), "not remembered as a failure");

        drop(holder);
        let deadline = Instant::now() + Duration::from_secs(30);
        while session.http_cache().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the cache was never opened again");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
