//! [`HttpCache`]: a partition's cache, its builder and its Electron-facing methods.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak};
use std::time::Duration;

use tokio::sync::{Notify, OwnedMutexGuard};

use crate::Error;
use crate::clock::{Clock, SystemClock};
use crate::key::IsolationKey;
use crate::mode::CacheMode;
use crate::semantics::PolicyOptions;
use crate::store::Store;
use crate::store::memory::MemoryStore;

/// Variants kept per URL when the origin varies its responses (`Vary`).
pub const DEFAULT_MAX_VARIANTS: usize = 8;

/// How long a request waits for another one's hold on the same key (its body
/// being stored, or its commit) before it goes to the network without the
/// cache: Chromium's cache lock timeout (20 s in `HttpCache::Transaction`).
pub const DEFAULT_CACHE_LOCK_TIMEOUT: Duration = Duration::from_secs(20);

/// One request to answer through the cache.
#[derive(Debug)]
pub struct CacheRequest {
    /// The request; its URI must be absolute.
    pub request: http::Request<bytes::Bytes>,
    /// Fetch's request cache mode.
    pub mode: CacheMode,
    /// Chromium's split-cache key; `None` keys on the URL alone.
    pub isolation_key: Option<IsolationKey>,
}

impl CacheRequest {
    /// A request in `default` mode without an isolation key.
    pub fn new(request: http::Request<bytes::Bytes>) -> Self {
        Self { request, mode: CacheMode::Default, isolation_key: None }
    }

    /// Sets the cache mode.
    #[must_use]
    pub fn with_mode(mut self, mode: CacheMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the isolation key.
    #[must_use]
    pub fn with_isolation_key(mut self, key: IsolationKey) -> Self {
        self.isolation_key = Some(key);
        self
    }
}

/// A partition's HTTP cache: cheap to clone, shared by every task of the partition.
#[derive(Clone)]
pub struct HttpCache {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCache")
            .field("size", &self.size())
            .field("shared", &self.inner.options.shared)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) store: Box<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) options: PolicyOptions,
    /// Keys with a `stale-while-revalidate` refresh in flight.
    pub(crate) revalidating: Mutex<HashSet<String>>,
    pub(crate) background: AtomicUsize,
    pub(crate) background_done: Notify,
    /// How long a request waits for a key held by another (see
    /// [`DEFAULT_CACHE_LOCK_TIMEOUT`]).
    pub(crate) lock_timeout: Duration,
    /// Store operations that failed on requests the network answered.
    store_failures: AtomicU64,
    /// Bumped by every clear: a body whose request went out before it is not
    /// committed after it. Read lock-free when a request goes out (a clear
    /// syncing files must not hold request starts back).
    pub(crate) generation: AtomicU64,
    /// Held shared by a commit across its generation check and the commit,
    /// exclusively by a clear across its bump and the store's clearing: a
    /// commit sees the clear, or the clear waits for the commit.
    pub(crate) clear_gate: RwLock<()>,
    writers: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
    /// Keys whose storable body is being read from the network right now.
    pub(crate) in_flight: Mutex<HashMap<String, Arc<Flight>>>,
}

/// A body being stored: later requests for its key wait for it (Chromium's
/// cache lock) until it is committed or given up, or until it waits on its
/// own client.
#[derive(Default)]
pub(crate) struct Flight {
    released: std::sync::atomic::AtomicBool,
    done: Notify,
}

impl Flight {
    /// Waits until the body is settled; `false` when the cache lock timeout
    /// of `cache` passed first.
    pub(crate) async fn wait_at_most(&self, cache: &HttpCache) -> bool {
        let released = std::pin::pin!(self.wait());
        let timeout = cache.inner.clock.sleep(cache.inner.lock_timeout);
        matches!(
            futures_util::future::select(released, timeout).await,
            futures_util::future::Either::Left(_)
        )
    }

    async fn wait(&self) {
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.released.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

/// Releases a [`Flight`] once: its waiters go on, its key is free again.
pub(crate) struct FlightGuard {
    cache: HttpCache,
    key: String,
    flight: Option<Arc<Flight>>,
}

impl FlightGuard {
    pub(crate) fn start(cache: &HttpCache, key: &str) -> Self {
        let flight = Arc::new(Flight::default());
        lock(&cache.inner.in_flight).insert(key.to_owned(), flight.clone());
        Self { cache: cache.clone(), key: key.to_owned(), flight: Some(flight) }
    }

    pub(crate) fn release(&mut self) {
        let Some(flight) = self.flight.take() else { return };
        let mut in_flight = lock(&self.cache.inner.in_flight);
        if in_flight.get(&self.key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            in_flight.remove(&self.key);
        }
        drop(in_flight);
        flight.released.store(true, Ordering::SeqCst);
        flight.done.notify_waiters();
    }
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        self.release();
    }
}

/// One piece of background work, counted while it lives (a task cancelled
/// by its runtime shutting down counts off too). It does not keep the cache
/// alive: a task that outlives its last step (a pump that handed its client
/// the end of the body) must not hold a disk cache's index open.
pub(crate) struct BackgroundWork {
    inner: Weak<Inner>,
}

impl Drop for BackgroundWork {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.upgrade()
            && inner.background.fetch_sub(1, Ordering::SeqCst) == 1
        {
            inner.background_done.notify_waiters();
        }
    }
}

/// Options shared by both stores.
#[derive(Clone)]
pub struct Builder {
    shared: bool,
    heuristic: f32,
    max_variants: usize,
    set_cookie: bool,
    clock: Arc<dyn Clock>,
    lock_timeout: Duration,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("shared", &self.shared)
            .field("heuristic", &self.heuristic)
            .field("max_variants", &self.max_variants)
            .field("set_cookie", &self.set_cookie)
            .field("lock_timeout", &self.lock_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            shared: false,
            heuristic: 0.1,
            max_variants: DEFAULT_MAX_VARIANTS,
            set_cookie: true,
            clock: Arc::new(SystemClock),
            lock_timeout: DEFAULT_CACHE_LOCK_TIMEOUT,
        }
    }
}

impl Builder {
    /// Shared-cache rules (a proxy's: `s-maxage` wins, `private` is not stored)
    /// instead of a browser's private-cache rules (the default).
    #[must_use]
    pub fn shared(mut self, shared: bool) -> Self {
        self.shared = shared;
        self
    }

    /// Heuristic freshness as a fraction of the time since `Last-Modified`
    /// (default 0.1, as Chromium and RFC 9111 §4.2.2 suggest).
    #[must_use]
    pub fn heuristic_fraction(mut self, fraction: f32) -> Self {
        self.heuristic = if fraction.is_finite() { fraction.max(0.0) } else { 0.0 };
        self
    }

    /// Variants kept per URL (default [`DEFAULT_MAX_VARIANTS`]; at least 1).
    #[must_use]
    pub fn max_variants(mut self, max: usize) -> Self {
        self.max_variants = max.max(1);
        self
    }

    /// Whether stored responses keep their `Set-Cookie` (and `Set-Cookie2`) lines
    /// and serve them again on every hit (default `true`, the origin's header list
    /// as it came). `false` is Chromium's behaviour: it persists cache entries
    /// without cookies (`PERSIST_SANS_COOKIES`), so a cached response never sets a
    /// cookie again and none is written to the cache directory; the network's own
    /// answers still carry them.
    #[must_use]
    pub fn store_set_cookie(mut self, keep: bool) -> Self {
        self.set_cookie = keep;
        self
    }

    /// The clock freshness is judged by (tests inject a [`ManualClock`](crate::ManualClock)).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How long a request waits for another request's hold on the same key
    /// (a body for it being stored, or being committed) before it goes to the
    /// network without the cache, neither reading nor storing (default
    /// [`DEFAULT_CACHE_LOCK_TIMEOUT`], Chromium's 20 s). Measured by the
    /// builder's [`clock`](Self::clock).
    #[must_use]
    pub fn cache_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    pub(crate) fn policy_options(&self) -> PolicyOptions {
        PolicyOptions {
            shared: self.shared,
            heuristic: self.heuristic,
            set_cookie: self.set_cookie,
        }
    }

    /// An in-memory cache holding at most `max_bytes` (bodies and records).
    pub fn in_memory(self, max_bytes: u64) -> HttpCache {
        let store = MemoryStore::new(max_bytes, self.max_variants, self.policy_options());
        self.build(Box::new(store))
    }

    /// A cache on disk in `dir`: see [`DiskOptions`](crate::DiskOptions).
    #[cfg(feature = "sled")]
    pub fn open(
        self,
        dir: &std::path::Path,
        options: crate::DiskOptions,
    ) -> Result<HttpCache, Error> {
        let store = crate::store::disk::DiskStore::open(
            dir,
            options,
            self.max_variants,
            self.policy_options(),
            self.clock.clone(),
        )?;
        Ok(self.build(Box::new(store)))
    }

    pub(crate) fn build(self, store: Box<dyn Store>) -> HttpCache {
        HttpCache {
            inner: Arc::new(Inner {
                store,
                clock: self.clock.clone(),
                options: self.policy_options(),
                revalidating: Mutex::default(),
                background: AtomicUsize::new(0),
                background_done: Notify::new(),
                lock_timeout: self.lock_timeout,
                store_failures: AtomicU64::new(0),
                generation: AtomicU64::new(0),
                clear_gate: RwLock::new(()),
                writers: Mutex::default(),
                in_flight: Mutex::default(),
            }),
        }
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HttpCache {
    /// Options for a cache: private rules, system clock, 8 variants per URL.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// An in-memory cache (private rules, system clock) holding at most
    /// `max_bytes`; [`default_memory_capacity`](crate::default_memory_capacity)
    /// is Chromium's size for in-memory partitions.
    pub fn in_memory(max_bytes: u64) -> Self {
        Builder::default().in_memory(max_bytes)
    }

    /// A disk cache in `dir` with private rules and the system clock.
    #[cfg(feature = "sled")]
    pub fn open(dir: &std::path::Path, options: crate::DiskOptions) -> Result<Self, Error> {
        Builder::default().open(dir, options)
    }

    /// Bytes the cache holds: bodies plus records.
    ///
    /// Electron: `ses.getCacheSize()`.
    pub fn size(&self) -> u64 {
        self.inner.store.size()
    }

    /// Empties the cache. On disk the body directory is renamed away and deleted in
    /// the background, as Chromium does, so this returns quickly. Responses
    /// still being fetched are not stored afterwards.
    ///
    /// Electron: `ses.clearCache()`.
    pub async fn clear(&self) -> Result<(), Error> {
        let cache = self.clone();
        self.blocking(move || {
            let _gate = cache.inner.clear_gate.write().unwrap_or_else(PoisonError::into_inner);
            cache.inner.generation.fetch_add(1, Ordering::SeqCst);
            cache.inner.store.clear()
        })
        .await
    }

    /// Drops every entry whose URL has this origin.
    ///
    /// Electron: `ses.clearData({ dataTypes: ['cache'], origins: [origin] })`
    /// (Chromium's BrowsingDataRemover cache type). `clearStorageData`'s
    /// `cachestorage` is the page-visible Cache API, not this cache; a facade
    /// mapping `clearStorageData` for an origin onto this does more than Chromium.
    /// Entries stored under an [`IsolationKey`](crate::IsolationKey) go by their
    /// URL's origin too.
    ///
    /// Responses still being fetched when the cache is cleared (streamed
    /// bodies, `stale-while-revalidate` refreshes) are not stored afterwards;
    /// a `clear_origin` keeps those of every origin out, not only its own.
    pub async fn clear_origin(&self, origin: &url::Origin) -> Result<(), Error> {
        let (cache, origin) = (self.clone(), origin.clone());
        self.blocking(move || {
            let _gate = cache.inner.clear_gate.write().unwrap_or_else(PoisonError::into_inner);
            cache.inner.generation.fetch_add(1, Ordering::SeqCst);
            cache.inner.store.remove_origin(&origin)
        })
        .await
    }

    /// Runs store work that touches files (renames, syncs) on tokio's
    /// blocking pool when the store has files and a runtime is there, as
    /// Chromium does its cache I/O off the network thread; inline otherwise.
    pub(crate) async fn blocking<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<R, Error> + Send + 'static,
    ) -> Result<R, Error> {
        match crate::store::off_thread(self.inner.store.syncs_files(), (), move |()| work()).await {
            Some(((), result)) => result,
            None => Err(Error::Io(std::io::Error::other("cache I/O task ended early"))),
        }
    }

    /// The current clear generation (see [`Inner::generation`]).
    pub(crate) fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::SeqCst)
    }

    /// Waits until the cache has no background work left: no
    /// `stale-while-revalidate` refresh and no body being stored (the rest of
    /// a small body whose client left, read into the store, included).
    pub async fn background_idle(&self) {
        loop {
            let notified = self.inner.background_done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.inner.background.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }

    /// How many times the store failed (a body not written, an entry not
    /// committed, updated or invalidated) while the cache answered requests
    /// the network had answered. Such a failure never fails the request: the
    /// response goes out as the network gave it, unstored, as Chromium's
    /// cache errors never fail a load; this count is how they show.
    pub fn store_failures(&self) -> u64 {
        self.inner.store_failures.load(Ordering::Relaxed)
    }

    /// Counts a store failure that the request it happened on survives.
    pub(crate) fn store_failed(&self, _error: &Error) {
        self.inner.store_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one piece of background work for [`Self::background_idle`]
    /// until the returned guard is dropped.
    pub(crate) fn background_work(&self) -> BackgroundWork {
        self.inner.background.fetch_add(1, Ordering::SeqCst);
        BackgroundWork { inner: Arc::downgrade(&self.inner) }
    }

    /// Waits for the key's write lock: one writer per key at a time, for at
    /// most the cache lock timeout; `None` when it passed (the caller then
    /// leaves the store alone, as Chromium's transaction does after its cache
    /// lock timed out).
    pub(crate) async fn writer(&self, key: &str) -> Option<OwnedMutexGuard<()>> {
        let mutex = {
            let mut writers = lock(&self.inner.writers);
            if writers.len() > 1024 {
                writers.retain(|_, w| w.strong_count() > 0);
            }
            match writers.get(key).and_then(Weak::upgrade) {
                Some(m) => m,
                None => {
                    let m = Arc::new(tokio::sync::Mutex::new(()));
                    writers.insert(key.to_owned(), Arc::downgrade(&m));
                    m
                }
            }
        };
        if let Ok(guard) = mutex.clone().try_lock_owned() {
            return Some(guard);
        }
        let locked = std::pin::pin!(mutex.lock_owned());
        let timeout = self.inner.clock.sleep(self.inner.lock_timeout);
        match futures_util::future::select(locked, timeout).await {
            futures_util::future::Either::Left((guard, _)) => Some(guard),
            futures_util::future::Either::Right(_) => None,
        }
    }
}
