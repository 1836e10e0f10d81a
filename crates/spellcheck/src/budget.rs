//! A time budget for suggestions: engines have none of their own (spellbook
//! can take seconds on crafted input), so each language's suggestions run on
//! a worker thread and the caller stops waiting at the deadline.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Instant;

use crate::backend::Speller;

/// Workers of one dictionary still running after their caller stopped
/// waiting; beyond this, that dictionary gives no suggestions until one
/// finishes, so repeated slow requests can't pile up threads. Workers whose
/// caller is still waiting do not count: back-to-back and concurrent calls
/// that finish in time are never refused.
const MAX_LATE_WORKERS: usize = 2;

/// A loaded dictionary with its count of late suggestion workers.
pub(crate) struct Budgeted {
    pub(crate) speller: Arc<dyn Speller>,
    late: Arc<AtomicUsize>,
}

impl Budgeted {
    pub(crate) fn new(speller: Box<dyn Speller>) -> Self {
        Self { speller: Arc::from(speller), late: Arc::new(AtomicUsize::new(0)) }
    }
}

const RUNNING: u8 = 0;
const FINISHED: u8 = 1;
const ABANDONED: u8 = 2;

/// One worker's fate, decided once by whichever side gets there first: the
/// worker finishing, or its caller giving up at the deadline. Only an
/// abandoned worker counts as late, and it stops counting when it ends.
struct Worker {
    state: AtomicU8,
    late: Arc<AtomicUsize>,
}

impl Worker {
    /// Called by the caller at its deadline for a worker it never heard from.
    fn abandon(&self) {
        if self
            .state
            .compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.late.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Called by the worker when it ends (also by a panic, through [`Finish`]).
    fn finish(&self) {
        if self.state.swap(FINISHED, Ordering::AcqRel) == ABANDONED {
            self.late.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// Marks the worker finished when it ends, even by a panic.
struct Finish(Arc<Worker>);

impl Drop for Finish {
    fn drop(&mut self) {
        self.0.finish();
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
    let mut workers: Vec<Option<Arc<Worker>>> = vec![None; spellers.len()];
    for (index, budgeted) in spellers.iter().enumerate() {
        if budgeted.late.load(Ordering::Acquire) >= MAX_LATE_WORKERS {
            continue;
        }
        let worker =
            Arc::new(Worker { state: AtomicU8::new(RUNNING), late: Arc::clone(&budgeted.late) });
        let finish = Finish(Arc::clone(&worker));
        let speller = Arc::clone(&budgeted.speller);
        let tx = tx.clone();
        let word = word.to_owned();
        let spawned =
            thread::Builder::new().name("sessionkit-suggest".to_owned()).spawn(move || {
                let mut out = Vec::new();
                speller.suggest(&word, &mut out);
                // Finished before the answer is sent, so a caller that got it
                // never sees this worker as late.
                drop(finish);
                let _ = tx.send((index, out));
            });
        if spawned.is_ok()
            && let Some(slot) = workers.get_mut(index)
        {
            *slot = Some(worker);
        }
    }
    drop(tx);
    let mut waiting = workers.iter().filter(|w| w.is_some()).count();
    while waiting > 0 {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
        match rx.recv_timeout(left) {
            Ok((index, out)) => {
                if let Some(slot) = lists.get_mut(index) {
                    *slot = out;
                }
                if let Some(slot) = workers.get_mut(index) {
                    *slot = None;
                }
                waiting -= 1;
            }
            Err(_) => break,
        }
    }
    for worker in workers.into_iter().flatten() {
        worker.abandon();
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[derive(Debug)]
    struct Slow(Duration);

    impl Speller for Slow {
        fn check(&self, _: &str) -> bool {
            false
        }
        fn suggest(&self, word: &str, out: &mut Vec<String>) {
            thread::sleep(self.0);
            out.push(format!("{word}!"));
        }
    }

    #[test]
    fn back_to_back_calls_that_finish_in_time_are_never_refused() {
        let dict = Budgeted::new(Box::new(Slow(Duration::ZERO)));
        for i in 0..500 {
            let lists = suggest_all(&[&dict], "w", Instant::now() + Duration::from_secs(5));
            assert_eq!(lists, vec![vec!["w!".to_owned()]], "call {i}");
        }
        assert_eq!(dict.late.load(Ordering::Acquire), 0);
    }

    #[test]
    fn late_workers_are_capped_and_released_when_they_end() {
        let dict = Budgeted::new(Box::new(Slow(Duration::from_millis(300))));
        for _ in 0..MAX_LATE_WORKERS {
            assert_eq!(suggest_all(&[&dict], "w", Instant::now()), vec![Vec::<String>::new()]);
        }
        assert_eq!(dict.late.load(Ordering::Acquire), MAX_LATE_WORKERS);
        // At the cap no worker starts, even with time to spare.
        let started = Instant::now();
        let lists = suggest_all(&[&dict], "w", started + Duration::from_secs(5));
        assert_eq!(lists, vec![Vec::<String>::new()]);
        assert!(started.elapsed() < Duration::from_millis(250));
        // Once the late workers end, suggestions come back.
        let give_up = Instant::now() + Duration::from_secs(10);
        while dict.late.load(Ordering::Acquire) > 0 && Instant::now() < give_up {
            thread::sleep(Duration::from_millis(10));
        }
        let lists = suggest_all(&[&dict], "w", Instant::now() + Duration::from_secs(5));
        assert_eq!(lists, vec![vec!["w!".to_owned()]]);
    }
}
