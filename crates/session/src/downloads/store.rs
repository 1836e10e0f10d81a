//! Where a session keeps its download records: the `downloads` tree of the
//! partition's sled database, or memory.

use std::sync::{PoisonError, RwLock};

use sessionkit_downloads::{DownloadRecord, Error, MemoryStore, RecordStore, SledStore};

/// A persistent partition's record store, which the session closes when it
/// goes.
///
/// The manager's tasks may outlive the session (a restored item waits for
/// `resume()` on its task), and a `sled::Tree` keeps its whole database
/// open — and locked against the next process or the next
/// `from_partition` of this one. Closing lets the database go with the
/// session; a task still running afterwards gets a store error for its
/// record, and its partial file keeps the bytes its last record describes.
pub(crate) struct PartitionStore {
    tree: RwLock<Option<SledStore>>,
}

impl PartitionStore {
    /// The records in `db`'s tree [`SledStore::TREE_NAME`].
    pub(crate) fn open(db: &sled::Db) -> Result<Self, Error> {
        let tree = db.open_tree(SledStore::TREE_NAME).map_err(|e| Error::Store(e.to_string()))?;
        Ok(Self { tree: RwLock::new(Some(SledStore::new(tree))) })
    }

    /// Lets the tree (and with it the database) go; later calls fail.
    pub(crate) fn close(&self) {
        // Waits for a write in progress, so a record is never cut off.
        let old = self.tree.write().unwrap_or_else(PoisonError::into_inner).take();
        drop(old);
    }

    fn with<T>(&self, f: impl FnOnce(&SledStore) -> Result<T, Error>) -> Result<T, Error> {
        // The option is replaced whole; a panic cannot leave it half-set.
        let guard = self.tree.read().unwrap_or_else(PoisonError::into_inner);
        match guard.as_ref() {
            Some(store) => f(store),
            None => Err(Error::Store("the session of this download is closed".to_owned())),
        }
    }
}

impl RecordStore for PartitionStore {
    fn put(&self, record: &DownloadRecord) -> Result<(), Error> {
        self.with(|s| s.put(record))
    }

    fn remove(&self, id: u64) -> Result<(), Error> {
        self.with(|s| s.remove(id))
    }

    fn load(&self) -> Result<Vec<DownloadRecord>, Error> {
        self.with(RecordStore::load)
    }
}

/// The store a session's manager gets.
pub(crate) enum SessionStore {
    /// An in-memory partition: records go with the process.
    Memory(std::sync::Arc<MemoryStore>),
    /// A persistent partition: records in its database.
    Partition(std::sync::Arc<PartitionStore>),
}

impl SessionStore {
    pub(crate) fn as_record_store(&self) -> std::sync::Arc<dyn RecordStore> {
        match self {
            Self::Memory(s) => s.clone(),
            Self::Partition(s) => s.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_store_refuses_and_lets_the_database_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let db = sled::open(&path).unwrap();
        let store = PartitionStore::open(&db).unwrap();
        assert!(store.load().unwrap().is_empty());
        drop(db);
        store.close();
        assert!(store.load().is_err());
        // Nothing holds the database any more: it opens again.
        let again = sled::open(&path).unwrap();
        assert!(again.tree_names().iter().any(|n| n.as_ref() == b"downloads"));
    }
}
