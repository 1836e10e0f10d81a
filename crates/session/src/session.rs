//! `Session`: one partition's state, shared through cheap handles.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use sessionkit_proxy_rules::{ProxyConfig, ProxyList};
use url::Url;

use crate::lock::LockFile;
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
}

impl Default for PartitionOptions {
    fn default() -> Self {
        Self { cache: true }
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
    _lock: Option<LockFile>,
}

struct NetSettings {
    proxy: ProxyConfig,
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
                    proxy: ProxyConfig::direct(),
                    user_agent: default_user_agent(),
                    accept_languages: DEFAULT_ACCEPT_LANGUAGES.to_owned(),
                }),
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
    /// Electron: `ses.setProxy(config)`. Electron's advice to call
    /// `closeAllConnections()` afterwards will apply here too once the
    /// session pools connections.
    pub fn set_proxy(&self, config: ProxyConfig) {
        self.write_net().proxy = config;
    }

    /// The current proxy configuration.
    #[must_use]
    pub fn proxy_config(&self) -> ProxyConfig {
        self.read_net().proxy.clone()
    }

    /// The proxies a request to `url` would try, in order. Its `Display` is
    /// the PAC-format string Electron's `resolveProxy` resolves with, for
    /// example `PROXY foopy:80;DIRECT`, and `""` for an empty list (every
    /// configured proxy was invalid).
    ///
    /// Electron: `ses.resolveProxy(url)`.
    ///
    /// # Errors
    ///
    /// [`Error::ResolveProxy`] when the configuration can't be resolved here
    /// (a PAC script needs an evaluator; system settings are not read).
    /// Electron resolves with `""` in those cases; sessionkit says why.
    pub fn resolve_proxy(&self, url: &Url) -> Result<ProxyList, Error> {
        let config = self.proxy_config();
        config.resolve(url).map_err(|source| Error::ResolveProxy { url: url.to_string(), source })
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
