//! The index record of one key: its variants, newest first, each with its body
//! inline (small) or as a content-addressed blob.

use bytes::Bytes;

use crate::Error;
use crate::record::{Reader, StoredResponse, put_bytes};

const MAGIC: &[u8; 4] = b"SKE1";

/// Where a variant's body is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StoredBody {
    /// Up to [`INLINE_MAX`](super::INLINE_MAX) bytes kept in the record.
    Inline(Bytes),
    /// A file named by the body's BLAKE3 hash.
    Blob { hash: [u8; 32], len: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredVariant {
    pub record: StoredResponse,
    pub body: StoredBody,
}

/// Encodes the variants of one key.
pub(crate) fn encode(variants: &[StoredVariant]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(variants.len() as u32).to_be_bytes());
    for v in variants {
        v.record.encode(&mut out);
        match &v.body {
            StoredBody::Inline(bytes) => {
                out.push(0);
                put_bytes(&mut out, bytes);
            }
            StoredBody::Blob { hash, len } => {
                out.push(1);
                out.extend_from_slice(hash);
                out.extend_from_slice(&len.to_be_bytes());
            }
        }
    }
    out
}

/// Decodes what [`encode`] wrote; anything else is a typed error.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<StoredVariant>, Error> {
    let mut r = Reader::new(bytes);
    if r.take(4)? != MAGIC {
        return Err(r.error("entry magic"));
    }
    let count = r.u32()? as usize;
    let mut out = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let record = StoredResponse::decode(&mut r)?;
        let body = match r.u8()? {
            0 => StoredBody::Inline(Bytes::copy_from_slice(r.bytes()?)),
            1 => {
                let mut hash = [0; 32];
                hash.copy_from_slice(r.take(32)?);
                StoredBody::Blob { hash, len: r.u64()? }
            }
            _ => return Err(r.error("body tag 0 or 1")),
        };
        let body_len = match &body {
            StoredBody::Inline(b) => b.len() as u64,
            StoredBody::Blob { len, .. } => *len,
        };
        if body_len != record.body_len {
            return Err(r.error("body length equal to the record's"));
        }
        out.push(StoredVariant { record, body });
    }
    r.finish()?;
    Ok(out)
}
