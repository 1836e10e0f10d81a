//! Hunspell `.aff`/`.dic` loading: arbitrary bytes (the `.aff` file, a NUL,
//! the `.dic` file) never panic. Inputs are capped at 4 KiB per file so
//! each run stays short; checked words are capped at 24 characters.
//! Invariants: a decoded dictionary re-decodes from its UTF-8 form to the
//! same text, and a loaded one answers `check` for its own stems.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionkit_spellcheck::{Backend, DictionaryText, Spellbook, words};

const MAX_FILE: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let (aff, dic) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    if aff.len() > MAX_FILE || dic.len() > MAX_FILE {
        return;
    }
    let Ok(text) = DictionaryText::decode("fuzz", aff, dic) else { return };
    let utf8 = text.aff_as_utf8();
    let again = DictionaryText::decode("fuzz", utf8.as_bytes(), text.dic().as_bytes())
        .expect("the UTF-8 form decodes");
    assert_eq!(again.dic(), text.dic());
    assert_eq!(again.encoding(), "UTF-8");

    let Ok(speller) = Spellbook.load(&text) else { return };
    for line in text.dic().lines().skip(1).take(16) {
        let stem = line.split('/').next().unwrap_or_default();
        for (_, word) in words(stem).take(2) {
            if word.chars().count() <= 24 {
                let _ = speller.check(word);
            }
        }
    }
});
