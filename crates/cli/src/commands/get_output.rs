//! Where `sessionkit get` writes the body: stdout, or `-o FILE` through a
//! `FILE.part` beside it that replaces FILE only once the body is whole.
//!
//! curl's `-o` truncates FILE before the request, so a failed request leaves
//! nothing of the previous copy. Here a failure (no response, a body cut
//! short, a write error) leaves FILE as it was and removes the `.part`; an
//! HTTP error status is a response like any other and does replace FILE.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// The body's destination for one run.
pub(crate) enum Output {
    /// No `-o`: stdout.
    Stdout(io::StdoutLock<'static>),
    /// `-o` naming something that is not a regular file (`/dev/null`, a
    /// FIFO): written in place, since renaming over it would replace it.
    Direct(File),
    /// `-o FILE`: the body goes to the `.part` until [`Output::commit`].
    Part(PartFile),
}

impl Output {
    /// Opens the destination before the request, so a path that can't be
    /// written is reported without contacting the server.
    pub(crate) fn open(path: Option<&Path>) -> Result<Self, Failure> {
        let Some(path) = path else { return Ok(Self::Stdout(io::stdout().lock())) };
        let special = fs::metadata(path).is_ok_and(|meta| !meta.is_file());
        if special {
            let file = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(|e| Failure::failed(format!("cannot open {}: {e}", path.display())))?;
            return Ok(Self::Direct(file));
        }
        PartFile::create(path).map(Self::Part)
    }

    /// The body arrived whole: FILE.part becomes FILE (nothing to do for
    /// stdout and special files beyond flushing).
    pub(crate) fn commit(self) -> io::Result<()> {
        match self {
            Self::Stdout(mut out) => out.flush(),
            Self::Direct(mut file) => file.flush(),
            Self::Part(part) => part.commit(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Stdout(out) => out.write(buf),
            Self::Direct(file) => file.write(buf),
            Self::Part(part) => part.file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Stdout(out) => out.flush(),
            Self::Direct(file) => file.flush(),
            Self::Part(part) => part.file.flush(),
        }
    }
}

/// `FILE.part`, removed when dropped unless committed.
pub(crate) struct PartFile {
    file: File,
    part: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl PartFile {
    fn create(target: &Path) -> Result<Self, Failure> {
        let part = part_path(target);
        let file = File::create(&part)
            .map_err(|e| Failure::failed(format!("cannot create {}: {e}", part.display())))?;
        Ok(Self { file, part, target: target.to_owned(), committed: false })
    }

    fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        fs::rename(&self.part, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: the run is failing already, and a left-over
            // .part is overwritten by the next run.
            let _ = fs::remove_file(&self.part);
        }
    }
}

/// `FILE.part` in FILE's directory (same file system, so the rename is
/// atomic).
fn part_path(target: &Path) -> PathBuf {
    let mut name: OsString = target.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}
