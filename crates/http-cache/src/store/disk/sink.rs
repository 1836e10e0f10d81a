//! Writing a body: small ones stay in memory for the record, larger ones go to a
//! temporary file, hashed as they stream, synced before they can be published.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

use bytes::Bytes;

use super::INLINE_MAX;
use crate::Error;
use crate::store::{BodySink, SinkOutput};

pub(crate) struct DiskSink {
    pub(crate) tmp_path: PathBuf,
    pub(crate) buf: Vec<u8>,
    pub(crate) file: Option<File>,
    pub(crate) hasher: blake3::Hasher,
    pub(crate) len: u64,
}

impl DiskSink {
    pub(crate) fn new(tmp_path: PathBuf) -> Self {
        Self { tmp_path, buf: Vec::new(), file: None, hasher: blake3::Hasher::new(), len: 0 }
    }
}

impl BodySink for DiskSink {
    fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.hasher.update(chunk);
        self.len += chunk.len() as u64;
        match &mut self.file {
            Some(file) => file.write_all(chunk)?,
            None if self.buf.len() + chunk.len() <= INLINE_MAX => self.buf.extend_from_slice(chunk),
            None => {
                // Kept before the first write, so a failed write still leaves
                // the file for Drop to remove.
                let file = self.file.insert(File::create(&self.tmp_path)?);
                file.write_all(&self.buf)?;
                file.write_all(chunk)?;
                self.buf = Vec::new();
            }
        }
        Ok(())
    }

    fn blocks_on(&self, chunk_len: usize) -> bool {
        self.file.is_some() || self.buf.len() + chunk_len > INLINE_MAX
    }

    fn len(&self) -> u64 {
        self.len
    }

    fn finish(mut self: Box<Self>) -> Result<SinkOutput, Error> {
        match self.file.take() {
            None => Ok(SinkOutput::Inline(Bytes::from(std::mem::take(&mut self.buf)))),
            Some(file) => {
                // Durable before the index can point at it; a body that cannot
                // be made durable is not kept, not even as a temporary file.
                if let Err(error) = file.sync_all() {
                    let _ = std::fs::remove_file(&self.tmp_path);
                    return Err(error.into());
                }
                Ok(SinkOutput::Blob {
                    tmp: self.tmp_path.clone(),
                    hash: *self.hasher.finalize().as_bytes(),
                    len: self.len,
                })
            }
        }
    }
}

impl Drop for DiskSink {
    fn drop(&mut self) {
        // A sink dropped mid-body (task cancelled) leaves no temporary file behind;
        // after finish the file is renamed or owned by the output, and this does nothing.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp_path);
        }
    }
}
