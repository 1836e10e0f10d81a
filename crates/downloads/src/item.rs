//! Electron's `DownloadItem`: a cheap, cloneable handle on one download.
//!
//! Getters read shared state (progress counters are atomics, so reading them
//! never slows the transfer); `pause`, `resume` and `cancel` send a signal to the
//! item's driver task and return at once, as Electron's methods do.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use tokio::sync::{broadcast, watch};
use url::Url;

use crate::event::DownloadEvent;
use crate::limiter::RateLimiter;
use crate::reason::InterruptReason;
use crate::record::{DownloadRecord, MANAGED_HEADERS, RecordState, RecordStore, SECRET_HEADERS};
use crate::resume::ResumeMode;
use crate::state::{ExternalState, State};
use crate::validators::Validators;
use crate::writer::hex;

/// Signals from the handle to the driver task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Control {
    pub(crate) paused: bool,
    pub(crate) cancelled: bool,
    /// Bumped by every `resume()`, so the driver sees each request once.
    pub(crate) resume_seq: u64,
}

/// Mutable facts about a download, behind the item's lock.
#[derive(Debug)]
pub(crate) struct ItemData {
    pub(crate) state: State,
    pub(crate) reason: Option<InterruptReason>,
    pub(crate) mode: Option<ResumeMode>,
    pub(crate) paused: bool,
    /// The last URL of the chain.
    pub(crate) url: Url,
    pub(crate) url_chain: Vec<Url>,
    pub(crate) headers: HeaderMap,
    pub(crate) mime_type: String,
    pub(crate) content_disposition: Option<String>,
    pub(crate) suggested_name: Option<String>,
    pub(crate) filename: String,
    pub(crate) save_path: Option<PathBuf>,
    /// Set once the target is chosen.
    pub(crate) target: Option<PathBuf>,
    pub(crate) total: Option<u64>,
    pub(crate) validators: Option<Validators>,
    pub(crate) start_time: SystemTime,
    pub(crate) end_time: Option<SystemTime>,
    pub(crate) auto_attempts: u32,
    /// Durable bytes in the partial file (the record's offset).
    pub(crate) committed: u64,
    pub(crate) fingerprint: Option<String>,
    pub(crate) expected_sha256: Option<[u8; 32]>,
    pub(crate) discard: bool,
    pub(crate) done: bool,
    pub(crate) last_update: Option<Instant>,
    /// Received bytes were thrown away since the last attempt started; the next
    /// attempt's first `updated` says `restarted`.
    pub(crate) restart_pending: bool,
}

impl ItemData {
    pub(crate) fn new(url: Url, headers: HeaderMap) -> Self {
        Self {
            state: State::Initial,
            reason: None,
            mode: None,
            paused: false,
            url_chain: vec![url.clone()],
            url,
            headers,
            mime_type: String::new(),
            content_disposition: None,
            suggested_name: None,
            filename: String::new(),
            save_path: None,
            target: None,
            total: None,
            validators: None,
            start_time: SystemTime::now(),
            end_time: None,
            auto_attempts: 0,
            committed: 0,
            fingerprint: None,
            expected_sha256: None,
            discard: false,
            done: false,
            last_update: None,
            restart_pending: false,
        }
    }

    /// A state change through the core's transition table. Every caller in this
    /// crate follows the table; a refusal is a bug, reported in debug builds and
    /// otherwise leaving the state as it was.
    pub(crate) fn go(&mut self, to: State) {
        let result = self.state.transition(to);
        debug_assert!(result.is_ok(), "{result:?}");
    }

    pub(crate) fn partial_path(&self, suffix: &str) -> Option<PathBuf> {
        self.target.as_ref().map(|t| partial_path(t, suffix))
    }
}

/// `<target><suffix>`.
pub(crate) fn partial_path(target: &std::path::Path, suffix: &str) -> PathBuf {
    let mut s = target.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

pub(crate) struct ItemInner {
    pub(crate) id: u64,
    pub(crate) data: Mutex<ItemData>,
    pub(crate) received: AtomicU64,
    pub(crate) speed: AtomicU64,
    pub(crate) control: watch::Sender<Control>,
    pub(crate) done: watch::Sender<Option<ExternalState>>,
    /// True while the driver waits for the user (paused with its bytes synced,
    /// or interrupted), so nothing it holds is unrecorded.
    pub(crate) parked: watch::Sender<bool>,
    /// How many [`DownloadItem`] handles exist. The manager's list keeps
    /// the inner state, not a handle: with no handle and the manager
    /// closed, nobody can resume a parked item, and its task ends.
    pub(crate) handles: watch::Sender<usize>,
    pub(crate) events: broadcast::Sender<DownloadEvent>,
    pub(crate) manager_events: broadcast::Sender<DownloadEvent>,
    pub(crate) store: Option<Arc<dyn RecordStore>>,
    /// Serialises record writes so the last one written is the newest snapshot.
    pub(crate) record_lock: Mutex<()>,
    pub(crate) limiter: RateLimiter,
    pub(crate) partial_suffix: String,
}

impl std::fmt::Debug for ItemInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadItem").field("id", &self.id).finish_non_exhaustive()
    }
}

impl ItemInner {
    pub(crate) fn lock(&self) -> MutexGuard<'_, ItemData> {
        // Every update keeps ItemData consistent field by field, so a panic in
        // another thread leaves nothing half-done worth refusing to read.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn emit(&self, event: DownloadEvent) {
        // No receiver is fine: nobody listens.
        let _ = self.events.send(event.clone());
        let _ = self.manager_events.send(event);
    }

    /// `updated(state)`; always for a change of state, progress only once per
    /// `interval` (Chromium's `kUpdatePeriodMs`).
    pub(crate) fn emit_updated(&self, restarted: bool) {
        let state = {
            let mut d = self.lock();
            if d.done {
                return;
            }
            d.last_update = Some(Instant::now());
            d.state.external()
        };
        self.emit(DownloadEvent::Updated { id: self.id, state, restarted });
    }

    /// `done(state)`, at most once per item.
    pub(crate) fn emit_done(&self) {
        let state = {
            let mut d = self.lock();
            if d.done {
                return;
            }
            d.done = true;
            d.state.external()
        };
        self.speed.store(0, Ordering::Relaxed);
        // The event goes out before `wait_done` wakes, so whoever waited finds
        // `done` already in its event stream.
        self.emit(DownloadEvent::Done { id: self.id, state });
        self.done.send_replace(Some(state));
    }

    /// The record for the current state, if this item keeps one.
    pub(crate) fn record(&self) -> Option<DownloadRecord> {
        let d = self.lock();
        if d.discard {
            return None;
        }
        let target = d.target.clone()?;
        let state = match d.state {
            State::Complete => RecordState::Complete,
            State::Cancelled => RecordState::Cancelled,
            State::Interrupted => RecordState::Interrupted,
            _ => RecordState::InProgress,
        };
        let headers = d
            .headers
            .iter()
            .filter(|(name, _)| {
                let n = name.as_str();
                !SECRET_HEADERS.contains(&n) && !MANAGED_HEADERS.contains(&n)
            })
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        Some(DownloadRecord {
            id: self.id,
            url_chain: d.url_chain.iter().map(Url::to_string).collect(),
            headers,
            partial_path: partial_path(&target, &self.partial_suffix),
            target_path: target,
            mime_type: d.mime_type.clone(),
            content_disposition: d.content_disposition.clone(),
            etag: d.validators.as_ref().and_then(|v| v.etag.clone()),
            last_modified: d.validators.as_ref().and_then(|v| v.last_modified.clone()),
            total_bytes: d.total,
            committed_offset: d.committed,
            fingerprint: d.fingerprint.clone(),
            expected_sha256: d.expected_sha256.map(|h| hex(&h)),
            state,
            reason: if state == RecordState::Interrupted {
                d.reason.map(InterruptReason::code)
            } else {
                None
            },
            auto_attempts: d.auto_attempts,
            start_time: unix_seconds(d.start_time),
            end_time: d.end_time.map_or(0.0, unix_seconds),
        })
    }

    /// Writes the current record. A store failure is not fatal to the download:
    /// the previous record stays, and it is still true (offsets only grow
    /// between restarts, and a restart rewrites the record first).
    pub(crate) fn persist(&self) {
        let Some(store) = &self.store else { return };
        let _guard = self.record_lock.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(record) = self.record() {
            let _ = store.put(&record);
        }
    }

    /// A checkpoint from the writer: `offset` bytes are durable.
    pub(crate) fn durable(&self, offset: u64, fingerprint: Option<String>) {
        {
            let mut d = self.lock();
            if offset < d.committed {
                return;
            }
            d.committed = offset;
            d.fingerprint = fingerprint;
        }
        self.persist();
    }
}

fn unix_seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// One download (Electron: `DownloadItem`). Clones share the same download.
///
/// A handle keeps the download resumable after its [`DownloadManager`]
/// is dropped: an item waiting for [`Self::resume`] keeps its task while a
/// handle or the manager exists, and only then.
///
/// [`DownloadManager`]: crate::DownloadManager
#[derive(Debug)]
pub struct DownloadItem {
    pub(crate) inner: Arc<ItemInner>,
}

impl DownloadItem {
    /// A new handle on `inner`, counted in [`ItemInner::handles`].
    pub(crate) fn handle(inner: Arc<ItemInner>) -> Self {
        inner.handles.send_modify(|n| *n += 1);
        Self { inner }
    }
}

impl Clone for DownloadItem {
    fn clone(&self) -> Self {
        Self::handle(self.inner.clone())
    }
}

impl Drop for DownloadItem {
    fn drop(&mut self) {
        self.inner.handles.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl DownloadItem {
    /// The item's id, unique within its manager (and its record store).
    #[must_use]
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// Electron: `getURL()`, the last URL of the chain (after redirects).
    #[must_use]
    pub fn url(&self) -> Url {
        self.inner.lock().url.clone()
    }

    /// Electron: `getURLChain()`, every URL requested, redirects included.
    #[must_use]
    pub fn url_chain(&self) -> Vec<Url> {
        self.inner.lock().url_chain.clone()
    }

    /// Electron: `getMimeType()` (the response's `Content-Type`, without sniffing).
    #[must_use]
    pub fn mime_type(&self) -> String {
        self.inner.lock().mime_type.clone()
    }

    /// Electron: `getFilename()`, the name generated from `Content-Disposition`,
    /// the URL and the suggested name (may differ from the saved file's name).
    /// Empty until the response arrived.
    #[must_use]
    pub fn filename(&self) -> String {
        self.inner.lock().filename.clone()
    }

    /// Electron: `getSavePath()`: the chosen path, once chosen.
    #[must_use]
    pub fn save_path(&self) -> Option<PathBuf> {
        let d = self.inner.lock();
        d.target.clone().or_else(|| d.save_path.clone())
    }

    /// Electron: `setSavePath(path)`. Honoured until the target is chosen (call
    /// it from the will-download handler, or before the response arrives).
    pub fn set_save_path(&self, path: impl Into<PathBuf>) {
        self.inner.lock().save_path = Some(path.into());
    }

    /// Electron: `getTotalBytes()`; `None` when the server did not announce a
    /// length, and reset to `None` when more bytes arrive than announced
    /// (Chromium does both).
    #[must_use]
    pub fn total_bytes(&self) -> Option<u64> {
        self.inner.lock().total
    }

    /// Electron: `getReceivedBytes()`.
    #[must_use]
    pub fn received_bytes(&self) -> u64 {
        self.inner.received.load(Ordering::Relaxed)
    }

    /// Electron: `getPercentComplete()`; Chromium's -1 for an unknown total is
    /// `None`; otherwise `floor(received * 100 / total)` (100 for an empty file).
    #[must_use]
    pub fn percent_complete(&self) -> Option<u8> {
        let total = self.total_bytes()?;
        if total == 0 {
            return Some(100);
        }
        let received = u128::from(self.received_bytes().min(total));
        u8::try_from(received * 100 / u128::from(total)).ok()
    }

    /// Electron: `getCurrentBytesPerSecond()`; 0 when paused or not transferring.
    #[must_use]
    pub fn current_bytes_per_second(&self) -> u64 {
        if self.is_paused() {
            return 0;
        }
        self.inner.speed.load(Ordering::Relaxed)
    }

    /// Electron: `getContentDisposition()`, the raw header.
    #[must_use]
    pub fn content_disposition(&self) -> Option<String> {
        self.inner.lock().content_disposition.clone()
    }

    /// Electron: `getState()`.
    #[must_use]
    pub fn state(&self) -> ExternalState {
        self.inner.lock().state.external()
    }

    /// Chromium's internal state.
    #[must_use]
    pub fn internal_state(&self) -> State {
        self.inner.lock().state
    }

    /// Why the item is interrupted, while it is.
    #[must_use]
    pub fn interrupt_reason(&self) -> Option<InterruptReason> {
        let d = self.inner.lock();
        (d.state == State::Interrupted).then_some(d.reason).flatten()
    }

    /// What happens next to an interrupted item: an automatic resume (after a
    /// backoff delay), a wait for [`Self::resume`] (`UserContinue`/`UserRestart`,
    /// e.g. after 5 automatic attempts), or nothing (`Invalid`).
    #[must_use]
    pub fn resume_mode(&self) -> Option<ResumeMode> {
        let d = self.inner.lock();
        (d.state == State::Interrupted).then_some(d.mode).flatten()
    }

    /// Automatic resumes made since the last [`Self::resume`].
    #[must_use]
    pub fn auto_resume_attempts(&self) -> u32 {
        self.inner.lock().auto_attempts
    }

    /// Electron: `isPaused()`.
    #[must_use]
    pub fn is_paused(&self) -> bool {
        self.inner.lock().paused
    }

    /// Whether `done` was emitted (completed, cancelled, or interrupted for good).
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.inner.lock().done
    }

    /// Electron: `canResume()`: paused, or interrupted and waiting for the user.
    #[must_use]
    pub fn can_resume(&self) -> bool {
        let d = self.inner.lock();
        if d.done {
            return false;
        }
        match (d.state, d.mode) {
            // Paused while waiting for an automatic resume: the user decides now.
            (State::Interrupted, Some(m)) => d.state.can_resume(d.paused, m) || d.paused,
            (state, mode) => state.can_resume(d.paused, mode.unwrap_or(ResumeMode::Invalid)),
        }
    }

    /// Electron: `pause()`. Stops reading (the connection stays open) after
    /// syncing what was written; an interrupted item stops resuming by itself.
    pub fn pause(&self) {
        {
            let mut d = self.inner.lock();
            if d.done || d.paused {
                return;
            }
            d.paused = true;
        }
        self.inner.control.send_modify(|c| c.paused = true);
        self.inner.emit_updated(false);
    }

    /// Electron: `resume()`. Resumes a paused item, or an interrupted one (a new
    /// request, continuing or restarting per its resume mode). Resets the count
    /// of automatic attempts, as Chromium does for a user's resume.
    pub fn resume(&self) {
        let was_paused = {
            let mut d = self.inner.lock();
            if d.done {
                return;
            }
            let was = d.paused;
            d.paused = false;
            was
        };
        self.inner.control.send_modify(|c| {
            c.paused = false;
            c.resume_seq += 1;
        });
        if was_paused {
            self.inner.emit_updated(false);
        }
    }

    /// Electron: `cancel()`. Stops the transfer promptly and deletes the partial
    /// file; `done(cancelled)` follows.
    pub fn cancel(&self) {
        if self.inner.lock().done {
            return;
        }
        self.inner.control.send_modify(|c| c.cancelled = true);
    }

    /// Electron: `getETag()`; only a strong validator is kept.
    #[must_use]
    pub fn etag(&self) -> Option<String> {
        self.inner.lock().validators.as_ref().and_then(|v| v.etag.clone())
    }

    /// Electron: `getLastModifiedTime()`; only kept when it is a strong validator.
    #[must_use]
    pub fn last_modified(&self) -> Option<String> {
        self.inner.lock().validators.as_ref().and_then(|v| v.last_modified.clone())
    }

    /// Electron: `getStartTime()`.
    #[must_use]
    pub fn start_time(&self) -> SystemTime {
        self.inner.lock().start_time
    }

    /// Electron: `getEndTime()`; `None` until the item is done.
    #[must_use]
    pub fn end_time(&self) -> Option<SystemTime> {
        self.inner.lock().end_time
    }

    /// Limits this item to `bytes_per_second` (`None`: no item limit), at once.
    pub fn set_rate_limit(&self, bytes_per_second: Option<u64>) {
        self.inner.limiter.set_rate(bytes_per_second);
    }

    /// This item's events (`updated`, `done`).
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<DownloadEvent> {
        self.inner.events.subscribe()
    }

    /// The item's current record (`None` for a discarded download, or before its
    /// target is chosen).
    #[must_use]
    pub fn record(&self) -> Option<DownloadRecord> {
        self.inner.record()
    }

    /// Waits until the item is done and returns its final state.
    pub async fn wait_done(&self) -> ExternalState {
        let mut rx = self.inner.done.subscribe();
        loop {
            if let Some(state) = *rx.borrow_and_update() {
                return state;
            }
            if rx.changed().await.is_err() {
                return self.state();
            }
        }
    }
}
