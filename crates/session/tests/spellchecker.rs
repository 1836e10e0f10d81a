//! `Session::spellchecker()` on persistent and in-memory partitions.

use std::sync::Arc;

use sessionkit::spellcheck::{CUSTOM_DICTIONARY_FILE_NAME, MemoryProvider};
use sessionkit::{PartitionOptions, Sessions};

#[test]
fn custom_words_and_languages_live_in_the_partition() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let sessions = Sessions::new(dir.path())?;
    let work = sessions.from_partition("persist:work", PartitionOptions::default())?;
    let checker = work.spellchecker()?;
    assert!(Arc::ptr_eq(&checker, &work.spellchecker()?), "one per session");
    checker.set_languages(&["fr-CA"])?;
    assert!(checker.add_word("sessionkit")?);
    let path = work.storage_path().map(|p| p.join(CUSTOM_DICTIONARY_FILE_NAME));
    assert!(path.is_some_and(|p| p.exists()));
    drop((checker, work));

    let work = sessions.from_partition("persist:work", PartitionOptions::default())?;
    let checker = work.spellchecker()?;
    assert_eq!(checker.list_words(), ["sessionkit"]);
    assert_eq!(checker.languages(), ["fr"]);
    let err = checker.set_languages(&["zz"]).map_err(sessionkit::Error::from).err();
    assert!(err.is_some_and(|e| e.is_invalid_input()));
    Ok(())
}

#[test]
fn in_memory_sessions_check_with_given_dictionaries() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let sessions = Sessions::new(dir.path())?;
    let scratch = sessions.from_partition("scratch", PartitionOptions::default())?;
    let checker = scratch.spellchecker()?;
    let provider = MemoryProvider::new().with_dictionary("en-US", "SET UTF-8\n", "1\nhello\n")?;
    checker.set_providers(vec![Arc::new(provider)]);
    assert!(checker.check("hello")?);
    assert!(!checker.check("helo")?);
    assert!(checker.add_word("helo")?, "kept in memory (Electron refuses)");
    assert!(checker.check("helo")?);
    Ok(())
}
