//! The registry that hands out one `Session` per partition, and the
//! process-wide instance behind `Session::from_partition`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use crate::data_dir::{self, PARTITIONS_DIR};
use crate::lock::{self, Exclusive};
use crate::partition::{self, PERSIST_PREFIX, PartitionId};
use crate::session::{Inner, Origin, PartitionOptions, Session};
use crate::{Error, InUseBy};

/// What identifies a live session. Every on-disk session is keyed on its
/// directory, so `from_path` on a partition's folder (or on the data
/// directory) gives the session that already owns it, never a second one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Memory(String),
    Disk(PathBuf),
}

/// A set of sessions sharing one data directory: same name, same instance.
///
/// The registry holds weak handles only, so it never keeps a session alive.
/// Most programs use the process-wide registry through
/// [`Session::from_partition`]; a `Sessions` of your own is useful for tests
/// and for programs that manage several data directories. Two registries on
/// the same directory do not share instances, but the lock file still stops
/// one from deleting a partition the other uses.
///
/// Cloning is cheap and clones share the registry.
#[derive(Debug, Clone)]
pub struct Sessions {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    data_dir: PathBuf,
    live: Mutex<HashMap<Key, Weak<Inner>>>,
}

/// One row of [`Sessions::list_partitions`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PartitionInfo {
    /// The canonical partition name: `""` for the default session,
    /// `persist:NAME` on disk, the name itself in memory.
    pub name: String,
    /// Whether it lives on disk.
    pub persistent: bool,
    /// Its directory, `None` in memory.
    pub path: Option<PathBuf>,
    /// Whether a live session holds it (in this registry, or — for a
    /// `persist:` partition — through its lock file, in any process).
    pub in_use: bool,
}

impl Sessions {
    /// A registry whose sessions live under `data_dir`. A relative path is
    /// taken from the current directory now. Nothing is created on disk
    /// until a persistent session needs it.
    ///
    /// # Errors
    ///
    /// [`Error::RelativePath`] for an empty path, [`Error::Io`] when the
    /// current directory can't be read.
    pub fn new(data_dir: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(Self::at(data_dir::absolute(data_dir.as_ref())?))
    }

    fn at(data_dir: PathBuf) -> Self {
        Self { shared: Arc::new(Shared { data_dir, live: Mutex::new(HashMap::new()) }) }
    }

    /// The data directory (absolute).
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        &self.shared.data_dir
    }

    /// The session for `partition`, created on first use with `options`;
    /// later calls get the same instance and their options are ignored.
    ///
    /// * `""` — the default session, at the data directory's root;
    /// * `persist:NAME` — on disk in `<data>/Partitions/<NAME encoded>/`;
    ///   the prefix is exact and case-sensitive, and `NAME` is folded to
    ///   ASCII lower case, so `persist:Foo` *is* `persist:foo`;
    /// * anything else — in memory, case-sensitive, gone with its last handle.
    ///
    /// No name can reach outside `<data>/Partitions/`: every byte except
    /// `[a-z0-9_-]` is written `%XX` in the folder name.
    ///
    /// Electron: `session.fromPartition(partition, { cache })`. Electron keys
    /// its registry on the raw name but lower-cases the folder, so
    /// `persist:Foo` and `persist:foo` are two live sessions sharing one
    /// folder; here they are one session.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPartitionName`] for `persist:` with an empty name or a
    /// name too long for a folder; [`Error::Io`] when the folder or its lock
    /// file can't be created; [`Error::PartitionInUse`] when another process
    /// keeps deleting it.
    pub fn from_partition(
        &self,
        partition: &str,
        options: PartitionOptions,
    ) -> Result<Session, Error> {
        match partition::normalize(partition)? {
            PartitionId::Default => Ok(self.default_with(options)),
            PartitionId::InMemory(name) => {
                let mut live = self.lock_live();
                Ok(get_or_insert(&mut live, Key::Memory(name.clone()), || {
                    Ok(Session::new(Origin::Partition(name), None, options, None))
                })?)
            }
            id @ PartitionId::Persistent { .. } => {
                let path = self.dir_of(&id);
                let mut live = self.lock_live();
                get_or_insert(&mut live, Key::Disk(path.clone()), || {
                    let name = id.canonical();
                    let lock = lock::acquire_shared(&path, || Error::PartitionInUse {
                        name: name.clone(),
                        by: InUseBy::AnotherHolder,
                    })?;
                    Ok(Session::new(
                        Origin::Partition(name),
                        Some(path.clone()),
                        options,
                        Some(lock),
                    ))
                })
            }
        }
    }

    /// The default session, stored at the data directory's root (not under
    /// `Partitions/`). Its directory is created when something is first
    /// stored; it takes no lock because it can't be deleted.
    ///
    /// Electron: `session.defaultSession`.
    #[must_use]
    pub fn default_session(&self) -> Session {
        self.default_with(PartitionOptions::default())
    }

    fn default_with(&self, options: PartitionOptions) -> Session {
        let mut live = self.lock_live();
        let key = Key::Disk(self.shared.data_dir.clone());
        if let Some(session) = lookup(&live, &key) {
            return session;
        }
        let session = Session::new(
            Origin::Partition(String::new()),
            Some(self.shared.data_dir.clone()),
            options,
            None,
        );
        live.insert(key, session.downgrade());
        session
    }

    /// The session stored in the directory `path`, created (with the
    /// directory and its lock file) on first use; the same directory gives
    /// the same instance, also when it is a partition's folder or the data
    /// directory. Paths are compared by their components, without resolving
    /// symbolic links or `..`.
    ///
    /// Electron: `session.fromPath(path, { cache })`.
    ///
    /// # Errors
    ///
    /// [`Error::RelativePath`] unless `path` is absolute (Electron throws on
    /// an empty or relative path); [`Error::Io`] when the directory or lock
    /// file can't be created.
    pub fn from_path(
        &self,
        path: impl AsRef<Path>,
        options: PartitionOptions,
    ) -> Result<Session, Error> {
        let path = path.as_ref();
        if !path.is_absolute() {
            return Err(Error::RelativePath { path: path.to_path_buf() });
        }
        let path: PathBuf = path.components().collect();
        let mut live = self.lock_live();
        get_or_insert(&mut live, Key::Disk(path.clone()), || {
            let lock = lock::acquire_shared(&path, || Error::PartitionInUse {
                name: path.display().to_string(),
                by: InUseBy::AnotherHolder,
            })?;
            Ok(Session::new(Origin::Path, Some(path.clone()), options, Some(lock)))
        })
    }

    /// Where `partition` keeps its data: `None` in memory, the data directory
    /// for `""`, `<data>/Partitions/<NAME encoded>` for `persist:NAME`. Looks
    /// at nothing on disk.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPartitionName`] as for [`Sessions::from_partition`].
    pub fn partition_path(&self, partition: &str) -> Result<Option<PathBuf>, Error> {
        Ok(match partition::normalize(partition)? {
            PartitionId::Default => Some(self.shared.data_dir.clone()),
            PartitionId::InMemory(_) => None,
            id @ PartitionId::Persistent { .. } => Some(self.dir_of(&id)),
        })
    }

    /// The default session (when its directory exists or it is live), the
    /// live in-memory partitions, and every persistent partition on disk,
    /// default first, then by name. Sessions made with `from_path` outside
    /// `Partitions/` are not partitions and are not listed; folders under
    /// `Partitions/` that no partition name encodes to are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `Partitions/` or a lock file can't be read.
    pub fn list_partitions(&self) -> Result<Vec<PartitionInfo>, Error> {
        let live = self.lock_live();
        let is_live = |key: &Key| live.get(key).is_some_and(|weak| weak.strong_count() > 0);
        let data_dir = &self.shared.data_dir;
        let mut rows = Vec::new();

        let default_live = is_live(&Key::Disk(data_dir.clone()));
        if default_live || data_dir.is_dir() {
            rows.push(PartitionInfo {
                name: String::new(),
                persistent: true,
                path: Some(data_dir.clone()),
                in_use: default_live,
            });
        }
        for key in live.keys() {
            if let Key::Memory(name) = key
                && is_live(key)
            {
                rows.push(PartitionInfo {
                    name: name.clone(),
                    persistent: false,
                    path: None,
                    in_use: true,
                });
            }
        }

        let partitions = data_dir.join(PARTITIONS_DIR);
        let entries = match fs::read_dir(&partitions) {
            Ok(entries) => Some(entries),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io("read the directory", &partitions, e)),
        };
        for entry in entries.into_iter().flatten() {
            let entry = entry.map_err(|e| Error::io("read the directory", &partitions, e))?;
            let Some(folded) = entry.file_name().to_str().and_then(partition::decode_dir_name)
            else {
                continue;
            };
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            let in_use = is_live(&Key::Disk(path.clone())) || lock::is_held(&path)?;
            rows.push(PartitionInfo {
                name: format!("{PERSIST_PREFIX}{folded}"),
                persistent: true,
                path: Some(path),
                in_use,
            });
        }
        // The default session's name is "", so it sorts first.
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(rows)
    }

    /// Deletes a persistent partition's folder and everything in it, and
    /// returns the path it had.
    ///
    /// Refused while the partition is in use: by a live session of this
    /// registry, or by any session holding its lock file (another registry
    /// or another process). The folder is first renamed to a hidden name
    /// while the lock is held, so a session opening concurrently starts
    /// afresh instead of finding half-deleted data.
    ///
    /// Electron has no such call (apps delete the folder themselves).
    ///
    /// # Errors
    ///
    /// [`Error::NotPersistent`] unless `partition` is `persist:NAME`;
    /// [`Error::PartitionNotFound`] when it has no folder;
    /// [`Error::PartitionInUse`]; [`Error::Io`].
    pub fn delete_partition(&self, partition: &str) -> Result<PathBuf, Error> {
        let id = partition::normalize(partition)?;
        if !matches!(id, PartitionId::Persistent { .. }) {
            return Err(Error::NotPersistent { name: partition.to_owned() });
        }
        let name = id.canonical();
        let path = self.dir_of(&id);
        // Held to the end, so this registry can't open the partition midway.
        let live = self.lock_live();
        let in_use = |by| Error::PartitionInUse { name: name.clone(), by };
        if live.get(&Key::Disk(path.clone())).is_some_and(|weak| weak.strong_count() > 0) {
            return Err(in_use(InUseBy::ThisProcess));
        }
        if !path.is_dir() {
            return Err(Error::PartitionNotFound { name, path });
        }
        let Exclusive::Acquired(held) = lock::try_exclusive(&path)? else {
            return Err(in_use(InUseBy::AnotherHolder));
        };
        let trash = self.trash_path();
        if fs::rename(&path, &trash).is_err() {
            // Windows refuses to rename a folder with an open file in it:
            // let go of the lock and try once more.
            drop(held);
            fs::rename(&path, &trash).map_err(|e| Error::io("move away", &path, e))?;
        }
        tracing::debug!(partition = %name, trash = %trash.display(), "deleting partition");
        fs::remove_dir_all(&trash).map_err(|e| Error::io("remove", &trash, e))?;
        drop(live);
        Ok(path)
    }

    /// True while some session of this registry is alive.
    pub(crate) fn has_live_sessions(&self) -> bool {
        self.lock_live().values().any(|weak| weak.strong_count() > 0)
    }

    fn dir_of(&self, id: &PartitionId) -> PathBuf {
        let mut path = self.shared.data_dir.join(PARTITIONS_DIR);
        if let PartitionId::Persistent { dir, .. } = id {
            path.push(dir);
        }
        path
    }

    /// A fresh hidden name beside the partitions. `.` is always escaped in an
    /// encoded name, so this can never be mistaken for a partition.
    fn trash_path(&self) -> PathBuf {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        self.shared
            .data_dir
            .join(PARTITIONS_DIR)
            .join(format!(".deleting-{}-{n}", std::process::id()))
    }

    /// The live-session table. Dead entries are dropped on every access, so
    /// the table never grows past the sessions actually alive (plus the ones
    /// dropped since the last call).
    fn lock_live(&self) -> MutexGuard<'_, HashMap<Key, Weak<Inner>>> {
        // Entries are inserted whole, so a panic elsewhere can't leave the
        // map inconsistent: a poisoned lock is still good to use.
        let mut live = self.shared.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.retain(|_, weak| weak.strong_count() > 0);
        live
    }
}

fn lookup(live: &HashMap<Key, Weak<Inner>>, key: &Key) -> Option<Session> {
    live.get(key).and_then(Weak::upgrade).map(Session::from_inner)
}

fn get_or_insert(
    live: &mut HashMap<Key, Weak<Inner>>,
    key: Key,
    create: impl FnOnce() -> Result<Session, Error>,
) -> Result<Session, Error> {
    if let Some(session) = lookup(live, &key) {
        return Ok(session);
    }
    let session = create()?;
    live.insert(key, session.downgrade());
    Ok(session)
}

/// The process-wide registry, created on first use.
static GLOBAL: Mutex<Option<Sessions>> = Mutex::new(None);

fn lock_global() -> MutexGuard<'static, Option<Sessions>> {
    GLOBAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The process-wide registry used by [`Session::from_partition`] and friends.
pub(crate) fn global() -> Result<Sessions, Error> {
    let mut global = lock_global();
    if let Some(sessions) = global.as_ref() {
        return Ok(sessions.clone());
    }
    let sessions = Sessions::at(data_dir::from_env_or_platform()?);
    *global = Some(sessions.clone());
    Ok(sessions)
}

/// Sets the data directory of the process-wide registry (the one behind
/// [`Session::from_partition`], [`Session::default_session`] and
/// [`Session::from_path`]). Without it, `SESSIONKIT_DATA_DIR` is used, else
/// the platform's data directory. A relative path is taken from the current
/// directory now.
///
/// Call it before the first session is made. Setting the directory already in
/// use is fine; switching while sessions of the old one are alive is refused,
/// because the same name would then give two different sessions.
///
/// Electron: `app.setPath('sessionData', path)`, which must run before the
/// app is ready.
///
/// # Errors
///
/// [`Error::DataDirInUse`] as above; [`Error::RelativePath`] for an empty
/// path.
pub fn set_data_dir(path: impl AsRef<Path>) -> Result<(), Error> {
    let requested = data_dir::absolute(path.as_ref())?;
    let mut global = lock_global();
    if let Some(current) = global.as_ref() {
        if current.data_dir() == requested {
            return Ok(());
        }
        if current.has_live_sessions() {
            return Err(Error::DataDirInUse {
                current: current.data_dir().to_path_buf(),
                requested,
            });
        }
    }
    *global = Some(Sessions::at(requested));
    Ok(())
}

/// The data directory of the process-wide registry, choosing it (from
/// `SESSIONKIT_DATA_DIR` or the platform) if nothing has yet.
///
/// # Errors
///
/// [`Error::NoDataDir`] when none is set and the platform has none.
pub fn data_dir() -> Result<PathBuf, Error> {
    Ok(global()?.data_dir().to_path_buf())
}
