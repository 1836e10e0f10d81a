//! Where dictionaries come from: a local directory, memory, or a download.

mod directory;
mod download;
mod memory;

use std::fmt;

pub use directory::{DirectoryProvider, SYSTEM_DICTIONARY_DIR};
pub(crate) use download::DownloadProvider;
pub use memory::MemoryProvider;

use crate::backend::{Backend, Speller};
use crate::{DictionaryText, Error, SpellcheckEvent};

/// A source of dictionaries. The [`Spellchecker`](crate::Spellchecker) asks
/// its providers in order for each language until one has it.
pub trait DictionaryProvider: Send + Sync + fmt::Debug {
    /// Loads the dictionary for `request.language()` with
    /// [`DictionaryRequest::load`]; `Ok(None)` when this provider has none.
    ///
    /// # Errors
    ///
    /// When the provider has files for the language that can't be read or
    /// do not load; the spellchecker then tries the next provider.
    fn provide(&self, request: &DictionaryRequest<'_>) -> Result<Option<LoadedDictionary>, Error>;

    /// Where this provider looks for `language`, for a "not found" message.
    fn describe(&self, language: &str) -> String;
}

/// One language being looked for: its code, and the backend to load it with.
pub struct DictionaryRequest<'a> {
    language: &'a str,
    backend: &'a dyn Backend,
    emit: &'a dyn Fn(SpellcheckEvent),
}

impl<'a> DictionaryRequest<'a> {
    pub(crate) fn new(
        language: &'a str,
        backend: &'a dyn Backend,
        emit: &'a dyn Fn(SpellcheckEvent),
    ) -> Self {
        Self { language, backend, emit }
    }

    /// The language code (one of [`available_languages`](crate::available_languages)).
    #[must_use]
    pub fn language(&self) -> &str {
        self.language
    }

    /// Decodes and loads a `.aff`/`.dic` pair with the spellchecker's
    /// backend; `name` names it in errors.
    ///
    /// # Errors
    ///
    /// See [`DictionaryText::decode`] and [`Backend::load`].
    pub fn load(&self, name: &str, aff: &[u8], dic: &[u8]) -> Result<LoadedDictionary, Error> {
        let text = DictionaryText::decode(name, aff, dic)?;
        let speller = self.backend.load(&text)?;
        Ok(LoadedDictionary { speller, source: name.to_owned() })
    }

    pub(crate) fn emit(&self, event: SpellcheckEvent) {
        (self.emit)(event);
    }
}

/// A dictionary loaded by [`DictionaryRequest::load`].
pub struct LoadedDictionary {
    pub(crate) speller: Box<dyn Speller>,
    source: String,
}

impl LoadedDictionary {
    /// Where it came from (a path, a URL, a name).
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for LoadedDictionary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedDictionary").field("source", &self.source).finish_non_exhaustive()
    }
}
