//! Behaviour every backend must share, on small dictionaries written here.

mod common;

use common::{backends, checker};
use sessionkit_spellcheck::{DictionaryText, Error, MemoryProvider, Spellchecker};
use std::sync::Arc;

#[test]
fn affixes_compounds_and_forbidden_words() -> Result<(), Error> {
    for backend in backends() {
        let checker = checker(&backend, &["en-US"]);
        let name = backend.name();
        for word in [
            "walk",
            "walks",
            "walked",
            "tries",
            "tried",
            "undo",
            "Hello",
            "HELLO",
            "sunflower",
            "football",
            "footballs",
        ] {
            assert!(checker.check(word)?, "{name}: {word} should be correct");
        }
        for word in ["walkz", "tryed", "unwalk", "sunwalk", "badword", "helo"] {
            assert!(!checker.check(word)?, "{name}: {word} should be wrong");
        }
        let suggestions = checker.suggest("walkd")?;
        assert!(
            suggestions.contains(&"walked".to_owned()) || suggestions.contains(&"walk".to_owned()),
            "{name}: {suggestions:?}"
        );
        assert!(suggestions.len() <= 5);
        assert!(checker.suggest("fone")?.contains(&"phone".to_owned()), "{name}: REP f→ph");
        assert!(checker.suggest("walks")?.is_empty(), "{name}: a correct word gets none");
    }
    Ok(())
}

#[test]
fn iso_8859_1_dictionaries_are_decoded_by_their_set_line() -> Result<(), Error> {
    for backend in backends() {
        let checker = checker(&backend, &["fr"]);
        let name = backend.name();
        for word in ["café", "cafés", "été", "l'été", "amis", "l'ami"] {
            assert!(checker.check(word)?, "{name}: {word}");
        }
        for word in ["cafe", "caf\u{e9}x", "l'maison"] {
            assert!(!checker.check(word)?, "{name}: {word}");
        }
        assert!(checker.suggest("cafe")?.contains(&"café".to_owned()), "{name}");
    }
    Ok(())
}

#[test]
fn several_languages_a_word_is_wrong_only_when_all_reject_it() -> Result<(), Error> {
    for backend in backends() {
        let checker = checker(&backend, &["en-US", "fr-FR"]);
        assert_eq!(checker.languages(), ["en-US", "fr-FR"]);
        assert!(checker.check("walks")?);
        assert!(checker.check("café")?);
        assert!(!checker.check("wolkz")?);
        let wrong: Vec<String> = checker
            .misspelled_words("Hello café, walkz amis l'été xyzzy")?
            .into_iter()
            .map(|m| m.word)
            .collect();
        assert_eq!(wrong, ["walkz", "xyzzy"], "{}", backend.name());
        let merged = checker.suggest("mison")?;
        assert!(merged.len() <= 5);
        let unique: std::collections::HashSet<_> = merged.iter().collect();
        assert_eq!(unique.len(), merged.len(), "no duplicates: {merged:?}");
    }
    Ok(())
}

#[test]
fn chromium_guards_apply_before_the_engine() -> Result<(), Error> {
    for backend in backends() {
        let checker = checker(&backend, &["en-US"]);
        // Control characters (NUL panics hunspell-rs) are stripped.
        assert!(checker.check("wa\0lk\u{7}s")?);
        assert!(!checker.check("\0walkz")?);
        assert!(checker.check("\0\u{1}")?, "empty after stripping");
        // Over 64 characters: not checked, reported correct.
        assert!(checker.check(&"x".repeat(65))?);
        assert!(!checker.check(&"x".repeat(64))?);
        // Suggestions only up to 24 characters.
        assert!(checker.suggest(&"walkz".repeat(5))?.is_empty());
    }
    Ok(())
}

#[test]
fn custom_words_count_as_correct_in_every_backend() -> Result<(), Error> {
    for backend in backends() {
        let checker = checker(&backend, &["en-US"]);
        assert!(!checker.check("sessionkit")?);
        assert!(checker.add_word("sessionkit")?);
        assert!(
            checker.check("sessionkit")?
                && checker.check("Sessionkit")?
                && checker.check("SESSIONKIT")?
        );
        assert!(checker.suggest("sessionkit")?.is_empty());
        assert!(checker.remove_word("sessionkit")?);
        assert!(!checker.check("sessionkit")?);
        assert!(!checker.add_word(" padded")?);
    }
    Ok(())
}

#[test]
fn disabled_checking_accepts_everything_and_loads_nothing() -> Result<(), Error> {
    let checker = Spellchecker::builder().build()?;
    checker.set_enabled(false)?;
    assert!(!checker.is_enabled());
    assert!(checker.check("zzxq")?);
    assert!(checker.suggest("zzxq")?.is_empty());
    checker.set_enabled(true)?;
    assert!(matches!(checker.check("zzxq"), Err(Error::DictionaryNotFound { .. })));
    Ok(())
}

#[test]
fn broken_dictionaries_are_errors_not_panics() {
    assert!(matches!(
        DictionaryText::decode("x", b"SET KLINGON\n", b"1\na\n"),
        Err(Error::UnsupportedEncoding { .. })
    ));
    assert!(DictionaryText::decode("x", b"SET UTF-8\n", b"1\n\xff\n").is_err());
    for backend in backends() {
        let provider = MemoryProvider::new()
            .with_dictionary("en-US", "SET UTF-8\n", "not a count\nword\n")
            .expect("code");
        let checker = Spellchecker::builder()
            .backend(Arc::clone(&backend))
            .provider(Arc::new(provider))
            .build()
            .expect("builds");
        // Either the backend refuses it or loads it leniently; never a panic.
        let _ = checker.check("word");
    }
}
