//! Spellchecking: checks per second and suggestion latency of sessionkit's
//! default backend (spellbook) beside Hunspell through `hunspell-rs`, on
//! Debian's `en_US` dictionary and the same generated words
//! (`sessionkit_benches::spell`). Ours is measured twice: the raw backend
//! (`Spellbook` → `Speller`, what the ratio uses: engine against engine) and
//! the `Spellchecker` on top (Chromium's guards, custom words, languages; a
//! worker thread per suggestion for the time budget).
//!
//! The peer needs the `hunspell` feature (it builds the C++ library); without
//! it the bench runs ours only. Without the dictionary it prints a message
//! and exits.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use sessionkit_benches::estimates::median_ns;
use sessionkit_benches::spell::{CHECK_COUNT, SUGGEST_COUNT, check_words, misspellings};
use sessionkit_spellcheck::{
    Backend, DictionaryText, MemoryProvider, Spellbook, Spellchecker, Speller,
};

const AFF: &str = "/usr/share/hunspell/en_US.aff";
const DIC: &str = "/usr/share/hunspell/en_US.dic";

const BACKEND: &str = "sessionkit-backend";
const CHECKER: &str = "sessionkit-spellchecker";
const PEER: &str = "hunspell-rs";
/// Our crate's own Hunspell backend (the C++ library on a thread of its
/// own, calls as messages): a diagnostic row, checks only.
#[cfg(feature = "hunspell")]
const OUR_HUNSPELL: &str = "sessionkit-hunspell-backend";

/// Long enough that no suggestion is cut off: the latency is the whole
/// search plus the `Spellchecker`'s overheads.
const SUGGESTION_BUDGET: Duration = Duration::from_secs(60);

/// The peer: `hunspell_rs::Hunspell` straight from Debian's files.
#[cfg(feature = "hunspell")]
struct Peer(hunspell_rs::Hunspell);

#[cfg(feature = "hunspell")]
impl Peer {
    fn load() -> Option<Self> {
        let hunspell = hunspell_rs::Hunspell::new(AFF, DIC);
        // hunspell-rs reports nothing when the files don't load.
        let peer = Self(hunspell);
        peer.check("dictionary").then_some(peer)
    }

    fn check(&self, word: &str) -> bool {
        self.0.check(word) == hunspell_rs::CheckResult::FoundInDictionary
    }

    fn suggest(&self, word: &str) -> Vec<String> {
        self.0.suggest(word)
    }
}

/// Stands in for the peer when the `hunspell` feature is off.
#[cfg(not(feature = "hunspell"))]
struct Peer;

#[cfg(not(feature = "hunspell"))]
impl Peer {
    fn load() -> Option<Self> {
        None
    }

    fn check(&self, _: &str) -> bool {
        unreachable!("no peer without the hunspell feature")
    }

    fn suggest(&self, _: &str) -> Vec<String> {
        unreachable!("no peer without the hunspell feature")
    }
}

struct Subjects {
    backend: Box<dyn Speller>,
    checker: Spellchecker,
    peer: Option<Peer>,
    #[cfg(feature = "hunspell")]
    our_hunspell: Box<dyn Speller>,
}

fn load(aff: &[u8], dic: &[u8], text: &DictionaryText) -> Subjects {
    let backend = Spellbook.load(text).expect("spellbook loads en_US");
    let provider = MemoryProvider::new()
        .with_dictionary("en-US", aff, dic)
        .expect("en-US is a known language");
    let checker = Spellchecker::builder()
        .provider(Arc::new(provider))
        .languages(&["en-US"])
        .persist_settings(false)
        .suggestion_budget(SUGGESTION_BUDGET)
        .build()
        .expect("an in-memory spellchecker builds");
    checker.load_dictionaries().expect("the spellchecker loads en_US");
    let peer = Peer::load();
    if cfg!(feature = "hunspell") && peer.is_none() {
        println!("{PEER} could not load {AFF}; the peer is skipped");
    }
    Subjects {
        backend,
        checker,
        peer,
        #[cfg(feature = "hunspell")]
        our_hunspell: sessionkit_spellcheck::Hunspell
            .load(text)
            .expect("our Hunspell backend loads en_US"),
    }
}

/// How each side judges the check words, before any timing: the two
/// engines should agree, and the `Spellchecker` with its backend.
fn report_agreement(s: &Subjects, words: &[String]) {
    let ours: Vec<bool> = words.iter().map(|w| s.backend.check(w)).collect();
    let accepted = ours.iter().filter(|&&ok| ok).count();
    let checker_differs =
        words.iter().zip(&ours).filter(|(w, ok)| s.checker.check(w).ok() != Some(**ok)).count();
    println!(
        "{} check words: {accepted} accepted by {BACKEND}, {checker_differs} judged otherwise by {CHECKER}",
        words.len()
    );
    if let Some(peer) = &s.peer {
        let differ: Vec<&String> = words
            .iter()
            .zip(&ours)
            .filter(|(w, ok)| peer.check(w) != **ok)
            .map(|(w, _)| w)
            .collect();
        println!(
            "{PEER} judges {} of them otherwise: {:?}",
            differ.len(),
            &differ[..differ.len().min(10)]
        );
    }
}

fn bench_check(c: &mut Criterion, s: &Subjects, words: &[String]) {
    let mut group = c.benchmark_group("spellcheck_check");
    group.throughput(Throughput::Elements(words.len() as u64));
    let n = words.len();
    group.bench_with_input(BenchmarkId::new(BACKEND, n), words, |b, words| {
        b.iter(|| words.iter().filter(|w| s.backend.check(black_box(w))).count());
    });
    group.bench_with_input(BenchmarkId::new(CHECKER, n), words, |b, words| {
        b.iter(|| words.iter().filter(|w| s.checker.check(black_box(w)).unwrap_or(true)).count());
    });
    if let Some(peer) = &s.peer {
        group.bench_with_input(BenchmarkId::new(PEER, n), words, |b, words| {
            b.iter(|| words.iter().filter(|w| peer.check(black_box(w))).count());
        });
    }
    #[cfg(feature = "hunspell")]
    group.bench_with_input(BenchmarkId::new(OUR_HUNSPELL, n), words, |b, words| {
        b.iter(|| words.iter().filter(|w| s.our_hunspell.check(black_box(w))).count());
    });
    group.finish();
}

/// Runs the suggestion group; returns how many of the `Spellchecker`'s
/// timed calls came back empty (see `report_latency_spread`).
fn bench_suggest(c: &mut Criterion, s: &Subjects, words: &[String]) -> usize {
    let mut group = c.benchmark_group("spellcheck_suggest");
    // One iteration is all the words (seconds): few samples, flat sampling.
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(words.len() as u64));
    let n = words.len();
    group.bench_with_input(BenchmarkId::new(BACKEND, n), words, |b, words| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut total = 0;
            for w in words {
                out.clear();
                s.backend.suggest(black_box(w), &mut out);
                total += out.len();
            }
            total
        });
    });
    // The `Spellchecker` answers nothing, at once, when it believes two of
    // its suggestion workers are still running; count those calls so a
    // fast figure can't hide them.
    let (mut calls, mut empty) = (0_usize, 0_usize);
    group.bench_with_input(BenchmarkId::new(CHECKER, n), words, |b, words| {
        b.iter(|| {
            let mut total = 0;
            for w in words {
                let got = s.checker.suggest(black_box(w)).map_or(0, |l| l.len());
                calls += 1;
                empty += usize::from(got == 0);
                total += got;
            }
            total
        });
    });
    if calls > 0 {
        println!("{CHECKER}: {empty} of {calls} timed suggest calls returned no suggestions");
    }
    if let Some(peer) = &s.peer {
        group.bench_with_input(BenchmarkId::new(PEER, n), words, |b, words| {
            b.iter(|| words.iter().map(|w| peer.suggest(black_box(w)).len()).sum::<usize>());
        });
    }
    group.finish();
    empty
}

/// One pass per side outside criterion with each suggestion timed alone:
/// the median, 90th percentile and maximum a user waits for one word, and
/// how many words got no suggestion at all.
fn report_latency_spread(s: &Subjects, words: &[String]) {
    fn spread(name: &str, mut one: impl FnMut(&str) -> usize, words: &[String]) {
        let mut times: Vec<Duration> = Vec::with_capacity(words.len());
        let (mut total, mut empty) = (0, 0);
        for w in words {
            let start = Instant::now();
            let got = one(w);
            times.push(start.elapsed());
            total += got;
            empty += usize::from(got == 0);
        }
        times.sort_unstable();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "suggest, one word at a time, {name}: median {:.1} ms, p90 {:.1} ms, max {:.1} ms, {:.2} suggestions/word, {empty} words without any",
            ms(at(0.5)),
            ms(at(0.9)),
            ms(at(1.0)),
            total as f64 / words.len() as f64
        );
    }
    let mut out = Vec::new();
    spread(
        BACKEND,
        |w| {
            out.clear();
            s.backend.suggest(w, &mut out);
            out.len()
        },
        words,
    );
    spread(CHECKER, |w| s.checker.suggest(w).map_or(0, |l| l.len()), words);
    if let Some(peer) = &s.peer {
        spread(PEER, |w| peer.suggest(w).len(), words);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn print_ratios(check_n: usize, suggest_n: usize, with_peer: bool, checker_empty: usize) {
    let check = |f| median_ns("spellcheck_check", f, check_n);
    let suggest = |f| median_ns("spellcheck_suggest", f, suggest_n);
    let per_second = |ns: f64| check_n as f64 / ns * 1e9 / 1e6;
    let mut functions = vec![BACKEND, CHECKER];
    if with_peer {
        functions.push(PEER);
        #[cfg(feature = "hunspell")]
        functions.push(OUR_HUNSPELL);
    }
    for f in &functions {
        if let Some(ns) = check(f) {
            println!(
                "check, {check_n} words, {f}: {:.2} ms, {:.2} M checks/s, {:.0} ns/check",
                ns / 1e6,
                per_second(ns),
                ns / check_n as f64
            );
        }
        if let Some(ns) = suggest(f) {
            println!(
                "suggest, {suggest_n} misspellings, {f}: {:.2} s, {:.1} ms/suggestion (mean)",
                ns / 1e9,
                ns / suggest_n as f64 / 1e6
            );
        }
    }
    if !with_peer {
        return;
    }
    for ours in [BACKEND, CHECKER] {
        if let (Some(o), Some(p)) = (check(ours), check(PEER)) {
            println!("check: {ours} does {:.2}x the checks/s of {PEER} (target >= 4x)", p / o);
        }
        if ours == CHECKER && checker_empty > 0 {
            println!(
                "suggest: {CHECKER} not compared, {checker_empty} of its timed calls returned nothing"
            );
        } else if let (Some(o), Some(p)) = (suggest(ours), suggest(PEER)) {
            println!(
                "suggest: {ours} takes {:.2}x {PEER}'s time per suggestion (target <= 1x)",
                o / p
            );
        }
    }
}

fn main() {
    let (Ok(aff), Ok(dic)) = (std::fs::read(AFF), std::fs::read(DIC)) else {
        println!("{AFF} / {DIC} not found (Debian: apt install hunspell-en-us); nothing to bench");
        return;
    };
    let text = DictionaryText::decode("en_US", &aff, &dic).expect("en_US decodes");
    let subjects = load(&aff, &dic, &text);
    if !cfg!(feature = "hunspell") {
        println!("the peer ({PEER}) is off: build with --features hunspell to compare");
    }

    let words = check_words(text.aff(), text.dic(), CHECK_COUNT);
    report_agreement(&subjects, &words);
    // Misspellings our engine rejects (an edit can make another real word).
    let typos: Vec<String> = misspellings(text.aff(), text.dic(), SUGGEST_COUNT * 2)
        .into_iter()
        .filter(|w| !subjects.backend.check(w))
        .take(SUGGEST_COUNT)
        .collect();
    assert_eq!(typos.len(), SUGGEST_COUNT, "enough generated misspellings are rejected");
    if let Some(peer) = &subjects.peer {
        let accepted = typos.iter().filter(|w| peer.check(w)).count();
        println!("{SUGGEST_COUNT} misspellings for suggestions; {PEER} accepts {accepted} of them");
    }

    let mut criterion = Criterion::default().configure_from_args();
    bench_check(&mut criterion, &subjects, &words);
    let checker_empty = bench_suggest(&mut criterion, &subjects, &typos);
    criterion.final_summary();
    let quick = std::env::args().any(|a| a == "--test" || a == "--list");
    if !quick {
        report_latency_spread(&subjects, &typos);
    }
    print_ratios(words.len(), typos.len(), subjects.peer.is_some(), checker_empty);
}
