//! `Session`: one partition's state, shared through cheap handles.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use sessionkit_proxy_rules::{ProxyConfig, ProxyList};
use url::Url;

use crate::cookies::{CookieStore, Cookies, open_database};
use crate::fetch::stack::NetStack;
use crate::lock::LockFile;
use crate::pac_mode::{ProxyOptions, ProxyState};
use crate::storage::{ClearStorageOptions, ClearedStorage, StorageKind, remove_host_cookies};
use crate::user_agent::{DEFAULT_ACCEPT_LANGUAGES, check_header_value, default_user_agent};
use crate::{Error, registry};

/// Options for a session, applied only when the session is first created.
///
/// Electron: the `options` of `session.fromPartition(partition, options)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PartitionOptions {
    /// Whether the session keeps an HTTP cache (default `true`).
    ///
    /// Electron: `cache`.
    pub cache: bool,
    /// Whether a persistent session keeps its session cookies (those
    /// without an expiry) across restarts (default `false`, as in Electron,
    /// where they end with the app). The `sessionkit` command line turns it
    /// on so session cookies last between its runs, like curl's cookie jar
    /// file. No effect in memory.
    ///
    /// Electron has no such option (Chromium's `restore_old_session_cookies`
    /// is the nearest).
    pub persist_session_cookies: bool,
    /// Whether the HTTP cache follows a shared cache's rules (RFC 9111:
    /// `s-maxage` wins, `private` responses are not stored) instead of a
    /// browser's private-cache rules (default `false`). For a session
    /// served to many clients, as `sessionkit serve-proxy --shared-cache`
    /// does.
    ///
    /// Electron has no such option: a browser's cache is private.
    pub shared_cache: bool,
}

impl Default for PartitionOptions {
    fn default() -> Self {
        Self { cache: true, persist_session_cookies: false, shared_cache: false }
    }
}

impl PartitionOptions {
    /// The defaults: cache enabled.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`PartitionOptions::cache`].
    #[must_use]
    pub fn cache(mut self, cache: bool) -> Self {
        self.cache = cache;
        self
    }

    /// Sets [`PartitionOptions::persist_session_cookies`].
    #[must_use]
    pub fn persist_session_cookies(mut self, yes: bool) -> Self {
        self.persist_session_cookies = yes;
        self
    }

    /// Sets [`PartitionOptions::shared_cache`].
    #[must_use]
    pub fn shared_cache(mut self, yes: bool) -> Self {
        self.shared_cache = yes;
        self
    }
}

/// A browsing session: one partition's proxy settings, user agent and (as the
/// other sessionkit crates land) cookies, cache and downloads.
///
/// A `Session` is a handle: cloning it is cheap and every clone is the same
/// session. Equality is identity. The session lives as long as a handle does;
/// an in-memory session's state is gone with its last handle, and a
/// persistent session's lock on its directory is released then.
///
/// Electron: `Session`.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

/// How a session was named.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// `session.fromPartition` or `defaultSession`: the canonical name.
    Partition(String),
    /// `session.fromPath`.
    Path,
}

pub(crate) struct Inner {
    origin: Origin,
    storage_path: Option<PathBuf>,
    options: PartitionOptions,
    net: RwLock<NetSettings>,
    // Declared before the lock so the database is flushed and closed
    // before another process may take the directory.
    stores: Mutex<Stores>,
    /// Resolver cache, connection pools and network emulation of
    /// `Session::fetch` (see fetch/).
    net_stack: Arc<NetStack>,
    /// `Session::spellchecker()`, made on first use (see spellchecker.rs).
    spellchecker: Mutex<Option<Arc<sessionkit_spellcheck::Spellchecker>>>,
    /// Held while the disk cache folder is opened (see cache.rs), instead
    /// of the stores lock, so the cookie store stays usable meanwhile.
    cache_opening: Mutex<()>,
    _lock: Option<LockFile>,
}

/// Storage opened on first use, so a session that only resolves proxies
/// writes nothing to disk.
#[derive(Default)]
pub(crate) struct Stores {
    cookies: Option<CookieStore>,
    /// The session's sled database, shared by every concern (one tree each).
    pub(crate) db: Option<sled::Db>,
    /// The HTTP cache (see http_cache.rs), opened on first use.
    pub(crate) http_cache: Option<sessionkit_http_cache::HttpCache>,
    /// Opening the disk cache failed once: the session runs without one
    /// rather than trying again per request (see cache.rs).
    pub(crate) http_cache_failed: bool,
    /// The download manager and its record store (see downloads.rs).
    pub(crate) downloads: crate::downloads::DownloadSlot,
}

struct NetSettings {
    proxy: ProxyState,
    user_agent: String,
    accept_languages: String,
}

impl Session {
    pub(crate) fn new(
        origin: Origin,
        storage_path: Option<PathBuf>,
        options: PartitionOptions,
        lock: Option<LockFile>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                origin,
                storage_path,
                options,
                net: RwLock::new(NetSettings {
                    proxy: ProxyState::direct(),
                    user_agent: default_user_agent(),
                    accept_languages: DEFAULT_ACCEPT_LANGUAGES.to_owned(),
                }),
                stores: Mutex::new(Stores::default()),
                net_stack: Arc::default(),
                spellchecker: Mutex::new(None),
                cache_opening: Mutex::new(()),
                _lock: lock,
            }),
        }
    }

    pub(crate) fn downgrade(&self) -> std::sync::Weak<Inner> {
        Arc::downgrade(&self.inner)
    }

    pub(crate) fn from_inner(inner: Arc<Inner>) -> Self {
        Self { inner }
    }

    /// The session for `partition` in the process-wide registry; see
    /// [`crate::Sessions::from_partition`] for the naming rules.
    ///
    /// The data directory is the one given to [`crate::set_data_dir`], else
    /// `SESSIONKIT_DATA_DIR`, else the platform's.
    ///
    /// Electron: `session.fromPartition(partition, { cache })`.
    ///
    /// # Errors
    ///
    /// See [`crate::Sessions::from_partition`]; also [`Error::NoDataDir`].
    pub fn from_partition(partition: &str, options: PartitionOptions) -> Result<Self, Error> {
        registry::global()?.from_partition(partition, options)
    }

    /// The default session of the process-wide registry, stored at the data
    /// directory's root.
    ///
    /// Electron: `session.defaultSession`.
    ///
    /// # Errors
    ///
    /// [`Error::NoDataDir`] when no data directory can be found.
    pub fn default_session() -> Result<Self, Error> {
        Ok(registry::global()?.default_session())
    }

    /// The session stored at the absolute directory `path`, in the
    /// process-wide registry; see [`crate::Sessions::from_path`].
    ///
    /// Electron: `session.fromPath(path, { cache })`.
    ///
    /// # Errors
    ///
    /// See [`crate::Sessions::from_path`].
    pub fn from_path(path: impl AsRef<Path>, options: PartitionOptions) -> Result<Self, Error> {
        registry::global()?.from_path(path, options)
    }

    /// The canonical partition name (`""` for the default session,
    /// `persist:` plus the lower-cased name for a persistent one), or `None`
    /// for a session made with `from_path`.
    #[must_use]
    pub fn partition(&self) -> Option<&str> {
        match &self.inner.origin {
            Origin::Partition(name) => Some(name),
            Origin::Path => None,
        }
    }

    /// Whether the session keeps its data on disk.
    ///
    /// Electron: `ses.isPersistent()`.
    #[must_use]
    pub fn is_persistent(&self) -> bool {
        self.inner.storage_path.is_some()
    }

    /// The directory holding the session's data, `None` in memory.
    ///
    /// Electron: `ses.storagePath` / `ses.getStoragePath()` (`null` in memory).
    #[must_use]
    pub fn storage_path(&self) -> Option<&Path> {
        self.inner.storage_path.as_deref()
    }

    /// The options the session was created with.
    #[must_use]
    pub fn options(&self) -> PartitionOptions {
        self.inner.options
    }

    /// True when `self` and `other` are handles to the same session.
    #[must_use]
    pub fn ptr_eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Replaces the session's proxy configuration.
    ///
    /// Until this is called a session goes [`ProxyConfig::direct`]. Electron
    /// would follow the command-line switches or the system settings instead;
    /// sessionkit does not read the OS settings yet.
    ///
    /// In `pac_script` and `auto_detect` modes the session gets one PAC
    /// resolver, used by every resolution until the next call; the script
    /// is fetched on first use. A PAC failure is mandatory in `pac_script`
    /// mode, as in Electron; see [`set_proxy_with`](Self::set_proxy_with)
    /// for Chrome's fall-back to DIRECT, and the crate's *PAC* section.
    ///
    /// Electron: `ses.setProxy(config)`. As there, connections already
    /// pooled keep their route: call
    /// [`close_all_connections`](Self::close_all_connections) afterwards.
    pub fn set_proxy(&self, config: ProxyConfig) {
        self.set_proxy_with(config, ProxyOptions::default());
    }

    /// [`set_proxy`](Self::set_proxy) with options Electron's `ProxyConfig`
    /// has no field for: what a PAC failure gives
    /// ([`ProxyOptions::pac_failure`]), the PAC sandbox's environment and
    /// limits.
    pub fn set_proxy_with(&self, config: ProxyConfig, options: ProxyOptions) {
        let state = ProxyState::new(config, options);
        // The old resolver (and its worker thread) goes outside the lock.
        let _old = std::mem::replace(&mut self.write_net().proxy, state);
        // Chromium forgets which proxies failed when the configuration
        // changes.
        self.net_stack().bad_proxies.forget_all();
    }

    /// The current proxy configuration.
    #[must_use]
    pub fn proxy_config(&self) -> ProxyConfig {
        self.read_net().proxy.config().clone()
    }

    /// The options given with the current proxy configuration.
    #[must_use]
    pub fn proxy_options(&self) -> ProxyOptions {
        self.read_net().proxy.options().clone()
    }

    /// The proxies a request to `url` would try, in order. Its `Display` is
    /// the PAC-format string Electron's `resolveProxy` resolves with, for
    /// example `PROXY foopy:80;DIRECT`, and `""` for an empty list (every
    /// configured proxy was invalid).
    ///
    /// Electron: `ses.resolveProxy(url)`.
    ///
    /// In the PAC modes this runs the script and blocks the calling thread
    /// (the first call also fetches it); async code uses
    /// [`resolve_proxy_async`](Self::resolve_proxy_async).
    ///
    /// # Errors
    ///
    /// [`Error::PacResolve`] when a mandatory PAC script can't be fetched or
    /// fails; [`Error::ResolveProxy`] when the configuration can't be
    /// resolved here (system settings are not read). Electron resolves with
    /// `""` in those cases; sessionkit says why.
    pub fn resolve_proxy(&self, url: &Url) -> Result<ProxyList, Error> {
        let resolution = self.read_net().proxy.resolution();
        resolution.resolve(url)
    }

    /// [`resolve_proxy`](Self::resolve_proxy) without blocking the async
    /// runtime: a PAC evaluation (or fetch) runs on Tokio's blocking pool
    /// (`spawn_blocking`; on a thread of its own when not called inside a
    /// Tokio runtime). Other modes answer at once.
    ///
    /// Electron: `await ses.resolveProxy(url)`.
    ///
    /// # Errors
    ///
    /// As [`resolve_proxy`](Self::resolve_proxy).
    pub async fn resolve_proxy_async(&self, url: &Url) -> Result<ProxyList, Error> {
        let resolution = self.read_net().proxy.resolution();
        resolution.resolve_async(url).await
    }

    /// The proxy list for `url` when it is known without running a PAC
    /// script (every mode but PAC, and URLs a PAC mode bypasses); `None`
    /// when the script has to be asked.
    pub(crate) fn resolve_proxy_now(&self, url: &Url) -> Option<Result<ProxyList, Error>> {
        self.read_net().proxy.resolution().without_script(url)
    }

    /// Fetches and compiles the PAC script again now (nothing to do in the
    /// other modes). Blocks the calling thread; see
    /// [`force_reload_proxy_config_async`](Self::force_reload_proxy_config_async).
    ///
    /// Electron: `ses.forceReloadProxyConfig()`.
    ///
    /// # Errors
    ///
    /// [`Error::PacReload`] when the script can't be fetched or doesn't
    /// load. The old script is not used any more: a mandatory configuration
    /// then fails every resolution (retried after 8 s, 32 s, 2 min, then
    /// every 4 h), a fall-back one goes DIRECT.
    pub fn force_reload_proxy_config(&self) -> Result<(), Error> {
        let resolution = self.read_net().proxy.resolution();
        resolution.force_reload()
    }

    /// [`force_reload_proxy_config`](Self::force_reload_proxy_config) on
    /// Tokio's blocking pool.
    ///
    /// # Errors
    ///
    /// As [`force_reload_proxy_config`](Self::force_reload_proxy_config).
    pub async fn force_reload_proxy_config_async(&self) -> Result<(), Error> {
        let resolution = self.read_net().proxy.resolution();
        resolution.force_reload_async().await
    }

    /// Overrides the user agent and, when given, the Accept-Language list
    /// (a comma-separated list such as `"fr-CH,fr,en"`); `None` keeps the
    /// current languages.
    ///
    /// Electron: `ses.setUserAgent(userAgent[, acceptLanguages])`. Chromium
    /// adds `q=` weights when it sends the header; the getter returns the
    /// list as set.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeaderValue`] for a value with control characters
    /// (CR/LF would allow header injection) or surrounding whitespace.
    /// Nothing is changed on error.
    pub fn set_user_agent(
        &self,
        user_agent: &str,
        accept_languages: Option<&str>,
    ) -> Result<(), Error> {
        check_header_value("user agent", user_agent)?;
        if let Some(languages) = accept_languages {
            check_header_value("accept languages", languages)?;
        }
        let mut net = self.write_net();
        user_agent.clone_into(&mut net.user_agent);
        if let Some(languages) = accept_languages {
            languages.clone_into(&mut net.accept_languages);
        }
        Ok(())
    }

    /// The user agent; `sessionkit/<version>` until overridden.
    ///
    /// Electron: `ses.getUserAgent()`.
    #[must_use]
    pub fn user_agent(&self) -> String {
        self.read_net().user_agent.clone()
    }

    /// The Accept-Language list; `"en-US,en"` until overridden.
    #[must_use]
    pub fn accept_languages(&self) -> String {
        self.read_net().accept_languages.clone()
    }

    /// The session's cookies. A persistent session's jar is loaded from
    /// `<storage path>/sessionkit.sled` (tree `cookies`) on the first call;
    /// an in-memory session gets an empty jar. Later calls return handles
    /// to the same jar.
    ///
    /// Session cookies are dropped when the session is reopened unless
    /// [`PartitionOptions::persist_session_cookies`] was set.
    ///
    /// Electron: `ses.cookies` (a property there; here the first use opens
    /// the database, which can fail).
    ///
    /// # Errors
    ///
    /// [`Error::CookieStore`] when the database can't be opened (I/O,
    /// another process has it open) or a stored cookie does not decode; the
    /// store is left untouched and the next call tries again.
    pub fn cookies(&self) -> Result<Cookies, Error> {
        let mut stores = self.lock_stores();
        if let Some(store) = &stores.cookies {
            return Ok(Cookies::new(store.clone(), self.clone()));
        }
        let store = match self.storage_path() {
            None => CookieStore::memory(),
            Some(dir) => {
                let db = match &stores.db {
                    Some(db) => db.clone(),
                    None => stores.db.insert(open_database(dir)?).clone(),
                };
                CookieStore::open(&db, dir, self.options().persist_session_cookies)?
            }
        };
        stores.cookies = Some(store.clone());
        Ok(Cookies::new(store, self.clone()))
    }

    /// Clears the session's data: every kind in `options.storages` (all
    /// when empty), for `options.origin` only when given. Only cookies
    /// exist in sessionkit so far; Electron's other kinds are accepted and
    /// ignored. A persistent session's cookie store is flushed afterwards.
    ///
    /// With an origin, the cookies removed are the ones Electron removes:
    /// host-only cookies set by exactly that host (any scheme, port or
    /// path); domain cookies (`Domain=example.com`) are kept, even for
    /// `https://example.com`.
    ///
    /// The HTTP cache is not touched, as in Electron, whose storage kinds
    /// do not include it (`cachestorage` is the Cache API of pages):
    /// [`clear_cache`](Self::clear_cache) empties it.
    ///
    /// Electron: `ses.clearStorageData({ origin, storages })`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOrigin`] for an origin without a host (Chromium
    /// would clear every origin then); [`Error::CookieStore`] as for
    /// [`Session::cookies`] and [`Cookies::flush`].
    pub fn clear_storage_data(
        &self,
        options: &ClearStorageOptions,
    ) -> Result<ClearedStorage, Error> {
        let host = options.origin_host()?;
        let mut cleared = ClearedStorage::default();
        if options.includes(StorageKind::Cookies) {
            let cookies = self.cookies()?;
            cleared.cookies = match &host {
                Some(host) => remove_host_cookies(&cookies, host),
                None => cookies.clear(),
            };
            cookies.flush()?;
        }
        Ok(cleared)
    }

    pub(crate) fn net_stack(&self) -> &Arc<NetStack> {
        &self.inner.net_stack
    }

    pub(crate) fn spellchecker_slot(
        &self,
    ) -> MutexGuard<'_, Option<Arc<sessionkit_spellcheck::Spellchecker>>> {
        self.inner.spellchecker.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Taken while the disk cache folder is opened (see cache.rs).
    pub(crate) fn lock_cache_opening(&self) -> MutexGuard<'_, ()> {
        // Guards no data.
        self.inner.cache_opening.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn lock_stores(&self) -> MutexGuard<'_, Stores> {
        // Stores are replaced whole, never left half-built.
        self.inner.stores.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // The settings hold no invariant a panicking writer could break, so a
    // poisoned lock is still good to use.
    fn read_net(&self) -> std::sync::RwLockReadGuard<'_, NetSettings> {
        self.inner.net.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_net(&self) -> std::sync::RwLockWriteGuard<'_, NetSettings> {
        self.inner.net.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        self.ptr_eq(other)
    }
}

impl Eq for Session {}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("partition", &self.partition())
            .field("storage_path", &self.storage_path())
            .field("options", &self.options())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn session_is_send_sync() {
        assert_send_sync::<Session>();
    }
}
