//! `Session::cookies()`: the partition's cookie jar, in memory or in the
//! partition's sled database.

use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sessionkit_cookie_jar::CookieJar;
use sessionkit_cookie_jar::persist::{self, PersistentCookieJar};

use crate::Error;
use crate::session::Session;

/// Name of the sled database inside a session directory (a directory that
/// sled manages). One database per persistent session, one tree per concern:
/// cookies live in its tree `cookies`
/// ([`TREE_NAME`](sessionkit_cookie_jar::persist::TREE_NAME)).
///
/// Electron keeps its cookies in `<session dir>/Cookies` (SQLite); sessionkit
/// uses `<session dir>/sessionkit.sled`.
pub const DATABASE_DIR_NAME: &str = "sessionkit.sled";

/// The jar of a session once it is open: memory, or memory backed by sled.
#[derive(Clone)]
pub(crate) enum CookieStore {
    /// An in-memory partition: the jar goes with the session.
    Memory(Arc<CookieJar>),
    /// A persistent session: its jar follows the sled tree `cookies`.
    Persistent(Arc<PersistentCookieJar>),
}

impl CookieStore {
    pub(crate) fn memory() -> Self {
        Self::Memory(Arc::new(CookieJar::new()))
    }

    /// Opens (creating if needed) the database of the session directory
    /// `dir` and loads its cookies. Nothing is deleted or rewritten when a
    /// record does not decode: the open fails instead.
    pub(crate) fn open(
        db: &sled::Db,
        dir: &Path,
        persist_session_cookies: bool,
    ) -> Result<Self, Error> {
        let jar = PersistentCookieJar::builder()
            .persist_session_cookies(persist_session_cookies)
            .open(db)
            .map_err(|source| Error::CookieStore {
                op: "open",
                path: database_path(dir),
                source,
            })?;
        Ok(Self::Persistent(Arc::new(jar)))
    }

    fn jar(&self) -> &Arc<CookieJar> {
        match self {
            Self::Memory(jar) => jar,
            Self::Persistent(persistent) => persistent.jar(),
        }
    }
}

/// The database directory of a session directory.
pub(crate) fn database_path(dir: &Path) -> PathBuf {
    dir.join(DATABASE_DIR_NAME)
}

/// Opens the sled database of a session directory. sled creates the
/// directory and refuses a database another process has open (its own lock);
/// the jar's opener waits out the lock a just-closed handle still holds.
pub(crate) fn open_database(dir: &Path) -> Result<sled::Db, Error> {
    let path = database_path(dir);
    persist::open_database(&path).map_err(|e| Error::CookieStore {
        op: "open",
        path,
        source: e.into(),
    })
}

/// A session's cookies: a handle to its [`CookieJar`], which it dereferences
/// to, so Electron's API is there — [`get`](CookieJar::get),
/// [`set`](CookieJar::set), [`remove`](CookieJar::remove),
/// [`subscribe`](CookieJar::subscribe) for `changed` — beside the HTTP side
/// ([`set_cookie`](CookieJar::set_cookie),
/// [`cookie_header`](CookieJar::cookie_header)).
///
/// A persistent session's changes are committed to its database in batches
/// (see [`sessionkit_cookie_jar::persist`]); [`Cookies::flush`] writes
/// everything now. The handle keeps its session alive; when the last handle
/// of the session goes, pending changes are committed and flushed.
///
/// Electron: `ses.cookies` (a `Cookies` object).
#[derive(Clone)]
pub struct Cookies {
    store: CookieStore,
    // Keeps the session, its lock file and its database open while the jar
    // is in use, so a partition can't be deleted under a live jar.
    session: Session,
}

impl Cookies {
    pub(crate) fn new(store: CookieStore, session: Session) -> Self {
        Self { store, session }
    }

    /// Commits pending changes and fsyncs the database; a no-op in memory.
    /// When it returns `Ok`, every change made before survives a crash.
    ///
    /// Electron: `cookies.flushStore()`.
    ///
    /// # Errors
    ///
    /// [`Error::CookieStore`] when writing fails; the changes stay pending
    /// and the next commit retries them.
    pub fn flush(&self) -> Result<(), Error> {
        match &self.store {
            CookieStore::Memory(_) => Ok(()),
            CookieStore::Persistent(jar) => jar.flush().map_err(|source| Error::CookieStore {
                op: "write",
                path: self.session.storage_path().map(database_path).unwrap_or_default(),
                source,
            }),
        }
    }

    /// The jar itself, to share beyond this handle (e.g. with an HTTP
    /// client through the cookie-jar crate's `reqwest` feature). Changes
    /// made through it are persisted too, but it does not keep the session
    /// alive.
    #[must_use]
    pub fn jar(&self) -> &Arc<CookieJar> {
        self.store.jar()
    }

    /// Whether the cookies live on disk (the session is persistent).
    #[must_use]
    pub fn is_persistent(&self) -> bool {
        matches!(self.store, CookieStore::Persistent(_))
    }

    /// The session these cookies belong to.
    #[must_use]
    pub fn session(&self) -> &Session {
        &self.session
    }
}

impl Deref for Cookies {
    type Target = CookieJar;

    fn deref(&self) -> &CookieJar {
        self.store.jar()
    }
}

impl fmt::Debug for Cookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cookies")
            .field("persistent", &self.is_persistent())
            .field("len", &self.len())
            .field("session", &self.session)
            .finish()
    }
}
