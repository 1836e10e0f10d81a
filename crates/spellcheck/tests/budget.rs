//! No input can hang a caller: suggestions return within the budget even
//! when the engine takes far longer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sessionkit_spellcheck::{
    Backend, DictionaryText, Error, MemoryProvider, Spellchecker, Speller,
};

#[derive(Debug)]
struct Slow;

struct SlowSpeller;

impl Backend for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }
    fn load(&self, _: &DictionaryText) -> Result<Box<dyn Speller>, Error> {
        Ok(Box::new(SlowSpeller))
    }
}

impl Speller for SlowSpeller {
    fn check(&self, _: &str) -> bool {
        false
    }
    fn suggest(&self, _: &str, out: &mut Vec<String>) {
        std::thread::sleep(Duration::from_secs(3));
        out.push("late".to_owned());
    }
}

#[test]
fn a_slow_engine_is_cut_off_at_the_budget() -> Result<(), Error> {
    let provider = MemoryProvider::new().with_dictionary("en-US", "", "0\n")?;
    let checker = Spellchecker::builder()
        .backend(Arc::new(Slow))
        .provider(Arc::new(provider))
        .suggestion_budget(Duration::from_millis(100))
        .build()?;
    for _ in 0..4 {
        let start = Instant::now();
        assert!(checker.suggest("anything")?.is_empty());
        assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
    }
    Ok(())
}

/// Hunspell's `timelimit` kind of dictionary: digits that compound freely.
/// spellbook alone can spend seconds here; the guards keep it bounded.
#[test]
fn aggressive_compounding_stays_bounded() -> Result<(), Error> {
    let aff = "SET UTF-8\nCOMPOUNDFLAG Y\nCOMPOUNDMIN 1\nTRY 0123456789\n";
    let dic = "10\n0/Y\n1/Y\n2/Y\n3/Y\n4/Y\n5/Y\n6/Y\n7/Y\n8/Y\n9/Y\n";
    let provider = MemoryProvider::new().with_dictionary("en-US", aff, dic)?;
    let checker = Spellchecker::builder()
        .provider(Arc::new(provider))
        .suggestion_budget(Duration::from_millis(200))
        .build()?;
    let start = Instant::now();
    let word = format!("{}x", "1".repeat(22));
    let _ = checker.suggest(&word)?;
    let _ = checker.check(&"1".repeat(200))?;
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    Ok(())
}
