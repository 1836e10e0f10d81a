//! Where variants live: the [`Store`] trait and its two implementations.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;

use crate::Error;
use crate::record::StoredResponse;
use crate::semantics::{Judged, vary_matches};

#[cfg(feature = "sled")]
pub(crate) mod disk;
#[cfg(test)]
mod failing;
pub(crate) mod memory;

/// A stored body: in memory, or a committed (immutable) file.
#[derive(Clone, Debug)]
pub(crate) enum BodyRef {
    Inline(Bytes),
    #[cfg_attr(not(feature = "sled"), allow(dead_code))]
    File {
        path: PathBuf,
    },
}

/// One stored response with its policy and body.
#[derive(Debug)]
pub(crate) struct Variant {
    pub judged: Judged,
    pub body: BodyRef,
}

/// What a finished [`BodySink`] hands to [`Store::commit`].
#[derive(Debug)]
pub(crate) enum SinkOutput {
    Inline(Bytes),
    #[cfg_attr(not(feature = "sled"), allow(dead_code))]
    Blob {
        tmp: PathBuf,
        hash: [u8; 32],
        len: u64,
    },
}

impl SinkOutput {
    /// Drops a finished body that will not be committed (its temporary file
    /// with it).
    pub(crate) fn discard(self) {
        if let Self::Blob { tmp, .. } = self {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Runs `work` on `value` on tokio's blocking pool when `blocking` and a
/// runtime is there, inline otherwise; gives the value back with the result
/// (`None` when the blocking task panicked or was cancelled).
pub(crate) async fn off_thread<T, R>(
    blocking: bool,
    mut value: T,
    work: impl FnOnce(&mut T) -> R + Send + 'static,
) -> Option<(T, R)>
where
    T: Send + 'static,
    R: Send + 'static,
{
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) if blocking => runtime
            .spawn_blocking(move || {
                let result = work(&mut value);
                (value, result)
            })
            .await
            .ok(),
        _ => {
            let result = work(&mut value);
            Some((value, result))
        }
    }
}

/// Receives a body as it arrives from the network, before anything is visible.
pub(crate) trait BodySink: Send {
    fn write(&mut self, chunk: &[u8]) -> Result<(), Error>;
    /// Whether writing `chunk_len` more bytes is file I/O, which belongs on
    /// tokio's blocking pool rather than an async thread.
    fn blocks_on(&self, _chunk_len: usize) -> bool {
        false
    }
    fn len(&self) -> u64;
    /// Makes the body durable (disk: synced temporary file); not yet visible.
    fn finish(self: Box<Self>) -> Result<SinkOutput, Error>;
}

/// A partition's storage: primary key → variants, newest first.
///
/// Implementations make each call atomic per key: readers see a variant only after
/// its `commit` returned, never a half-written body.
pub(crate) trait Store: Send + Sync + 'static {
    /// Variants stored under `key`, newest first; counts as a use for eviction.
    fn lookup(&self, key: &str) -> Result<Vec<Arc<Variant>>, Error>;
    /// A sink for a new body.
    fn sink(&self) -> Result<Box<dyn BodySink>, Error>;
    /// Publishes a variant. It goes first; variants the same request would select
    /// (or stored under a different `Vary`) are replaced; the list is capped.
    fn commit(
        &self,
        key: &str,
        record: StoredResponse,
        request: &HeaderMap,
        body: SinkOutput,
    ) -> Result<Arc<Variant>, Error>;
    /// Replaces the stored response `old` (after a 304) with `new`, same body.
    fn update(
        &self,
        key: &str,
        old: &StoredResponse,
        new: StoredResponse,
    ) -> Result<Option<Arc<Variant>>, Error>;
    /// Drops every variant of `key`.
    fn remove(&self, key: &str) -> Result<(), Error>;
    /// Drops every entry whose URL has this origin.
    fn remove_origin(&self, origin: &url::Origin) -> Result<(), Error>;
    /// Drops everything.
    fn clear(&self) -> Result<(), Error>;
    /// Bytes used (bodies and records).
    fn size(&self) -> u64;
    /// The largest body accepted: Chromium limits one entry to 1/8 of the cache.
    fn max_entry_size(&self) -> u64;
    /// Whether publishing syncs files (and so belongs off the async threads).
    fn syncs_files(&self) -> bool {
        false
    }
}

/// The variant list after publishing `new` for a request with headers `request`.
pub(crate) fn merged_variants<T>(
    existing: Vec<T>,
    new: T,
    request: &HeaderMap,
    record_of: impl Fn(&T) -> &StoredResponse,
    cap: usize,
) -> (Vec<T>, Vec<T>) {
    let new_vary = record_of(&new)
        .headers
        .iter()
        .filter(|(n, _)| n == http::header::VARY)
        .map(|(_, v)| v.clone())
        .collect::<Vec<_>>();
    let mut kept = vec![new];
    let mut dropped = Vec::new();
    for old in existing {
        let record = record_of(&old);
        let old_vary = record
            .headers
            .iter()
            .filter(|(n, _)| n == http::header::VARY)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>();
        // The origin changed its Vary: older variants were selected by other rules.
        if old_vary != new_vary || vary_matches(record, request) || kept.len() >= cap {
            dropped.push(old);
        } else {
            kept.push(old);
        }
    }
    (kept, dropped)
}
