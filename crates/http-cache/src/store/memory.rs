//! The in-memory store of non-persistent partitions: a byte-weighted LRU, like
//! Chromium's memory backend (`MemBackendImpl`).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use super::{BodyRef, BodySink, SinkOutput, Store, Variant, merged_variants};
use crate::Error;
use crate::key::keys_of_origin;
use crate::record::StoredResponse;
use crate::semantics::{Judged, PolicyOptions};

/// Chromium's in-memory backend size: 2% of physical memory, at most 50 MiB, and
/// 10 MiB when the amount of memory is unknown.
pub fn default_memory_capacity() -> u64 {
    const MIB: u64 = 1024 * 1024;
    match physical_memory() {
        Some(bytes) => (bytes / 50).min(50 * MIB),
        None => 10 * MIB,
    }
}

fn physical_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[derive(Debug)]
struct Entry {
    variants: Vec<Arc<Variant>>,
    bytes: u64,
    last_use: u64,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Use counter → key: the least recently used entry is first.
    lru: BTreeMap<u64, String>,
    tick: u64,
    total: u64,
}

impl Inner {
    fn touch(&mut self, key: &str) {
        self.tick += 1;
        let tick = self.tick;
        if let Some(entry) = self.entries.get_mut(key) {
            self.lru.remove(&entry.last_use);
            entry.last_use = tick;
            self.lru.insert(tick, key.to_owned());
        }
    }

    fn drop_entry(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.lru.remove(&entry.last_use);
            self.total -= entry.bytes;
        }
    }
}

/// Byte-bounded in-memory store; eviction drops least recently used entries until
/// the total fits.
#[derive(Debug)]
pub(crate) struct MemoryStore {
    inner: Mutex<Inner>,
    max_bytes: u64,
    max_variants: usize,
    options: PolicyOptions,
}

fn variant_bytes(record: &StoredResponse) -> u64 {
    record.encoded_len() as u64 + record.body_len
}

impl MemoryStore {
    pub(crate) fn new(max_bytes: u64, max_variants: usize, options: PolicyOptions) -> Self {
        Self { inner: Mutex::default(), max_bytes, max_variants: max_variants.max(1), options }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn put(&self, inner: &mut Inner, key: &str, mut variants: Vec<Arc<Variant>>) {
        inner.drop_entry(key);
        let entry_bytes = |variants: &[Arc<Variant>]| {
            key.len() as u64 + variants.iter().map(|v| variant_bytes(&v.judged.record)).sum::<u64>()
        };
        // Each body is at most 1/8 of the cache, but a URL's variants together may
        // not be: the oldest go first, so the byte bound holds.
        while !variants.is_empty() && entry_bytes(&variants) > self.max_bytes {
            variants.pop();
        }
        if variants.is_empty() {
            return;
        }
        let bytes = entry_bytes(&variants);
        inner.tick += 1;
        let tick = inner.tick;
        inner.entries.insert(key.to_owned(), Entry { variants, bytes, last_use: tick });
        inner.lru.insert(tick, key.to_owned());
        inner.total += bytes;
        // Evict least recently used entries, never the one just written.
        while inner.total > self.max_bytes {
            let Some((_, victim)) = inner.lru.iter().next().map(|(t, k)| (*t, k.clone())) else {
                break;
            };
            if victim == key {
                break;
            }
            inner.drop_entry(&victim);
        }
    }
}

struct MemorySink {
    buf: BytesMut,
}

impl BodySink for MemorySink {
    fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.buf.extend_from_slice(chunk);
        Ok(())
    }
    fn len(&self) -> u64 {
        self.buf.len() as u64
    }
    fn finish(self: Box<Self>) -> Result<SinkOutput, Error> {
        Ok(SinkOutput::Inline(self.buf.freeze()))
    }
}

impl Store for MemoryStore {
    fn lookup(&self, key: &str) -> Result<Vec<Arc<Variant>>, Error> {
        let mut inner = self.lock();
        let found = inner.entries.get(key).map(|e| e.variants.clone()).unwrap_or_default();
        if !found.is_empty() {
            inner.touch(key);
        }
        Ok(found)
    }

    fn sink(&self) -> Result<Box<dyn BodySink>, Error> {
        Ok(Box::new(MemorySink { buf: BytesMut::new() }))
    }

    fn commit(
        &self,
        key: &str,
        record: StoredResponse,
        request: &HeaderMap,
        body: SinkOutput,
    ) -> Result<Arc<Variant>, Error> {
        let bytes = match body {
            SinkOutput::Inline(bytes) => bytes,
            SinkOutput::Blob { tmp, .. } => {
                let bytes = Bytes::from(std::fs::read(&tmp)?);
                // The temporary file served its purpose; a leftover is swept later.
                let _ = std::fs::remove_file(&tmp);
                bytes
            }
        };
        let variant = Arc::new(Variant {
            judged: Judged::new(record, self.options),
            body: BodyRef::Inline(bytes),
        });
        let mut inner = self.lock();
        let existing = inner.entries.get(key).map(|e| e.variants.clone()).unwrap_or_default();
        let (kept, _) = merged_variants(
            existing,
            variant.clone(),
            request,
            |v| &v.judged.record,
            self.max_variants,
        );
        self.put(&mut inner, key, kept);
        Ok(variant)
    }

    fn update(
        &self,
        key: &str,
        old: &StoredResponse,
        new: StoredResponse,
    ) -> Result<Option<Arc<Variant>>, Error> {
        let mut inner = self.lock();
        let Some(entry) = inner.entries.get(key) else { return Ok(None) };
        let mut variants = entry.variants.clone();
        let Some(pos) = variants.iter().position(|v| v.judged.record == *old) else {
            return Ok(None);
        };
        let body = variants[pos].body.clone();
        let updated = Arc::new(Variant { judged: Judged::new(new, self.options), body });
        variants.remove(pos);
        variants.insert(0, updated.clone());
        self.put(&mut inner, key, variants);
        Ok(Some(updated))
    }

    fn remove(&self, key: &str) -> Result<(), Error> {
        self.lock().drop_entry(key);
        Ok(())
    }

    fn remove_origin(&self, origin: &url::Origin) -> Result<(), Error> {
        let mut inner = self.lock();
        let doomed = keys_of_origin(inner.entries.keys(), origin);
        for key in doomed {
            inner.drop_entry(&key);
        }
        Ok(())
    }

    fn clear(&self) -> Result<(), Error> {
        *self.lock() = Inner::default();
        Ok(())
    }

    fn size(&self) -> u64 {
        self.lock().total
    }

    fn max_entry_size(&self) -> u64 {
        self.max_bytes / 8
    }
}
