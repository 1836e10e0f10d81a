//! Gathering received chunks into large writes.
//!
//! For a file, chunks are copied into 1 MiB buffers that come back to a pool
//! once the writer (and the hasher, if any) dropped them: the network stack can
//! then reuse its own read buffer at once, memory in flight stays bounded, and
//! each write is one large contiguous slice. Copying 1 GiB costs far less than
//! the allocation churn of holding the transport's buffers. (A discarded body
//! never comes here.)

use std::sync::mpsc::{Receiver, Sender, channel};

use bytes::Bytes;

/// About this many bytes per batch.
pub(crate) const BATCH_BYTES: usize = 1 << 20;

/// Headroom so a chunk that straddles the batch size rarely reallocates.
const HEADROOM: usize = 512 << 10;

struct Pooled {
    vec: Vec<u8>,
    home: Sender<Vec<u8>>,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.vec
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let mut vec = std::mem::take(&mut self.vec);
        vec.clear();
        // The batcher may be gone (download over): then the buffer is just freed.
        let _ = self.home.send(vec);
    }
}

pub(crate) struct Batcher {
    buf: Vec<u8>,
    len: usize,
    home: Sender<Vec<u8>>,
    pool: Receiver<Vec<u8>>,
}

impl Batcher {
    pub(crate) fn new() -> Self {
        let (home, pool) = channel();
        Self { buf: Vec::new(), len: 0, home, pool }
    }

    /// Adds a chunk; true when a batch is full.
    pub(crate) fn push(&mut self, data: Bytes) -> bool {
        if self.buf.capacity() == 0 {
            self.buf =
                self.pool.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH_BYTES + HEADROOM));
        }
        self.buf.extend_from_slice(&data);
        self.len = self.buf.len();
        self.len >= BATCH_BYTES
    }

    /// Bytes gathered and not yet taken.
    pub(crate) const fn len(&self) -> usize {
        self.len
    }

    /// The batch gathered so far (empty when nothing is).
    pub(crate) fn take(&mut self) -> Vec<Bytes> {
        self.len = 0;
        if self.buf.is_empty() {
            return Vec::new();
        }
        let vec = std::mem::take(&mut self.buf);
        vec![Bytes::from_owner(Pooled { vec, home: self.home.clone() })]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_into_pooled_buffers_and_reuses_them() {
        let mut b = Batcher::new();
        assert!(!b.push(Bytes::from(vec![1u8; 600 << 10])));
        assert!(b.push(Bytes::from(vec![2u8; 600 << 10])));
        let batch = b.take();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].len(), 1200 << 10);
        assert_eq!(b.len(), 0);
        let ptr = batch[0].as_ptr();
        drop(batch);
        b.push(Bytes::from_static(b"abc"));
        let again = b.take();
        assert_eq!(&again[0][..], b"abc");
        assert_eq!(again[0].as_ptr(), ptr, "the buffer came back from the pool");
        assert!(b.take().is_empty());
    }
}
