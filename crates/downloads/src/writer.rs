//! The partial file's writer: a dedicated thread, large vectored writes, and
//! checkpoints that sync the data before anything records it.
//!
//! The network task hands over batches of received chunks (no copy: `Bytes` are
//! reference counted) and goes back to reading; the thread writes each batch with
//! `writev`. Tokio's file type would hop to the blocking pool for every write,
//! which measured slower than one thread with `std::fs`.
//!
//! Checkpoints: every `interval`, while a record store is attached, a second
//! thread syncs a clone of the file handle, fingerprints the bytes before the
//! synced offset and only then reports the offset as durable, while the writer
//! keeps writing. An explicit [`Writer::sync`] (pause, interruption) and
//! [`Writer::close`] wait for the syncer first, so durable offsets only grow.

use std::fs::File;
use std::io::{self, IoSlice, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::record::FINGERPRINT_LEN;

/// Called with a durable offset and the fingerprint of the bytes before it.
pub(crate) type OnDurable = Arc<dyn Fn(u64, Option<String>) + Send + Sync>;

enum Msg {
    Data(Vec<Bytes>),
    Sync(oneshot::Sender<io::Result<u64>>),
    Close { sync: bool, reply: oneshot::Sender<io::Result<u64>> },
}

/// Handle to the writer thread of one attempt.
pub(crate) struct Writer {
    tx: mpsc::Sender<Msg>,
}

/// How the writer checkpoints.
#[derive(Clone)]
pub(crate) struct Checkpoints {
    pub(crate) interval: Duration,
    pub(crate) on_durable: OnDurable,
}

impl Writer {
    /// Opens (creating) `path`, cuts it to `offset` bytes and writes from there.
    pub(crate) fn open(
        path: &Path,
        offset: u64,
        checkpoints: Option<Checkpoints>,
    ) -> io::Result<Self> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)?;
        file.set_len(offset)?;
        file.seek(SeekFrom::Start(offset))?;
        let (tx, rx) = mpsc::channel(4);
        let path = path.to_owned();
        std::thread::Builder::new()
            .name("download-writer".into())
            .spawn(move || run(file, path, offset, checkpoints, rx))?;
        Ok(Self { tx })
    }

    /// Queues a batch; waits only when four batches are already queued.
    pub(crate) async fn write(&self, batch: Vec<Bytes>) -> io::Result<()> {
        self.tx.send(Msg::Data(batch)).await.map_err(|_| gone())
    }

    /// Writes what is queued, syncs, reports and returns the durable offset.
    pub(crate) async fn sync(&self) -> io::Result<u64> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Msg::Sync(reply)).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    /// Writes what is queued, syncs when asked, closes the file and returns its length.
    pub(crate) async fn close(self, sync: bool) -> io::Result<u64> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Msg::Close { sync, reply }).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}

fn gone() -> io::Error {
    io::Error::other("the download writer thread stopped after an earlier error")
}

struct Syncer {
    tx: std::sync::mpsc::SyncSender<u64>,
    busy: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

fn spawn_syncer(file: &File, path: PathBuf, on_durable: OnDurable) -> io::Result<Syncer> {
    let clone = file.try_clone()?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<u64>(1);
    let busy = Arc::new(AtomicBool::new(false));
    let flag = busy.clone();
    let thread = std::thread::Builder::new().name("download-sync".into()).spawn(move || {
        while let Ok(offset) = rx.recv() {
            // A failed sync reports nothing: the record keeps its older offset,
            // which is still true.
            if clone.sync_data().is_ok() {
                on_durable(offset, fingerprint(&path, offset).ok());
            }
            flag.store(false, Ordering::Release);
        }
    })?;
    Ok(Syncer { tx, busy, thread })
}

fn run(
    mut file: File,
    path: PathBuf,
    mut offset: u64,
    checkpoints: Option<Checkpoints>,
    mut rx: mpsc::Receiver<Msg>,
) {
    let mut syncer = checkpoints
        .as_ref()
        .and_then(|c| spawn_syncer(&file, path.clone(), c.on_durable.clone()).ok());
    let mut last_checkpoint = Instant::now();
    let mut failed: Option<io::Error> = None;
    while let Some(msg) = rx.blocking_recv() {
        match msg {
            Msg::Data(batch) => {
                if failed.is_some() {
                    continue;
                }
                match write_all_vectored(&mut file, &batch) {
                    Ok(n) => offset += n,
                    Err(e) => failed = Some(e),
                }
                if let (Some(c), Some(s)) = (&checkpoints, &syncer)
                    && last_checkpoint.elapsed() >= c.interval
                    && !s.busy.swap(true, Ordering::AcqRel)
                {
                    last_checkpoint = Instant::now();
                    if s.tx.try_send(offset).is_err() {
                        s.busy.store(false, Ordering::Release);
                    }
                }
            }
            Msg::Sync(reply) => {
                let result = match failed.take() {
                    Some(e) => Err(e),
                    None => {
                        join(&mut syncer);
                        let r = sync_and_report(&file, &path, offset, checkpoints.as_ref());
                        syncer = checkpoints.as_ref().and_then(|c| {
                            spawn_syncer(&file, path.clone(), c.on_durable.clone()).ok()
                        });
                        r
                    }
                };
                let _ = reply.send(result);
            }
            Msg::Close { sync, reply } => {
                join(&mut syncer);
                let result = match failed.take() {
                    Some(e) => Err(e),
                    None if sync => sync_and_report(&file, &path, offset, checkpoints.as_ref()),
                    None => Ok(offset),
                };
                let _ = reply.send(result);
                return;
            }
        }
    }
    join(&mut syncer);
}

fn join(syncer: &mut Option<Syncer>) {
    if let Some(s) = syncer.take() {
        drop(s.tx);
        let _ = s.thread.join();
    }
}

fn sync_and_report(
    file: &File,
    path: &Path,
    offset: u64,
    checkpoints: Option<&Checkpoints>,
) -> io::Result<u64> {
    file.sync_data()?;
    if let Some(c) = checkpoints {
        (c.on_durable)(offset, fingerprint(path, offset).ok());
    }
    Ok(offset)
}

fn write_all_vectored(file: &mut File, batch: &[Bytes]) -> io::Result<u64> {
    let mut slices: Vec<IoSlice<'_>> = batch.iter().map(|b| IoSlice::new(b)).collect();
    let mut rest = &mut slices[..];
    let mut written = 0u64;
    while !rest.is_empty() {
        match file.write_vectored(rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                written += n as u64;
                IoSlice::advance_slices(&mut rest, n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(written)
}

/// SHA-256 (hex) of up to [`FINGERPRINT_LEN`] bytes of `path` ending at `offset`;
/// `None`-like empty input hashes to the digest of nothing.
pub(crate) fn fingerprint(path: &Path, offset: u64) -> io::Result<String> {
    let start = offset.saturating_sub(FINGERPRINT_LEN);
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::new();
    file.take(offset - start).read_to_end(&mut buf)?;
    if (buf.len() as u64) < offset - start {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(hex(&Sha256::digest(&buf)))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_batches_and_reports_durable_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.part");
        std::fs::write(&path, b"0123456789").unwrap();
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let s = seen.clone();
        let checkpoints = Checkpoints {
            interval: Duration::ZERO,
            on_durable: Arc::new(move |o, f| s.lock().unwrap().push((o, f))),
        };
        let w = Writer::open(&path, 4, Some(checkpoints)).unwrap();
        w.write(vec![Bytes::from_static(b"ab"), Bytes::from_static(b"cd")]).await.unwrap();
        assert_eq!(w.sync().await.unwrap(), 8);
        w.write(vec![Bytes::from_static(b"ef")]).await.unwrap();
        assert_eq!(w.close(true).await.unwrap(), 10);
        assert_eq!(std::fs::read(&path).unwrap(), b"0123abcdef");
        let seen = seen.lock().unwrap();
        let offsets: Vec<u64> = seen.iter().map(|(o, _)| *o).collect();
        assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "{offsets:?}");
        assert_eq!(offsets.last(), Some(&10));
        assert_eq!(
            seen.last().unwrap().1.as_deref(),
            Some(hex(&Sha256::digest(b"0123abcdef")).as_str())
        );
    }
}
