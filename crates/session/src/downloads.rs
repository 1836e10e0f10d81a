//! Downloads of a session: Electron's `ses.downloadURL`,
//! `ses.createInterruptedDownload`, `ses.setDownloadPath` and the
//! `will-download` event, on the [`sessionkit_downloads`] crate (re-exported
//! here whole: [`DownloadItem`], [`DownloadRequest`], [`DownloadEvent`], …).
//!
//! Each session owns one [`DownloadManager`], created on first use (inside a
//! Tokio runtime: its downloads run as tasks of that runtime). Its requests go
//! through the session's network — cookies sent and stored, proxies, network
//! emulation, the session's User-Agent — but never through the HTTP cache,
//! as Chromium's downloads disable the cache so a resume always reaches the
//! server. Redirects are followed by the manager itself, which keeps
//! Electron's URL chain and refuses a cross-origin redirect on a resume.
//!
//! A persistent partition keeps a record per download in its sled database
//! (tree `downloads` of `<dir>/sessionkit.sled`, beside the cookies), so the
//! downloads of an earlier process are listed again on first use — an
//! interrupted one waiting for [`DownloadItem::resume`], one that was still
//! running becoming interrupted with reason `CRASH`, as Chromium does. An
//! in-memory partition keeps its records in memory.
//!
//! ```no_run
//! use sessionkit::{Sessions, WillDownload};
//! use std::sync::Arc;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sessions = Sessions::new("./data")?;
//! let ses = sessions.from_partition("persist:work", Default::default())?;
//! ses.set_download_path("./incoming"); // Electron: ses.setDownloadPath()
//! // Electron: ses.on('will-download', (event, item) => item.setSavePath(...))
//! ses.set_will_download_handler(Some(Arc::new(|item: &sessionkit::DownloadItem| {
//!     if item.filename().ends_with(".exe") {
//!         WillDownload::Cancel // event.preventDefault()
//!     } else {
//!         WillDownload::Continue
//!     }
//! })));
//! let url = url::Url::parse("https://example.com/report.pdf")?;
//! let item = ses.download_url(&url, &[("X-App", "demo")])?; // ses.downloadURL()
//! let state = item.wait_done().await; // item.on('done', ...)
//! println!("{state:?}: {:?}", item.save_path());
//! # Ok(())
//! # }
//! ```

mod pipeline;
mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use sessionkit_downloads::*;
use tokio::sync::broadcast;
use url::Url;

use self::pipeline::SessionTransport;
use self::store::{PartitionStore, SessionStore};
use crate::Session;
use crate::cookies::open_database;

/// A session's download side, opened on first use.
#[derive(Default)]
pub(crate) struct DownloadSlot {
    manager: Option<DownloadManager>,
    store: Option<SessionStore>,
    /// `set_download_path` before the manager exists.
    dir: Option<PathBuf>,
    /// `set_will_download_handler` before the manager exists.
    handler: Option<WillDownloadHandler>,
}

impl Drop for DownloadSlot {
    fn drop(&mut self) {
        // Let the partition's database go with the session (see store.rs).
        if let Some(SessionStore::Partition(store)) = &self.store {
            store.close();
        }
    }
}

impl Session {
    /// The session's download manager, created on the first call: its
    /// downloads go through the session's network (see the
    /// [module docs](crate::downloads)), its records live in the partition's
    /// database (in memory for an in-memory partition), and the downloads
    /// an earlier process recorded are restored
    /// ([`DownloadManager::restore`]).
    ///
    /// Electron: the session's download side (`ses.on('will-download')`,
    /// `ses.downloadURL`, …), which exists with the session.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Download`] with [`sessionkit_downloads::Error::NoRuntime`]
    /// outside a Tokio runtime (the first call must be inside one; the
    /// downloads run on it) or with a store error when the records can't be
    /// read; [`crate::Error::CookieStore`] when the partition's database can't be
    /// opened. Nothing is kept on error: the next call tries again.
    pub fn downloads(&self) -> Result<DownloadManager, crate::Error> {
        let mut stores = self.lock_stores();
        if let Some(manager) = &stores.downloads.manager {
            return Ok(manager.clone());
        }
        let store = match self.storage_path() {
            None => SessionStore::Memory(Arc::new(MemoryStore::new())),
            Some(dir) => {
                let db = match &stores.db {
                    Some(db) => db.clone(),
                    None => stores.db.insert(open_database(dir)?).clone(),
                };
                SessionStore::Partition(Arc::new(PartitionStore::open(&db)?))
            }
        };
        let slot = &mut stores.downloads;
        let dir = slot.dir.clone().unwrap_or_else(|| default_download_dir(self.storage_path()));
        let manager = DownloadManager::with_store(
            SessionTransport::new(self),
            ManagerConfig::new(dir),
            store.as_record_store(),
        )?;
        manager.set_will_download_handler(slot.handler.clone());
        if let Err(error) = manager.restore() {
            // Nothing is kept on error, and the store this attempt opened is
            // closed now: a task of the failed manager must not hold the
            // partition's tree open beside the store of the next attempt.
            if let SessionStore::Partition(store) = &store {
                store.close();
            }
            return Err(error.into());
        }
        slot.store = Some(store);
        slot.manager = Some(manager.clone());
        Ok(manager)
    }

    /// Starts a download of `url` with extra request headers (Electron: only
    /// added when the request does not have them; the downloader keeps
    /// `Range`, `If-Range` and `Accept-Encoding` for itself). The item is
    /// announced as [`DownloadEvent::Created`] (`will-download`) and goes to
    /// the will-download handler before its path is chosen.
    ///
    /// Electron: `ses.downloadURL(url, { headers })`.
    ///
    /// # Errors
    ///
    /// As [`downloads`](Self::downloads); [`crate::Error::Download`] with
    /// `InvalidRequest` for a URL that is not http(s) or a header HTTP does
    /// not allow (bad input: [`crate::Error::is_invalid_input`]).
    pub fn download_url(
        &self,
        url: &Url,
        headers: &[(&str, &str)],
    ) -> Result<DownloadItem, crate::Error> {
        let mut request = DownloadRequest::new(url.clone());
        for (name, value) in headers {
            request = request.header(name, value)?;
        }
        self.download(request)
    }

    /// Starts a download with every option of [`DownloadRequest`] (save
    /// path, expected SHA-256, rate limit, …).
    ///
    /// # Errors
    ///
    /// As [`download_url`](Self::download_url).
    pub fn download(&self, request: DownloadRequest) -> Result<DownloadItem, crate::Error> {
        Ok(self.downloads()?.download(request)?)
    }

    /// An interrupted item for a download of an earlier process, waiting for
    /// [`DownloadItem::resume`]; it is announced as
    /// [`DownloadEvent::Created`], as Electron emits `will-download` for it.
    ///
    /// Electron: `ses.createInterruptedDownload(options)`.
    ///
    /// # Errors
    ///
    /// Electron's two messages, `Must pass non-empty path, urlChain and
    /// length.` and `Must pass an offset value less than length.`, as
    /// [`crate::Error::Download`] (bad input); otherwise as
    /// [`downloads`](Self::downloads).
    pub fn create_interrupted_download(
        &self,
        options: InterruptedDownload,
    ) -> Result<DownloadItem, crate::Error> {
        Ok(self.downloads()?.create_interrupted_download(options)?)
    }

    /// [`create_interrupted_download`](Self::create_interrupted_download)
    /// from one of our own records ([`DownloadItem::record`]), so an
    /// application need not carry offsets and validators around.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Download`] for a record without a usable URL; otherwise as
    /// [`downloads`](Self::downloads).
    pub fn restore_download(&self, record: DownloadRecord) -> Result<DownloadItem, crate::Error> {
        Ok(self.downloads()?.restore_record(record)?)
    }

    /// Sets the directory downloads without a save path go to, from now on;
    /// it is created on first use. Until this is called it is
    /// [`default_download_dir`].
    ///
    /// Electron: `ses.setDownloadPath(path)`.
    pub fn set_download_path(&self, dir: impl Into<PathBuf>) {
        let dir = dir.into();
        let mut stores = self.lock_stores();
        if let Some(manager) = &stores.downloads.manager {
            manager.set_download_dir(dir.clone());
        }
        stores.downloads.dir = Some(dir);
    }

    /// The directory downloads without a save path go to.
    #[must_use]
    pub fn download_path(&self) -> PathBuf {
        let stores = self.lock_stores();
        match (&stores.downloads.manager, &stores.downloads.dir) {
            (Some(manager), _) => manager.download_dir(),
            (None, Some(dir)) => dir.clone(),
            (None, None) => default_download_dir(self.storage_path()),
        }
    }

    /// Sets (or with `None` removes) the will-download decision: called for
    /// each new download once its response head arrived, before its path is
    /// chosen, with [`WillDownload::Cancel`] (Electron:
    /// `event.preventDefault()`, the item is cancelled) or
    /// [`WillDownload::SavePath`] (Electron: `item.setSavePath(path)` inside
    /// the handler). It runs on the download's task: keep it quick. The same
    /// moment is an event too: [`DownloadEvent::Created`] on
    /// [`subscribe_downloads`](Self::subscribe_downloads).
    ///
    /// Electron: `ses.on('will-download', handler)`.
    pub fn set_will_download_handler(&self, handler: Option<WillDownloadHandler>) {
        let mut stores = self.lock_stores();
        if let Some(manager) = &stores.downloads.manager {
            manager.set_will_download_handler(handler.clone());
        }
        stores.downloads.handler = handler;
    }

    /// Every download of the session, in id order, those restored from the
    /// partition's records included.
    ///
    /// # Errors
    ///
    /// As [`downloads`](Self::downloads).
    pub fn download_items(&self) -> Result<Vec<DownloadItem>, crate::Error> {
        Ok(self.downloads()?.items())
    }

    /// Every download's events: [`DownloadEvent::Created`] (Electron's
    /// session `will-download`), then each item's `updated` and `done`.
    ///
    /// # Errors
    ///
    /// As [`downloads`](Self::downloads).
    pub fn subscribe_downloads(&self) -> Result<broadcast::Receiver<DownloadEvent>, crate::Error> {
        Ok(self.downloads()?.subscribe())
    }
}

/// Where a session's downloads go until
/// [`Session::set_download_path`]: the platform's Downloads folder
/// (`~/Downloads`, or what XDG names on Linux), else `<home>/Downloads`,
/// else the session's storage directory, else the temporary directory (an
/// in-memory session without a home).
///
/// Electron's default is the platform's Downloads folder too
/// (`app.getPath('downloads')`).
#[must_use]
pub fn default_download_dir(storage_path: Option<&Path>) -> PathBuf {
    if let Some(dirs) = directories::UserDirs::new() {
        return match dirs.download_dir() {
            Some(dir) => dir.to_path_buf(),
            None => dirs.home_dir().join("Downloads"),
        };
    }
    storage_path.map_or_else(std::env::temp_dir, Path::to_path_buf)
}
