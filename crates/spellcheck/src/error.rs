//! The crate's single error type.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in `sessionkit-spellcheck`.
///
/// Messages read well to an end user and fit on one line;
/// [`Error::is_invalid_input`] tells the caller's input apart from a failed
/// operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A language code that is not in Chromium's table, even after mapping a
    /// locale (`fr-CA` → `fr`). The text is Electron's.
    #[error("Invalid language code provided: {code:?} is not a valid language code")]
    UnknownLanguage {
        /// The code as given.
        code: String,
    },
    /// A dictionary download URL that can't be used.
    #[error("{url:?} is not a valid URL: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// No provider has a dictionary for the language.
    #[error("no dictionary for {language}: looked for {searched}")]
    DictionaryNotFound {
        /// The language code.
        language: String,
        /// Where it was looked for (file names, directories, URLs).
        searched: String,
    },
    /// A language whose dictionary failed to load earlier; it is not tried
    /// again until the languages, providers or download URL change or
    /// [`Spellchecker::reload_dictionaries`](crate::Spellchecker::reload_dictionaries)
    /// is called.
    #[error("no dictionary for {language}: {reason}")]
    Unavailable {
        /// The language code.
        language: String,
        /// The first failure, in one line.
        reason: String,
    },
    /// A `.aff`/`.dic` pair that does not load.
    #[error("invalid dictionary {name}: {reason}")]
    InvalidDictionary {
        /// The dictionary (a file name or a language code).
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The `SET` line of a `.aff` file names an encoding this crate can't
    /// decode.
    #[error("unsupported dictionary encoding {name:?} (SET line of the .aff file)")]
    UnsupportedEncoding {
        /// The encoding's name as written.
        name: String,
    },
    /// An input over one of the crate's size limits.
    #[error("{what} is too large: {size} bytes, the limit is {limit}")]
    TooLarge {
        /// What was too large ("the .dic file", "the HTTP response"…).
        what: &'static str,
        /// Its size, or the size read when the limit was hit.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A dictionary download failed (connection, HTTP status, a body that
    /// is not a dictionary).
    #[error("cannot download {url}: {reason}")]
    Download {
        /// The URL that was fetched.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// A file-system operation failed.
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        /// What was being done ("read", "write", "rename"…).
        op: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The Hunspell backend's worker thread is gone (it panicked).
    #[error("the {backend} backend stopped")]
    BackendStopped {
        /// The backend's name.
        backend: &'static str,
    },
}

impl Error {
    /// True when the caller's input was at fault (an unknown language code,
    /// an invalid URL) rather than the operation failing. The `sessionkit`
    /// command line maps this to exit status 2.
    #[must_use]
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::UnknownLanguage { .. } | Self::InvalidUrl { .. })
    }

    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io { op, path: path.into(), source }
    }

    pub(crate) fn invalid(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidDictionary { name: name.into(), reason: reason.into() }
    }
}
