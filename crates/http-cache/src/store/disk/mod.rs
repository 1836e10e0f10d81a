//! The disk store of `persist:` partitions: a sled index of small records beside
//! content-addressed body files.
//!
//! Layout under the cache directory:
//! - `index/`: sled; tree `entries` (key → variants, [`entry`]), tree `used`
//!   (key → last use, seconds since the epoch, written lazily);
//! - `blobs/ab/<blake3 hex>`: bodies over [`INLINE_MAX`] bytes, immutable once
//!   renamed into place, shared by identical bodies;
//! - `tmp/`: bodies being written; swept at start-up.
//!
//! A body becomes visible only after it was synced, renamed into `blobs/`, and one
//! sled batch published the record that names it. At start-up, records whose blob
//! is missing or has the wrong size are dropped and unreferenced blobs deleted, so
//! a killed process never leaves an entry that serves a torn body.

mod entry;
mod options;
mod sink;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;

pub use options::{DiskOptions, default_disk_capacity};

use self::entry::{StoredBody, StoredVariant};
use self::sink::DiskSink;
use super::{BodyRef, BodySink, SinkOutput, Store, Variant, merged_variants};
use crate::Error;
use crate::clock::Clock;
use crate::key::keys_of_origin;
use crate::record::StoredResponse;
use crate::semantics::{Judged, PolicyOptions};

/// Bodies up to this size live in the index record (one file per tiny response
/// would cost more than it holds).
pub(crate) const INLINE_MAX: usize = 4096;

/// Chromium's per-entry overhead in its eviction score.
const ENTRY_OVERHEAD: u64 = 512;

/// Chromium writes its index of last-use times after 20 s; we batch the same way.
const USE_FLUSH_INTERVAL: Duration = Duration::from_secs(20);

#[derive(Debug)]
struct Meta {
    /// Key and record bytes in the index.
    index_bytes: u64,
    /// Blobs this entry refers to.
    blobs: Vec<[u8; 32]>,
    last_used: SystemTime,
    /// Order of last use, to break ties of the eviction score (entries used in
    /// the same second) in favour of the most recently used.
    seq: u64,
}

#[derive(Debug, Default)]
struct Table {
    entries: HashMap<String, Meta>,
    /// Blob hash → (size, number of variants naming it).
    blobs: HashMap<[u8; 32], (u64, usize)>,
    total: u64,
    /// Keys used since the last write of `used`.
    dirty: HashSet<String>,
    last_flush: Option<SystemTime>,
    /// Use counter behind `Meta::seq`.
    seq: u64,
}

impl Table {
    fn entry_bytes(&self, meta: &Meta) -> u64 {
        meta.index_bytes
            + meta.blobs.iter().filter_map(|h| self.blobs.get(h)).map(|(l, _)| l).sum::<u64>()
    }
}

/// The disk store.
pub(crate) struct DiskStore {
    dir: PathBuf,
    db: sled::Db,
    entries: sled::Tree,
    used: sled::Tree,
    table: Mutex<Table>,
    max_bytes: u64,
    max_variants: usize,
    options: PolicyOptions,
    clock: Arc<dyn Clock>,
    tmp_counter: AtomicU64,
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(name: &str) -> Option<[u8; 32]> {
    if name.len() != 64 {
        return None;
    }
    let mut out = [0; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(name.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn index_bytes(key: &str, value_len: usize) -> u64 {
    (key.len() + value_len) as u64
}

impl DiskStore {
    pub(crate) fn open(
        dir: &Path,
        options: DiskOptions,
        max_variants: usize,
        policy: PolicyOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        fs::create_dir_all(dir)?;
        let max_bytes = match options.max_bytes {
            Some(max) => max,
            None => default_disk_capacity(fs2::available_space(dir)?),
        };
        // The index lock first: a second process opening a cache in use must fail
        // before it touches anything, not sweep the running one's bodies.
        let db = open_index(&dir.join("index"))?;
        // In-flight bodies of a previous process and trash of an interrupted clear.
        let _ = fs::remove_dir_all(dir.join("tmp"));
        for item in fs::read_dir(dir)?.flatten() {
            if item.file_name().to_string_lossy().starts_with("blobs.trash-") {
                let _ = fs::remove_dir_all(item.path());
            }
        }
        fs::create_dir_all(dir.join("tmp"))?;
        fs::create_dir_all(dir.join("blobs"))?;
        let entries = db.open_tree("entries")?;
        let used = db.open_tree("used")?;
        let store = Self {
            dir: dir.to_owned(),
            db,
            entries,
            used,
            table: Mutex::default(),
            max_bytes,
            max_variants: max_variants.max(1),
            options: policy,
            clock,
            tmp_counter: AtomicU64::new(0),
        };
        store.recover()?;
        Ok(store)
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn blob_path(&self, hash: &[u8; 32]) -> PathBuf {
        let name = hex(hash);
        self.dir.join("blobs").join(&name[..2]).join(name)
    }

    /// Start-up: rebuild the table from the index, drop records whose blobs are
    /// missing or the wrong size, delete blobs no record names.
    fn recover(&self) -> Result<(), Error> {
        let mut table = Table::default();
        let now = self.clock.now();
        let mut size_ok: HashMap<[u8; 32], bool> = HashMap::new();
        for item in self.entries.iter() {
            let (k, v) = item?;
            let key = String::from_utf8_lossy(&k).into_owned();
            if !crate::key::is_current(&key) {
                // A split-cache key of the earlier layout: nothing looks it
                // up any more (see `key::primary_key`), so it goes.
                self.entries.remove(&k)?;
                self.used.remove(&k)?;
                continue;
            }
            let Ok(variants) = entry::decode(&v) else {
                self.entries.remove(&k)?;
                continue;
            };
            let kept: Vec<StoredVariant> = variants
                .into_iter()
                .filter(|var| match &var.body {
                    StoredBody::Inline(_) => true,
                    StoredBody::Blob { hash, len } => *size_ok.entry(*hash).or_insert_with(|| {
                        fs::metadata(self.blob_path(hash))
                            .is_ok_and(|m| m.is_file() && m.len() == *len)
                    }),
                })
                .collect();
            if kept.is_empty() {
                self.entries.remove(&k)?;
                self.used.remove(&k)?;
                continue;
            }
            let encoded = entry::encode(&kept);
            if encoded.as_slice() != &*v {
                self.entries.insert(&k, encoded.as_slice())?;
            }
            let last_used = self
                .used
                .get(&k)?
                .and_then(|b| <[u8; 8]>::try_from(&*b).ok())
                // A corrupt value past what SystemTime holds counts as now, not a panic.
                .and_then(|b| UNIX_EPOCH.checked_add(Duration::from_secs(u64::from_be_bytes(b))))
                .unwrap_or(now);
            let mut blobs = Vec::new();
            for var in &kept {
                if let StoredBody::Blob { hash, len } = &var.body {
                    blobs.push(*hash);
                    let slot = table.blobs.entry(*hash).or_insert((*len, 0));
                    slot.1 += 1;
                }
            }
            let meta =
                Meta { index_bytes: index_bytes(&key, encoded.len()), blobs, last_used, seq: 0 };
            table.total += meta.index_bytes;
            table.entries.insert(key, meta);
        }
        // `used` records of keys that are gone.
        for item in self.used.iter() {
            let (k, _) = item?;
            if !table.entries.contains_key(&*String::from_utf8_lossy(&k)) {
                self.used.remove(&k)?;
            }
        }
        table.total += table.blobs.values().map(|(len, _)| len).sum::<u64>();
        // Orphans: blobs nothing names (a body renamed before its record committed).
        for shard in fs::read_dir(self.dir.join("blobs"))?.flatten() {
            let Ok(files) = fs::read_dir(shard.path()) else {
                let _ = fs::remove_file(shard.path());
                continue;
            };
            for file in files.flatten() {
                let name = file.file_name();
                let known =
                    unhex(&name.to_string_lossy()).is_some_and(|h| table.blobs.contains_key(&h));
                if !known {
                    let _ = fs::remove_file(file.path());
                }
            }
        }
        self.db.flush()?;
        *self.lock() = table;
        Ok(())
    }

    fn read_entry(&self, key: &str) -> Result<Vec<StoredVariant>, Error> {
        match self.entries.get(key.as_bytes())? {
            // A record that does not decode is as good as absent.
            Some(bytes) => Ok(entry::decode(&bytes).unwrap_or_default()),
            None => Ok(Vec::new()),
        }
    }

    fn to_variant(&self, stored: StoredVariant) -> Arc<Variant> {
        let body = match stored.body {
            StoredBody::Inline(bytes) => BodyRef::Inline(bytes),
            StoredBody::Blob { hash, .. } => BodyRef::File { path: self.blob_path(&hash) },
        };
        Arc::new(Variant { judged: Judged::new(stored.record, self.options), body })
    }

    /// Writes `variants` for `key` in one batch and updates sizes and blob counts;
    /// blobs no longer named are deleted afterwards.
    fn write_entry(
        &self,
        table: &mut Table,
        key: &str,
        variants: &[StoredVariant],
    ) -> Result<(), Error> {
        let now = self.clock.now();
        let mut batch = sled::Batch::default();
        let mut used = sled::Batch::default();
        let encoded = (!variants.is_empty()).then(|| entry::encode(variants));
        match &encoded {
            Some(bytes) => {
                batch.insert(key.as_bytes(), bytes.as_slice());
                used.insert(key.as_bytes(), &secs(now).to_be_bytes());
            }
            None => {
                batch.remove(key.as_bytes());
                used.remove(key.as_bytes());
            }
        }
        self.entries.apply_batch(batch)?;
        self.used.apply_batch(used)?;
        // Accounting: release the old entry, then take the new one.
        let mut freed = Vec::new();
        if let Some(old) = table.entries.remove(key) {
            table.total -= old.index_bytes;
            for hash in old.blobs {
                if let Some(slot) = table.blobs.get_mut(&hash) {
                    slot.1 -= 1;
                    if slot.1 == 0 {
                        table.total -= slot.0;
                        table.blobs.remove(&hash);
                        freed.push(hash);
                    }
                }
            }
        }
        if let Some(bytes) = encoded {
            let mut blobs = Vec::new();
            for v in variants {
                if let StoredBody::Blob { hash, len } = &v.body {
                    blobs.push(*hash);
                    let slot = table.blobs.entry(*hash).or_insert((*len, 0));
                    if slot.1 == 0 {
                        table.total += *len;
                    }
                    slot.1 += 1;
                    freed.retain(|h| h != hash);
                }
            }
            table.seq += 1;
            let meta = Meta {
                index_bytes: index_bytes(key, bytes.len()),
                blobs,
                last_used: now,
                seq: table.seq,
            };
            table.total += meta.index_bytes;
            table.entries.insert(key.to_owned(), meta);
        }
        for hash in freed {
            // Readers that opened the file keep reading it (Unix semantics).
            let _ = fs::remove_file(self.blob_path(&hash));
        }
        Ok(())
    }

    /// Chromium's simple-backend eviction: above 95% of the maximum, evict by
    /// seconds since last use × (size + 512), largest first, down to 90%. Equal
    /// scores go least recently used first, and the entry just written (`keep`,
    /// at most 1/8 of the cache) stays: its body is about to be served.
    fn evict(&self, table: &mut Table, keep: &str) -> Result<(), Error> {
        // In u128: a maximum of u64::MAX ("no limit") must not overflow.
        let percent_of_max = |p: u128| u128::from(self.max_bytes) * p;
        if u128::from(table.total) * 100 <= percent_of_max(95) {
            return Ok(());
        }
        let now = self.clock.now();
        let mut scored: Vec<(u128, u64, String)> = table
            .entries
            .iter()
            .filter(|(k, _)| k.as_str() != keep)
            .map(|(k, m)| {
                let idle = now.duration_since(m.last_used).unwrap_or_default().as_secs();
                let score = u128::from(idle) * u128::from(table.entry_bytes(m) + ENTRY_OVERHEAD);
                (score, m.seq, k.clone())
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        for (_, _, key) in scored {
            if u128::from(table.total) * 100 <= percent_of_max(90) {
                break;
            }
            self.write_entry(table, &key, &[])?;
        }
        Ok(())
    }

    /// Writes last-use times gathered since the previous flush, at most every 20 s.
    fn flush_uses(&self, table: &mut Table, force: bool) -> Result<(), Error> {
        let now = self.clock.now();
        let due = table
            .last_flush
            .is_none_or(|t| now.duration_since(t).unwrap_or_default() >= USE_FLUSH_INTERVAL);
        if table.dirty.is_empty() || !(due || force) {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for key in table.dirty.drain() {
            if let Some(meta) = table.entries.get(&key) {
                batch.insert(key.as_bytes(), &secs(meta.last_used).to_be_bytes());
            }
        }
        table.last_flush = Some(now);
        self.used.apply_batch(batch)?;
        Ok(())
    }
}

impl DiskStore {
    /// The locked half of a commit: names a body already in place (inline, or
    /// a blob file placed by [`Self::place_blob`]) in the index.
    fn record_placed(
        &self,
        key: &str,
        record: StoredResponse,
        request: &HeaderMap,
        body: StoredBody,
    ) -> Result<Arc<Variant>, Error> {
        let mut table = self.lock();
        if let StoredBody::Blob { hash, len } = &body
            && !table.blobs.contains_key(hash)
            && !fs::metadata(self.blob_path(hash)).is_ok_and(|m| m.len() == *len)
        {
            // Placed, then deleted before this lock was taken: by a clear that
            // moved the body directory away, or with the last entry naming
            // the same content. Nothing may name a missing file.
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "cache body file removed while its entry was committed",
            )));
        }
        let new = StoredVariant { record, body };
        let existing = self.read_entry(key)?;
        let (kept, _) =
            merged_variants(existing, new.clone(), request, |v| &v.record, self.max_variants);
        self.write_entry(&mut table, key, &kept)?;
        self.evict(&mut table, key)?;
        drop(table);
        Ok(self.to_variant(new))
    }

    /// Moves a synced temporary body to its content address and makes the
    /// rename durable, or drops it when the same content is there already.
    /// The temporary file never outlives a failure.
    fn place_blob(&self, tmp: &Path, hash: &[u8; 32], len: u64) -> Result<(), Error> {
        let path = self.blob_path(hash);
        let placed = if fs::metadata(&path).is_ok_and(|m| m.len() == len) {
            // Same content already stored: content addressing dedups it (a
            // temporary file left by a failed removal is swept at start-up).
            let _ = fs::remove_file(tmp);
            Ok(())
        } else {
            let shard = path.parent().unwrap_or(&self.dir);
            fs::create_dir_all(shard)
                .and_then(|()| fs::rename(tmp, &path))
                // The rename itself must survive a crash before the index names it.
                .and_then(|()| fs::File::open(shard)?.sync_all())
        };
        if placed.is_err() {
            let _ = fs::remove_file(tmp);
        }
        Ok(placed?)
    }
}

/// sled keeps its lock file a moment after a previous handle in this process was
/// dropped; retry briefly before giving up.
fn open_index(path: &Path) -> Result<sled::Db, Error> {
    let mut tries = 0;
    loop {
        match sled::Config::new().path(path).open() {
            Ok(db) => return Ok(db),
            Err(e) if tries < 50 && crate::error::sled_lock_held(&e) => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl Store for DiskStore {
    fn lookup(&self, key: &str) -> Result<Vec<Arc<Variant>>, Error> {
        let variants = self.read_entry(key)?;
        if variants.is_empty() {
            return Ok(Vec::new());
        }
        {
            let now = self.clock.now();
            let mut table = self.lock();
            table.seq += 1;
            let seq = table.seq;
            if let Some(meta) = table.entries.get_mut(key) {
                meta.last_used = now;
                meta.seq = seq;
                if !table.dirty.contains(key) {
                    table.dirty.insert(key.to_owned());
                }
            }
            self.flush_uses(&mut table, false)?;
        }
        Ok(variants.into_iter().map(|v| self.to_variant(v)).collect())
    }

    fn sink(&self) -> Result<Box<dyn BodySink>, Error> {
        let n = self.tmp_counter.fetch_add(1, Ordering::Relaxed);
        let name = format!("{}-{n}", std::process::id());
        Ok(Box::new(DiskSink::new(self.dir.join("tmp").join(name))))
    }

    fn commit(
        &self,
        key: &str,
        record: StoredResponse,
        request: &HeaderMap,
        body: SinkOutput,
    ) -> Result<Arc<Variant>, Error> {
        let body = match body {
            SinkOutput::Inline(bytes) => StoredBody::Inline(bytes),
            SinkOutput::Blob { tmp, hash, len } => {
                // The file work (rename, directory sync) is done before the
                // table lock is taken: lookups and commits of other keys go on
                // meanwhile. The record naming the file is written only after.
                self.place_blob(&tmp, &hash, len)?;
                StoredBody::Blob { hash, len }
            }
        };
        self.record_placed(key, record, request, body)
    }

    fn update(
        &self,
        key: &str,
        old: &StoredResponse,
        new: StoredResponse,
    ) -> Result<Option<Arc<Variant>>, Error> {
        let mut table = self.lock();
        let mut variants = self.read_entry(key)?;
        let Some(pos) = variants.iter().position(|v| v.record == *old) else { return Ok(None) };
        let mut updated = variants.remove(pos);
        updated.record = new;
        variants.insert(0, updated.clone());
        self.write_entry(&mut table, key, &variants)?;
        drop(table);
        Ok(Some(self.to_variant(updated)))
    }

    fn remove(&self, key: &str) -> Result<(), Error> {
        let mut table = self.lock();
        if table.entries.contains_key(key) {
            self.write_entry(&mut table, key, &[])?;
        }
        Ok(())
    }

    fn remove_origin(&self, origin: &url::Origin) -> Result<(), Error> {
        let mut table = self.lock();
        let doomed = keys_of_origin(table.entries.keys(), origin);
        for key in doomed {
            self.write_entry(&mut table, &key, &[])?;
        }
        Ok(())
    }

    fn clear(&self) -> Result<(), Error> {
        let mut table = self.lock();
        self.entries.clear()?;
        self.used.clear()?;
        self.db.flush()?;
        // Chromium's CleanupDirectory: rename the bodies away, delete them on
        // another thread, so clearing a large cache returns at once.
        let n = self.tmp_counter.fetch_add(1, Ordering::Relaxed);
        let trash = self.dir.join(format!("blobs.trash-{}-{n}", std::process::id()));
        fs::rename(self.dir.join("blobs"), &trash)?;
        fs::create_dir_all(self.dir.join("blobs"))?;
        std::thread::spawn(move || {
            let _ = fs::remove_dir_all(trash);
        });
        *table = Table::default();
        Ok(())
    }

    fn size(&self) -> u64 {
        self.lock().total
    }

    fn max_entry_size(&self) -> u64 {
        self.max_bytes / 8
    }

    fn syncs_files(&self) -> bool {
        true
    }
}

impl Drop for DiskStore {
    fn drop(&mut self) {
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self.flush_uses(&mut table, true);
        let _ = self.db.flush();
    }
}
