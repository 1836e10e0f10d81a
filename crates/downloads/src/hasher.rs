//! The optional whole-file SHA-256 check, kept off the write path.
//!
//! Hashing runs on its own thread and is fed the same reference-counted batches
//! the writer gets. It never slows the download: when its queue is full the
//! network task stops feeding it, and at the end it reads whatever it missed
//! (and, after a resume, the bytes written by earlier attempts) back from the file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

enum Msg {
    /// Contiguous bytes starting at this file offset.
    Data(u64, Vec<Bytes>),
    /// Hash up to this length (reading gaps from the file) and answer.
    Finish(u64, oneshot::Sender<io::Result<[u8; 32]>>),
}

/// Feeds a hasher thread; see the module docs.
pub(crate) struct Hasher {
    tx: mpsc::Sender<Msg>,
    /// Set once a batch was dropped: later ones are not sent either, so what the
    /// thread gets stays one contiguous run and the rest is read from disk.
    lagging: bool,
}

impl Hasher {
    /// A hasher for the file at `path` (read back for the parts not fed to it).
    pub(crate) fn spawn(path: PathBuf) -> io::Result<Self> {
        let (tx, rx) = mpsc::channel(8);
        std::thread::Builder::new().name("download-sha256".into()).spawn(move || run(&path, rx))?;
        Ok(Self { tx, lagging: false })
    }

    /// Offers a batch that starts at `offset`; drops it (for good) if the thread lags.
    pub(crate) fn offer(&mut self, offset: u64, batch: &[Bytes]) {
        if self.lagging {
            return;
        }
        if self.tx.try_send(Msg::Data(offset, batch.to_vec())).is_err() {
            self.lagging = true;
        }
    }

    /// The digest of the first `len` bytes of the file (call after the writer closed it).
    pub(crate) async fn finish(self, len: u64) -> io::Result<[u8; 32]> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Msg::Finish(len, reply)).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }
}

fn stopped() -> io::Error {
    io::Error::other("the SHA-256 thread stopped")
}

fn run(path: &PathBuf, mut rx: mpsc::Receiver<Msg>) {
    let mut sha = Sha256::new();
    let mut hashed = 0u64;
    let mut error: Option<io::Error> = None;
    while let Some(msg) = rx.blocking_recv() {
        match msg {
            Msg::Data(offset, batch) => {
                if error.is_some() {
                    continue;
                }
                if offset > hashed
                    && let Err(e) = hash_from_file(path, &mut sha, hashed, offset)
                {
                    error = Some(e);
                    continue;
                }
                hashed = hashed.max(offset);
                if offset < hashed {
                    // Never happens with one contiguous feed; refuse to guess.
                    error = Some(io::Error::other("SHA-256 feed went backwards"));
                    continue;
                }
                for b in &batch {
                    sha.update(b);
                    hashed += b.len() as u64;
                }
            }
            Msg::Finish(len, reply) => {
                let result = match error.take() {
                    Some(e) => Err(e),
                    None => hash_from_file(path, &mut sha, hashed, len)
                        .map(|()| sha.clone().finalize().into()),
                };
                let _ = reply.send(result);
                return;
            }
        }
    }
}

fn hash_from_file(path: &PathBuf, sha: &mut Sha256, from: u64, to: u64) -> io::Result<()> {
    if to <= from {
        return Ok(());
    }
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut left = to - from;
    let mut buf = vec![0u8; 1 << 20];
    while left > 0 {
        let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        sha.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_the_prefix_and_the_missed_tail_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"hello world!").unwrap();
        let mut h = Hasher::spawn(path.clone()).unwrap();
        h.offer(6, &[Bytes::from_static(b"wor")]);
        let digest = h.finish(12).await.unwrap();
        let want: [u8; 32] = Sha256::digest(b"hello world!").into();
        assert_eq!(digest, want);
    }
}
