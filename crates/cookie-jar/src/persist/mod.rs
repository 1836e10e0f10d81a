//! Persistence in a sled database (feature `sled`): [`PersistentCookieJar`].
//!
//! A persistent partition keeps its cookies in the tree `cookies` of the partition's sled
//! database (one database per partition, one tree per concern). The jar stays the in-memory
//! [`CookieJar`]; this layer loads the tree into it once and then follows its change
//! listener, the way Chromium's `SQLitePersistentCookieStore` follows `CookieMonster`.
//!
//! # Batching and durability
//!
//! Changes are queued in memory and committed to the tree as one atomic sled batch when
//! 512 operations are pending or 30 seconds have passed since the first pending one
//! (Chromium's figures). The check runs on every change, on the jar's [`Clock`], and — unless
//! [`background_commits(false)`](PersistentCookieJarBuilder::background_commits) — on a small
//! thread that wakes once a second, so a burst followed by silence is still committed after
//! 30 s as in Chromium. The thread holds only a weak reference and ends with the jar.
//!
//! Last-access updates (at most one a minute per cookie, made when a request carries the
//! cookie) are written the same way, through the jar's
//! [access listener](CookieJar::add_access_listener), so the least-recently-used order that
//! eviction follows survives a restart.
//!
//! A committed batch is in sled's log but not necessarily on disk yet. [`flush`]
//! (Electron's `cookies.flushStore()`) commits what is pending and then calls
//! [`sled::Tree::flush`], which fsyncs: once it returns `Ok`, a killed process loses nothing.
//! Dropping the jar also commits and flushes, but can only ignore a failure; call [`flush`]
//! before quitting to see it.
//!
//! # What is loaded
//!
//! Every record is decoded on open. Expired cookies are not loaded and their records are
//! deleted. Session cookies (no expiry) are neither written nor loaded, as in Electron, unless
//! the builder sets [`persist_session_cookies(true)`]; without it, session records left by an
//! earlier run that had it are deleted on open, as Chromium deletes them at start-up.
//!
//! A record that does not decode is an error ([`PersistError::CorruptRecord`] naming its key,
//! or [`PersistError::UnsupportedVersion`] for a later format); the store is then not opened
//! at all rather than opened with cookies missing, and nothing is deleted.
//!
//! # Format
//!
//! Key: the cookie's identity `(domain, path, name, host-only, partition key)`, each string
//! with a 4-byte big-endian length prefix, so no bytes inside one field can be confused with
//! another. Value: a JSON object with a format version `"v": 1` and every field of the cookie
//! (times in microseconds since the Unix epoch).
//!
//! [`flush`]: PersistentCookieJar::flush
//! [`persist_session_cookies(true)`]: PersistentCookieJarBuilder::persist_session_cookies

mod format;
mod open;

pub use open::{LOCK_WAIT, open_database};

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use crate::cookie::Cookie;
use crate::events::CookieChange;
use crate::jar::CookieJar;
use crate::time::{Clock, Timestamp};

/// The tree a partition's cookies live in.
pub const TREE_NAME: &str = "cookies";
/// Chromium's batch size: commit once this many operations are pending.
pub const DEFAULT_MAX_PENDING: usize = 512;
/// Chromium's commit interval: commit once the oldest pending operation is this old.
pub const DEFAULT_COMMIT_INTERVAL: Duration = Duration::from_secs(30);

/// A persistence failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersistError {
    /// sled failed (I/O, or its own corruption check when opening).
    #[error("cookie store: {0}")]
    Sled(#[from] sled::Error),
    /// A record could not be decoded; the store was not loaded.
    #[error("cookie store: corrupt record for {key}: {reason}")]
    CorruptRecord {
        /// The record's key, decoded into the cookie's identity when possible.
        key: String,
        /// What was wrong.
        reason: String,
    },
    /// A record was written by a later format version this build cannot read.
    #[error("cookie store: record for {key} has format version {version}, this build reads 1")]
    UnsupportedVersion {
        /// The record's key, decoded into the cookie's identity when possible.
        key: String,
        /// The version found.
        version: u64,
    },
}

/// Options for opening a [`PersistentCookieJar`].
#[derive(Debug)]
#[must_use]
pub struct PersistentCookieJarBuilder {
    jar: Option<CookieJar>,
    persist_session_cookies: bool,
    max_pending: usize,
    commit_interval: Duration,
    background_commits: bool,
}

impl Default for PersistentCookieJarBuilder {
    fn default() -> Self {
        Self {
            jar: None,
            persist_session_cookies: false,
            max_pending: DEFAULT_MAX_PENDING,
            commit_interval: DEFAULT_COMMIT_INTERVAL,
            background_commits: true,
        }
    }
}

impl PersistentCookieJarBuilder {
    /// The in-memory jar to fill (for its [`Policy`](crate::Policy) or [`Clock`]); a new
    /// [`CookieJar::new`] by default. Cookies already in it are kept but not written until
    /// they change.
    pub fn jar(mut self, jar: CookieJar) -> Self {
        self.jar = Some(jar);
        self
    }

    /// Keep session cookies across restarts (off by default, as in Electron).
    pub const fn persist_session_cookies(mut self, yes: bool) -> Self {
        self.persist_session_cookies = yes;
        self
    }

    /// Commit once this many operations are pending (512; at least 1).
    pub fn max_pending(mut self, ops: usize) -> Self {
        self.max_pending = ops.max(1);
        self
    }

    /// Commit once the oldest pending operation is this old (30 s).
    pub const fn commit_interval(mut self, interval: Duration) -> Self {
        self.commit_interval = interval;
        self
    }

    /// Run the once-a-second commit check on a background thread (on by default). Without
    /// it, pending changes are committed only by the next change that finds them due, by
    /// [`PersistentCookieJar::commit_if_due`], [`flush`](PersistentCookieJar::flush) or drop.
    pub const fn background_commits(mut self, yes: bool) -> Self {
        self.background_commits = yes;
        self
    }

    /// Opens the tree [`TREE_NAME`] of `db` and loads it.
    ///
    /// # Errors
    ///
    /// [`PersistError`] if sled fails or a record does not decode.
    pub fn open(self, db: &sled::Db) -> Result<PersistentCookieJar, PersistError> {
        let tree = db.open_tree(TREE_NAME)?;
        self.open_tree(tree)
    }

    /// Loads from, and writes to, the given tree.
    ///
    /// # Errors
    ///
    /// [`PersistError`] if sled fails or a record does not decode.
    pub fn open_tree(self, tree: sled::Tree) -> Result<PersistentCookieJar, PersistError> {
        let jar = self.jar.unwrap_or_default();
        let clock = Arc::clone(&jar.clock);
        let now = clock.now();

        // Decode everything before touching the tree or the jar: a bad record must leave
        // both exactly as they were.
        let mut cookies = Vec::new();
        let mut stale = Vec::new();
        for entry in tree.iter() {
            let (key, value) = entry?;
            let cookie = format::decode_value(&key, &value)?;
            if cookie.is_expired(now) || (cookie.is_session() && !self.persist_session_cookies) {
                stale.push(key);
            } else {
                cookies.push(cookie);
            }
        }
        jar.restore(cookies);

        let shared = Arc::new(Shared {
            tree,
            clock,
            persist_session_cookies: self.persist_session_cookies,
            max_pending: self.max_pending,
            commit_interval_micros: i64::try_from(self.commit_interval.as_micros())
                .unwrap_or(i64::MAX),
            pending: Mutex::new(Pending::default()),
        });
        {
            let mut pending = shared.lock();
            for key in stale {
                shared.queue(&mut pending, key.to_vec(), None, now);
            }
        }
        let listener = Arc::clone(&shared);
        jar.add_listener(Arc::new(move |change: &CookieChange| listener.record(change)));
        let listener = Arc::clone(&shared);
        jar.add_access_listener(Arc::new(move |cookie: &Cookie| listener.record_access(cookie)));
        if self.background_commits {
            spawn_committer(Arc::downgrade(&shared));
        }
        Ok(PersistentCookieJar { jar: Arc::new(jar), shared })
    }
}

/// A [`CookieJar`] whose cookies live in a sled tree. It dereferences to the jar, so every
/// jar method works on it; [`jar`](Self::jar) gives a shareable handle.
///
/// Electron: the cookies of a `persist:` partition, `cookies.flushStore()`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sessionkit_cookie_jar::persist::PersistentCookieJar;
///
/// let dir = tempfile::tempdir()?;
/// let db = sled::open(dir.path())?;
/// let jar = PersistentCookieJar::builder().background_commits(false).open(&db)?;
/// // ... use `jar` like a CookieJar ...
/// jar.flush()?; // on quit: everything is on disk when this returns
/// # Ok(()) }
/// ```
pub struct PersistentCookieJar {
    jar: Arc<CookieJar>,
    shared: Arc<Shared>,
}

impl fmt::Debug for PersistentCookieJar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersistentCookieJar")
            .field("jar", &self.jar)
            .field("pending_ops", &self.pending_ops())
            .finish_non_exhaustive()
    }
}

impl PersistentCookieJar {
    /// Options: session cookies, batch size and interval, the jar to fill.
    pub fn builder() -> PersistentCookieJarBuilder {
        PersistentCookieJarBuilder::default()
    }

    /// Opens `db`'s tree [`TREE_NAME`] with the default options.
    ///
    /// # Errors
    ///
    /// [`PersistError`] if sled fails or a record does not decode.
    pub fn open(db: &sled::Db) -> Result<Self, PersistError> {
        Self::builder().open(db)
    }

    /// The jar, to share (e.g. with a reqwest client) beyond this handle. Changes made
    /// through any handle are persisted.
    #[must_use]
    pub const fn jar(&self) -> &Arc<CookieJar> {
        &self.jar
    }

    /// Commits pending changes and fsyncs the tree. When this returns `Ok`, every change
    /// made before the call survives a killed process or a power cut.
    ///
    /// Electron: `cookies.flushStore()`.
    ///
    /// # Errors
    ///
    /// [`PersistError::Sled`] if the write or the fsync fails; the changes stay pending and
    /// the next commit retries them.
    pub fn flush(&self) -> Result<(), PersistError> {
        self.shared.commit(&mut self.shared.lock())?;
        self.shared.tree.flush()?;
        Ok(())
    }

    /// Commits pending changes if the batch is full or old enough; returns whether it did.
    /// For callers that turned the background thread off and keep their own timer.
    ///
    /// # Errors
    ///
    /// [`PersistError::Sled`] if the write fails; the changes stay pending.
    pub fn commit_if_due(&self) -> Result<bool, PersistError> {
        self.shared.commit_if_due()
    }

    /// Operations queued and not yet committed to the tree.
    #[must_use]
    pub fn pending_ops(&self) -> usize {
        self.shared.lock().ops
    }

    /// The last commit failure seen where it could not be returned (in the change listener
    /// or the background thread), taken out so it is reported once.
    #[must_use]
    pub fn take_deferred_error(&self) -> Option<PersistError> {
        self.shared.lock().deferred_error.take()
    }
}

impl Deref for PersistentCookieJar {
    type Target = CookieJar;

    fn deref(&self) -> &CookieJar {
        &self.jar
    }
}

impl Drop for PersistentCookieJar {
    fn drop(&mut self) {
        // Best effort: a failure here has nowhere to go (see `flush`).
        let _ = self.flush();
    }
}

#[derive(Default)]
struct Pending {
    /// The latest write per key (`None` = delete); later changes to a key replace earlier ones,
    /// so a batch applies only final states.
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// Operations since the last commit, counted before coalescing, as Chromium counts them.
    ops: usize,
    first_at: Option<Timestamp>,
    deferred_error: Option<PersistError>,
}

struct Shared {
    tree: sled::Tree,
    clock: Arc<dyn Clock>,
    persist_session_cookies: bool,
    max_pending: usize,
    commit_interval_micros: i64,
    pending: Mutex<Pending>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    const fn persists(&self, cookie: &Cookie) -> bool {
        self.persist_session_cookies || !cookie.is_session()
    }

    fn queue(&self, pending: &mut Pending, key: Vec<u8>, value: Option<Vec<u8>>, now: Timestamp) {
        pending.writes.insert(key, value);
        pending.ops += 1;
        pending.first_at.get_or_insert(now);
    }

    fn is_due(&self, pending: &Pending, now: Timestamp) -> bool {
        pending.ops >= self.max_pending
            || pending.first_at.is_some_and(|t| now.micros_since(t) >= self.commit_interval_micros)
    }

    /// The change listener; runs under the jar's lock, so it only queues and, when due,
    /// applies one batch.
    fn record(&self, change: &CookieChange) {
        let now = self.clock.now();
        let mut pending = self.lock();
        let key = format::encode_key(&change.cookie);
        if change.removed {
            self.queue(&mut pending, key, None, now);
        } else if self.persists(&change.cookie) {
            self.queue(&mut pending, key, Some(format::encode_value(&change.cookie)), now);
        }
        // A session cookie that is not persisted records nothing: if it replaced a stored
        // cookie, the overwrite's removal event already queued the delete.
        if self.is_due(&pending, now)
            && let Err(e) = self.commit(&mut pending)
        {
            pending.deferred_error = Some(e);
        }
    }

    /// The access listener: a last-access update rewrites the record (one operation
    /// in the batch, as Chromium's `UpdateCookieAccessTime`), so that eviction order
    /// after a restart follows real use.
    fn record_access(&self, cookie: &Cookie) {
        if !self.persists(cookie) {
            return;
        }
        let now = self.clock.now();
        let mut pending = self.lock();
        self.queue(
            &mut pending,
            format::encode_key(cookie),
            Some(format::encode_value(cookie)),
            now,
        );
        if self.is_due(&pending, now)
            && let Err(e) = self.commit(&mut pending)
        {
            pending.deferred_error = Some(e);
        }
    }

    fn commit_if_due(&self) -> Result<bool, PersistError> {
        let mut pending = self.lock();
        if !self.is_due(&pending, self.clock.now()) {
            return Ok(false);
        }
        self.commit(&mut pending)?;
        Ok(true)
    }

    fn commit(&self, pending: &mut Pending) -> Result<(), PersistError> {
        if pending.writes.is_empty() {
            pending.ops = 0;
            pending.first_at = None;
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for (key, value) in &pending.writes {
            match value {
                Some(value) => batch.insert(key.as_slice(), value.as_slice()),
                None => batch.remove(key.as_slice()),
            }
        }
        // On failure the writes stay queued: the next commit retries all of them.
        self.tree.apply_batch(batch)?;
        pending.writes.clear();
        pending.ops = 0;
        pending.first_at = None;
        pending.deferred_error = None;
        Ok(())
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The jar can outlive its `PersistentCookieJar` through `jar()`; the last change it
        // made is committed when the listener (and with it this value) goes away.
        let pending = self.pending.get_mut().unwrap_or_else(PoisonError::into_inner);
        let mut taken = std::mem::take(pending);
        if self.commit(&mut taken).is_ok() {
            let _ = self.tree.flush();
        }
    }
}

fn spawn_committer(shared: Weak<Shared>) {
    // If the thread cannot be spawned, commits still happen on changes, flush and drop.
    let _ = std::thread::Builder::new().name("cookie-jar-commit".to_owned()).spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let Some(shared) = shared.upgrade() else { return };
            if let Err(e) = shared.commit_if_due() {
                shared.lock().deferred_error = Some(e);
            }
        }
    });
}
