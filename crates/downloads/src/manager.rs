//! The download manager: starts downloads, keeps the list, restores records.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::{broadcast, watch};
use url::Url;

use crate::driver::drive;
use crate::error::Error;
use crate::event::DownloadEvent;
use crate::item::{Control, DownloadItem, ItemData, ItemInner};
use crate::limiter::RateLimiter;
use crate::record::{DownloadRecord, RecordStore};
use crate::request::DownloadRequest;
use crate::resume::RetryPolicy;
use crate::state::State;
use crate::transport::{DynTransport, Transport};

/// How a manager downloads.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ManagerConfig {
    /// Where downloads without a save path go (Electron: `ses.setDownloadPath`).
    pub download_dir: PathBuf,
    /// Automatic resumes: at most 5 (Chromium), spaced with backoff and jitter.
    pub retry: RetryPolicy,
    /// Least time between two progress `updated` events (Chromium: 500 ms).
    pub update_interval: Duration,
    /// Least time between two durable checkpoints of a recorded download.
    pub checkpoint_interval: Duration,
    /// A request or body silent this long is interrupted with `NETWORK_TIMEOUT`.
    pub stall_timeout: Duration,
    /// Appended to the target path while downloading.
    pub partial_suffix: String,
    /// Redirects followed per request before `NETWORK_FAILED` (Chromium: 20).
    pub max_redirects: u32,
    /// Bytes per second across all downloads of this manager (`None`: no limit).
    pub rate_limit: Option<u64>,
}

impl ManagerConfig {
    /// Defaults, saving into `download_dir`.
    #[must_use]
    pub fn new(download_dir: impl Into<PathBuf>) -> Self {
        Self {
            download_dir: download_dir.into(),
            retry: RetryPolicy::default(),
            update_interval: Duration::from_millis(500),
            checkpoint_interval: Duration::from_secs(1),
            stall_timeout: Duration::from_secs(60),
            partial_suffix: ".part".to_owned(),
            max_redirects: 20,
            rate_limit: None,
        }
    }
}

/// What a will-download handler decides (Electron: `will-download`, where the
/// handler may call `item.setSavePath()` or `event.preventDefault()`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WillDownload {
    /// The save path set on the item or the request, else a unique name in the
    /// download directory.
    Continue,
    /// Save here (missing parent directories are created).
    SavePath(PathBuf),
    /// Cancel the download (Electron: `event.preventDefault()`).
    Cancel,
}

/// A will-download decision handler.
pub type WillDownloadHandler = Arc<dyn Fn(&DownloadItem) -> WillDownload + Send + Sync>;

/// Electron's `ses.createInterruptedDownload(options)`.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct InterruptedDownload {
    /// The file's target path (`path`).
    pub path: PathBuf,
    /// `urlChain`.
    pub url_chain: Vec<Url>,
    /// `mimeType`.
    pub mime_type: Option<String>,
    /// `offset`: bytes already downloaded.
    pub offset: u64,
    /// `length`: the total length.
    pub length: u64,
    /// `lastModified`.
    pub last_modified: Option<String>,
    /// `eTag`.
    pub etag: Option<String>,
    /// `startTime`, Unix seconds.
    pub start_time: Option<f64>,
}

pub(crate) struct ManagerInner {
    pub(crate) transport: Arc<dyn DynTransport>,
    pub(crate) config: ManagerConfig,
    pub(crate) store: Option<Arc<dyn RecordStore>>,
    /// The items' state, not handles (see [`ItemInner::handles`]).
    items: Mutex<BTreeMap<u64, Arc<ItemInner>>>,
    next_id: AtomicU64,
    pub(crate) events: broadcast::Sender<DownloadEvent>,
    pub(crate) reserved: Mutex<HashSet<PathBuf>>,
    pub(crate) limiter: RateLimiter,
    handler: Mutex<Option<WillDownloadHandler>>,
    download_dir: Mutex<PathBuf>,
    runtime: tokio::runtime::Handle,
    /// Set once the last [`DownloadManager`] handle is gone: a task waiting
    /// for the user's `resume()` then ends when its item has no handle
    /// either, since no one is left who could call it. The item keeps its
    /// state and record, so a later [`DownloadManager::restore`] brings it
    /// back.
    pub(crate) closed: watch::Sender<bool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each value behind these locks is replaced whole; a panic elsewhere cannot
    // leave it half-updated.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ManagerInner {
    pub(crate) fn download_dir(&self) -> PathBuf {
        lock(&self.download_dir).clone()
    }

    pub(crate) fn handler(&self) -> Option<WillDownloadHandler> {
        lock(&self.handler).clone()
    }

    pub(crate) fn reserved(&self) -> MutexGuard<'_, HashSet<PathBuf>> {
        lock(&self.reserved)
    }

    pub(crate) fn release(&self, target: Option<&Path>) {
        if let Some(t) = target {
            lock(&self.reserved).remove(t);
        }
    }
}

/// Starts, lists and restores downloads (Electron: the session's download side).
/// Cloning shares the manager.
///
/// Once the last handle is dropped, an item that waits for
/// [`DownloadItem::resume`] (restored or interrupted) and has no
/// [`DownloadItem`] handle left ends its task: nobody could resume it.
/// Chromium's download manager lets its items go when it shuts down too.
/// Their records stay, for [`Self::restore`] in a later manager.
///
/// Every [`DownloadEvent::Created`] carries a [`DownloadItem`] handle: a
/// [`subscribe`](Self::subscribe)d receiver that never reads its events
/// keeps those handles (until newer events push them out of its buffer),
/// and with them the parked tasks of their items. Drop receivers you stop
/// reading.
#[derive(Clone)]
pub struct DownloadManager {
    inner: Arc<ManagerInner>,
    /// Counts the handles: the tasks hold `inner` too, so its drop can't
    /// tell when the last handle went.
    _handles: Arc<Handles>,
}

/// Closes the manager when the last [`DownloadManager`] handle is dropped.
struct Handles(Arc<ManagerInner>);

impl Drop for Handles {
    fn drop(&mut self) {
        self.0.closed.send_replace(true);
    }
}

impl std::fmt::Debug for DownloadManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadManager")
            .field("config", &self.inner.config)
            .field("store", &self.inner.store.is_some())
            .finish_non_exhaustive()
    }
}

impl DownloadManager {
    /// A manager without records (downloads do not survive the process).
    ///
    /// # Errors
    /// [`Error::NoRuntime`] outside a tokio runtime.
    pub fn new(transport: impl Transport, config: ManagerConfig) -> Result<Self, Error> {
        Self::build(Arc::new(transport), config, None)
    }

    /// A manager that keeps a record per download in `store`; call
    /// [`Self::restore`] to bring back the downloads of an earlier process.
    ///
    /// # Errors
    /// [`Error::NoRuntime`] outside a tokio runtime; the store's error if it
    /// cannot be read.
    pub fn with_store(
        transport: impl Transport,
        config: ManagerConfig,
        store: Arc<dyn RecordStore>,
    ) -> Result<Self, Error> {
        Self::build(Arc::new(transport), config, Some(store))
    }

    fn build(
        transport: Arc<dyn DynTransport>,
        config: ManagerConfig,
        store: Option<Arc<dyn RecordStore>>,
    ) -> Result<Self, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let first_id = match &store {
            Some(s) => s.load()?.iter().map(|r| r.id.saturating_add(1)).max().unwrap_or(1),
            None => 1,
        };
        let (events, _) = broadcast::channel(1024);
        let inner = Arc::new(ManagerInner {
            transport,
            limiter: RateLimiter::new(config.rate_limit),
            download_dir: Mutex::new(config.download_dir.clone()),
            config,
            store,
            items: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(first_id),
            events,
            reserved: Mutex::new(HashSet::new()),
            handler: Mutex::new(None),
            runtime,
            closed: watch::Sender::new(false),
        });
        Ok(Self { _handles: Arc::new(Handles(inner.clone())), inner })
    }

    /// Starts a download (Electron: `ses.downloadURL(url, { headers })`).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a URL that is not http or https.
    pub fn download(&self, request: DownloadRequest) -> Result<DownloadItem, Error> {
        request.check_scheme()?;
        let mut data = ItemData::new(request.url.clone(), request.headers);
        data.save_path = request.save_path;
        data.suggested_name = request.suggested_name;
        data.expected_sha256 = request.expected_sha256;
        data.discard = request.discard;
        data.go(State::TargetPending);
        let item = self.new_item(data, request.rate_limit);
        self.spawn(&item, false);
        Ok(item)
    }

    /// [`Self::download`] of a plain GET.
    ///
    /// # Errors
    /// As [`Self::download`].
    pub fn download_url(&self, url: &Url) -> Result<DownloadItem, Error> {
        self.download(DownloadRequest::new(url.clone()))
    }

    fn new_item(&self, data: ItemData, rate_limit: Option<u64>) -> DownloadItem {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        self.item_with_id(id, data, rate_limit)
    }

    fn item_with_id(&self, id: u64, data: ItemData, rate_limit: Option<u64>) -> DownloadItem {
        let (events, _) = broadcast::channel(256);
        let done = data.done.then(|| data.state.external());
        let inner = Arc::new(ItemInner {
            id,
            data: Mutex::new(data),
            received: AtomicU64::new(0),
            speed: AtomicU64::new(0),
            control: watch::Sender::new(Control::default()),
            done: watch::Sender::new(done),
            parked: watch::Sender::new(false),
            handles: watch::Sender::new(0),
            events,
            manager_events: self.inner.events.clone(),
            store: self.inner.store.clone(),
            record_lock: Mutex::new(()),
            limiter: RateLimiter::new(rate_limit),
            partial_suffix: self.inner.config.partial_suffix.clone(),
        });
        lock(&self.inner.items).insert(id, inner.clone());
        DownloadItem::handle(inner)
    }

    fn spawn(&self, item: &DownloadItem, wait_for_resume: bool) {
        let ctl = item.inner.control.subscribe();
        let task = drive(item.inner.clone(), self.inner.clone(), ctl, wait_for_resume);
        self.inner.runtime.spawn(task);
    }

    /// Every item this manager knows, in id order.
    #[must_use]
    pub fn items(&self) -> Vec<DownloadItem> {
        lock(&self.inner.items).values().map(|inner| DownloadItem::handle(inner.clone())).collect()
    }

    /// The item with this id.
    #[must_use]
    pub fn item(&self, id: u64) -> Option<DownloadItem> {
        lock(&self.inner.items).get(&id).map(|inner| DownloadItem::handle(inner.clone()))
    }

    /// Forgets a done item and deletes its record; `false` if there is no such
    /// item or it is not done (cancel it first).
    ///
    /// # Errors
    /// The store's error.
    pub fn remove(&self, id: u64) -> Result<bool, Error> {
        let mut items = lock(&self.inner.items);
        match items.get(&id) {
            Some(item) if item.lock().done => {
                items.remove(&id);
                drop(items);
                if let Some(store) = &self.inner.store {
                    store.remove(id)?;
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Every download's events, `Created` included.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<DownloadEvent> {
        self.inner.events.subscribe()
    }

    /// Sets (or with `None` removes) the will-download decision handler. It runs
    /// on the download's task once the response head arrived, before the path
    /// is chosen; keep it quick.
    pub fn set_will_download_handler(&self, handler: Option<WillDownloadHandler>) {
        *lock(&self.inner.handler) = handler;
    }

    /// Electron: `ses.setDownloadPath(dir)`, for downloads that choose their path
    /// from now on. The directory is created on first use.
    pub fn set_download_dir(&self, dir: impl Into<PathBuf>) {
        *lock(&self.inner.download_dir) = dir.into();
    }

    /// The current download directory.
    #[must_use]
    pub fn download_dir(&self) -> PathBuf {
        self.inner.download_dir()
    }

    /// Gets every download ready for the process to exit: pauses each item that
    /// is not done and waits, at most `timeout`, until its bytes are synced and
    /// its record written. An item still waiting for its response head when the
    /// time is up keeps its last checkpoint (at most one checkpoint interval
    /// old). Returns how many items did not settle in time. After a restart,
    /// [`Self::restore`] brings them back (as `CRASH` interruptions, as Chromium
    /// does for anything in progress at exit).
    pub async fn shutdown(&self, timeout: Duration) -> usize {
        let pending: Vec<DownloadItem> =
            self.items().into_iter().filter(|i| !i.is_done()).collect();
        for item in &pending {
            item.pause();
        }
        let settle = async {
            for item in &pending {
                let mut parked = item.inner.parked.subscribe();
                let mut done = item.inner.done.subscribe();
                loop {
                    if *parked.borrow_and_update() || done.borrow_and_update().is_some() {
                        break;
                    }
                    tokio::select! {
                        r = parked.changed() => if r.is_err() { break },
                        r = done.changed() => if r.is_err() { break },
                    }
                }
            }
        };
        let _ = tokio::time::timeout(timeout, settle).await;
        pending.iter().filter(|i| !*i.inner.parked.borrow() && !i.is_done()).count()
    }

    /// Limits all downloads together to `bytes_per_second` (`None`: no limit), at once.
    pub fn set_rate_limit(&self, bytes_per_second: Option<u64>) {
        self.inner.limiter.set_rate(bytes_per_second);
    }

    /// Brings back the downloads recorded by an earlier process (each record not
    /// already an item). As Chromium does after a crash, a record still in
    /// progress becomes interrupted with reason `CRASH`. The partial file is
    /// checked against the record: longer is cut to the recorded offset; shorter,
    /// missing, or with bytes that no longer match the recorded fingerprint means
    /// starting over. Restored items wait for [`DownloadItem::resume`].
    ///
    /// Records come from disk: one that cannot be turned back into a download
    /// (an empty or unparsable URL chain, an out-of-range time) is skipped and left in the store, so
    /// it never keeps the others from coming back.
    ///
    /// # Errors
    /// The store's error.
    pub fn restore(&self) -> Result<Vec<DownloadItem>, Error> {
        let Some(store) = &self.inner.store else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for record in store.load()? {
            if self.item(record.id).is_some() {
                continue;
            }
            match self.restore_record(record) {
                Ok(item) => out.push(item),
                Err(Error::Record(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// An item from one record (ours, e.g. passed back by an application), with
    /// the checks of [`Self::restore`]. A record whose id is taken gets a new id.
    ///
    /// # Errors
    /// [`Error::Record`] for a record without URLs, with an unparsable URL, or
    /// with a start or end time too large for a [`SystemTime`].
    pub fn restore_record(&self, record: DownloadRecord) -> Result<DownloadItem, Error> {
        let restored = crate::restore::item_data(&record, &self.inner.config.partial_suffix)?;
        let id = if self.item(record.id).is_some() {
            self.inner.next_id.fetch_add(1, Ordering::Relaxed)
        } else {
            self.inner.next_id.fetch_max(record.id.saturating_add(1), Ordering::Relaxed);
            record.id
        };
        let waiting = !restored.data.done;
        let target = restored.data.target.clone();
        let item = self.item_with_id(id, restored.data, None);
        item.inner.received.store(restored.received, Ordering::Relaxed);
        if waiting {
            if let Some(t) = target {
                self.inner.reserved().insert(t);
            }
            item.inner.persist();
            self.spawn(&item, true);
        }
        Ok(item)
    }

    /// Electron: `ses.createInterruptedDownload(options)`: an interrupted item for
    /// a download of an earlier process, waiting for [`DownloadItem::resume`].
    /// The partial bytes are looked for at `<path><partial suffix>`, else at
    /// `path` itself (where Electron keeps them), and checked as in
    /// [`Self::restore`] (without a fingerprint, which Electron does not keep).
    ///
    /// # Errors
    /// Electron's two messages as [`Error::InvalidInterruptedDownload`], and
    /// the same error for a `start_time` too large for a [`SystemTime`];
    /// [`Error::Record`] for a bad URL.
    pub fn create_interrupted_download(
        &self,
        options: InterruptedDownload,
    ) -> Result<DownloadItem, Error> {
        if options.path.as_os_str().is_empty()
            || options.url_chain.is_empty()
            || options.length == 0
        {
            return Err(Error::InvalidInterruptedDownload(
                "Must pass non-empty path, urlChain and length.",
            ));
        }
        if options.offset >= options.length {
            return Err(Error::InvalidInterruptedDownload(
                "Must pass an offset value less than length.",
            ));
        }
        // Checked before the partial file is moved: a time past what a
        // `SystemTime` holds must be an error, not a panic.
        if let Some(t) = options.start_time
            && crate::restore::time(t).is_err()
        {
            return Err(Error::InvalidInterruptedDownload("Must pass a startTime in range."));
        }
        let suffix = &self.inner.config.partial_suffix;
        let partial = crate::item::partial_path(&options.path, suffix);
        if !partial.exists() && options.path.exists() {
            std::fs::rename(&options.path, &partial)
                .map_err(|e| Error::io(format!("moving {} aside", options.path.display()), &e))?;
        }
        let start_time = options.start_time.unwrap_or_else(|| {
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
        });
        let record = DownloadRecord {
            id: self.inner.next_id.fetch_add(1, Ordering::Relaxed),
            url_chain: options.url_chain.iter().map(Url::to_string).collect(),
            headers: Vec::new(),
            target_path: options.path,
            partial_path: partial,
            mime_type: options.mime_type.unwrap_or_default(),
            content_disposition: None,
            etag: options.etag.filter(|e| !e.is_empty()),
            last_modified: options.last_modified.filter(|l| !l.is_empty()),
            total_bytes: Some(options.length),
            committed_offset: options.offset,
            fingerprint: None,
            expected_sha256: None,
            state: crate::record::RecordState::Interrupted,
            // Electron creates these items interrupted with NETWORK_TIMEOUT.
            reason: Some(crate::InterruptReason::NetworkTimeout.code()),
            auto_attempts: 0,
            start_time,
            end_time: 0.0,
        };
        let item = self.restore_record(record)?;
        // Electron emits will-download for these items too.
        let _ = self.inner.events.send(DownloadEvent::Created(item.clone()));
        Ok(item)
    }
}
