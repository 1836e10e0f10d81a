//! Electron's spellchecker for Rust: Hunspell dictionaries, several
//! languages at once, the user's custom words and dictionary downloads,
//! with Chromium's guards.
//!
//! * A [`Spellchecker`] checks with every language set; a word is
//!   misspelled only when all of them reject it. Suggestions are merged
//!   across languages, without duplicates, at most 5.
//! * Chromium's guards: control characters are stripped, words over 64
//!   characters are not checked, suggestions only for words up to 24
//!   characters, and each [`Spellchecker::suggest`] returns within a time
//!   budget ([`DEFAULT_SUGGESTION_BUDGET`]) whatever the input.
//! * Dictionaries are Hunspell `.aff`/`.dic` pairs, decoded by their `SET`
//!   line ([`DictionaryText`]), from [`DictionaryProvider`]s: a directory
//!   ([`DirectoryProvider`], e.g. Debian's `/usr/share/hunspell`), memory
//!   ([`MemoryProvider`]), or a download URL
//!   ([`Spellchecker::set_dictionary_download_url`], over a [`Fetch`]).
//!   Nothing touches the network unless languages were set, checking is
//!   enabled and a download URL was given.
//! * Engines: [`Spellbook`] (pure Rust, default) and `Hunspell` (the C++
//!   library, feature `hunspell`) behind the [`Backend`] trait.
//! * Custom words live in Chromium's `Custom Dictionary.txt` (with its
//!   `checksum_v1` trailer) in the storage directory; settings in
//!   [`SETTINGS_FILE_NAME`]; downloads in `Dictionaries/`.
//! * Events ([`SpellcheckEvent`]) through [`Spellchecker::subscribe`].
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use sessionkit_spellcheck::{MemoryProvider, Spellchecker, SpellcheckEvent};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A tiny en-US dictionary: "walk" with the suffix flag S (walks).
//! let aff = "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\nSFX S Y 1\nSFX S 0 s .\n";
//! let dic = "3\nwalk/S\ntalk/S\nhello\n";
//! let provider = MemoryProvider::new().with_dictionary("en-US", aff, dic)?;
//! let checker = Spellchecker::builder().provider(Arc::new(provider)).build()?;
//! let mut events = checker.subscribe();
//!
//! assert_eq!(checker.languages(), ["en-US"]);
//! assert!(checker.check("walks")?);
//! assert!(!checker.check("walkz")?);
//! assert!(checker.suggest("walkz")?.contains(&"walks".to_owned()));
//! assert_eq!(
//!     events.try_recv()?,
//!     SpellcheckEvent::Initialized { language: "en-US".into() }
//! );
//!
//! // Electron: ses.addWordToSpellCheckerDictionary("sessionkit")
//! assert!(checker.add_word("sessionkit")?);
//! let wrong: Vec<_> = checker.misspelled_words("hello sessionkit, walkz")?
//!     .into_iter().map(|m| m.word).collect();
//! assert_eq!(wrong, ["walkz"]);
//! # Ok(())
//! # }
//! ```
//!
//! # Deviation
//!
//! Where this crate differs from Electron and Chromium:
//!
//! * **Custom words in memory.** A spellchecker without a storage
//!   directory (an in-memory partition) keeps custom words in memory;
//!   Electron refuses `addWordToSpellCheckerDictionary` there (returns
//!   `false`).
//! * **Dictionary files.** Dictionaries are Hunspell `.aff`/`.dic` pairs,
//!   not Chromium's `.bdic`: a download URL must serve `en_us.aff` and
//!   `en_us.dic` (lower case), not `en-us-10-1.bdic`. There is no default
//!   download URL (Chromium's CDN only has `.bdic` files), so nothing is
//!   downloaded unless [`Spellchecker::set_dictionary_download_url`] is
//!   called — and then only for languages that were set while checking is
//!   enabled (Electron downloads even when disabled, electron#22995).
//! * **Lazy, synchronous loading.** Dictionaries load on the first check
//!   or [`Spellchecker::load_dictionaries`], on the calling thread;
//!   Electron loads them in the background when languages are set.
//!   `Initialized` is sent for every dictionary loaded, also from disk or
//!   memory (as electron#44668 asks).
//! * **Empty language list.** `set_languages(&[])` goes back to `en-US`
//!   without turning checking off (Electron also disables checking).
//! * **Errors.** An unknown code is an error, as in Electron; a missing or
//!   broken dictionary is an error from [`Spellchecker::check`] when no
//!   language could be loaded (Electron silently does not check), and
//!   `DownloadFailure` carries the reason.
//! * **Time budget.** Suggestions are cut off after the budget (Chromium
//!   has none; Hunspell has its own internal limits). A dictionary whose
//!   suggestions ran over keeps at most two late workers running and gives
//!   no suggestions while they do.
//! * **Custom words and case.** A custom word in lower case is also
//!   accepted capitalised or in capitals (as Hunspell's `add` does); custom
//!   words are not offered as suggestions.
//! * **Tokenising** ([`words`]) is a simple rule (letters, digits, inner
//!   apostrophes), not ICU's word breaker; hyphenated words are checked
//!   part by part.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod backend;
mod budget;
mod builder;
mod checker;
mod custom_dictionary;
mod dictionary;
mod encoding;
mod error;
mod events;
mod fetch;
mod fsutil;
mod guards;
mod languages;
mod md5;
mod provider;
mod settings;
mod tokenize;

#[cfg(feature = "hunspell")]
pub use backend::Hunspell;
pub use backend::{Backend, Spellbook, Speller};
pub use builder::{DEFAULT_SUGGESTION_BUDGET, DICTIONARIES_DIR_NAME, SpellcheckerBuilder};
pub use checker::{Misspelling, Spellchecker};
pub use custom_dictionary::{
    CUSTOM_DICTIONARY_FILE_NAME, MAX_CUSTOM_WORD_BYTES, is_valid_custom_word,
};
pub use dictionary::{DictionaryText, MAX_AFF_BYTES, MAX_DIC_BYTES};
pub use error::Error;
pub use events::SpellcheckEvent;
pub use fetch::{Fetch, FetchError, HttpFetch};
pub use guards::{MAX_CHECKED_WORD_CHARS, MAX_SUGGESTED_WORD_CHARS, MAX_SUGGESTIONS};
pub use languages::{
    DEFAULT_LANGUAGE, available_languages, candidate_file_stems, corresponding_language,
    dictionary_file_stem, dictionary_region,
};
pub use provider::{
    DictionaryProvider, DictionaryRequest, DirectoryProvider, LoadedDictionary, MemoryProvider,
    SYSTEM_DICTIONARY_DIR,
};
pub use settings::SETTINGS_FILE_NAME;
pub use tokenize::words;
