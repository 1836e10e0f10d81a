//! Chromium's `Custom Dictionary.txt`: the user's own words, one UTF-8 word
//! a line, then `checksum_v1 = <md5 of the lines before>`. A file whose
//! checksum does not match is ignored in favour of its `.backup` copy,
//! which is restored when it is good, as Chromium does.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::fsutil::{read_limited, write_atomically};
use crate::md5::md5_hex;

/// The file's name in the partition directory (Chromium's).
pub const CUSTOM_DICTIONARY_FILE_NAME: &str = "Custom Dictionary.txt";

/// Longest custom word in UTF-8 bytes (Chromium's
/// `MAX_CUSTOM_DICTIONARY_WORD_BYTES`).
pub const MAX_CUSTOM_WORD_BYTES: usize = 99;

const CHECKSUM_PREFIX: &str = "checksum_v1 = ";
const BACKUP_SUFFIX: &str = ".backup";
/// Largest custom dictionary file read.
const MAX_FILE_BYTES: usize = 16 << 20;

/// Chromium's `IsValidWord`: 1–99 UTF-8 bytes, no surrounding ASCII
/// whitespace. Words with control characters are refused too (they could
/// never be checked, and a newline would break the file).
#[must_use]
pub fn is_valid_custom_word(word: &str) -> bool {
    !word.is_empty()
        && word.len() <= MAX_CUSTOM_WORD_BYTES
        && word.trim_matches(|c: char| c.is_ascii_whitespace()) == word
        && !word.chars().any(char::is_control)
}

/// The words of a file's contents, `None` when its checksum does not match.
pub(crate) fn parse(contents: &[u8]) -> Option<BTreeSet<String>> {
    let prefix = CHECKSUM_PREFIX.as_bytes();
    let found = contents.windows(prefix.len()).rposition(|w| w == prefix);
    let words = match found {
        Some(pos) => {
            let (body, trailer) = contents.split_at(pos);
            if trailer[prefix.len()..] != *md5_hex(body).as_bytes() {
                return None;
            }
            body
        }
        None => contents,
    };
    Some(
        words
            .split(|&b| b == b'\n')
            .filter_map(|line| std::str::from_utf8(line).ok())
            .map(|line| line.trim_matches(|c: char| c.is_ascii_whitespace()))
            .filter(|word| is_valid_custom_word(word))
            .map(str::to_owned)
            .collect(),
    )
}

/// The file's contents for `words` (sorted, as Chromium's `std::set`).
pub(crate) fn serialize(words: &BTreeSet<String>) -> String {
    let mut body = String::new();
    for word in words {
        body.push_str(word);
        body.push('\n');
    }
    let checksum = md5_hex(body.as_bytes());
    body.push_str(CHECKSUM_PREFIX);
    body.push_str(&checksum);
    body
}

/// The custom words of one spellchecker: in a file, or in memory only.
#[derive(Debug, Default)]
pub(crate) struct CustomWords {
    path: Option<PathBuf>,
    words: BTreeSet<String>,
}

impl CustomWords {
    /// Words kept in memory only.
    pub(crate) fn memory() -> Self {
        Self::default()
    }

    /// Loads `<dir>/Custom Dictionary.txt` (Chromium's
    /// `LoadDictionaryFileReliably`).
    pub(crate) fn open(dir: &Path) -> Result<Self, Error> {
        let path = dir.join(CUSTOM_DICTIONARY_FILE_NAME);
        let backup = backup_path(&path);
        let words = match read_limited(&path, "the custom dictionary", MAX_FILE_BYTES)? {
            None => BTreeSet::new(),
            Some(contents) => match parse(&contents) {
                Some(words) => words,
                None => match read_limited(&backup, "the custom dictionary", MAX_FILE_BYTES)?
                    .as_deref()
                    .and_then(parse)
                {
                    Some(words) => {
                        fs::copy(&backup, &path).map_err(|e| Error::io("restore", &path, e))?;
                        words
                    }
                    None => BTreeSet::new(),
                },
            },
        };
        Ok(Self { path: Some(path), words })
    }

    pub(crate) fn list(&self) -> Vec<String> {
        self.words.iter().cloned().collect()
    }

    /// Whether the word is one of the custom words, also capitalised or in
    /// capitals when it was added in lower case (as Hunspell treats added
    /// words).
    pub(crate) fn accepts(&self, word: &str) -> bool {
        if self.words.is_empty() {
            return false;
        }
        if self.words.contains(word) {
            return true;
        }
        let mut chars = word.chars();
        let Some(first) = chars.next() else { return false };
        let rest: String = chars.collect();
        let lower = word.to_lowercase();
        if first.is_uppercase() && rest.to_lowercase() == rest && self.words.contains(&lower) {
            return true;
        }
        // Capitals match any word (a small set: a scan is fine).
        if word.to_uppercase() == word && word.chars().any(char::is_alphabetic) {
            return self.words.iter().any(|w| w.to_uppercase() == word);
        }
        false
    }

    /// Adds a word; `false` when it is invalid or already there.
    pub(crate) fn add(&mut self, word: &str) -> Result<bool, Error> {
        if !is_valid_custom_word(word) || self.words.contains(word) {
            return Ok(false);
        }
        self.words.insert(word.to_owned());
        self.save_or_undo(|words| {
            words.remove(word);
        })
    }

    /// Removes a word; `false` when it is not there.
    pub(crate) fn remove(&mut self, word: &str) -> Result<bool, Error> {
        if !self.words.remove(word) {
            return Ok(false);
        }
        self.save_or_undo(|words| {
            words.insert(word.to_owned());
        })
    }

    /// Saves (Chromium's `SavePassedWordsToDictionaryFileReliably`: back
    /// up the current file, then replace it atomically); on failure the
    /// change is undone in memory too.
    fn save_or_undo(&mut self, undo: impl FnOnce(&mut BTreeSet<String>)) -> Result<bool, Error> {
        let Some(path) = &self.path else { return Ok(true) };
        let saved =
            backup(path).and_then(|()| write_atomically(path, serialize(&self.words).as_bytes()));
        match saved {
            Ok(()) => Ok(true),
            Err(e) => {
                undo(&mut self.words);
                Err(e)
            }
        }
    }
}

fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(BACKUP_SUFFIX);
    PathBuf::from(name)
}

fn backup(path: &Path) -> Result<(), Error> {
    match fs::copy(path, backup_path(path)) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("back up", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> BTreeSet<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn round_trip_with_checksum() {
        let words = set(&["zebra", "Électron", "apple"]);
        let text = serialize(&words);
        assert!(text.starts_with("apple\nzebra\nÉlectron\n"));
        assert!(
            text.ends_with(&format!(
                "checksum_v1 = {}",
                md5_hex(b"apple\nzebra\n\xc3\x89lectron\n")
            ))
        );
        assert_eq!(parse(text.as_bytes()), Some(words));
    }

    #[test]
    fn a_bad_checksum_rejects_the_file_and_no_checksum_is_accepted() {
        let text = serialize(&set(&["one"])).replace("one", "two");
        assert_eq!(parse(text.as_bytes()), None);
        assert_eq!(parse(b"  one \n\ntwo\r\n \xff\xfe\n"), Some(set(&["one", "two"])));
        assert_eq!(parse(b""), Some(BTreeSet::new()));
    }

    #[test]
    fn words_are_validated_like_chromium() {
        assert!(is_valid_custom_word("ok"));
        assert!(is_valid_custom_word(&"é".repeat(49)));
        assert!(!is_valid_custom_word(&"é".repeat(50)));
        assert!(!is_valid_custom_word(""));
        assert!(!is_valid_custom_word(" lead"));
        assert!(!is_valid_custom_word("new\nline"));
    }

    #[test]
    fn case_variants_of_lower_case_words_are_accepted() -> Result<(), Error> {
        let mut words = CustomWords::memory();
        assert!(words.add("electronify")?);
        assert!(words.add("McFoo")?);
        assert!(!words.add("electronify")?);
        for ok in ["electronify", "Electronify", "ELECTRONIFY", "McFoo", "MCFOO"] {
            assert!(words.accepts(ok), "{ok}");
        }
        for wrong in ["eLectronify", "mcfoo", "Mcfoo"] {
            assert!(!words.accepts(wrong), "{wrong}");
        }
        assert!(words.remove("McFoo")?);
        assert!(!words.remove("McFoo")?);
        assert_eq!(words.list(), ["electronify"]);
        Ok(())
    }
}
