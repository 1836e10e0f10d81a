//! Tiny dictionaries written for these tests, and the backends to run
//! every test against.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use sessionkit_spellcheck::{Backend, MemoryProvider, Spellbook, Spellchecker};

/// English-like: suffixes S (plural), D (past), prefix U (un-), a
/// compound flag C, a forbidden word and a REP entry.
pub const EN_AFF: &str = "\
SET UTF-8
TRY esianrtolcdugmphbyfvkwzESIANRTOLCDUGMPHBYFVKWZ'
REP 1
REP f ph
PFX U Y 1
PFX U 0 un .
SFX S Y 2
SFX S 0 s [^sxy]
SFX S y ies y
SFX D Y 2
SFX D 0 ed [^y]
SFX D y ied y
COMPOUNDFLAG C
COMPOUNDMIN 3
FORBIDDENWORD X
";

pub const EN_DIC: &str = "\
12
walk/SD
talk/SD
try/SD
do/U
hello
world/S
phone/S
sun/C
flower/SC
foot/C
ball/SC
badword/X
";

/// French-like, ISO-8859-1 encoded: accented words and an elision prefix.
pub const FR_AFF: &[u8] = b"SET ISO8859-1\nTRY esaitnrulodcpm\xe9\xe8\xea\nPFX L Y 1\nPFX L 0 l' [aeiou\xe9]\nSFX S Y 1\nSFX S 0 s .\n";
pub const FR_DIC: &[u8] = b"4\ncaf\xe9/S\n\xe9t\xe9/L\nmaison/S\nami/LS\n";

pub fn backends() -> Vec<Arc<dyn Backend>> {
    #[cfg_attr(not(feature = "hunspell"), allow(unused_mut))]
    let mut backends: Vec<Arc<dyn Backend>> = vec![Arc::new(Spellbook)];
    #[cfg(feature = "hunspell")]
    backends.push(Arc::new(sessionkit_spellcheck::Hunspell));
    backends
}

pub fn memory() -> MemoryProvider {
    MemoryProvider::new()
        .with_dictionary("en-US", EN_AFF, EN_DIC)
        .and_then(|p| p.with_dictionary("fr", FR_AFF, FR_DIC))
        .expect("valid languages")
}

pub fn checker(backend: &Arc<dyn Backend>, languages: &[&str]) -> Spellchecker {
    Spellchecker::builder()
        .backend(Arc::clone(backend))
        .provider(Arc::new(memory()))
        .languages(languages)
        .build()
        .expect("builds")
}
