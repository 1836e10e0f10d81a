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
    // Sticky: once a write failed (perhaps part-way through a batch), the
    // offset no longer matches the file, so every later message gets the same
    // error and no later batch is written.
    let mut failed: Option<(io::ErrorKind, String)> = None;
    let error = |(kind, message): &(io::ErrorKind, String)| io::Error::new(*kind, message.clone());
    while let Some(msg) = rx.blocking_recv() {
        match msg {
            Msg::Data(batch) => {
                if failed.is_some() {
                    continue;
                }
                match write_all_vectored(&mut file, &batch) {
                    Ok(n) => offset += n,
                    Err(e) => failed = Some((e.kind(), e.to_string())),
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
                let result = match &failed {
                    Some(f) => Err(error(f)),
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
                let result = match &failed {
                    Some(f) => Err(error(f)),
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

    /// A write that fails part-way through a batch leaves the offset wrong: the
    /// error must stay, past the sync that reports it, and no later batch may
    /// be written after the partial one. A non-blocking socket fails with
    /// `WouldBlock` once its buffer is full and accepts data again once the
    /// other end reads.
    #[tokio::test]
    async fn a_write_error_sticks_and_nothing_later_is_written() {
        use std::os::fd::OwnedFd;
        use std::os::unix::net::UnixStream;
        let (a, mut b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let file = File::from(OwnedFd::from(a));
        let (tx, rx) = mpsc::channel(4);
        let thread = std::thread::spawn(move || run(file, PathBuf::new(), 0, None, rx));
        let w = Writer { tx };
        w.write(vec![Bytes::from(vec![b'x'; 16 << 20])]).await.unwrap();
        let first = w.sync().await.unwrap_err();
        assert_eq!(first.kind(), io::ErrorKind::WouldBlock);
        // Room again in the socket: a later batch would now go through.
        b.set_nonblocking(true).unwrap();
        let mut buf = vec![0u8; 1 << 16];
        let mut drained = 0;
        loop {
            match b.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => drained += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(drained > 0 && drained < 16 << 20, "{drained}");
        w.write(vec![Bytes::from_static(b"later")]).await.unwrap();
        assert_eq!(w.sync().await.unwrap_err().kind(), first.kind());
        assert_eq!(w.close(false).await.unwrap_err().kind(), first.kind());
        thread.join().unwrap();
        b.set_nonblocking(false).unwrap();
        let mut rest = Vec::new();
        b.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "{} bytes written after the failed batch", rest.len());
    }
}
