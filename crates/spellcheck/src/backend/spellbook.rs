//! The default backend: spellbook, a pure-Rust port of Nuspell.

use super::{Backend, Speller};
use crate::{DictionaryText, Error};

/// The [spellbook](https://docs.rs/spellbook) backend: pure Rust, no
/// system dependencies, `Send + Sync`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spellbook;

impl Backend for Spellbook {
    fn name(&self) -> &'static str {
        "spellbook"
    }

    fn load(&self, dictionary: &DictionaryText) -> Result<Box<dyn Speller>, Error> {
        let loaded = spellbook::Dictionary::new(dictionary.aff(), dictionary.dic())
            .map_err(|e| Error::invalid(dictionary.name(), e.to_string()))?;
        Ok(Box::new(SpellbookSpeller(loaded)))
    }
}

struct SpellbookSpeller(spellbook::Dictionary);

impl Speller for SpellbookSpeller {
    fn check(&self, word: &str) -> bool {
        self.0.check(word)
    }

    fn suggest(&self, word: &str, out: &mut Vec<String>) {
        self.0.suggest(word, out);
    }
}
