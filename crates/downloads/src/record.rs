//! The small record kept per download, so a download survives its process.
//!
//! A record says what a later process needs to resume: the URL chain, the request
//! headers (without secrets), the paths, the MIME type, the validators, the total,
//! the **committed offset** and a fingerprint of the bytes just before it, the state
//! and reason, the automatic attempts and the start time. The manager writes a
//! record only after the bytes it describes were synced to disk, so its offset
//! never exceeds what a crash can leave behind.
//!
//! Chromium keeps the same facts in its download database (`DownloadDBEntry`) and,
//! on start-up, turns every entry still in progress into an interrupted one with
//! reason `CRASH` (`download_db_cache.cc`); [`crate::DownloadManager::restore`]
//! does the same.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::reason::InterruptReason;
use crate::validators::Validators;

/// Request headers never written to a record: the session adds its own cookies
/// and credentials again on every request.
pub const SECRET_HEADERS: &[&str] = &["cookie", "authorization", "proxy-authorization"];

/// Headers the downloader sets itself on every attempt; a record does not keep them.
pub(crate) const MANAGED_HEADERS: &[&str] = &["range", "if-range", "accept-encoding"];

/// A download's state as recorded (Electron's states, plus "in progress" for the
/// crash check).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordState {
    /// Bytes were flowing when the record was written.
    InProgress,
    /// Stopped with [`DownloadRecord::reason`].
    Interrupted,
    /// Finished: the file is at its target path.
    Complete,
    /// Cancelled: the partial file is gone.
    Cancelled,
}

/// One download's persistent record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownloadRecord {
    /// The item's id, unique within its manager's store.
    pub id: u64,
    /// Every URL requested, redirects included; the last one is resumed.
    pub url_chain: Vec<String>,
    /// The caller's request headers, minus [`SECRET_HEADERS`] and the range headers
    /// the downloader manages.
    pub headers: Vec<(String, String)>,
    /// The final path.
    pub target_path: PathBuf,
    /// Where the bytes are written until the download completes.
    pub partial_path: PathBuf,
    /// The response's MIME type.
    pub mime_type: String,
    /// The raw `Content-Disposition` header.
    pub content_disposition: Option<String>,
    /// The strong `ETag`, if any.
    pub etag: Option<String>,
    /// The strong `Last-Modified`, if any.
    pub last_modified: Option<String>,
    /// The complete length, when the server announced it.
    pub total_bytes: Option<u64>,
    /// Bytes known to be durable in the partial file.
    pub committed_offset: u64,
    /// SHA-256 (hex) of up to [`FINGERPRINT_LEN`] bytes ending at the committed offset.
    pub fingerprint: Option<String>,
    /// The expected SHA-256 (hex) of the whole file, if the caller gave one.
    pub expected_sha256: Option<String>,
    /// The state when the record was written.
    pub state: RecordState,
    /// Chromium's interrupt reason code, for an interrupted download.
    pub reason: Option<u8>,
    /// Automatic resumes made since the last user resume.
    pub auto_attempts: u32,
    /// Start time, Unix seconds.
    pub start_time: f64,
    /// End time, Unix seconds (0 until done).
    pub end_time: f64,
}

/// How many bytes before the committed offset the fingerprint covers.
pub const FINGERPRINT_LEN: u64 = 64 * 1024;

impl DownloadRecord {
    /// The interrupt reason, if the code is one of Chromium's.
    #[must_use]
    pub fn interrupt_reason(&self) -> Option<InterruptReason> {
        self.reason.and_then(InterruptReason::from_code)
    }

    /// The validators to resume with, when any was strong.
    #[must_use]
    pub fn validators(&self) -> Option<Validators> {
        (self.etag.is_some() || self.last_modified.is_some()).then(|| Validators {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
        })
    }

    /// The record as JSON bytes.
    ///
    /// # Errors
    /// [`Error::Record`] if serialisation fails (it does not for valid records).
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self).map_err(|e| Error::Record(e.to_string()))
    }

    /// A record from JSON bytes.
    ///
    /// # Errors
    /// [`Error::Record`] when the bytes are not a record.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(bytes).map_err(|e| Error::Record(e.to_string()))
    }
}

/// Keeps download records. Each `put` replaces the whole record at once.
pub trait RecordStore: Send + Sync + 'static {
    /// Writes (or replaces) a record atomically.
    ///
    /// # Errors
    /// [`Error::Store`] when the storage fails.
    fn put(&self, record: &DownloadRecord) -> Result<(), Error>;

    /// Removes a record; absent is not an error.
    ///
    /// # Errors
    /// [`Error::Store`] when the storage fails.
    fn remove(&self, id: u64) -> Result<(), Error>;

    /// Every record, in id order. Unreadable entries are skipped by the store's
    /// own rules (see each implementation).
    ///
    /// # Errors
    /// [`Error::Store`] when the storage fails.
    fn load(&self) -> Result<Vec<DownloadRecord>, Error>;
}

/// Records in memory (in-memory partitions, tests).
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<BTreeMap<u64, DownloadRecord>>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, DownloadRecord>> {
        // A panic elsewhere while holding the lock cannot leave a half-written
        // record (each value is replaced whole), so the data stays usable.
        self.records.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl RecordStore for MemoryStore {
    fn put(&self, record: &DownloadRecord) -> Result<(), Error> {
        self.lock().insert(record.id, record.clone());
        Ok(())
    }

    fn remove(&self, id: u64) -> Result<(), Error> {
        self.lock().remove(&id);
        Ok(())
    }

    fn load(&self) -> Result<Vec<DownloadRecord>, Error> {
        Ok(self.lock().values().cloned().collect())
    }
}

/// Records as JSON files in a directory, `<id>.json`, each written to a temporary
/// file, synced, then renamed over the old one (for programs without sled).
#[derive(Clone, Debug)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Records in `dir`, created if missing.
    ///
    /// # Errors
    /// [`Error::Store`] when the directory cannot be created.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, Error> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::Store(format!("{}: {e}", dir.display())))?;
        Ok(Self { dir })
    }

    fn path(&self, id: u64) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }
}

fn fs_err(path: &std::path::Path, e: &std::io::Error) -> Error {
    Error::Store(format!("{}: {e}", path.display()))
}

impl RecordStore for FileStore {
    fn put(&self, record: &DownloadRecord) -> Result<(), Error> {
        use std::io::Write as _;
        let path = self.path(record.id);
        let tmp = self.dir.join(format!("{}.json.tmp", record.id));
        let mut file = std::fs::File::create(&tmp).map_err(|e| fs_err(&tmp, &e))?;
        file.write_all(&record.to_json()?).map_err(|e| fs_err(&tmp, &e))?;
        file.sync_all().map_err(|e| fs_err(&tmp, &e))?;
        std::fs::rename(&tmp, &path).map_err(|e| fs_err(&path, &e))?;
        // Make the rename itself durable where directories can be synced (not
        // on Windows, where opening a directory fails: the rename stands as is).
        if let Ok(dir) = std::fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    fn remove(&self, id: u64) -> Result<(), Error> {
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(fs_err(&path, &e)),
            _ => Ok(()),
        }
    }

    /// Files that are not records (temporary files of an interrupted write,
    /// anything else) are skipped.
    fn load(&self) -> Result<Vec<DownloadRecord>, Error> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| fs_err(&self.dir, &e))?;
        let mut out: Vec<DownloadRecord> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| std::fs::read(e.path()).ok())
            .filter_map(|bytes| DownloadRecord::from_json(&bytes).ok())
            .collect();
        out.sort_by_key(|r| r.id);
        Ok(out)
    }
}

#[cfg(feature = "sled")]
pub use self::sled_store::SledStore;

#[cfg(feature = "sled")]
mod sled_store {
    use super::{DownloadRecord, RecordStore};
    use crate::error::Error;

    /// Records in a `sled::Tree` the caller opened (the facade passes its
    /// partition database's `downloads` tree). Keys are big-endian ids, values
    /// JSON. Each `put` is one sled insert followed by a flush, so a record is
    /// either the old one or the new one after a crash.
    #[derive(Clone, Debug)]
    pub struct SledStore {
        tree: sled::Tree,
    }

    impl SledStore {
        /// The name the facade gives the tree.
        pub const TREE_NAME: &'static str = "downloads";

        /// Wraps a tree.
        #[must_use]
        pub const fn new(tree: sled::Tree) -> Self {
            Self { tree }
        }
    }

    fn store_err(e: &sled::Error) -> Error {
        Error::Store(e.to_string())
    }

    impl RecordStore for SledStore {
        fn put(&self, record: &DownloadRecord) -> Result<(), Error> {
            self.tree
                .insert(record.id.to_be_bytes(), record.to_json()?)
                .map_err(|e| store_err(&e))?;
            self.tree.flush().map_err(|e| store_err(&e))?;
            Ok(())
        }

        fn remove(&self, id: u64) -> Result<(), Error> {
            self.tree.remove(id.to_be_bytes()).map_err(|e| store_err(&e))?;
            self.tree.flush().map_err(|e| store_err(&e))?;
            Ok(())
        }

        /// Entries that do not parse as records are skipped (a record written by
        /// a newer version, say), never a reason to lose the others.
        fn load(&self) -> Result<Vec<DownloadRecord>, Error> {
            let mut out = Vec::new();
            for entry in &self.tree {
                let (_, value) = entry.map_err(|e| store_err(&e))?;
                if let Ok(record) = DownloadRecord::from_json(&value) {
                    out.push(record);
                }
            }
            Ok(out)
        }
    }
}
