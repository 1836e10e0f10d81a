//! A time budget for suggestions: engines have none of their own (spellbook
//! can take seconds on crafted input), so each language's suggestions run on
//! a worker thread and the caller stops waiting at the deadline.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Instant;

use crate::backend::Speller;

/// Workers of one dictionary still running past their deadline; beyond
/// this, that dictionary gives no suggestions until one finishes, so
/// repeated slow requests can't pile up threads.
const MAX_LATE_WORKERS: usize = 2;

/// A loaded dictionary with its count of running suggestion workers.
pub(crate) struct Budgeted {
    pub(crate) speller: Arc<dyn Speller>,
    running: Arc<AtomicUsize>,
}

impl Budgeted {
    pub(crate) fn new(speller: Box<dyn Speller>) -> Self {
        Self { speller: Arc::from(speller), running: Arc::new(AtomicUsize::new(0)) }
    }
}

/// Decrements the running count when the worker ends, even by a panic.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Each speller's suggestions for `word`, in the order given; a list is
/// empty when its speller did not answer by `deadline`.
pub(crate) fn suggest_all(
    spellers: &[&Budgeted],
    word: &str,
    deadline: Instant,
) -> Vec<Vec<String>> {
    let mut lists = vec![Vec::new(); spellers.len()];
    let (tx, rx) = mpsc::channel::<(usize, Vec<String>)>();
    let mut waiting = 0;
    for (index, budgeted) in spellers.iter().enumerate() {
        if budgeted.running.fetch_add(1, Ordering::AcqRel) >= MAX_LATE_WORKERS {
            budgeted.running.fetch_sub(1, Ordering::AcqRel);
            continue;
        }
        let running = Running(Arc::clone(&budgeted.running));
        let speller = Arc::clone(&budgeted.speller);
        let tx = tx.clone();
        let word = word.to_owned();
        let spawned =
            thread::Builder::new().name("sessionkit-suggest".to_owned()).spawn(move || {
                let _running = running;
                let mut out = Vec::new();
                speller.suggest(&word, &mut out);
                let _ = tx.send((index, out));
            });
        if spawned.is_ok() {
            waiting += 1;
        }
    }
    drop(tx);
    while waiting > 0 {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
        match rx.recv_timeout(left) {
            Ok((index, out)) => {
                lists[index] = out;
                waiting -= 1;
            }
            Err(_) => break,
        }
    }
    lists
}
