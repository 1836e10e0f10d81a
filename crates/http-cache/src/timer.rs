//! Real-time waits that need no Tokio time driver: the cache runs on its
//! caller's runtime, which may have timers disabled (or be no Tokio runtime
//! at all), where `tokio::time` would panic. One thread, started on first
//! use, wakes every wait at its deadline.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::future::Future;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// Waits at most this many registered timers before dropping those nobody
/// waits for any more (a lock acquired before its timeout leaves its timer).
const PRUNE_ABOVE: usize = 1024;

#[derive(Default)]
struct Timers {
    due: BinaryHeap<Reverse<(Instant, u64)>>,
    wakers: HashMap<u64, oneshot::Sender<()>>,
    next: u64,
    /// How many timers were still waited for after the last prune: the next
    /// prune waits until there are twice as many, so many live timers (each
    /// request's lock wait) do not make every new one rescan them all.
    live_after_prune: usize,
}

impl Timers {
    /// Drops the timers nobody waits for any more, once enough piled up.
    fn prune(&mut self) {
        if self.wakers.len() <= PRUNE_ABOVE.max(self.live_after_prune.saturating_mul(2)) {
            return;
        }
        self.wakers.retain(|_, waker| !waker.is_closed());
        let wakers = &self.wakers;
        let live = std::mem::take(&mut self.due);
        self.due = live.into_iter().filter(|Reverse((_, id))| wakers.contains_key(id)).collect();
        self.live_after_prune = self.wakers.len();
    }
}

struct Wheel {
    timers: Mutex<Timers>,
    changed: Condvar,
}

fn wheel() -> Option<&'static Wheel> {
    static WHEEL: OnceLock<Option<&'static Wheel>> = OnceLock::new();
    *WHEEL.get_or_init(|| {
        let wheel: &'static Wheel =
            Box::leak(Box::new(Wheel { timers: Mutex::default(), changed: Condvar::new() }));
        std::thread::Builder::new()
            .name("http-cache-timer".into())
            .spawn(move || run(wheel))
            .ok()
            .map(|_| wheel)
    })
}

fn run(wheel: &Wheel) {
    let mut timers = wheel.timers.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let now = Instant::now();
        while let Some(Reverse((at, id))) = timers.due.peek().copied() {
            if at > now {
                break;
            }
            timers.due.pop();
            if let Some(waker) = timers.wakers.remove(&id) {
                let _ = waker.send(());
            }
        }
        timers = match timers.due.peek() {
            None => wheel.changed.wait(timers).unwrap_or_else(PoisonError::into_inner),
            Some(Reverse((at, _))) => {
                let wait = at.saturating_duration_since(now);
                wheel.changed.wait_timeout(timers, wait).unwrap_or_else(PoisonError::into_inner).0
            }
        };
    }
}

/// Completes once `duration` has passed. A deadline past what `Instant` holds,
/// or a timer thread that could not start, never completes: the wait it
/// bounds is then unbounded, as it was without a timeout, rather than a panic.
pub(crate) fn sleep(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
    let (tx, rx) = oneshot::channel();
    let armed = Instant::now().checked_add(duration).zip(wheel()).map(|(at, wheel)| {
        let mut timers = wheel.timers.lock().unwrap_or_else(PoisonError::into_inner);
        timers.prune();
        let id = timers.next;
        timers.next += 1;
        timers.due.push(Reverse((at, id)));
        timers.wakers.insert(id, tx);
        drop(timers);
        wheel.changed.notify_one();
    });
    async move {
        if armed.is_none() || rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_sleep_ends_and_an_endless_one_does_not_panic() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(sleep(Duration::from_millis(1)));
        let endless = sleep(Duration::MAX);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        assert!(std::pin::pin!(endless).poll(&mut cx).is_pending());
    }

    /// Timers still waited for are not rescanned per new timer: a prune
    /// runs again only once their number doubled.
    #[test]
    fn live_timers_are_pruned_only_when_they_doubled() {
        let mut timers = Timers::default();
        let far = Instant::now() + Duration::from_secs(3600);
        let add = |timers: &mut Timers| {
            let (tx, rx) = oneshot::channel();
            let id = timers.next;
            timers.next += 1;
            timers.due.push(Reverse((far, id)));
            timers.wakers.insert(id, tx);
            timers.prune();
            rx
        };
        let mut receivers: Vec<_> = (0..=PRUNE_ABOVE).map(|_| add(&mut timers)).collect();
        assert_eq!(timers.live_after_prune, PRUNE_ABOVE + 1, "pruned once, all live");
        receivers.extend((0..PRUNE_ABOVE).map(|_| add(&mut timers)));
        assert_eq!(timers.live_after_prune, PRUNE_ABOVE + 1, "no prune until doubled");
        // Abandoned timers are dropped by the prune that doubling brings.
        receivers.truncate(10);
        let (one, two) = (add(&mut timers), add(&mut timers));
        // The ten kept and the two being added.
        assert_eq!(timers.wakers.len(), 12);
        assert_eq!(timers.due.len(), 12);
        assert_eq!(timers.live_after_prune, 12);
        drop((one, two));
    }
}
