//! `Session::spellchecker()`: the session's spellchecker, its custom words
//! and downloads in the session directory.

use std::sync::Arc;

use sessionkit_spellcheck::Spellchecker;

use crate::Error;
use crate::session::Session;

impl Session {
    /// The session's spellchecker, made on the first call; later calls
    /// return the same one.
    ///
    /// A persistent session keeps its settings, `Custom Dictionary.txt`
    /// and downloaded dictionaries (`Dictionaries/`) in its directory;
    /// an in-memory session keeps custom words in memory. Dictionaries are
    /// looked for in the session's `Dictionaries/`, then in Debian's
    /// `/usr/share/hunspell`, then downloaded when a download URL is set.
    /// The built-in download client speaks `http://` only; give another
    /// with [`Spellchecker::set_fetcher`] for `https://`.
    ///
    /// Electron: the `ses.*SpellChecker*` methods and the
    /// `spellcheck-dictionary-*` events; see
    /// [`sessionkit_spellcheck`] for the differences.
    ///
    /// # Errors
    ///
    /// [`Error::Spellcheck`] when the stored settings or custom words can't
    /// be read; the next call tries again.
    pub fn spellchecker(&self) -> Result<Arc<Spellchecker>, Error> {
        let mut slot = self.spellchecker_slot();
        if let Some(checker) = slot.as_ref() {
            return Ok(Arc::clone(checker));
        }
        let mut builder = Spellchecker::builder();
        if let Some(dir) = self.storage_path() {
            builder = builder.storage_dir(dir);
        }
        let checker = Arc::new(builder.system_dictionaries().build()?);
        *slot = Some(Arc::clone(&checker));
        Ok(checker)
    }
}
