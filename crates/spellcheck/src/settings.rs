//! The settings a persistent partition keeps: whether checking is on and
//! the languages (Chromium's prefs `spellcheck.enable` and
//! `spellcheck.dictionaries`), one `key = value` a line.

use std::path::Path;

use crate::Error;
use crate::fsutil::{read_limited, write_atomically};
use crate::languages::corresponding_language;

/// The settings file's name in the partition directory.
pub const SETTINGS_FILE_NAME: &str = "Spellcheck Settings.txt";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) enabled: bool,
    /// `None` until languages were set.
    pub(crate) languages: Option<Vec<String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self { enabled: true, languages: None }
    }
}

impl Settings {
    /// Reads the file; unknown keys, bad values and unknown codes are
    /// skipped, a missing file gives the defaults.
    pub(crate) fn load(dir: &Path) -> Result<Self, Error> {
        let mut settings = Self::default();
        let Some(bytes) = read_limited(&dir.join(SETTINGS_FILE_NAME), "the settings", 1 << 16)?
        else {
            return Ok(settings);
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            let Some((key, value)) = line.split_once('=') else { continue };
            match (key.trim(), value.trim()) {
                ("enabled", "true") => settings.enabled = true,
                ("enabled", "false") => settings.enabled = false,
                ("languages", list) => {
                    let mut codes: Vec<String> = Vec::new();
                    for code in list.split(',').filter_map(corresponding_language) {
                        if !codes.iter().any(|c| c == code) {
                            codes.push(code.to_owned());
                        }
                    }
                    settings.languages = Some(codes);
                }
                _ => {}
            }
        }
        Ok(settings)
    }

    pub(crate) fn save(&self, dir: &Path) -> Result<(), Error> {
        let mut text = format!("enabled = {}\n", self.enabled);
        if let Some(languages) = &self.languages {
            text.push_str(&format!("languages = {}\n", languages.join(",")));
        }
        write_atomically(&dir.join(SETTINGS_FILE_NAME), text.as_bytes())
    }
}
