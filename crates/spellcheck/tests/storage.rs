//! What a spellchecker with a storage directory keeps on disk: Chromium's
//! `Custom Dictionary.txt` (checksum, backup) and its settings.

mod common;

use std::fs;
use std::sync::Arc;

use common::memory;
use sessionkit_spellcheck::{
    CUSTOM_DICTIONARY_FILE_NAME, DictionaryProvider, Error, SETTINGS_FILE_NAME, Spellchecker,
};

fn open(dir: &std::path::Path) -> Result<Spellchecker, Error> {
    Spellchecker::builder().storage_dir(dir).provider(Arc::new(memory())).build()
}

#[test]
fn custom_words_round_trip_through_chromiums_file() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let checker = open(dir.path())?;
    assert!(checker.add_word("zebra")?);
    assert!(checker.add_word("Électron")?);
    assert!(checker.add_word("apple")?);
    assert!(checker.remove_word("zebra")?);
    let text = fs::read_to_string(dir.path().join(CUSTOM_DICTIONARY_FILE_NAME))?;
    // Sorted by bytes, one a line, then the MD5 of those lines.
    assert_eq!(text, "apple\nÉlectron\nchecksum_v1 = 2268cea540787fa807e6c66bdc61c439"); // md5sum(1)
    drop(checker);
    let reopened = open(dir.path())?;
    assert_eq!(reopened.list_words(), ["apple", "Électron"]);
    assert!(reopened.check("Électron")?);
    // The previous version is kept as the backup.
    assert!(dir.path().join(format!("{CUSTOM_DICTIONARY_FILE_NAME}.backup")).exists());
    Ok(())
}

#[test]
fn a_file_written_by_hand_without_checksum_is_read() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    fs::write(dir.path().join(CUSTOM_DICTIONARY_FILE_NAME), "one\n  two \n\n")?;
    assert_eq!(open(dir.path())?.list_words(), ["one", "two"]);
    Ok(())
}

#[test]
fn a_checksum_mismatch_falls_back_to_the_backup_and_restores_it()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(CUSTOM_DICTIONARY_FILE_NAME);
    let checker = open(dir.path())?;
    checker.add_word("first")?;
    checker.add_word("second")?; // the backup now holds "first"
    drop(checker);
    let good = fs::read_to_string(&path)?;
    fs::write(&path, good.replace("second", "sec0nd"))?;

    let checker = open(dir.path())?;
    assert_eq!(checker.list_words(), ["first"], "the backup's words");
    let restored = fs::read_to_string(&path)?;
    assert!(restored.starts_with("first\nchecksum_v1 = "), "{restored}");
    drop(checker);

    // Both corrupt: nothing is trusted, the checker starts empty.
    fs::write(&path, "a\nchecksum_v1 = 0")?;
    fs::write(
        dir.path().join(format!("{CUSTOM_DICTIONARY_FILE_NAME}.backup")),
        "b\nchecksum_v1 = 0",
    )?;
    assert!(open(dir.path())?.list_words().is_empty());
    Ok(())
}

#[test]
fn in_memory_checkers_keep_custom_words_in_memory() -> Result<(), Error> {
    let checker = Spellchecker::builder().provider(Arc::new(memory())).build()?;
    assert!(checker.add_word("sessionkit")?);
    assert_eq!(checker.list_words(), ["sessionkit"]);
    Ok(())
}

#[test]
fn languages_and_enabled_are_persisted() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let checker = open(dir.path())?;
    assert_eq!(checker.languages(), ["en-US"]);
    assert!(checker.is_enabled());
    checker.set_languages(&["fr-CA", "en_us", "fr"])?;
    assert_eq!(checker.languages(), ["fr", "en-US"]);
    checker.set_enabled(false)?;
    let err = checker.set_languages(&["en-US", "xx-YY"]).err();
    assert!(matches!(&err, Some(Error::UnknownLanguage { code }) if code == "xx-YY"), "{err:?}");
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("Invalid language code provided: \"xx-YY\" is not a valid language code")
    );
    assert_eq!(checker.languages(), ["fr", "en-US"], "unchanged after an error");
    drop(checker);

    let reopened = open(dir.path())?;
    assert_eq!(reopened.languages(), ["fr", "en-US"]);
    assert!(!reopened.is_enabled());
    assert!(dir.path().join(SETTINGS_FILE_NAME).exists());
    reopened.set_languages::<&str>(&[])?;
    assert_eq!(reopened.languages(), ["en-US"], "empty falls back to en-US");
    Ok(())
}

#[test]
fn languages_given_to_the_builder_are_not_stored() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let checker = Spellchecker::builder().storage_dir(dir.path()).languages(&["fr"]).build()?;
    assert_eq!(checker.languages(), ["fr"]);
    assert!(!dir.path().join(SETTINGS_FILE_NAME).exists());
    assert!(matches!(
        Spellchecker::builder().languages(&["klingon"]).build(),
        Err(Error::UnknownLanguage { .. })
    ));
    Ok(())
}

#[test]
fn dictionaries_in_a_directory_use_hunspell_file_names() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    fs::write(dir.path().join("es_ES.aff"), "SET UTF-8\n")?;
    fs::write(dir.path().join("es_ES.dic"), "1\nhola\n")?;
    let provider = sessionkit_spellcheck::DirectoryProvider::new(dir.path());
    assert!(provider.describe("es-MX").contains("es_MX.aff/es_ES.aff/es.aff"));
    let checker =
        Spellchecker::builder().provider(Arc::new(provider)).languages(&["es-MX"]).build()?;
    let mut events = checker.subscribe();
    assert!(checker.check("hola")?);
    assert!(!checker.check("holla")?);
    assert_eq!(events.try_recv()?.name(), "spellcheck-dictionary-initialized");

    let missing = Spellchecker::builder()
        .provider(Arc::new(sessionkit_spellcheck::DirectoryProvider::new(dir.path())))
        .languages(&["de"])
        .build()?;
    let err = missing.load_dictionaries().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.starts_with("no dictionary for de: looked for de_DE.aff/de.aff in "), "{err}");
    Ok(())
}
