//! [`CookieJar`]: the thread-safe jar, its [`Policy`], listeners and subscribers.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::broadcast;

use crate::cookie::Cookie;
use crate::events::{AccessListener, ChangeCause, Changes, CookieChange, Listener};
use crate::store::Store;
use crate::time::{Clock, SystemClock, Timestamp};

/// Limits, Chromium's values by default (`cookie_monster.h`, `cookie_constants.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Unpartitioned cookies per registrable domain before a purge (180).
    pub domain_max: usize,
    /// A per-domain purge removes down to `domain_max - domain_purge` (30, so 150).
    pub domain_purge: usize,
    /// Per-domain quotas protected from eviction for Low, Medium, High (30, 50, 70).
    pub priority_quotas: [usize; 3],
    /// Cookies in the whole jar before a global purge (3300).
    pub global_max: usize,
    /// A global purge removes down to `global_max - global_purge` (300, so 3000).
    pub global_purge: usize,
    /// Cookies accessed in the last this-many days escape the global purge (30).
    pub global_safe_days: i64,
    /// Partitioned cookies per partition and registrable domain (180).
    pub partition_domain_max: usize,
    /// Bytes of name + value per partition and registrable domain (10 KiB).
    pub partition_domain_max_bytes: usize,
    /// The longest lifetime a cookie may ask for, in days (400).
    pub max_age_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            domain_max: 180,
            domain_purge: 30,
            priority_quotas: [30, 50, 70],
            global_max: 3300,
            global_purge: 300,
            global_safe_days: 30,
            partition_domain_max: 180,
            partition_domain_max_bytes: 10 * 1024,
            max_age_days: 400,
        }
    }
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    listeners: Vec<Listener>,
    access_listeners: Vec<AccessListener>,
}

/// A cookie jar with Chromium's rules. `Send + Sync`: share it in an [`Arc`].
///
/// Every operation locks one internal mutex; change listeners run under it, in
/// order, so a persistence layer sees changes exactly in the order they happened.
pub struct CookieJar {
    pub(crate) inner: Mutex<Inner>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) policy: Policy,
    sender: broadcast::Sender<CookieChange>,
}

impl fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieJar")
            .field("len", &self.len())
            .field("clock", &self.clock)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Default for CookieJar {
    fn default() -> Self {
        Self::new()
    }
}

/// Capacity of the broadcast channel behind [`CookieJar::subscribe`]; a receiver
/// that falls further behind sees `RecvError::Lagged`.
pub const EVENT_CAPACITY: usize = 1024;

impl CookieJar {
    /// An empty jar on the system clock with Chromium's limits.
    #[must_use]
    pub fn new() -> Self {
        Self::with_policy(Policy::default(), Arc::new(SystemClock))
    }

    /// An empty jar on the given clock.
    #[must_use]
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::with_policy(Policy::default(), clock)
    }

    /// An empty jar with the given limits and clock.
    #[must_use]
    pub fn with_policy(policy: Policy, clock: Arc<dyn Clock>) -> Self {
        let (sender, _) = broadcast::channel(EVENT_CAPACITY);
        Self {
            inner: Mutex::new(Inner {
                store: Store::default(),
                listeners: Vec::new(),
                access_listeners: Vec::new(),
            }),
            clock,
            policy,
            sender,
        }
    }

    /// The limits in force.
    #[must_use]
    pub const fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The jar's current time.
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Adds a synchronous change hook. It runs for every change, in order, while
    /// the jar is locked: keep it short and never call back into the jar from it
    /// (that would deadlock). Meant for persistence, which batches writes.
    pub fn add_listener(&self, listener: Listener) {
        self.lock().listeners.push(listener);
    }

    /// Adds a synchronous hook for last-access updates: when
    /// [`cookies_for`](Self::cookies_for) (or [`cookie_header`](Self::cookie_header))
    /// moves a cookie's last-access time, which happens at most once a minute per
    /// cookie, the hook gets the updated cookie. Same rules as
    /// [`add_listener`](Self::add_listener): it runs under the jar's lock and must
    /// not call back into the jar. These updates are not [`CookieChange`]s and
    /// never reach [`subscribe`](Self::subscribe) receivers. Meant for
    /// persistence, so that eviction order survives a restart.
    pub fn add_access_listener(&self, listener: AccessListener) {
        self.lock().access_listeners.push(listener);
    }

    /// A receiver of every later change (Electron's `cookies.on('changed')`).
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<CookieChange> {
        self.sender.subscribe()
    }

    /// Number of cookies stored (expired ones not yet collected included).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().store.len()
    }

    /// No cookies stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every unexpired cookie, longest path first, then oldest first. Expired
    /// cookies are removed first (cause `expired`).
    #[must_use]
    pub fn all_cookies(&self) -> Vec<Cookie> {
        self.with_store(|store, now, changes| {
            crate::eviction::remove_expired_everywhere(store, now, changes);
            let mut all: Vec<Cookie> = store.iter().cloned().collect();
            crate::retrieval::sort_for_header(&mut all);
            all
        })
    }

    /// Bulk-loads stored cookies (e.g. from disk) without events and without the
    /// creation rules. Only sanity is checked: expired cookies and cookies with an
    /// empty domain or with neither name nor value are skipped; a cookie
    /// equivalent to one already present replaces it. Returns how many were loaded.
    pub fn restore(&self, cookies: Vec<Cookie>) -> usize {
        let now = self.clock.now();
        let mut inner = self.lock();
        let mut loaded = 0;
        for cookie in cookies {
            if cookie.is_expired(now)
                || cookie.domain().is_empty()
                || (cookie.name().is_empty() && cookie.value().is_empty())
            {
                continue;
            }
            inner.store.take_equivalent(&cookie);
            inner.store.insert(cookie);
            loaded += 1;
        }
        loaded
    }

    /// Removes every cookie (cause `explicit`); returns how many.
    pub fn clear(&self) -> usize {
        self.with_store(|store, _, changes| {
            let removed = store.remove_all(|_| true);
            let n = removed.len();
            changes.extend(removed, ChangeCause::Explicit);
            n
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the locked store with the current time, then delivers the
    /// changes it recorded to listeners (still under the lock) and subscribers.
    pub(crate) fn with_store<R>(
        &self,
        f: impl FnOnce(&mut Store, Timestamp, &mut Changes) -> R,
    ) -> R {
        self.with_store_accessed(|store, now, changes, _| f(store, now, changes))
    }

    /// [`with_store`](Self::with_store) that may also report last-access updates
    /// (delivered to access listeners first, then the changes).
    pub(crate) fn with_store_accessed<R>(
        &self,
        f: impl FnOnce(&mut Store, Timestamp, &mut Changes, &mut Vec<Cookie>) -> R,
    ) -> R {
        let now = self.clock.now();
        let mut inner = self.lock();
        // Events are built only for someone: a listener or a subscriber that
        // exists now. (One subscribing while this call runs was never sure to
        // see its changes.)
        let wanted = !inner.listeners.is_empty() || self.sender.receiver_count() > 0;
        let mut changes = Changes::new(wanted);
        let mut accessed = Vec::new();
        let result = f(&mut inner.store, now, &mut changes, &mut accessed);
        for cookie in &accessed {
            for listener in &inner.access_listeners {
                listener(cookie);
            }
        }
        for change in changes.into_vec() {
            for listener in &inner.listeners {
                listener(&change);
            }
            // No receivers is not an error.
            let _ = self.sender.send(change);
        }
        result
    }
}
