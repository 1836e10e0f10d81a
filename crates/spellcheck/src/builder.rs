//! Building a [`Spellchecker`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::Error;
use crate::backend::{Backend, Spellbook};
use crate::checker::{Config, Spellchecker};
use crate::fetch::{Fetch, HttpFetch};
use crate::provider::{DictionaryProvider, DirectoryProvider};

/// Default time budget for one [`Spellchecker::suggest`] call.
pub const DEFAULT_SUGGESTION_BUDGET: Duration = Duration::from_millis(500);

/// The directory, inside the storage directory, that downloaded
/// dictionaries are saved to and read from.
pub const DICTIONARIES_DIR_NAME: &str = "Dictionaries";

/// Options for a [`Spellchecker`]; see [`Spellchecker::builder`].
#[derive(Debug)]
pub struct SpellcheckerBuilder {
    storage_dir: Option<PathBuf>,
    backend: Arc<dyn Backend>,
    providers: Vec<Arc<dyn DictionaryProvider>>,
    languages: Option<Vec<String>>,
    persist_settings: bool,
    fetcher: Arc<dyn Fetch>,
    suggestion_budget: Duration,
}

impl Default for SpellcheckerBuilder {
    fn default() -> Self {
        Self {
            storage_dir: None,
            backend: Arc::new(Spellbook),
            providers: Vec::new(),
            languages: None,
            persist_settings: true,
            fetcher: Arc::new(HttpFetch::default()),
            suggestion_budget: DEFAULT_SUGGESTION_BUDGET,
        }
    }
}

impl SpellcheckerBuilder {
    /// Keep data in `dir` (a partition directory): `Custom Dictionary.txt`,
    /// the settings and downloaded dictionaries in `Dictionaries/`, which
    /// is also the first place dictionaries are looked for. Without it,
    /// everything stays in memory.
    #[must_use]
    pub fn storage_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.storage_dir = Some(dir.into());
        self
    }

    /// The engine ([`Spellbook`] by default).
    #[must_use]
    pub fn backend(mut self, backend: Arc<dyn Backend>) -> Self {
        self.backend = backend;
        self
    }

    /// Adds a dictionary provider, asked after the storage directory's
    /// downloads and the providers added before it.
    #[must_use]
    pub fn provider(mut self, provider: Arc<dyn DictionaryProvider>) -> Self {
        self.providers.push(provider);
        self
    }

    /// Adds Debian's `/usr/share/hunspell` as a provider.
    #[must_use]
    pub fn system_dictionaries(self) -> Self {
        self.provider(Arc::new(DirectoryProvider::system()))
    }

    /// Starts with these languages instead of the stored ones (they are
    /// stored only if [`Spellchecker::set_languages`] is called).
    #[must_use]
    pub fn languages<S: AsRef<str>>(mut self, languages: &[S]) -> Self {
        self.languages = Some(languages.iter().map(|l| l.as_ref().to_owned()).collect());
        self
    }

    /// Whether setting languages or enabling writes the settings file of
    /// the storage directory (default `true`).
    #[must_use]
    pub fn persist_settings(mut self, persist: bool) -> Self {
        self.persist_settings = persist;
        self
    }

    /// How dictionaries are downloaded ([`HttpFetch`] by default, which
    /// only speaks `http://`).
    #[must_use]
    pub fn fetcher(mut self, fetcher: Arc<dyn Fetch>) -> Self {
        self.fetcher = fetcher;
        self
    }

    /// The longest a [`Spellchecker::suggest`] call may take
    /// ([`DEFAULT_SUGGESTION_BUDGET`]).
    #[must_use]
    pub fn suggestion_budget(mut self, budget: Duration) -> Self {
        self.suggestion_budget = budget;
        self
    }

    /// Reads the stored settings and custom words and makes the
    /// spellchecker. No dictionary is loaded yet.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownLanguage`] for a language given to
    /// [`SpellcheckerBuilder::languages`]; [`Error::Io`] when the storage
    /// directory's files can't be read.
    pub fn build(self) -> Result<Spellchecker, Error> {
        Spellchecker::from_config(
            Config {
                storage_dir: self.storage_dir,
                backend: self.backend,
                persist_settings: self.persist_settings,
                suggestion_budget: self.suggestion_budget,
            },
            self.providers,
            self.fetcher,
            self.languages,
        )
    }
}
