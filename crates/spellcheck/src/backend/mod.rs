//! Backends: the engines that check and suggest with one dictionary.

mod spellbook;

#[cfg(feature = "hunspell")]
mod hunspell;

use std::fmt;

pub use self::spellbook::Spellbook;

#[cfg(feature = "hunspell")]
pub use self::hunspell::Hunspell;

use crate::{DictionaryText, Error};

/// A spelling engine: turns a dictionary into a [`Speller`].
///
/// [`Spellbook`] (pure Rust) is the default; `Hunspell` (the C++
/// library, `hunspell` feature) is the other. Both pass the same tests.
pub trait Backend: Send + Sync + fmt::Debug {
    /// A short name for messages (`"spellbook"`, `"hunspell"`).
    fn name(&self) -> &'static str;

    /// Loads a decoded dictionary.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDictionary`] when the engine refuses the files.
    fn load(&self, dictionary: &DictionaryText) -> Result<Box<dyn Speller>, Error>;
}

/// One loaded dictionary. Shared between threads; the
/// [`Spellchecker`](crate::Spellchecker) applies Chromium's guards before
/// calling it, so a speller sees no control characters, no word over 64
/// characters and no suggestion request over 24.
pub trait Speller: Send + Sync {
    /// Whether the dictionary accepts `word`.
    fn check(&self, word: &str) -> bool;

    /// Appends suggestions for `word` to `out`, best first.
    fn suggest(&self, word: &str, out: &mut Vec<String>);
}
