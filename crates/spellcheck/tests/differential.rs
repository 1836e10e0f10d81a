//! Both backends give the same verdicts (feature `hunspell` only): on the
//! small dictionaries of these tests, and on a few thousand words of
//! Debian's en_US when it is installed.

#![cfg(feature = "hunspell")]
// The counts are the point of a differential run.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::sync::Arc;

use sessionkit_spellcheck::{
    Backend, DirectoryProvider, Error, Hunspell, Spellbook, Spellchecker, words,
};

fn verdicts(
    backend: Arc<dyn Backend>,
    checker_of: impl Fn(Arc<dyn Backend>) -> Spellchecker,
    list: &[String],
) -> Result<Vec<bool>, Error> {
    let checker = checker_of(backend);
    list.iter().map(|w| checker.check(w)).collect()
}

fn compare(
    checker_of: impl Fn(Arc<dyn Backend>) -> Spellchecker + Copy,
    list: &[String],
) -> Result<(), Error> {
    let ours = verdicts(Arc::new(Spellbook), checker_of, list)?;
    let theirs = verdicts(Arc::new(Hunspell), checker_of, list)?;
    let differ: Vec<(&String, bool, bool)> = list
        .iter()
        .zip(ours.iter().zip(&theirs))
        .filter(|(_, (a, b))| a != b)
        .map(|(w, (a, b))| (w, *a, *b))
        .collect();
    println!("{} words, {} differ", list.len(), differ.len());
    assert!(differ.is_empty(), "word, spellbook, hunspell: {differ:?}");
    Ok(())
}

/// The two tests run one at a time: each loads several Hunspell
/// dictionaries, and the library's process-wide tables are only safe when
/// loads and unloads don't overlap (the backend serialises them too).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn same_verdicts_on_the_test_dictionaries() -> Result<(), Error> {
    let _serial = serial();
    let list: Vec<String> = [
        "walk",
        "walks",
        "walked",
        "walkd",
        "tries",
        "tryed",
        "undo",
        "unwalk",
        "Hello",
        "HELLO",
        "hELLO",
        "sunflower",
        "sunwalk",
        "football",
        "footballs",
        "badword",
        "phone",
        "fone",
        "café",
        "cafés",
        "cafe",
        "été",
        "l'été",
        "l'ami",
        "l'maison",
        "maisons",
        "world",
        "worlds",
    ]
    .iter()
    .map(|w| (*w).to_owned())
    .collect();
    compare(|b| common::checker(&b, &["en-US", "fr"]), &list)?;
    compare(|b| common::checker(&b, &["fr"]), &list)
}

#[test]
fn same_verdicts_on_debians_en_us() -> Result<(), Box<dyn std::error::Error>> {
    let _serial = serial();
    let dic = std::path::Path::new("/usr/share/hunspell/en_US.dic");
    if !dic.exists() {
        if std::env::var("CI").as_deref() == Ok("true") {
            return Err("CI=true but /usr/share/hunspell/en_US.dic is missing (apt-get install hunspell-en-us)".into());
        }
        eprintln!("skipped: /usr/share/hunspell/en_US.dic is not installed");
        return Ok(());
    }
    // Stems of the dictionary, plus variants: suffixes, capitals, typos.
    let text = std::fs::read_to_string(dic)?;
    let mut list: Vec<String> = Vec::new();
    for (i, line) in text.lines().skip(1).step_by(40).enumerate() {
        let stem = line.split('/').next().unwrap_or_default();
        let Some((_, word)) = words(stem).next() else { continue };
        list.push(word.to_owned());
        match i % 5 {
            0 => list.push(format!("{word}s")),
            1 => list.push(format!("{word}ing")),
            2 => list.push(word.to_uppercase()),
            3 => list.push(word.chars().rev().collect()),
            _ => list.push(format!("{word}ed")),
        }
    }
    assert!(list.len() > 2000, "{}", list.len());
    compare(
        |b| {
            Spellchecker::builder()
                .backend(b)
                .provider(Arc::new(DirectoryProvider::system()))
                .build()
                .expect("builds")
        },
        &list,
    )?;
    Ok(())
}
