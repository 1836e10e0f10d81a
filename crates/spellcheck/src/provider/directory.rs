//! Dictionaries in a local directory, named as Hunspell dictionaries are
//! shipped (`en_US.aff` + `en_US.dic`).

use std::path::{Path, PathBuf};

use super::{DictionaryProvider, DictionaryRequest, LoadedDictionary};
use crate::Error;
use crate::dictionary::{MAX_AFF_BYTES, MAX_DIC_BYTES};
use crate::fsutil::read_limited;
use crate::languages::candidate_file_stems;

/// Where Debian (and most distributions) install Hunspell dictionaries.
pub const SYSTEM_DICTIONARY_DIR: &str = "/usr/share/hunspell";

/// A directory of `.aff`/`.dic` pairs. For a language it tries, in order,
/// the code itself (`es_MX`), the dictionary Chromium uses for it
/// (`es_ES`) and the bare language (`es`). Offline: it never downloads.
#[derive(Debug, Clone)]
pub struct DirectoryProvider {
    dir: PathBuf,
}

impl DirectoryProvider {
    /// Looks in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// Debian's [`SYSTEM_DICTIONARY_DIR`].
    #[must_use]
    pub fn system() -> Self {
        Self::new(SYSTEM_DICTIONARY_DIR)
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl DictionaryProvider for DirectoryProvider {
    fn provide(&self, request: &DictionaryRequest<'_>) -> Result<Option<LoadedDictionary>, Error> {
        for stem in candidate_file_stems(request.language()) {
            let aff_path = self.dir.join(format!("{stem}.aff"));
            let dic_path = self.dir.join(format!("{stem}.dic"));
            let Some(aff) = read_limited(&aff_path, "the .aff file", MAX_AFF_BYTES)? else {
                continue;
            };
            let Some(dic) = read_limited(&dic_path, "the .dic file", MAX_DIC_BYTES)? else {
                continue;
            };
            let name = self.dir.join(&stem).display().to_string();
            return request.load(&name, &aff, &dic).map(Some);
        }
        Ok(None)
    }

    fn describe(&self, language: &str) -> String {
        let names: Vec<String> =
            candidate_file_stems(language).iter().map(|s| format!("{s}.aff")).collect();
        format!("{} in {}", names.join("/"), self.dir.display())
    }
}
