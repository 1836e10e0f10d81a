//! The Hunspell backend (feature `hunspell`): the C++ library through
//! `hunspell-rs`, on a thread of its own because its handle is neither
//! `Send` nor `Sync`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;

use super::{Backend, Speller};
use crate::{DictionaryText, Error};

const NAME: &str = "hunspell";

/// The [Hunspell](https://hunspell.github.io/) backend (bundled 1.7.1,
/// built from source by `hunspell-sys`; needs libclang and a C++
/// compiler).
///
/// Hunspell reads its dictionary from files, so the text is written
/// (re-encoded as UTF-8, `SET UTF-8`) to a private temporary directory that
/// is removed once loaded. Each dictionary runs on its own thread; calls
/// are messages to it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hunspell;

enum Request {
    Check(String, mpsc::SyncSender<bool>),
    Suggest(String, mpsc::SyncSender<Vec<String>>),
}

struct HunspellSpeller {
    requests: mpsc::Sender<Request>,
}

impl Backend for Hunspell {
    fn name(&self) -> &'static str {
        NAME
    }

    fn load(&self, dictionary: &DictionaryText) -> Result<Box<dyn Speller>, Error> {
        // Hunspell reports a broken file on stderr and carries on with an
        // empty dictionary; refuse the obvious cases here instead.
        let count = dictionary.dic().lines().map(str::trim).find(|l| !l.is_empty());
        if count.and_then(|c| c.split_whitespace().next()?.parse::<u64>().ok()).is_none() {
            return Err(Error::invalid(
                dictionary.name(),
                "the .dic file does not start with a word count",
            ));
        }
        let dir = TempDir::new()?;
        let aff = dir.write("dictionary.aff", &dictionary.aff_as_utf8())?;
        let dic = dir.write("dictionary.dic", dictionary.dic())?;
        let (requests, inbox) = mpsc::channel::<Request>();
        let (ready_tx, ready) = mpsc::sync_channel::<()>(1);
        thread::Builder::new()
            .name("sessionkit-hunspell".to_owned())
            .spawn(move || serve(&aff, &dic, &ready_tx, &inbox))
            .map_err(|e| Error::io("start a thread for", dir.path(), e))?;
        ready.recv().map_err(|_| Error::BackendStopped { backend: NAME })?;
        drop(dir);
        Ok(Box::new(HunspellSpeller { requests }))
    }
}

/// Held while a Hunspell handle is created or destroyed. Hunspell keeps
/// process-wide tables (its UTF-8 case tables, reference-counted, set up by
/// the first UTF-8 dictionary and freed with the last) without any locking,
/// so two dictionaries loading or closing at once on different threads can
/// free a table the other is using; a crash seen when tests loaded several
/// dictionaries in parallel. Checking and suggesting need no lock: the
/// tables only change on create and destroy.
static LIFECYCLE: Mutex<()> = Mutex::new(());

fn serve(aff: &str, dic: &str, ready: &mpsc::SyncSender<()>, inbox: &mpsc::Receiver<Request>) {
    let hunspell = {
        let _lifecycle = LIFECYCLE.lock().unwrap_or_else(PoisonError::into_inner);
        hunspell_rs::Hunspell::new(aff, dic)
    };
    serve_requests(&hunspell, ready, inbox);
    let _lifecycle = LIFECYCLE.lock().unwrap_or_else(PoisonError::into_inner);
    drop(hunspell);
}

fn serve_requests(
    hunspell: &hunspell_rs::Hunspell,
    ready: &mpsc::SyncSender<()>,
    inbox: &mpsc::Receiver<Request>,
) {
    if ready.send(()).is_err() {
        return;
    }
    while let Ok(request) = inbox.recv() {
        match request {
            Request::Check(word, reply) => {
                let ok =
                    matches!(hunspell.check(&word), hunspell_rs::CheckResult::FoundInDictionary);
                let _ = reply.send(ok);
            }
            Request::Suggest(word, reply) => {
                let _ = reply.send(hunspell.suggest(&word));
            }
        }
    }
}

impl Speller for HunspellSpeller {
    fn check(&self, word: &str) -> bool {
        // The guards already removed NUL, on which hunspell-rs panics.
        let (reply, answer) = mpsc::sync_channel(1);
        if self.requests.send(Request::Check(word.to_owned(), reply)).is_err() {
            return true;
        }
        // A stopped worker checks nothing: report the word as correct
        // rather than flag every word.
        answer.recv().unwrap_or(true)
    }

    fn suggest(&self, word: &str, out: &mut Vec<String>) {
        let (reply, answer) = mpsc::sync_channel(1);
        if self.requests.send(Request::Suggest(word.to_owned(), reply)).is_ok() {
            out.extend(answer.recv().unwrap_or_default());
        }
    }
}

/// A private directory under the system's temporary directory, removed on
/// drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, Error> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("sessionkit-hunspell-{}-{n}", std::process::id()));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(Self(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io("create", path, e)),
            }
        }
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, text: &str) -> Result<String, Error> {
        let path = self.0.join(name);
        fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
        path.to_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::invalid(name, "the temporary directory's path is not UTF-8"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
