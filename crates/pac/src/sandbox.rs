//! The limits a script runs under, and the interrupt handler that enforces
//! the time budget.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::Runtime;

/// Resource limits for one PAC engine.
///
/// The time budget applies to each call (loading the script counts as one);
/// QuickJS polls the interrupt handler while it executes, so a busy loop ends
/// within a few milliseconds of the budget. Time spent inside a blocking
/// native helper (a slow DNS lookup) is not interruptible, but it counts, so
/// the script is stopped as soon as it runs JavaScript again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Wall-clock budget of one `FindProxyForURL` call, and of loading the
    /// script. Default 1 s.
    pub time_budget: Duration,
    /// Heap limit of the engine in bytes. Default 64 MiB.
    pub memory_limit: usize,
    /// JavaScript stack limit in bytes. Default 256 KiB; the thread that
    /// runs the engine needs more native stack than this.
    pub max_stack: usize,
    /// Largest script accepted, in bytes. Default 1 MiB (Chromium's fetch
    /// limit).
    pub max_script_len: usize,
}

/// Chromium's limit on the size of a PAC script download.
pub const MAX_SCRIPT_LEN: usize = 1 << 20;

impl Default for Limits {
    fn default() -> Self {
        Self {
            time_budget: Duration::from_secs(1),
            memory_limit: 64 << 20,
            max_stack: 256 << 10,
            max_script_len: MAX_SCRIPT_LEN,
        }
    }
}

impl Limits {
    /// The default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the time budget of one call.
    #[must_use]
    pub const fn with_time_budget(mut self, budget: Duration) -> Self {
        self.time_budget = budget;
        self
    }

    /// Sets the heap limit in bytes.
    #[must_use]
    pub const fn with_memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Sets the JavaScript stack limit in bytes.
    #[must_use]
    pub const fn with_max_stack(mut self, bytes: usize) -> Self {
        self.max_stack = bytes;
        self
    }

    /// Sets the largest script accepted, in bytes.
    #[must_use]
    pub const fn with_max_script_len(mut self, bytes: usize) -> Self {
        self.max_script_len = bytes;
        self
    }
}

/// The deadline shared between the engine and its interrupt handler.
#[derive(Clone, Debug, Default)]
pub(crate) struct Deadline {
    at: Rc<Cell<Option<Instant>>>,
    fired: Rc<Cell<bool>>,
}

impl Deadline {
    /// Applies the limits to `runtime` and installs the interrupt handler.
    pub(crate) fn install(runtime: &Runtime, limits: &Limits) -> Self {
        runtime.set_memory_limit(limits.memory_limit);
        runtime.set_max_stack_size(limits.max_stack);
        let deadline = Self::default();
        let handler = deadline.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || handler.expired())));
        deadline
    }

    /// Starts a call with `budget` from now.
    pub(crate) fn arm(&self, budget: Duration) {
        self.fired.set(false);
        self.at.set(Instant::now().checked_add(budget));
    }

    /// Ends a call; returns whether the handler interrupted it.
    pub(crate) fn disarm(&self) -> bool {
        self.at.set(None);
        self.fired.replace(false)
    }

    fn expired(&self) -> bool {
        let expired = self.at.get().is_some_and(|at| Instant::now() >= at);
        if expired {
            self.fired.set(true);
        }
        expired
    }
}
