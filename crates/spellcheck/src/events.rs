//! Notifications sent to [`Spellchecker::subscribe`](crate::Spellchecker::subscribe) receivers.

/// Something happened to a dictionary. Electron emits these on the
/// `Session` with the language code as argument.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpellcheckEvent {
    /// A dictionary download starts.
    ///
    /// Electron: `spellcheck-dictionary-download-begin`.
    DownloadBegin {
        /// The language code.
        language: String,
    },
    /// A dictionary was downloaded, verified to load and saved.
    ///
    /// Electron: `spellcheck-dictionary-download-success`.
    DownloadSuccess {
        /// The language code.
        language: String,
    },
    /// A dictionary download failed; any dictionary already saved is kept.
    ///
    /// Electron: `spellcheck-dictionary-download-failure` (which gives no
    /// reason).
    DownloadFailure {
        /// The language code.
        language: String,
        /// Why, in one line.
        reason: String,
    },
    /// A dictionary was loaded and is in use: after a download, and also
    /// when it came from disk or memory without one.
    ///
    /// Electron: `spellcheck-dictionary-initialized`.
    Initialized {
        /// The language code.
        language: String,
    },
}

impl SpellcheckEvent {
    /// Electron's name for the event, e.g. `spellcheck-dictionary-initialized`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::DownloadBegin { .. } => "spellcheck-dictionary-download-begin",
            Self::DownloadSuccess { .. } => "spellcheck-dictionary-download-success",
            Self::DownloadFailure { .. } => "spellcheck-dictionary-download-failure",
            Self::Initialized { .. } => "spellcheck-dictionary-initialized",
        }
    }

    /// The language the event is about.
    #[must_use]
    pub fn language(&self) -> &str {
        match self {
            Self::DownloadBegin { language }
            | Self::DownloadSuccess { language }
            | Self::DownloadFailure { language, .. }
            | Self::Initialized { language } => language,
        }
    }
}
