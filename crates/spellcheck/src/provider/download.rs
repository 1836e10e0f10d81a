//! Downloading dictionaries from a base URL (Electron's
//! `setSpellCheckerDictionaryDownloadURL`).

use std::path::PathBuf;
use std::sync::Arc;

use url::Url;

use super::{DictionaryProvider, DictionaryRequest, LoadedDictionary};
use crate::dictionary::{MAX_AFF_BYTES, MAX_DIC_BYTES};
use crate::fetch::Fetch;
use crate::fsutil::write_atomically;
use crate::languages::dictionary_file_stem;
use crate::{Error, SpellcheckEvent};

/// Fetches `${base}${stem}.aff` and `.dic` with lower-case names, checks
/// that they load, then saves them under their Hunspell names in
/// `save_dir` (when there is one), each written atomically.
#[derive(Debug)]
pub(crate) struct DownloadProvider {
    base: Url,
    fetcher: Arc<dyn Fetch>,
    save_dir: Option<PathBuf>,
}

impl DownloadProvider {
    pub(crate) fn new(base: Url, fetcher: Arc<dyn Fetch>, save_dir: Option<PathBuf>) -> Self {
        Self { base, fetcher, save_dir }
    }

    fn url(&self, stem: &str, extension: &str) -> Result<Url, Error> {
        // Electron concatenates: the trailing slash of the base matters.
        let text = format!("{}{}.{extension}", self.base, stem.to_ascii_lowercase());
        Url::parse(&text).map_err(|e| Error::InvalidUrl { url: text, reason: e.to_string() })
    }

    fn fetch(&self, url: &Url, limit: usize) -> Result<Vec<u8>, Error> {
        self.fetcher
            .get(url, limit)
            .map_err(|e| Error::Download { url: url.to_string(), reason: e.to_string() })
    }

    fn download(
        &self,
        stem: &str,
        request: &DictionaryRequest<'_>,
    ) -> Result<LoadedDictionary, Error> {
        let aff_url = self.url(stem, "aff")?;
        let dic_url = self.url(stem, "dic")?;
        let aff = self.fetch(&aff_url, MAX_AFF_BYTES)?;
        let dic = self.fetch(&dic_url, MAX_DIC_BYTES)?;
        let loaded = request.load(stem, &aff, &dic).map_err(|e| Error::Download {
            url: aff_url.to_string(),
            reason: format!("not a usable dictionary: {e}"),
        })?;
        if let Some(dir) = &self.save_dir {
            // The .dic first: a crash between the two renames leaves a pair
            // that fails to load and is downloaded again.
            write_atomically(&dir.join(format!("{stem}.dic")), &dic)?;
            write_atomically(&dir.join(format!("{stem}.aff")), &aff)?;
        }
        Ok(loaded)
    }
}

impl DictionaryProvider for DownloadProvider {
    fn provide(&self, request: &DictionaryRequest<'_>) -> Result<Option<LoadedDictionary>, Error> {
        let language = request.language().to_owned();
        let Some(stem) = dictionary_file_stem(&language) else { return Ok(None) };
        request.emit(SpellcheckEvent::DownloadBegin { language: language.clone() });
        match self.download(&stem, request) {
            Ok(loaded) => {
                request.emit(SpellcheckEvent::DownloadSuccess { language });
                Ok(Some(loaded))
            }
            Err(e) => {
                request.emit(SpellcheckEvent::DownloadFailure { language, reason: e.to_string() });
                Err(e)
            }
        }
    }

    fn describe(&self, language: &str) -> String {
        let stem = dictionary_file_stem(language).unwrap_or_default().to_ascii_lowercase();
        format!("{}{stem}.aff", self.base)
    }
}
