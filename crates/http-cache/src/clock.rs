//! Time as the cache sees it: injectable, so tests never sleep.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

/// A wait on a [`Clock`], as [`Clock::sleep`] returns it.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Where the cache reads the current time, and what its waits are measured by.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> SystemTime;

    /// Completes once this clock has moved `duration` past now. The cache
    /// bounds its waits with it (the cache lock of a key, the rest of a body
    /// whose client left), so a test that moves a [`ManualClock`] moves those
    /// deadlines too. The default waits in real time, on a timer thread of
    /// the crate rather than Tokio's time driver, which the caller's runtime
    /// may not have enabled.
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(crate::timer::sleep(duration))
    }
}

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to; clones share the same time, and
/// [`Clock::sleep`] on it ends when it is moved past the deadline.
#[derive(Clone, Debug)]
pub struct ManualClock {
    now: Arc<watch::Sender<SystemTime>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: SystemTime) -> Self {
        Self { now: Arc::new(watch::Sender::new(start)) }
    }

    /// Moves the clock forward; past the last representable time it stays there
    /// rather than panicking.
    pub fn advance(&self, by: Duration) {
        self.now.send_modify(|now| {
            if let Some(later) = now.checked_add(by) {
                *now = later;
            }
        });
    }

    /// Sets the clock.
    pub fn set(&self, to: SystemTime) {
        self.now.send_replace(to);
    }

    /// How many [`Clock::sleep`]s on this clock are still pending (created
    /// and not yet ended or dropped). A test moves the clock once the wait it
    /// means to end has begun, rather than hoping enough yields let it start.
    #[must_use]
    pub fn pending_sleeps(&self) -> usize {
        self.now.receiver_count()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.borrow()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        let mut moves = self.now.subscribe();
        let deadline = self.now().checked_add(duration);
        Box::pin(async move {
            // A deadline past what SystemTime holds is never reached; so is
            // any once every handle on the clock is gone.
            let reached = match deadline {
                Some(deadline) => moves.wait_for(|now| *now >= deadline).await.is_ok(),
                None => false,
            };
            if !reached {
                std::future::pending::<()>().await;
            }
        })
    }
}
