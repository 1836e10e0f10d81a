//! Dictionaries given as bytes.

use std::collections::HashMap;
use std::sync::Arc;

use super::{DictionaryProvider, DictionaryRequest, LoadedDictionary};
use crate::Error;
use crate::languages::{corresponding_language, dictionary_region};

/// The bytes of a `.aff` and a `.dic` file.
type Files = (Arc<[u8]>, Arc<[u8]>);

/// `.aff`/`.dic` pairs held in memory, keyed by the dictionary a language
/// uses (so one given for `fr` also serves `fr-FR`): for tests,
/// embedded dictionaries (`include_bytes!`) and dictionaries fetched by the
/// application itself.
#[derive(Debug, Clone, Default)]
pub struct MemoryProvider {
    dictionaries: HashMap<&'static str, Files>,
}

impl MemoryProvider {
    /// No dictionaries yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the dictionary of `language`, a code or a locale
    /// mapped as [`corresponding_language`] does. The bytes are decoded
    /// when the language is first used.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownLanguage`] for a code that maps to no language.
    pub fn with_dictionary(
        mut self,
        language: &str,
        aff: impl Into<Vec<u8>>,
        dic: impl Into<Vec<u8>>,
    ) -> Result<Self, Error> {
        let code = corresponding_language(language)
            .ok_or_else(|| Error::UnknownLanguage { code: language.to_owned() })?;
        let region = dictionary_region(code).unwrap_or(code);
        self.dictionaries.insert(region, (aff.into().into(), dic.into().into()));
        Ok(self)
    }
}

impl DictionaryProvider for MemoryProvider {
    fn provide(&self, request: &DictionaryRequest<'_>) -> Result<Option<LoadedDictionary>, Error> {
        let region = dictionary_region(request.language()).unwrap_or(request.language());
        match self.dictionaries.get(region) {
            Some((aff, dic)) => request.load(request.language(), aff, dic).map(Some),
            None => Ok(None),
        }
    }

    fn describe(&self, language: &str) -> String {
        format!("{language} in memory")
    }
}
