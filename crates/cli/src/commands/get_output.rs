//! Where `sessionkit get` writes the body: stdout, or `-o FILE` through a
//! temporary file beside FILE that replaces it only once the body is whole.
//!
//! curl's `-o` truncates FILE before the request, so a failed request leaves
//! nothing of the previous copy. Here a failure (no response, a body cut
//! short, a write error) leaves FILE as it was and removes the temporary
//! file; an HTTP error status is a response like any other and does replace
//! FILE.
//!
//! The temporary file is created exclusively under a random name (never
//! following a planted symlink, never shared by two runs), beside the real
//! FILE when `-o` names a symlink (so the link stays a link), and with
//! FILE's permissions. A FILE that can't be written is refused before the
//! request, as curl's open fails; when no temporary file can be created
//! beside it (a writable FILE in a read-only folder) FILE is written in
//! place, as curl does.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::failure::Failure;

/// The body's destination for one run.
pub(crate) enum Output {
    /// No `-o`: stdout.
    Stdout(io::StdoutLock<'static>),
    /// `-o` naming something that is not a regular file (`/dev/null`, a
    /// FIFO), or a FILE whose folder takes no new file: written in place,
    /// since renaming over it would replace it or can't be done.
    Direct(File),
    /// `-o FILE`: the body goes to a temporary file until
    /// [`Output::commit`].
    Part(PartFile),
}

impl Output {
    /// Opens the destination before the request, so a path that can't be
    /// written is reported without contacting the server.
    pub(crate) fn open(path: Option<&Path>) -> Result<Self, Failure> {
        let Some(path) = path else { return Ok(Self::Stdout(io::stdout().lock())) };
        let cannot_open =
            |e: io::Error| Failure::failed(format!("cannot open {}: {e}", path.display()));
        // A symlink is replaced through its target: the link stays. A
        // dangling link is written through, creating its target, as curl's
        // open does.
        let target = match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
                Ok(target) => target,
                Err(_) => return direct(path, true).map_err(cannot_open),
            },
            _ => path.to_owned(),
        };
        let existing = match fs::metadata(&target) {
            Ok(meta) if !meta.is_file() => return direct(&target, true).map_err(cannot_open),
            Ok(meta) => {
                // The open curl would do, without truncating: a read-only
                // FILE is refused here rather than silently replaced.
                let file = fs::OpenOptions::new().write(true).open(&target).map_err(cannot_open)?;
                Some((file, meta.permissions()))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(cannot_open(e)),
        };
        match PartFile::create(&target, existing.as_ref().map(|(_, mode)| mode)) {
            Ok(part) => Ok(Self::Part(part)),
            // No temporary file beside FILE: FILE itself, truncated now as
            // curl would.
            Err(e) => match existing {
                Some((file, _)) => {
                    file.set_len(0).map_err(cannot_open)?;
                    Ok(Self::Direct(file))
                }
                None => Err(Failure::failed(format!("cannot create {}: {e}", path.display()))),
            },
        }
    }

    /// The body arrived whole: the temporary file becomes FILE (nothing to
    /// do for stdout and special files beyond flushing).
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

/// Opens `path` for writing in place, truncated.
fn direct(path: &Path, create: bool) -> io::Result<Output> {
    let file = fs::OpenOptions::new().write(true).create(create).truncate(true).open(path)?;
    Ok(Output::Direct(file))
}

/// The temporary file, removed when dropped unless committed.
pub(crate) struct PartFile {
    file: NamedTempFile,
    target: PathBuf,
}

impl PartFile {
    /// `.NAME.XXXXXX.part` in FILE's folder (same file system, so the
    /// rename is atomic), with `mode` (FILE's permissions) or, for a new
    /// FILE, those a plain create would give.
    fn create(target: &Path, mode: Option<&fs::Permissions>) -> io::Result<Self> {
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let name = target.file_name().unwrap_or(target.as_os_str());
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(name);
        prefix.push(".");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        #[cfg(unix)]
        {
            // 0666 less the umask, as File::create gives a new FILE
            // (tempfile's default is 0600).
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let file = builder.tempfile_in(parent)?;
        if let Some(mode) = mode {
            file.as_file().set_permissions(mode.clone())?;
        }
        Ok(Self { file, target: target.to_owned() })
    }

    /// Writes the body to disk, then renames it over FILE. When the rename
    /// fails the temporary file is kept, and named in the error, so the body
    /// is not lost.
    fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.as_file().sync_all()?;
        let target = self.target;
        self.file.persist(&target).map(drop).map_err(|e| {
            let tempfile::PersistError { error, file } = e;
            let message = match file.keep() {
                Ok((_, kept)) => format!(
                    "cannot rename {} to {}: {error}; the body is kept there",
                    kept.display(),
                    target.display(),
                ),
                Err(_) => format!("cannot rename the body to {}: {error}", target.display()),
            };
            io::Error::new(error.kind(), message)
        })
    }
}
