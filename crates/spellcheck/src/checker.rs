//! [`Spellchecker`]: Electron's spellchecker API over several languages.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;
use url::Url;

use crate::backend::Backend;
use crate::budget::{Budgeted, suggest_all};
use crate::builder::{DICTIONARIES_DIR_NAME, SpellcheckerBuilder};
use crate::custom_dictionary::CustomWords;
use crate::fetch::Fetch;
use crate::guards::{gets_suggestions, is_checked, merge_suggestions, strip_controls};
use crate::languages::{DEFAULT_LANGUAGE, corresponding_language};
use crate::provider::{DictionaryProvider, DictionaryRequest, DirectoryProvider, DownloadProvider};
use crate::settings::Settings;
use crate::tokenize::words;
use crate::{Error, SpellcheckEvent};

/// Capacity of the event channel; a receiver that falls further behind
/// gets `RecvError::Lagged`.
const EVENT_CAPACITY: usize = 64;

/// A misspelled word in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Misspelling {
    /// Its byte range in the text.
    pub range: Range<usize>,
    /// The word.
    pub word: String,
}

/// A spellchecker for one session: languages, dictionaries, the user's
/// custom words and dictionary events.
///
/// A word is misspelled only when every language's dictionary rejects it
/// and it is not a custom word. Dictionaries are loaded on first use (or
/// with [`Spellchecker::load_dictionaries`]) from the providers, in order:
/// the storage directory's `Dictionaries/`, the providers given to the
/// builder, then — only when languages were set, checking is enabled and
/// a download URL is set — a download.
///
/// Electron: the spellchecker methods and events of `Session`.
pub struct Spellchecker {
    config: Config,
    state: Mutex<State>,
    dictionaries: Mutex<Dictionaries>,
    custom: Mutex<CustomWords>,
    events: broadcast::Sender<SpellcheckEvent>,
}

pub(crate) struct Config {
    pub(crate) storage_dir: Option<PathBuf>,
    pub(crate) backend: Arc<dyn Backend>,
    pub(crate) persist_settings: bool,
    pub(crate) suggestion_budget: Duration,
}

struct State {
    settings: Settings,
    download_url: Option<Url>,
    providers: Vec<Arc<dyn DictionaryProvider>>,
    fetcher: Arc<dyn Fetch>,
}

#[derive(Default)]
struct Dictionaries {
    loaded: HashMap<String, Arc<Budgeted>>,
    failed: HashMap<String, String>,
}

impl Spellchecker {
    /// Options: storage directory, backend, providers, budget.
    #[must_use]
    pub fn builder() -> SpellcheckerBuilder {
        SpellcheckerBuilder::default()
    }

    pub(crate) fn from_config(
        config: Config,
        providers: Vec<Arc<dyn DictionaryProvider>>,
        fetcher: Arc<dyn Fetch>,
        languages: Option<Vec<String>>,
    ) -> Result<Self, Error> {
        let (mut settings, custom) = match &config.storage_dir {
            Some(dir) => (Settings::load(dir)?, CustomWords::open(dir)?),
            None => (Settings::default(), CustomWords::memory()),
        };
        if let Some(languages) = languages {
            settings.languages = Some(canonical_languages(&languages)?);
        }
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Ok(Self {
            config,
            state: Mutex::new(State { settings, download_url: None, providers, fetcher }),
            dictionaries: Mutex::new(Dictionaries::default()),
            custom: Mutex::new(custom),
            events,
        })
    }

    /// Sets the languages to check with. Each entry is a code of
    /// [`available_languages`](crate::available_languages) or a locale mapped
    /// to one (`fr-CA` → `fr`); duplicates are dropped. An empty list goes
    /// back to the default, `en-US`. A persistent session stores the list.
    ///
    /// Electron: `ses.setSpellCheckerLanguages(languages)`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownLanguage`] (nothing is changed);
    /// [`Error::Io`] when the settings can't be saved.
    pub fn set_languages<S: AsRef<str>>(&self, languages: &[S]) -> Result<(), Error> {
        let codes = canonical_languages(languages)?;
        self.update_settings(|settings| settings.languages = Some(codes))?;
        self.lock_dictionaries().failed.clear();
        Ok(())
    }

    /// The languages checked with; `["en-US"]` when none were set.
    ///
    /// Electron: `ses.getSpellCheckerLanguages()`.
    #[must_use]
    pub fn languages(&self) -> Vec<String> {
        match &self.lock_state().settings.languages {
            Some(languages) if !languages.is_empty() => languages.clone(),
            _ => vec![DEFAULT_LANGUAGE.to_owned()],
        }
    }

    /// Every code [`Spellchecker::set_languages`] accepts as it is.
    ///
    /// Electron: `ses.availableSpellCheckerLanguages`.
    #[must_use]
    pub fn available_languages(&self) -> Vec<&'static str> {
        crate::available_languages()
    }

    /// Turns checking on or off (on by default). While off, every word is
    /// correct, nothing is suggested and no dictionary is loaded or
    /// downloaded. A persistent session stores the setting.
    ///
    /// Electron: `ses.setSpellCheckerEnabled(enable)`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the settings can't be saved.
    pub fn set_enabled(&self, enabled: bool) -> Result<(), Error> {
        self.update_settings(|settings| settings.enabled = enabled)
    }

    /// Whether checking is on.
    ///
    /// Electron: `ses.isSpellCheckerEnabled()`.
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.lock_state().settings.enabled
    }

    /// Where to download missing dictionaries from: `${url}${file}` with
    /// lower-case Hunspell file names (`en_us.aff`, `en_us.dic`), so the
    /// trailing `/` matters. Downloads are saved into the storage
    /// directory's `Dictionaries/` once they load. The built-in client only
    /// speaks `http://`; use [`Spellchecker::set_fetcher`] for `https://`.
    ///
    /// Electron: `ses.setSpellCheckerDictionaryDownloadURL(url)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] when `url` does not parse.
    pub fn set_dictionary_download_url(&self, url: &str) -> Result<(), Error> {
        let parsed = Url::parse(url)
            .map_err(|e| Error::InvalidUrl { url: url.to_owned(), reason: e.to_string() })?;
        self.lock_state().download_url = Some(parsed);
        self.lock_dictionaries().failed.clear();
        Ok(())
    }

    /// The download URL, if one was set.
    #[must_use]
    pub fn dictionary_download_url(&self) -> Option<Url> {
        self.lock_state().download_url.clone()
    }

    /// Replaces the client used for downloads.
    pub fn set_fetcher(&self, fetcher: Arc<dyn Fetch>) {
        self.lock_state().fetcher = fetcher;
        self.lock_dictionaries().failed.clear();
    }

    /// Replaces the providers asked after the storage directory's
    /// downloads (those given to the builder). Loaded dictionaries stay
    /// until [`Spellchecker::reload_dictionaries`].
    pub fn set_providers(&self, providers: Vec<Arc<dyn DictionaryProvider>>) {
        self.lock_state().providers = providers;
        self.lock_dictionaries().failed.clear();
    }

    /// Forgets loaded dictionaries and failures, so the next use loads
    /// again (and sends `Initialized` again).
    pub fn reload_dictionaries(&self) {
        let mut dictionaries = self.lock_dictionaries();
        dictionaries.loaded.clear();
        dictionaries.failed.clear();
    }

    /// Loads the dictionary of every language now, rather than on first
    /// use. Nothing happens while checking is off.
    ///
    /// # Errors
    ///
    /// The first language's failure ([`Error::DictionaryNotFound`],
    /// [`Error::Download`], [`Error::InvalidDictionary`]…); the other
    /// languages are still loaded.
    pub fn load_dictionaries(&self) -> Result<(), Error> {
        if !self.is_enabled() {
            return Ok(());
        }
        let mut first = None;
        for language in self.languages() {
            if let Err(e) = self.dictionary(&language) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Whether `word` is spelled correctly in at least one language, or is
    /// a custom word. Control characters are removed first; an empty word
    /// or one over 64 characters is correct (Chromium's rule).
    ///
    /// # Errors
    ///
    /// When no language's dictionary can be loaded.
    pub fn check(&self, word: &str) -> Result<bool, Error> {
        if !self.is_enabled() {
            return Ok(true);
        }
        let word = strip_controls(word);
        if !is_checked(&word) || self.lock_custom().accepts(&word) {
            return Ok(true);
        }
        Ok(self.spellers()?.iter().any(|d| d.speller.check(&word)))
    }

    /// The misspelled words of `text` (tokenised on letters, digits and
    /// inner apostrophes; see [`words`](crate::words)).
    ///
    /// # Errors
    ///
    /// As for [`Spellchecker::check`].
    pub fn misspelled_words(&self, text: &str) -> Result<Vec<Misspelling>, Error> {
        let mut out = Vec::new();
        for (range, word) in words(text) {
            if !self.check(word)? {
                out.push(Misspelling { range, word: word.to_owned() });
            }
        }
        Ok(out)
    }

    /// Up to 5 suggestions for a misspelled word, merged across the
    /// languages that reject it (first of each, then second of each, …),
    /// without duplicates. Empty for a correct word, a word over 24
    /// characters, or when checking is off. Each call returns within the
    /// suggestion budget; a language that has not answered by then
    /// contributes nothing.
    ///
    /// # Errors
    ///
    /// When no language's dictionary can be loaded.
    pub fn suggest(&self, word: &str) -> Result<Vec<String>, Error> {
        if !self.is_enabled() {
            return Ok(Vec::new());
        }
        let word = strip_controls(word);
        if !gets_suggestions(&word) || self.lock_custom().accepts(&word) {
            return Ok(Vec::new());
        }
        let deadline = Instant::now() + self.config.suggestion_budget;
        let spellers = self.spellers()?;
        if spellers.iter().any(|d| d.speller.check(&word)) {
            return Ok(Vec::new());
        }
        let refs: Vec<&Budgeted> = spellers.iter().map(AsRef::as_ref).collect();
        let mut lists = suggest_all(&refs, &word, deadline);
        for list in &mut lists {
            list.retain(|s| !s.chars().any(char::is_control));
        }
        Ok(merge_suggestions(&lists))
    }

    /// The custom dictionary's words, sorted.
    ///
    /// Electron: `ses.listWordsInSpellCheckerDictionary()`.
    #[must_use]
    pub fn list_words(&self) -> Vec<String> {
        self.lock_custom().list()
    }

    /// Adds a word to the custom dictionary (saved at once in a persistent
    /// session); `false` when it is already there or invalid (empty, over
    /// 99 bytes, surrounding whitespace, control characters).
    ///
    /// Electron: `ses.addWordToSpellCheckerDictionary(word)`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file can't be saved; the word is not added.
    pub fn add_word(&self, word: &str) -> Result<bool, Error> {
        self.lock_custom().add(word)
    }

    /// Removes a word from the custom dictionary; `false` when it is not
    /// there.
    ///
    /// Electron: `ses.removeWordFromSpellCheckerDictionary(word)`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file can't be saved; the word stays.
    pub fn remove_word(&self, word: &str) -> Result<bool, Error> {
        self.lock_custom().remove(word)
    }

    /// A receiver of dictionary events from now on.
    ///
    /// Electron: the `spellcheck-dictionary-*` events of `Session`.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<SpellcheckEvent> {
        self.events.subscribe()
    }

    /// The loaded dictionaries of the current languages, loading the
    /// missing ones; an error only when none is available.
    fn spellers(&self) -> Result<Vec<Arc<Budgeted>>, Error> {
        let mut spellers = Vec::new();
        let mut first = None;
        for language in self.languages() {
            match self.dictionary(&language) {
                Ok(speller) => spellers.push(speller),
                Err(e) => {
                    first.get_or_insert(e);
                }
            }
        }
        match first {
            Some(e) if spellers.is_empty() => Err(e),
            _ => Ok(spellers),
        }
    }

    fn dictionary(&self, language: &str) -> Result<Arc<Budgeted>, Error> {
        let mut dictionaries = self.lock_dictionaries();
        if let Some(loaded) = dictionaries.loaded.get(language) {
            return Ok(Arc::clone(loaded));
        }
        if let Some(reason) = dictionaries.failed.get(language) {
            return Err(Error::Unavailable {
                language: language.to_owned(),
                reason: reason.clone(),
            });
        }
        match self.load(language) {
            Ok(loaded) => {
                let loaded = Arc::new(loaded);
                dictionaries.loaded.insert(language.to_owned(), Arc::clone(&loaded));
                let _ = self
                    .events
                    .send(SpellcheckEvent::Initialized { language: language.to_owned() });
                Ok(loaded)
            }
            Err(e) => {
                dictionaries.failed.insert(language.to_owned(), e.to_string());
                Err(e)
            }
        }
    }

    /// Asks each provider in turn; the first error is kept for the message
    /// when none has the language.
    fn load(&self, language: &str) -> Result<Budgeted, Error> {
        let providers = self.providers();
        let emit = |event: SpellcheckEvent| {
            let _ = self.events.send(event);
        };
        let request = DictionaryRequest::new(language, self.config.backend.as_ref(), &emit);
        let mut first_error = None;
        for provider in &providers {
            match provider.provide(&request) {
                Ok(Some(loaded)) => return Ok(Budgeted::new(loaded.speller)),
                Ok(None) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::DictionaryNotFound {
            language: language.to_owned(),
            searched: providers.iter().map(|p| p.describe(language)).collect::<Vec<_>>().join(", "),
        }))
    }

    fn providers(&self) -> Vec<Arc<dyn DictionaryProvider>> {
        let state = self.lock_state();
        let saved = self.config.storage_dir.as_ref().map(|dir| dir.join(DICTIONARIES_DIR_NAME));
        let mut providers: Vec<Arc<dyn DictionaryProvider>> = Vec::new();
        if let Some(dir) = &saved {
            providers.push(Arc::new(DirectoryProvider::new(dir)));
        }
        providers.extend(state.providers.iter().cloned());
        // The network only when languages were set and checking is on.
        let languages_set = state.settings.languages.as_ref().is_some_and(|l| !l.is_empty());
        if let Some(url) = &state.download_url
            && languages_set
            && state.settings.enabled
        {
            providers.push(Arc::new(DownloadProvider::new(
                url.clone(),
                Arc::clone(&state.fetcher),
                saved,
            )));
        }
        providers
    }

    fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<(), Error> {
        let mut state = self.lock_state();
        let mut settings = state.settings.clone();
        change(&mut settings);
        if let Some(dir) = &self.config.storage_dir
            && self.config.persist_settings
        {
            settings.save(dir)?;
        }
        state.settings = settings;
        Ok(())
    }

    // Each lock guards data that is replaced whole, so a poisoned lock
    // holds nothing half-written.
    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_dictionaries(&self) -> MutexGuard<'_, Dictionaries> {
        self.dictionaries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_custom(&self) -> MutexGuard<'_, CustomWords> {
        self.custom.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Maps each entry to its code, refusing unknown ones, without duplicates.
fn canonical_languages<S: AsRef<str>>(languages: &[S]) -> Result<Vec<String>, Error> {
    let mut codes: Vec<String> = Vec::with_capacity(languages.len());
    for language in languages {
        let language = language.as_ref();
        let code = corresponding_language(language)
            .ok_or_else(|| Error::UnknownLanguage { code: language.to_owned() })?;
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    }
    Ok(codes)
}

impl fmt::Debug for Spellchecker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spellchecker")
            .field("storage_dir", &self.config.storage_dir)
            .field("backend", &self.config.backend.name())
            .field("languages", &self.languages())
            .field("enabled", &self.is_enabled())
            .finish_non_exhaustive()
    }
}
