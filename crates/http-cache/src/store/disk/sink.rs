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

    fn len(&self) -> u64 {
        self.len
    }

    fn finish(mut self: Box<Self>) -> Result<SinkOutput, Error> {
        match self.file.take() {
            None => Ok(SinkOutput::Inline(Bytes::from(std::mem::take(&mut self.buf)))),
            Some(file) => {
                // Durable before the index can point at it.
                file.sync_all()?;
                Ok(SinkOutput::Blob {
                    tmp: self.tmp_path.clone(),
                    hash: *self.hasher.finalize().as_bytes(),
                    len: self.len,
                })
            }
        }
    }

    fn abandon(mut self: Box<Self>) -> Result<Bytes, Error> {
        match self.file.take() {
            None => Ok(Bytes::from(std::mem::take(&mut self.buf))),
            Some(file) => {
                drop(file);
                // Removed whether or not the read worked.
                let bytes = std::fs::read(&self.tmp_path);
                let removed = std::fs::remove_file(&self.tmp_path);
                let bytes = bytes?;
                removed?;
                Ok(Bytes::from(bytes))
            }
        }
    }
}

impl Drop for DiskSink {
    fn drop(&mut self) {
        // A sink dropped mid-body (task cancelled) leaves no temporary file behind;
        // after finish/abandon the file is gone or renamed and this does nothing.
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp_path);
        }
    }
}
